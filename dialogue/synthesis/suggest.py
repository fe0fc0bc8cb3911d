"""Theme suggestions for short free-text contributions (Finnish first, also Swedish, English).

Pure functions, no Flask or database: the caller passes texts and targets and stores what
staff confirm.

- `classify` suggests a target (a service area of the findings register, or one of a
  dialogue's own themes) for each contribution, with a confidence and the words that led to
  it. It rests on a curated vocabulary of base forms (`vocabulary/<language>.txt`, data that
  staff can edit) and, once staff have tagged some contributions, on how close a
  contribution is to each target's tagged ones (nearest centroid in a TF-IDF space).
- `discover` groups what no theme covers into clusters, each labelled by its characteristic
  words and its most central contribution.

Why not plain word statistics: people name one problem in many words ("bussilla",
"kulkuyhteyksiä", "kimppakyyti"), so two contributions on the same theme rarely share a
word. Words are therefore reduced to base forms (simplemma, Snowball as a fallback),
compounds are matched by their parts ("työttömyysetuus" contains "etuus") and a vocabulary
brings synonyms together.

simplemma's Finnish dictionary takes seconds to load on first use (about 15 s on a slow
machine, once per process): call `warm_up()` where that cost is acceptable, e.g. in a
background worker at start.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
import simplemma
import snowballstemmer
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from . import service_areas
from .words import STOP_WORDS

VOCABULARY_DIR = Path(__file__).parent / "vocabulary"
LANGUAGES = ("fi", "sv", "en")

# Below this confidence a contribution gets "no suggestion": staff would rather tag by hand
# than undo a guess. One clear vocabulary word gives about 0.6; a tie between two areas
# (0.38) is no suggestion, since picking either would be a coin toss.
DEFAULT_THRESHOLD = 0.4

# Evidence that no target gets: it keeps a lone weak match from looking certain.
_PRIOR = 0.6
# How a vocabulary word found inside a longer word counts. Finnish and Swedish compounds end
# in their head ("työttömyys|etuus" is an etuus), so a part at the end counts most.
_EXACT, _STEM, _SUFFIX, _PREFIX, _INFIX = 1.0, 0.9, 0.8, 0.6, 0.5
_MIN_PART = 4  # shorter parts match by accident ("auto" is the shortest that still means something)
# Weight of tagged examples against the vocabulary: a similarity of 0.5 to a target's
# examples counts about as much as one vocabulary word.
_EXAMPLE_WEIGHT = 2.0
# A theme borrows the vocabulary of the service area its name points to, at this weight.
_BORROW_WEIGHT = 0.5

_WORD = re.compile(r"[^\W\d_]+")
_SNOWBALL = {"fi": "finnish", "sv": "swedish", "en": "english"}

# Stop words: the word-cloud lists, plus what people type on phones and verbs too general to
# point anywhere. "aika" stays a word here: in appointments it means time, not "quite".
_EXTRA_STOP = {
    "fi": """mut mutta mutku vaan koko liian enää taas joo kyl kyllä nii niin tää toi noi
        sit sitte ku kun vois pitäis ois olis ilman oma omat muu muut asia asiat juttu
        homma kaikki mitään mist mis sinne tänne siellä täällä jne yms esim ym ok okei
        olla ei voida pitää saada tulla mennä tehdä minä sinä hän me te he se tämä tuo
        joka mikä kuka jokin kukaan mikään eli myös vielä jo aina nyt sitten ihan tosi
        yksi kaksi kolme neljä viisi""",
    "sv": """inte ingen inga inget ingenting aldrig alltid bara hela helt väldigt lite
        mycket också ju nog väl typ få gå göra bli vara ha kunna skola måste vilja ska
        det den denna detta sådan någon något några man mig mitt min mina ta dit
        övrig övrigt in ut upp ner fram bort""",
    "en": """not no never always very too get got go make do does did is am be have has
        it's i'm don't can't won't really just much many some any thing things other""",
}


