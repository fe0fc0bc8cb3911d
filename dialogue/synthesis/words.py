"""Word counts of free text for word clouds, Finnish first.

Words are split on letters (å, ä, ö included), lower-cased, stop words and very
short words dropped, then grouped by their Snowball stem, so that "työpaikka",
"työpaikan" and "työpaikkoja" count as one word. Each group is shown as its most
common written form. Masked personal data ("[•••]") never becomes a word.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Iterable

import snowballstemmer

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
MIN_LENGTH = 3

# Finnish: the Snowball stop-word list (pronouns and forms of olla, conjunctions,
# particles), with the spoken forms people write on phones (mä, sä, se, niinku ...).
_FI = """
aina ainakin alla alle alta ehkä ei eivät emme en enemmän ennen et ette eli että
he heidän heidät heihin heille heillä heiltä heissä heistä heitä hän häneen hänelle
hänellä häneltä hänen hänessä hänestä hänet häntä itse ja jo johon joiden joihin joiksi
joilla joille joilta joina joissa joista joita joka joksi jolla jolle jolta jona jonka
jos jossa josta jota jotka kanssa keiden keihin keiksi keille keillä keiltä keinä keissä
keistä keitä keneen keneksi kenelle kenellä keneltä kenen kenenä kenessä kenestä kenet
ketkä ketä koska kuin kuka kun kyllä lisäksi me meidän meidät meihin meille meillä
meiltä meissä meistä meitä mihin miksi mikä mille millä miltä minkä minua minulla
minulle minulta minun minussa minusta minut minuun minä missä mistä mitkä mitä miten
mukaan mutta ne niiden niihin niiksi niille niillä niiltä niin niinä niissä niistä
niitä noiden noihin noiksi noilla noille noilta noin noina noissa noista noita nuo
nyt näiden näihin näiksi näille näillä näiltä näinä näissä näistä näitä nämä ole olemme
olen olet olette oli olimme olin olisi olisimme olisin olisit olisitte olisivat olit
olitte olivat olla olleet ollut on ovat paljon poikki se sekä sen siihen siinä siitä
siksi sille sillä siltä sinua sinulla sinulle sinulta sinun sinussa sinusta sinut
sinuun sinä sitä tai te teidän teidät teihin teille teillä teiltä teissä teistä teitä
tuo tuohon tuoksi tuolla tuolle tuolta tuon tuona tuossa tuosta tuota tähän täksi
tälle tällä tältä tämä tämän tänä tässä tästä tätä vaan vai vaikka vain vielä voi
voisi yli myös sitten kaikki kaikkia kaikkien jotain jotakin joku jokin mitään
mikään kukaan ihan aika tosi vähän hyvä hyvin mä sä mulle sulle mun sun meil teil
niinku sit ku jos et oo ei eikä eikö onko oliko olla ollaan ollut pitää pitäisi
voisi voi saada saa tulee tulisi pitäis olis ois
"""
_SV = """
och att det som en på är av för med till den har de inte om ett han men var jag
sig från vi så kan man när år säger hon under också efter eller nu sin där vid mot
ska skulle kommer ut får finns vara hade alla andra mycket än här då sedan över bara
vad dem oss du mig dig er hur inom utan mer
"""
_EN = """
the and to of a in is it that for on was with as i be at by this are or not but have
from they we you he she an will can would there their what so if about which when
one all do more no our your my me them than then just also been has had were its
"""
STOP_WORDS = {
    "fi": frozenset(_FI.split()),
    "sv": frozenset(_SV.split()),
    "en": frozenset(_EN.split()),
}
_STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}


@lru_cache(maxsize=None)
def _stemmer(lang: str):
    return snowballstemmer.stemmer(_STEMMERS.get(lang, "finnish"))


def tokens(text: str, lang: str = "fi") -> list[str]:
    """The content words of `text`: lower case, without stop words and short words."""
    stop = STOP_WORDS.get(lang, STOP_WORDS["fi"])
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text))
            if len(w) >= MIN_LENGTH and w not in stop]


def word_counts(texts: Iterable[str], lang: str = "fi", limit: int = 40) -> list[tuple[str, int]]:
    """The most common words of `texts` as (shown form, count), most common first.

    Words with the same stem are counted together; a word counts once per text,
    so one long answer repeating a word does not outweigh many people saying it.
    Ties are ordered alphabetically so the result is the same every time.
    """
    stemmer = _stemmer(lang)
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        seen = set()
        for word in tokens(text, lang):
            stem = stemmer.stemWord(word)
            forms[stem][word] += 1
            if stem not in seen:
                seen.add(stem)
                counts[stem] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    # Shown as its most common form; on a tie the shortest, which is nearest the base form.
    return [(min(forms[stem].items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0], n)
            for stem, n in ranked]
