"""The projector screen: a secret link per dialogue."""