@cache
def _stop_words(language: str) -> frozenset[str]:
    base = set(STOP_WORDS.get(language, frozenset())) - {"aika"}
    return frozenset(base | set(_EXTRA_STOP.get(language, "").split()))


class Word(NamedTuple):
    """A word of a contribution: as the person wrote it, and its base form."""
    written: str
    base: str


@dataclass(frozen=True, eq=False)
class Target:
    """Something a contribution can be tagged with: a service area or a dialogue's theme.

    `words` maps base forms to weights in 0..1; the name's own words count as well.
    """
    key: str
    name: str = ""
    words: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    """The suggested target of one contribution.

    `target` is a target key, or None ("no suggestion") when the confidence is below the
    threshold; `confidence` is in 0..1 either way; `because` lists the words that led to
    the best target, strongest first.
    """
    target: str | None
    confidence: float
    because: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Cluster:
    """A group of similar contributions that `discover` found.

    `members` are indexes into the texts given, `words` the group's characteristic base
    forms, `central` the index of its most typical contribution, and `area` the service
    area its words point to (None when they point nowhere clearly).
    """
    members: tuple[int, ...]
    words: tuple[str, ...]
    central: int
    area: str | None = None


# --- Words and base forms ----------------------------------------------------------------

def warm_up(languages: Iterable[str] = LANGUAGES) -> None:
    """Load the lemmatiser's dictionaries now rather than on the first suggestion."""
    for language in languages:
        simplemma.is_known("a", lang=language)


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(_SNOWBALL.get(language, "finnish"))


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    return _stemmer(language).stemWord(word)


def _spoken_variants(word: str) -> list[str]:
    """Standard Finnish spellings a spoken form may stand for ("vaikee" → "vaikea")."""
    variants = []
    if re.search(r"[^aeiouyäö]ee$", word):          # vaikee, tukee
        variants += [word[:-1] + "a", word[:-1] + "ä"]
    if re.search(r"[^aeiouyäö]ii$", word):          # sekavii
        variants += [word[:-1] + "a", word[:-1] + "ä"]
    if re.search(r"(?:nu|ny|lu|ly|ru|ry|su|sy)$", word):  # soittanu, tullu (past participle)
        variants.append(word + "t")
    if word.endswith("ks"):                          # englanniks, kaks
        variants.append(word + "i")
    if re.search(r"[aeiouyäö]is$", word):           # pitäis, ois (conditional)
        variants.append(word + "i")
    if re.search(r"([aeiouyäö])\1mm", word):         # nopeemmin → nopeammin
        variants.append(re.sub(r"([aeiouyäö])\1(mm)", r"\1a\2", word, count=1))
    return variants


@lru_cache(maxsize=200_000)
def base_form(word: str, language: str = "fi") -> str:
    """The base form of one lower-case word: dictionary form when simplemma knows the word,
    a standard spelling of a spoken form, a compound with its last part lemmatised, or
    else the Snowball stem."""
    if simplemma.is_known(word, lang=language):
        return simplemma.lemmatize(word, lang=language)
    if language == "fi":
        for variant in _spoken_variants(word):
            if simplemma.is_known(variant, lang=language):
                return simplemma.lemmatize(variant, lang=language)
    # A compound the dictionary lacks: keep the front as written and lemmatise the longest
    # known last part ("chattibotille" → "chatti" + "botti").
    for i in range(3, len(word) - _MIN_PART + 1):
        tail = word[i:]
        if simplemma.is_known(tail, lang=language):
            return word[:i] + simplemma.lemmatize(tail, lang=language)
    return _stem(word, language)


def words(text: str, language: str = "fi") -> list[Word]:
    """The content words of `text` with their base forms, stop words left out.

    Hyphens and dots split words ("Suomi.fi-valtuutus" → suomi, fi, valtuutus), so a
    hyphenated compound meets the vocabulary through its parts.
    """
    stop = _stop_words(language)
    found = []
    for match in _WORD.finditer(unicodedata.normalize("NFC", text or "")):
        written = match.group(0)
        lower = written.lower()
        if len(lower) < 2 or lower in stop:
            continue
        base = base_form(lower, language)
        if base not in stop:
            found.append(Word(written, base))
    return found


