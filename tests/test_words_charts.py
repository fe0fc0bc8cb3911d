"""Finnish word counts for word clouds, and the SVG charts' shape and text alternatives."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from dialogue.synthesis import charts
from dialogue.synthesis.words import tokens, word_counts

SVG = "{http://www.w3.org/2000/svg}"


def test_finnish_words_without_stop_words_counted_once_per_answer():
    texts = ["Minä haluan työpaikan ja koulutusta", "Työpaikan saaminen on vaikeaa, työpaikan!",
             "Koulutusta pitäisi olla enemmän", "[•••] soita"]
    assert "minä" not in tokens(texts[0]) and "ja" not in tokens(texts[0])
    counts = dict(word_counts(texts))
    assert counts["työpaikan"] == 2   # twice in one answer still counts once for it
    assert counts["koulutusta"] == 2
    assert "pitäisi" not in counts and "olla" not in counts and "enemmän" not in counts
    assert word_counts(texts) == word_counts(list(texts))  # deterministic


def test_inflected_forms_count_as_one_word():
    counts = dict(word_counts(["bussit kulkevat", "bussi myöhästyy", "bussin pysäkki"]))
    assert counts.get("bussi") == 3


def _parse(chart):
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root, desc.text


def test_every_chart_is_valid_svg_with_a_text_alternative():
    _root, desc = _parse(charts.bar_chart([("Bussit <&>", 5), ("Neuvonta", 2)], title="Pisteet", unit="dots"))
    assert desc == "Bussit <&>: 5 dots; Neuvonta: 2 dots"
    _root, desc = _parse(charts.diverging_chart([("Väite", 6, 3, 1)], title="Kannat"))
    assert "agree 6, disagree 3, pass 1" in desc
    root, desc = _parse(charts.distribution_chart([("Minua kuunneltiin", [0, 1, 2, 2, 1])], title="Palaute",
                                                  scale_labels=["a", "b", "c", "d", "e"]))
    assert "(n 6, mean 3.5)" in desc
    _root, desc = _parse(charts.word_cloud([("bussi", 4), ("kurssi", 2)], title="Sanat"))
    assert desc == "bussi (4), kurssi (2)"
    assert charts.bar_chart([], title="x") is None and charts.word_cloud([], title="x") is None


def test_charts_use_no_styles_or_scripts():
    chart = charts.distribution_chart([("x", [1, 2, 3, 4, 5])], title="t", scale_labels=list("abcde"))
    assert "<style" not in chart.svg and "<script" not in chart.svg and "style=" not in chart.svg
