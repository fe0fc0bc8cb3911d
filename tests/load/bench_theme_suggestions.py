"""Theme suggestions benchmark: quality on the test set and time over 2,000 contributions.

    python tests/load/bench_theme_suggestions.py
    python tests/load/bench_theme_suggestions.py --count 5000 --splits 20

Prints figures and asserts nothing (the floors are in tests/test_theme_suggestions.py):

- accuracy on tests/data/service_area_texts.csv into the ten service areas: without tagged
  examples (at the default threshold, where "no suggestion" counts as wrong, and as a best
  guess), how many get a suggestion and how many of those are right; with 3 tagged examples
  per area (averaged over random choices, measured on the other contributions); with the
  examples alone and no vocabulary; and with each contribution's own words taken out of the
  vocabulary (how far compounds, stems and the other words carry it);
- discovery's adjusted Rand index against the known areas;
- seconds for classify (without and with examples) and discover over --count synthetic
  contributions made from the set (joined, with inflected vocabulary words and typos, so
  most words are new), each from a cold base-form cache, after simplemma's dictionaries
  are loaded (that load is printed first: it happens once per process).
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import adjusted_rand_score

from dialogue.synthesis import suggest
from dialogue.synthesis.suggest import Target, classify, discover

DATA = ROOT / "tests" / "data" / "service_area_texts.csv"
ENDINGS = ["", "", "n", "a", "lla", "ssa", "sta", "lle", "ja", "ille", "t", "kin", "ksi"]


def load(language):
    with DATA.open(encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if row["language"] == language]
    return [row["text"] for row in rows], [row["area"] for row in rows]


def accuracy(suggestions, gold):
    return sum(s.target == g for s, g in zip(suggestions, gold)) / len(gold)


def splits(gold, count, per_area=3):
    """(examples-by-area indexes, held-out indexes) for `count` random choices."""
    for seed in range(count):
        chooser = random.Random(seed)
        examples, held_out = {}, []
        for area in sorted(set(gold)):
            indexes = [i for i, a in enumerate(gold) if a == area]
            chooser.shuffle(indexes)
            examples[area] = indexes[:per_area]
            held_out += indexes[per_area:]
        yield examples, held_out


def without_own_words(text, language):
    """The service areas with the text's own base forms and written words taken out of the
    vocabulary and the names."""
    own = {w.base for w in suggest.words(text, language)}
    own |= {w.written.lower() for w in suggest.words(text, language)}
    targets = []
    for target in suggest.service_area_targets(language):
        kept = {entry: weight for entry, weight in target.words.items()
                if entry not in own and suggest.base_form(entry, language) not in own}
        name = " ".join(w.written for w in suggest.words(target.name, language) if w.base not in own)
        targets.append(Target(target.key, name, kept))
    return targets


def quality(language, split_count):
    texts, gold = load(language)
    print(f"\n{language}: {len(texts)} contributions, {len(set(gold))} areas "
          f"(classified into all {len(suggest.service_area_targets(language))} service areas)")
    plain = classify(texts, None, language)
    suggested = [(s, g) for s, g in zip(plain, gold) if s.target]
    print(f"  no examples:            accuracy {accuracy(plain, gold):.3f}  "
          f"(best guess {accuracy(classify(texts, None, language, threshold=0), gold):.3f}; "
          f"suggested {len(suggested) / len(gold):.0%}, of which right "
          f"{sum(s.target == g for s, g in suggested) / max(len(suggested), 1):.3f})")

    with_examples, examples_only, zero_same = [], [], []
    empty = [Target(t.key) for t in suggest.service_area_targets(language)]
    for chosen, held_out in splits(gold, split_count):
        examples = {area: [texts[i] for i in indexes] for area, indexes in chosen.items()}
        rest, rest_gold = [texts[i] for i in held_out], [gold[i] for i in held_out]
        with_examples.append(accuracy(classify(rest, None, language, examples=examples), rest_gold))
        examples_only.append(accuracy(classify(rest, empty, language, examples=examples,
                                               threshold=0), rest_gold))
        zero_same.append(accuracy(classify(rest, None, language), rest_gold))
    print(f"  3 examples per area:    accuracy {statistics.mean(with_examples):.3f} "
          f"(min {min(with_examples):.3f}, {split_count} splits; the same held-out texts "
          f"without examples {statistics.mean(zero_same):.3f})")
    print(f"  examples, no vocabulary: accuracy {statistics.mean(examples_only):.3f} "
          f"(best guess; a text sharing nothing with the examples gets none)")

    stressed = [classify([text], without_own_words(text, language), language)[0]
                for text in texts]
    print(f"  own words out of vocabulary: accuracy {accuracy(stressed, gold):.3f}")

    labels = [-1] * len(texts)
    clusters = discover(texts, language)
    for number, cluster in enumerate(clusters):
        for member in cluster.members:
            labels[member] = number
    print(f"  discovery: adjusted Rand index {adjusted_rand_score(gold, labels):.3f}, "
          f"{len(clusters)} clusters")
    for cluster in clusters:
        print(f"    {len(cluster.members):3d} {cluster.area or '-':12s} {', '.join(cluster.words)}"
              f"  | {texts[cluster.central]}")


def synthetic(count, seed=0):
    """`count` contributions from the Finnish set: 1-3 joined, an inflected vocabulary word,
    an occasional typo, so that most words are new to the base-form cache."""
    texts, _ = load("fi")
    vocabulary = sorted({w for words in suggest.load_vocabulary("fi").values() for w in words})
    chooser = random.Random(seed)
    made = []
    for _ in range(count):
        parts = [chooser.choice(texts) for _ in range(chooser.choice([1, 1, 2, 3]))]
        if chooser.random() < 0.6:
            parts.append(chooser.choice(vocabulary) + chooser.choice(ENDINGS))
        text = ", ".join(parts)
        if chooser.random() < 0.3:
            i = chooser.randrange(1, max(len(text) - 1, 2))
            text = text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
        made.append(text)
    return made


def timing(count):
    texts = synthetic(count)
    words = {w.lower() for t in texts for w in t.replace(",", " ").split()}
    print(f"\ntiming: {count} contributions, {len(words)} distinct written words")
    sample, gold = load("fi")
    examples = {}
    for text, area in zip(sample, gold):
        examples.setdefault(area, []).append(text)
    examples = {area: found[:3] for area, found in examples.items()}
    for label, run in [
        ("classify, no examples", lambda: classify(texts, None, "fi")),
        ("classify, 3 examples per area", lambda: classify(texts, None, "fi", examples=examples)),
        ("discover", lambda: discover(texts, "fi")),
    ]:
        suggest.base_form.cache_clear()
        started = time.perf_counter()
        result = run()
        print(f"  {label:32s} {time.perf_counter() - started:6.2f} s  ({len(result)} results)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="contributions to time")
    parser.add_argument("--splits", type=int, default=10, help="random choices of examples")
    args = parser.parse_args()

    for language in ("fi", "sv", "en"):
        started = time.perf_counter()
        suggest.warm_up([language])
        print(f"simplemma dictionary load ({language}): {time.perf_counter() - started:.1f} s")
    for language in ("fi", "sv"):
        quality(language, args.splits)
    timing(args.count)


if __name__ == "__main__":
    main()