# --- Vocabulary --------------------------------------------------------------------------

def parse_vocabulary(text: str) -> dict[str, dict[str, float]]:
    """Parse the vocabulary format: `[key]` headers, one word per line with an optional
    weight ("aika 0.5"), `#` comments. Returns {key: {word as written: weight}}."""
    vocabulary: dict[str, dict[str, float]] = {}
    section = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            vocabulary.setdefault(section, {})
            continue
        if section is None:
            raise ValueError(f"vocabulary line {number}: a word before any [section]")
        word, *rest = line.split()
        try:
            weight = float(rest[0]) if len(rest) == 1 else 1.0 if not rest else None
        except ValueError:
            weight = None
        if weight is None:
            raise ValueError(f"vocabulary line {number}: expected 'word' or 'word weight', "
                             f"got {line!r}")
        vocabulary[section][word.lower()] = min(max(weight, 0.0), 1.0)
    return vocabulary


@cache
def load_vocabulary(language: str = "fi") -> dict[str, dict[str, float]]:
    """The service-area vocabulary of `language` from `vocabulary/<language>.txt`."""
    path = VOCABULARY_DIR / f"{language}.txt"
    if language not in LANGUAGES or not path.exists():
        raise ValueError(f"no vocabulary for language {language!r}")
    vocabulary = parse_vocabulary(path.read_text(encoding="utf-8"))
    unknown = set(vocabulary) - set(service_areas.KEYS)
    if unknown:
        raise ValueError(f"{path.name}: unknown service areas {sorted(unknown)}")
    return vocabulary


def service_area_targets(language: str = "fi") -> list[Target]:
    """The findings register's service areas as targets, with their vocabulary."""
    vocabulary = load_vocabulary(language)
    return [Target(key, service_areas.name(key, language), vocabulary.get(key, {}))
            for key in service_areas.KEYS]


def theme_targets(themes: Iterable, language: str = "fi", borrow: bool = True) -> list[Target]:
    """A dialogue's themes as targets.

    Each theme is (key, name) or (key, name, words). A theme also borrows, at a lower
    weight, the vocabulary of the service area its name and words clearly point to: a theme
    named "Kulkeminen" then meets "bussilla" and "kimppakyyti" too.
    """
    areas = service_area_targets(language)
    lexicon = _Lexicon(areas, language)
    targets = []
    for theme in themes:
        key, name, *rest = theme
        own = {word: 1.0 for word in (rest[0] if rest else ())}
        vocabulary: dict[str, float] = {}
        if borrow:
            scores, _ = lexicon.score(words(" ".join([name, *own]), language))
            total = sum(scores.values())
            if total:
                area, best = max(scores.items(), key=lambda item: item[1])
                if best / (total + _PRIOR) >= 0.5 and area != "other":
                    vocabulary = {w: weight * _BORROW_WEIGHT
                                  for w, weight in load_vocabulary(language).get(area, {}).items()}
        vocabulary.update(own)
        targets.append(Target(key, name, vocabulary))
    return targets


