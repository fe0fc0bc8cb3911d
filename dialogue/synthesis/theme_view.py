"""What the console's theme suggestions page proposes, from plain data (no Flask, no database).

`propose` classifies the contributions that have no theme yet into the dialogue's themes
(learning from the texts staff already put in each theme), or into the service areas of
the findings register while the dialogue has no themes; what gets no suggestion is then
searched for new themes (`suggest.discover`). Nothing here changes anything: staff accept
what they agree with (the `accept_suggestion` command).
"""
from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from dialogue.synthesis import service_areas, suggest
from dialogue.synthesis.offload import in_background

# A new theme is proposed only for a group of at least this many texts: one text is not a theme.
MIN_CLUSTER = 2
NAME_MAX = 120


# The lemmatiser's dictionaries load once per process, slowly (Finnish: about 15 s on a
# busy server). The page does not wait for that: it starts the load and says so.
_ready: set[str] = set()
_loading: set[str] = set()
_lock = threading.Lock()


def warm(language: str) -> None:
    """Load `language`'s word lists now (blocking); then suggestions for it are quick."""
    suggest.warm_up([language])
    with _lock:
        _ready.add(language)
        _loading.discard(language)


def prepare(language: str) -> bool:
    """Whether suggestions in `language` can be made quickly now; if not, start loading
    its word lists in the background (once) and return False."""
    language = language if language in suggest.LANGUAGES else "fi"
    with _lock:
        if language in _ready:
            return True
        if language in _loading:
            return False
        _loading.add(language)
    in_background(warm, language)
    return False


def _words(because) -> list[dict[str, str]]:
    return [{"written": w.written, "base": w.base} for w in because]


def _cluster_name(cluster: suggest.Cluster, texts: Sequence[str], language: str) -> str:
    """A new theme's proposed name: its service area, else its characteristic words."""
    if cluster.area and cluster.area != "other":
        return service_areas.name(cluster.area, language)
    if cluster.words:
        return ", ".join(cluster.words[:3]).capitalize()[:NAME_MAX]
    return texts[cluster.central][:60]


def propose(contributions: Sequence[tuple[int, str]], themes: Sequence[tuple[int, str]],
            examples: Mapping[int, Sequence[str]], language: str = "fi") -> dict[str, Any]:
    """Suggestions for `contributions` [(id, text)] without a theme.

    `themes` are the dialogue's [(id, name)], `examples` each theme's tagged texts. Returns
    {"into": "themes" | "areas", "targets": [{"theme_id", "name", "items"}], "new": [{"name",
    "words", "central", "items"}], "none": [ids without any suggestion]}; each item is
    {"id", "text", "confidence", "because": [{"written", "base"}]}, best first.
    """
    language = language if language in suggest.LANGUAGES else "fi"
    texts = [text for _, text in contributions]
    if themes:
        targets = suggest.theme_targets([(str(i), name) for i, name in themes], language)
        tagged = {str(i): list(t) for i, t in examples.items()}
    else:
        targets = [t for t in suggest.service_area_targets(language) if t.key != "other"]
        tagged = {}
    suggestions = suggest.classify(texts, targets, language, examples=tagged)
    by_target: dict[str, list[dict[str, Any]]] = {}
    left: list[int] = []
    for index, ((cid, text), s) in enumerate(zip(contributions, suggestions)):
        if s.target is None:
            left.append(index)
            continue
        by_target.setdefault(s.target, []).append({"id": cid, "text": text, "confidence": s.confidence,
                                                   "because": _words(s.because)})
    proposed = []
    for target in targets:
        items = sorted(by_target.get(target.key, []), key=lambda i: (-i["confidence"], i["id"]))
        if items:
            proposed.append({"theme_id": int(target.key) if themes else None, "name": target.name,
                             "items": items})

    new, clustered = [], set()
    left_texts = [texts[i] for i in left]
    for cluster in suggest.discover(left_texts, language):
        if len(cluster.members) < MIN_CLUSTER:
            continue
        members = [left[m] for m in cluster.members]
        clustered.update(members)
        new.append({"name": _cluster_name(cluster, left_texts, language), "words": list(cluster.words),
                    "central": texts[left[cluster.central]],
                    "items": [{"id": contributions[i][0], "text": texts[i]} for i in members]})
    none = [contributions[i][0] for i in left if i not in clustered]
    return {"into": "themes" if themes else "areas", "targets": proposed, "new": new, "none": none}
