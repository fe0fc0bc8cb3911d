"""The small-group rule, defined once: a group of people smaller than the minimum size
(OSUVA_MIN_GROUP_SIZE, default 5) is never shown or exported on its own, so that no one
can be picked out of it. Its people still count in the totals."""
from __future__ import annotations

from typing import Any

from flask import current_app

from dialogue.config import MIN_GROUP_SIZE

#: The group that small groups are merged into.
OTHER = "other"
#: The group of people who did not tell (their role, their municipality).
NOT_GIVEN = "not_given"


def min_group_size() -> int:
    """The smallest group shown on its own (the MIN_GROUP_SIZE setting)."""
    try:
        return max(1, int(current_app.config.get("MIN_GROUP_SIZE", MIN_GROUP_SIZE)))
    except RuntimeError:  # outside an app context
        return MIN_GROUP_SIZE


def large_enough(count: int, minimum: int | None = None) -> bool:
    """Whether a group of `count` people may be shown on its own."""
    return count >= (minimum or min_group_size())


def suppress_small_groups(counts: dict[str, int], minimum: int | None = None) -> dict[str, Any]:
    """Groups of at least `minimum` people on their own; the rest merged into "other".

    If the merged "other" is itself smaller than `minimum`, it is left out and only
    its size is told as `left_out` (so the total still adds up, but no small group
    can be picked out). Returns {"groups": [{"group", "count"}], "left_out": n}.
    """
    minimum = minimum or min_group_size()
    shown = {k: n for k, n in counts.items() if large_enough(n, minimum) and k != OTHER}
    rest = sum(n for k, n in counts.items() if k not in shown)
    groups = [{"group": k, "count": n} for k, n in sorted(shown.items(), key=lambda kv: (-kv[1], kv[0]))]
    left_out = 0
    if large_enough(rest, minimum):
        groups.append({"group": OTHER, "count": rest})
    else:
        left_out = rest
    return {"groups": groups, "left_out": left_out}