class _Lexicon:
    """Vocabulary words of some targets, looked up by base form, stem or compound part."""

    def __init__(self, targets: Sequence[Target], language: str):
        self.language = language
        self.entries: dict[str, dict[str, float]] = defaultdict(dict)
        self.stems: dict[str, dict[str, float]] = defaultdict(dict)
        self.fronts: dict[str, dict[str, float]] = defaultdict(dict)
        # A name's words count as vocabulary too, but a word the curated vocabulary rates
        # as general anywhere ("palvelu 0.3") stays general in a name ("Digitaaliset palvelut").
        curated: dict[str, float] = {}
        for target in targets:
            for entry, weight in target.words.items():
                curated[entry] = min(weight, curated.get(entry, 1.0))
        for target in targets:
            vocabulary = dict(target.words)
            for word in words(target.name, language):
                vocabulary.setdefault(word.base, curated.get(word.base, 1.0))
            for entry, weight in vocabulary.items():
                for word in words(entry, language) or [Word(entry, entry.lower())]:
                    for form in {word.written.lower(), word.base}:
                        self._add(self.entries, form, target.key, weight)
                        # Swedish compounds drop a final -e in front: "läkare" → "läkartid".
                        if language == "sv" and form.endswith("e") and len(form) > _MIN_PART:
                            self._add(self.fronts, form[:-1], target.key, weight)
                    if len(word.base) >= 3:
                        self._add(self.stems, _stem(word.base, language), target.key, weight)
        self._cache: dict[Word, dict[str, float]] = {}

    @staticmethod
    def _add(table, form, key, weight):
        table[form][key] = max(weight, table[form].get(key, 0.0))

    def match(self, word: Word) -> dict[str, float]:
        """{target key: strength} of one word: whole word first, else its compound parts."""
        if word in self._cache:
            return self._cache[word]
        surface = word.written.lower()
        found: dict[str, float] = {}

        def take(table, form, strength):
            for key, weight in table.get(form, {}).items():
                found[key] = max(found.get(key, 0.0), strength * weight)

        for form in (word.base, surface):
            take(self.entries, form, _EXACT)
        if not found:
            for form in (word.base, surface):
                take(self.stems, _stem(form, self.language), _STEM)
        if not found:
            for form in (word.base, surface):
                for start, end, table in self._parts(form):
                    strength = (_SUFFIX if end == len(form) else
                                _PREFIX if start == 0 else _INFIX)
                    take(table, form[start:end], strength)
        self._cache[word] = found
        return found

    def _parts(self, form: str) -> list[tuple[int, int, dict]]:
        """Spans of the longest vocabulary words inside `form`, not overlapping, each with
        the table it was found in.

        A part counts when it ends the word (the head of a compound) or when a word follows
        it, perhaps after a linking letter ("arbetslöshet-s-ersättning"): so "ohje" is no
        part of "ohjelma", and "chatti" is one of "chattibotti".
        """
        spans: list[tuple[int, int, dict]] = []
        for length in range(len(form) - 1, _MIN_PART - 1, -1):
            for start in range(len(form) - length + 1):
                end = start + length
                part = form[start:end]
                table = (self.entries if part in self.entries else
                         self.fronts if start == 0 and part in self.fronts else None)
                if table is None or any(start < e and s < end for s, e, _ in spans):
                    continue
                rest = form[end:]
                head = not rest and start >= 2
                front = rest and (self._is_word(rest) or self._is_word(rest[1:]))
                if head or front:
                    spans.append((start, end, table))
        return spans

    def _is_word(self, text: str) -> bool:
        return len(text) >= 3 and (text in self.entries
                                   or simplemma.is_known(text, lang=self.language))

    def score(self, text_words: Sequence[Word]) -> tuple[dict[str, float], dict[str, list]]:
        """Summed vocabulary strength per target, and the words behind each (a base form
        counts once per text)."""
        scores: dict[str, float] = defaultdict(float)
        reasons: dict[str, list] = defaultdict(list)
        seen = set()
        for word in text_words:
            if word.base in seen:
                continue
            seen.add(word.base)
            for key, strength in self.match(word).items():
                scores[key] += strength
                reasons[key].append((strength, word))
        return dict(scores), dict(reasons)


# --- Classification ----------------------------------------------------------------------

def _char_ngrams(base: str) -> list[str]:
    padded = f" {base} "
    return [padded[i:i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)]


def _word_features(bases: Sequence[str]) -> list[str]:
    return list(bases)


def _char_features(bases: Sequence[str]) -> list[str]:
    return [gram for base in bases for gram in _char_ngrams(base)]


