"""Opinion groups of a stance step as people read them: plain data for the report, the
export and the console (no Flask, no database; `opinion.find_opinion_groups` does the maths).

Only aggregates leave here: a group's size, its centre on the picture and what sets it
apart; never who is in it. Groups under the minimum size are counted in `left_out`.
Common ground comes first, as the issue asks: what the groups share matters most.
"""
from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from dialogue.synthesis.opinion import find_opinion_groups

# Representative statements shown per group, and common-ground / divisive statements.
TOP = 3


def group_label(index: int) -> str:
    """Groups are called A, B, C ... (largest first), as in Pol.is."""
    return string.ascii_uppercase[index % 26]


def _share(success: int, trials: int) -> float:
    return round(success / trials, 4) if trials else 0.0


def summarise(votes: Iterable[tuple[Any, Any, int]], texts: Mapping[Any, str], minimum: int, *,
              moderated_out: Iterable[Any] = (), people: Mapping[Any, str] | None = None,
              statements: Mapping[Any, str] | None = None) -> dict[str, Any] | None:
    """The opinion groups of `votes` (participant, statement, 1/-1/0) over the statements in
    `texts` ({statement: text}); None while fewer than two groups of at least `minimum`
    people can be reported (then there are no groups to tell apart).

    {"groups": [{"label", "size", "x", "y", "representative": [{"text", "direction", "share"}]}],
     "left_out": people in groups too small to show, "clustered": people grouped,
     "consensus": [{"text", "direction", "share", "votes"}], "divisive": [{"text"}],
     "group_informed": [{"text", "value"}] (every statement, highest first)}

    `moderated_out` statements (hidden after voting) are not reported, but votes on them
    count towards who is grouped, as in Pol.is. Where participants and statements came
    from another tool, `people` and `statements` map them to its ids: then each group
    also lists its members' `external_ids` and each statement its `external_id` (the
    JSON export of an imported Pol.is conversation; those ids are already pseudonyms).
    """
    moderated_out = set(moderated_out) - set(texts)
    votes = [v for v in votes if v[1] in texts or v[1] in moderated_out]
    found = find_opinion_groups(votes, min_group_size=minimum, top=TOP, moderated_out=moderated_out)
    reported = [g for g in found.groups if not g.suppressed]
    if len(reported) < 2:
        return None
    groups = []
    for index, group in enumerate(reported):
        points = [found.coordinates[m] for m in group.members if m in found.coordinates]
        x = sum(p[0] for p in points) / len(points) if points else 0.0
        y = sum(p[1] for p in points) / len(points) if points else 0.0
        groups.append({"label": group_label(index), "size": group.size, "x": round(x, 4), "y": round(y, 4),
                       "representative": [{"text": texts[r.statement], "direction": r.direction,
                                           "share": _share(r.n_success, r.n_trials)}
                                          for r in group.representative]})
        if people:
            groups[-1]["external_ids"] = sorted((people[m] for m in group.members if m in people),
                                                key=lambda e: (len(e), e))
    return {
        "groups": groups,
        "left_out": sum(g.size for g in found.groups if g.suppressed),
        "clustered": len(found.clustered),
        "consensus": [{"text": texts[c.statement], "direction": c.direction,
                       "share": _share(c.n_success, c.n_trials), "votes": c.n_trials}
                      for c in found.consensus],
        "divisive": [{"text": texts[d.statement]} for d in found.divisive],
        "group_informed": [{"text": texts[s], "value": round(v, 4),
                            **({"external_id": statements[s]} if statements and s in statements else {})}
                           for s, v in sorted(found.group_informed_consensus.items(),
                                              key=lambda kv: (-kv[1], str(kv[0]))) if s in texts],
    }
