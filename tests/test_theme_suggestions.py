"""Theme suggestions (dialogue/synthesis/suggest.py): behaviour, and quality floors on a set
of short contributions (tests/data/service_area_texts.csv).

The set was written before the vocabulary, the way people type on phones, and no vocabulary
word was added because the set needed it. Accuracy with tagged examples is averaged over
several random choices of the examples and measured only on the other contributions.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from dialogue.synthesis import service_areas, suggest
from dialogue.synthesis.suggest import Target, Word, classify, discover

DATA = Path(__file__).parent / "data" / "service_area_texts.csv"
EXAMPLES_PER_AREA = 3
SPLITS = 5


@pytest.fixture(scope="module", autouse=True)
def lemmatiser():
    """simplemma loads its Finnish dictionary once per process, in seconds: do it once here."""
    suggest.warm_up(("fi", "sv", "en"))


def contributions(language):
    with DATA.open(encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if row["language"] == language]
    return [row["text"] for row in rows], [row["area"] for row in rows]


def accuracy(suggestions, gold):
    return sum(s.target == area for s, area in zip(suggestions, gold)) / len(gold)


def one(text, language="fi", **kwargs):
    return classify([text], None, language, **kwargs)[0]


# --- Behaviour ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["bussi", "bussilla", "busseja", "Bussit"])
def test_inflected_forms_meet_one_base_form(text):
    suggestion = one(text)
    assert suggestion.target == "transport"
    assert suggestion.because == (Word(text, "bussi"),)


@pytest.mark.parametrize("text", ["bussen", "bussarna"])
def test_swedish_inflected_forms_meet(text):
    assert one(text, "sv").target == "transport"


@pytest.mark.parametrize("text, area", [
    ("työttömyysetuuden", "money"),        # known compound, inflected
    ("chattibotille", "digital"),          # unknown compound: last part lemmatised
    ("asumistukihakemukset", "money"),     # found by its front part
    ("bussipysäkillä", "transport"),
    ("mielenterveyskuntoutuja", "health"),
    ("nätbankskoderna", "digital"),        # Swedish, with a linking s
])
def test_compounds_meet_their_area(text, area):
    assert one(text, "sv" if text.startswith("nät") else "fi").target == area


def test_because_names_the_words_as_written_and_their_base_form():
    suggestion = one("Kelalta ei tullut rahaa tässä kuussa")
    assert suggestion.target == "money"
    assert set(suggestion.because) >= {Word("Kelalta", "kela"), Word("rahaa", "raha")}


def test_no_suggestion_below_the_threshold():
    nothing = one("kissa istuu ikkunalla")
    assert nothing.target is None and nothing.confidence == 0 and nothing.because == ()
    # One word for transport, one for waiting: a coin toss is no suggestion ...
    tie = one("bussi ja jono")
    assert tie.target is None and 0 < tie.confidence < suggest.DEFAULT_THRESHOLD
    # ... unless staff ask for the best guess anyway.
    assert one("bussi ja jono", threshold=0).target in {"transport", "waiting"}


def test_confidence_grows_with_agreeing_words():
    single, several = classify(["bussi", "bussi on kallis ja matka pitkä kylältä"], None, "fi")
    assert single.target == several.target == "transport"
    assert 0 < single.confidence < several.confidence <= 1


def test_empty_input():
    assert classify([], None, "fi") == []
    assert discover([], "fi") == []
    assert classify(["", "!!!"], None, "fi") == [suggest.Suggestion(None, 0.0)] * 2


def test_theme_names_count_as_vocabulary():
    themes = suggest.theme_targets([("experiences", "Kokemukset"), ("hopes", "Toiveet")], "fi")
    got = classify(["hyviä kokemuksia", "toiveena parempi palvelu"], themes, "fi")
    assert [s.target for s in got] == ["experiences", "hopes"]


def test_a_theme_borrows_the_vocabulary_of_the_service_area_its_name_points_to():
    themes = suggest.theme_targets([("moving", "Kulkeminen ja matkat"), ("money", "Rahat")], "fi")
    got = classify(["kimppakyyti puuttuu", "vuokra on liian iso"], themes, "fi")
    assert [s.target for s in got] == ["moving", "money"]
    alone = suggest.theme_targets([("moving", "Kulkeminen ja matkat")], "fi", borrow=False)
    assert classify(["kimppakyyti puuttuu"], alone, "fi")[0].target is None


def test_a_theme_with_its_own_words():
    themes = suggest.theme_targets([("food", "Ruokailu", ["lounas", "kahvi"]), ("rooms", "Tilat")], "fi")
    assert classify(["lounaalla oli hyvä keitto"], themes, "fi")[0].target == "food"


def test_tagged_examples_teach_a_target_without_vocabulary():
    targets = [Target("food", "Ruokailu"), Target("rooms", "Tilat")]
    examples = {"food": ["keitto oli kylmää", "jälkiruoka loppui kesken"],
                "rooms": ["sali oli kylmä", "tuolit epämukavia"]}
    before = classify(["keitto loppui"], targets, "fi")[0]
    after = classify(["keitto loppui"], targets, "fi", examples=examples)[0]
    assert before.target is None
    assert after.target == "food"
    assert Word("keitto", "keitto") in after.because


def test_examples_for_unknown_targets_or_empty_texts_are_ignored():
    got = classify(["bussilla"], None, "fi", examples={"nope": ["bussi"], "money": ["", "  "]})
    assert got[0].target == "transport"


def test_english():
    texts = ["I can't log in to the website", "my benefits were cut", "waiting for weeks"]
    assert [s.target for s in classify(texts, None, "en")] == ["digital", "money", "waiting"]


# --- Vocabulary and service areas ----------------------------------------------------------

@pytest.mark.parametrize("language", service_areas.LANGUAGES)
def test_every_service_area_has_a_name_and_the_vocabulary_only_known_areas(language):
    assert set(service_areas.names(language)) == set(service_areas.KEYS)
    vocabulary = suggest.load_vocabulary(language)
    assert set(vocabulary) == set(service_areas.KEYS) - {"other"}
    assert sum(len(words) for words in vocabulary.values()) >= 150


def test_vocabulary_format():
    parsed = suggest.parse_vocabulary("# comment\n[money]\nvuokra\naika 0.5  # weak\n\n[digital]\nNetti\n")
    assert parsed == {"money": {"vuokra": 1.0, "aika": 0.5}, "digital": {"netti": 1.0}}
    with pytest.raises(ValueError):
        suggest.parse_vocabulary("vuokra\n")
    with pytest.raises(ValueError):
        suggest.parse_vocabulary("[money]\nvuokra on\n")


# --- Discovery ---------------------------------------------------------------------------

def test_discovery_is_deterministic_and_labels_its_clusters():
    texts, _ = contributions("fi")
    first, second = discover(texts, "fi"), discover(texts, "fi")
    assert first == second
    members = [m for cluster in first for m in cluster.members]
    assert sorted(members) == sorted(set(members))  # each text in at most one cluster
    for cluster in first:
        assert cluster.central in cluster.members
        assert cluster.words


def test_discovery_of_a_handful():
    clusters = discover(["bussi", "", "jono"], "fi")
    assert clusters == [suggest.Cluster((0, 2), (), 0)]


# --- Quality floors on the set -------------------------------------------------------------

@pytest.mark.parametrize("language, floor", [("fi", 0.75), ("sv", 0.65)])
def test_accuracy_without_examples(language, floor):
    texts, gold = contributions(language)
    assert accuracy(classify(texts, None, language), gold) >= floor


@pytest.mark.parametrize("language, floor", [("fi", 0.85), ("sv", 0.75)])
def test_accuracy_with_three_tagged_examples_per_area(language, floor):
    texts, gold = contributions(language)
    scores = []
    for seed in range(SPLITS):
        chooser = random.Random(seed)
        examples, held_out = {}, []
        for area in sorted(set(gold)):
            indexes = [i for i, a in enumerate(gold) if a == area]
            chooser.shuffle(indexes)
            examples[area] = [texts[i] for i in indexes[:EXAMPLES_PER_AREA]]
            held_out += indexes[EXAMPLES_PER_AREA:]
        suggestions = classify([texts[i] for i in held_out], None, language, examples=examples)
        scores.append(accuracy(suggestions, [gold[i] for i in held_out]))
    assert sum(scores) / len(scores) >= floor


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_discovery_finds_the_areas(language):
    texts, gold = contributions(language)
    labels = [-1] * len(texts)
    for number, cluster in enumerate(discover(texts, language)):
        for member in cluster.members:
            labels[member] = number
    assert adjusted_rand_score(gold, labels) >= 0.5