class _Space:
    """TF-IDF of base forms (whole words and character n-grams, which meet misspellings and
    stems the lemmatiser missed), fitted on the texts at hand."""

    CHAR_WEIGHT = 0.7  # character n-grams outnumber words; this keeps whole words first

    def __init__(self, documents: Sequence[Sequence[str]]):
        self.word = TfidfVectorizer(analyzer=_word_features, sublinear_tf=True)
        self.char = TfidfVectorizer(analyzer=_char_features, sublinear_tf=True)
        self.word.fit(documents)
        self.char.fit(documents)
        self._feature_cache: dict[str, list[int]] = {}

    def transform(self, documents: Sequence[Sequence[str]]):
        """L2-normalised rows, one per document."""
        return normalize(sparse.hstack([
            self.word.transform(documents),
            self.CHAR_WEIGHT * self.char.transform(documents),
        ]).tocsr())

    def contributions(self, matrix, bases: Sequence[Sequence[str]],
                      centroid: np.ndarray) -> list[dict[str, float]]:
        """For each row of `matrix` (a text's vector) and its base forms: how much each base
        form adds to the row's similarity to `centroid`. A feature's share of the dot
        product goes to the words it came from; this explains a suggestion."""
        shares = sparse.csr_matrix(matrix.multiply(centroid[np.newaxis, :]))
        found = []
        for row, row_bases in enumerate(bases):
            start, end = shares.indptr[row], shares.indptr[row + 1]
            share = dict(zip(shares.indices[start:end], shares.data[start:end]))
            found.append({base: sum(share.get(i, 0.0) for i in self._features(base))
                          for base in set(row_bases)})
        return found

    def _features(self, base: str) -> list[int]:
        if base not in self._feature_cache:
            offset = len(self.word.vocabulary_)
            indexes = [self.word.vocabulary_[base]] if base in self.word.vocabulary_ else []
            indexes += [offset + self.char.vocabulary_[gram] for gram in set(_char_ngrams(base))
                        if gram in self.char.vocabulary_]
            self._feature_cache[base] = indexes
        return self._feature_cache[base]


def classify(texts: Sequence[str], areas: Sequence[Target] | None, language: str = "fi",
             examples: Mapping[str, Sequence[str]] | None = None,
             threshold: float = DEFAULT_THRESHOLD) -> list[Suggestion]:
    """Suggest a target for each text.

    `areas` are the targets (`service_area_targets(language)` when None, or
    `theme_targets(...)` for a dialogue's themes). `examples` maps target keys to texts
    staff already tagged with them; the more there are, the more a text's closeness to them
    counts next to the vocabulary. A suggestion below `threshold` has target None, but
    keeps its confidence and the words behind the best guess.
    """
    if not texts:
        return []
    targets = list(areas) if areas is not None else service_area_targets(language)
    lexicon = _Lexicon(targets, language)
    analysed = [words(text, language) for text in texts]
    keys = [target.key for target in targets]
    column = {key: i for i, key in enumerate(keys)}

    evidence = np.zeros((len(texts), len(keys)))
    reasons: list[dict[str, list]] = []
    for row, text_words in enumerate(analysed):
        scores, why = lexicon.score(text_words)
        for key, value in scores.items():
            evidence[row, column[key]] = value
        reasons.append(why)

    tagged = {key: [t for t in tagged_texts if t and t.strip()]
              for key, tagged_texts in (examples or {}).items() if key in column}
    explain = _add_example_evidence(evidence, analysed, column,
                                    {k: v for k, v in tagged.items() if v}, language)

    best = evidence.argmax(axis=1)
    closeness = explain([keys[i] for i in best])
    suggestions = []
    for row in range(len(texts)):
        total = evidence[row].sum()
        if total <= 0:
            suggestions.append(Suggestion(None, 0.0))
            continue
        key = keys[best[row]]
        confidence = float(evidence[row, best[row]] / (total + _PRIOR))
        because = _because(analysed[row], reasons[row].get(key, []), closeness[row])
        suggestions.append(Suggestion(key if confidence >= threshold else None,
                                      round(confidence, 3), because))
    return suggestions


def _add_example_evidence(evidence: np.ndarray, analysed, column: dict[str, int],
                          tagged: dict[str, list[str]], language: str):
    """Add each text's closeness to each target's tagged examples (nearest centroid) to
    `evidence`, in place. Returns explain(keys): for each row and the key chosen for it,
    how much each of the row's base forms brought it close to that key's examples."""
    documents = [[w.base for w in text_words] for text_words in analysed]
    example_documents = {key: [[w.base for w in words(t, language)] for t in texts]
                         for key, texts in tagged.items()}

    def nothing(keys: Sequence[str]) -> list[dict[str, float]]:
        return [{} for _ in keys]

    if not tagged or not any(documents):
        return nothing
    space = _Space(documents + [d for docs in example_documents.values() for d in docs])
    matrix = space.transform(documents)
    centroids = {}
    for key, docs in example_documents.items():
        centroid = np.asarray(space.transform(docs).mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        if norm:
            centroids[key] = centroid / norm
    if not centroids:
        return nothing
    similarity = np.column_stack([matrix @ c for c in centroids.values()])
    # Common endings make every text a little similar to every target; only closeness above
    # the text's average closeness to the other targets is evidence for this one.
    if len(centroids) > 1:
        others = (similarity.sum(axis=1, keepdims=True) - similarity) / (len(centroids) - 1)
        similarity = np.maximum(similarity - others, 0)
    for j, key in enumerate(centroids):
        # More examples, steadier centroid: trust it more (1 example half, 3 three quarters).
        count = len(tagged[key])
        evidence[:, column[key]] += _EXAMPLE_WEIGHT * count / (count + 1) * similarity[:, j]

    def explain(keys: Sequence[str]) -> list[dict[str, float]]:
        found: list[dict[str, float]] = [{} for _ in keys]
        for key, centroid in centroids.items():  # one sparse product per target, not per text
            rows = [row for row, chosen in enumerate(keys) if chosen == key]
            if rows:
                values = space.contributions(matrix[rows], [documents[r] for r in rows], centroid)
                for row, value in zip(rows, values):
                    found[row] = value
        return found
    return explain


def _because(text_words, vocabulary_reasons, closeness, limit: int = 5) -> tuple[Word, ...]:
    """The words behind a suggestion, strongest first: vocabulary words, and words that
    bring the text close to the target's tagged examples."""
    strength: dict[Word, float] = {}
    for value, word in vocabulary_reasons:
        strength[word] = strength.get(word, 0.0) + value
    for word in text_words:
        # Same scale as vocabulary strength: similarity counts _EXAMPLE_WEIGHT times.
        value = _EXAMPLE_WEIGHT * closeness.get(word.base, 0.0)
        if value >= 0.05:
            strength[word] = strength.get(word, 0.0) + value
    ranked = sorted(strength.items(), key=lambda item: -item[1])
    return tuple(word for word, _ in ranked[:limit])


# --- Discovery ---------------------------------------------------------------------------

# The vocabulary's area scores join the text features at this weight: two texts on the same
# area usually share no word, and the vocabulary is what tells they belong together.
_AREA_WEIGHT = 1.5


def discover(texts: Sequence[str], language: str = "fi", areas: Sequence[Target] | None = None,
             min_clusters: int = 2, max_clusters: int = 12, random_state: int = 0) -> list[Cluster]:
    """Group texts that no theme covers into clusters, largest first.

    Features are TF-IDF of base forms (words, word pairs and character n-grams) plus the
    vocabulary's scores for `areas` (the service areas when None). The number of clusters is
    the one with the best silhouette within [min_clusters, max_clusters] (and at most a
    third of the texts). Deterministic for the same input and `random_state`. Texts with no
    content words belong to no cluster.
    """
    targets = list(areas) if areas is not None else service_area_targets(language)
    lexicon = _Lexicon(targets, language)
    keys = [target.key for target in targets]
    analysed = [words(text, language) for text in texts]
    indexes = [i for i, text_words in enumerate(analysed) if text_words]
    if len(indexes) < max(2 * min_clusters, 4):
        # Too few to split: one group, or none.
        return [Cluster(tuple(indexes), (), indexes[0])] if indexes else []

    documents = [[w.base for w in analysed[i]] for i in indexes]
    _, words_matrix = _shared_features(documents, _word_pairs)
    _, chars_matrix = _shared_features(documents, _char_features)
    area_scores = np.zeros((len(indexes), len(keys)))
    for row, i in enumerate(indexes):
        scores, _ = lexicon.score(analysed[i])
        total = sum(scores.values())
        for key, value in scores.items():
            area_scores[row, keys.index(key)] = value / (total + _PRIOR)
    features = normalize(sparse.hstack([
        words_matrix, 0.5 * chars_matrix, sparse.csr_matrix(_AREA_WEIGHT * area_scores),
    ]).tocsr())

    # One BLAS/OpenMP thread: on a small shared server, threads fighting the web workers
    # for two cores made k-means ten times slower, and one thread keeps results identical.
    with threadpool_limits(1):
        labels, reduced = _clusters(features, min_clusters, max_clusters, random_state)

    clusters = []
    for label in sorted(set(labels)):
        rows = np.flatnonzero(labels == label)
        centre = reduced[rows].mean(axis=0)
        central = rows[int(np.argmax(reduced[rows] @ centre))]
        area_mean = area_scores[rows].mean(axis=0)
        area = keys[int(np.argmax(area_mean))] if area_mean.max() >= 0.3 else None
        members = [indexes[r] for r in rows]
        top = _characteristic_words(analysed, members, len(indexes), area, lexicon)
        clusters.append(Cluster(tuple(members), top, indexes[central], area))
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    return clusters


def _characteristic_words(analysed, members, total: int, area, lexicon, limit: int = 5):
    """Base forms more common in the cluster than elsewhere; words of the cluster's area in
    the vocabulary first, since in short texts few words repeat."""
    inside = Counter(base for i in members for base in {w.base for w in analysed[i]})
    everywhere = Counter(base for text_words in analysed for base in {w.base for w in text_words})
    written = {w.base: w for i in members for w in analysed[i]}
    size, others = len(members), max(total - len(members), 1)

    def score(base):
        strength = lexicon.match(written[base]).get(area, 0.0) if area else 0.0
        return (inside[base] * (1 + strength) / size
                - (everywhere[base] - inside[base]) / others)

    ranked = sorted(inside, key=lambda base: (-score(base), base))
    return tuple(base for base in ranked if score(base) > 0)[:limit]


def _word_pairs(bases: Sequence[str]) -> list[str]:
    return list(bases) + [f"{a} {b}" for a, b in pairwise(bases)]


def _shared_features(documents, analyzer):
    """TF-IDF of the features that at least two texts share (only those can group texts,
    and dropping the rest keeps the space small), or of all when none is shared."""
    for min_df in (2, 1):
        space = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=min_df)
        try:
            return space, space.fit_transform(documents)
        except ValueError:  # nothing shared
            continue
    raise AssertionError("documents with words always have features")


def _clusters(features, min_clusters: int, max_clusters: int, random_state: int):
    """K-means labels with the number of clusters of the best silhouette, and the space
    they were found in."""
    count = features.shape[0]
    # LSA: a dense space of modest size keeps k-means and the silhouette fast for thousands.
    dimensions = min(100, features.shape[1] - 1, count - 1)
    reduced = normalize(TruncatedSVD(dimensions, random_state=random_state).fit_transform(features))
    best = None
    for k in range(min_clusters, max(min_clusters, min(max_clusters, count // 3)) + 1):
        labels = KMeans(k, n_init=4, random_state=random_state).fit_predict(reduced)
        if len(set(labels)) < 2:
            continue
        quality = silhouette_score(reduced, labels, sample_size=min(count, 1500),
                                   random_state=random_state)
        if best is None or quality > best[0] + 1e-9:
            best = (quality, labels)
    labels = best[1] if best else np.zeros(count, dtype=int)
    return labels, reduced

