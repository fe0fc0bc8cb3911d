"""dialogue/synthesis/journey_map.py: the journey map SVG, read back with xml.etree."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from dialogue.synthesis.journey_map import TOP_TEXTS, WIDTH, journey_map_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def _stage(name, pain=0, good=0, mean=None, pain_texts=(), good_texts=()):
    return {"name": name, "pain_count": pain, "good_count": good, "mean_feeling": mean,
            "pain_texts": list(pain_texts), "good_texts": list(good_texts)}


STAGES = [
    _stage("Ilmoittautuminen", pain=7, good=1, mean=2.25,
           pain_texts=["Verkkopalvelu vaatii pankkitunnukset", "Jonotus puhelimessa", "Ei vastausta", "Neljäs"],
           good_texts=["Virkailija soitti takaisin"]),
    _stage("Ensimmäinen tapaaminen", pain=2, good=5, mean=4.0, good_texts=["Sain puhua rauhassa"]),
    _stage("Suunnitelma", pain=1, good=0, mean=None, pain_texts=["Kukaan ei kysynyt minulta"]),
    _stage("Kurssi", pain=0, good=3, mean=5.0),
    _stage("Työkokeilu", pain=4, good=2, mean=1.0),
]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{{{NS['svg']}}}text")]


def _points(root: ET.Element) -> dict[int, tuple[float, float, float]]:
    """stage -> (x, y, mean) of each point on the feeling curve."""
    return {int(c.get("data-stage")): (float(c.get("cx")), float(c.get("cy")), float(c.get("data-mean")))
            for c in root.findall(".//svg:circle[@class='feeling-point']", NS)}


def test_accessible_svg_with_title_and_description():
    root = _parse(journey_map_svg(STAGES, title="Palvelupolku"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert float(root.get("width")) == WIDTH == 960
    assert "DejaVu Sans" in root.get("font-family")
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title.text == "Palvelupolku"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # The description says in words what the picture shows.
    assert "1. Ilmoittautuminen" in desc.text and "Pain points 7" in desc.text
    assert "average feeling 2.2" in desc.text and "3. Suunnitelma: no feelings" in desc.text
    # No title given: the accessible name is the default label, nothing is drawn as heading.
    plain = _parse(journey_map_svg(STAGES))
    assert plain.find("svg:title", NS).text == "Service path journey map"
    assert "Service path journey map" not in _texts(plain)


def test_stages_in_order_with_their_counts():
    root = _parse(journey_map_svg(STAGES))
    groups = root.findall(".//svg:g[@class='stage']", NS)
    assert [g.get("data-name") for g in groups] == [s["name"] for s in STAGES]
    assert [int(g.get("data-stage")) for g in groups] == [0, 1, 2, 3, 4]
    assert [int(g.get("data-pain")) for g in groups] == [7, 2, 1, 0, 4]
    assert [int(g.get("data-good")) for g in groups] == [1, 5, 0, 3, 2]
    assert [g.get("data-mean") for g in groups] == ["2.25", "4.00", None, "5.00", "1.00"]
    # Left to right: each stage's header box lies right of the one before.
    xs = [float(g.find("svg:rect", NS).get("x")) for g in groups]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # The counts are drawn, and the first texts (TOP_TEXTS of them) with them.
    first = _texts(groups[0])
    assert "7" in first and "1" in first
    shown = " ".join(first)
    for text in STAGES[0]["pain_texts"][:TOP_TEXTS]:
        assert text.split()[0] in shown
    assert "Neljäs" not in shown
    assert any("Ilmoittautuminen" in t for t in first)


def test_feeling_curve_points_read_back_and_higher_feeling_is_higher_up():
    root = _parse(journey_map_svg(STAGES))
    points = _points(root)
    assert sorted(points) == [0, 1, 3, 4]  # stage 2 has no feelings: no point
    assert [points[i][2] for i in (0, 1, 3, 4)] == [2.25, 4.0, 5.0, 1.0]
    xs = [points[i][0] for i in sorted(points)]
    assert xs == sorted(xs)
    by_mean = sorted(points.values(), key=lambda p: p[2])
    ys = [y for _, y, _ in by_mean]
    assert ys == sorted(ys, reverse=True) and len(set(ys)) == len(ys)  # y decreases as mean grows
    # Linear: equal steps of feeling are equal steps on the page.
    (_, y1, _), (_, y5, _) = points[4], points[3]
    assert abs(points[1][1] - (y1 + (y5 - y1) * 3 / 4)) < 0.2


def test_a_stage_without_feelings_breaks_the_curve():
    root = _parse(journey_map_svg(STAGES))
    points = _points(root)
    curves = root.findall(".//svg:polyline[@class='feeling-curve']", NS)
    assert [c.get("data-stages") for c in curves] == ["0 1", "3 4"]
    for curve, stages in zip(curves, ([0, 1], [3, 4])):
        coords = [tuple(map(float, pair.split(","))) for pair in curve.get("points").split()]
        assert coords == [points[i][:2] for i in stages]
    # The gap says why it is there.
    assert "no feelings" in _texts(root)


def test_single_points_and_no_feelings_at_all():
    lonely = [_stage("A", mean=3.0), _stage("B"), _stage("C", mean=4.0)]
    root = _parse(journey_map_svg(lonely))
    assert sorted(_points(root)) == [0, 2]
    assert root.findall(".//svg:polyline", NS) == []  # two isolated points: nothing to join
    none = _parse(journey_map_svg([_stage("A"), _stage("B")]))
    assert _points(none) == {} and none.findall(".//svg:polyline", NS) == []
    empty = _parse(journey_map_svg([]))
    assert empty.findall(".//svg:g[@class='stage']", NS) == []


def test_user_text_is_escaped_and_cut_without_breaking_the_xml():
    nasty = "<script>alert('x')</script> & \"lainaus\" <b>lihava</b>"
    long_amps = "&" * 300
    stages = [_stage('Vaihe "<1>" & co', pain=2, pain_texts=[nasty, long_amps],
                     good=1, good_texts=["bad\x00control\x0bchars\ufffe here"])]
    stages += [_stage(f"Vaihe {n}") for n in range(2, 6)]  # five columns, as on a real map
    svg = journey_map_svg(stages, title="<Otsikko> & 'muuta'")
    root = _parse(svg)  # would raise on a raw "<", a half entity or a control character
    assert "<script" not in svg and "<b>" not in svg
    assert root.find("svg:title", NS).text == "<Otsikko> & 'muuta'"
    group = root.find(".//svg:g[@class='stage']", NS)
    assert group.get("data-name") == 'Vaihe "<1>" & co'
    texts = _texts(root)
    assert any("<script>" in t for t in texts)  # shown as text, not as markup
    amp_lines = [t for t in texts if t.lstrip("• ").startswith("&&&")]
    assert amp_lines and all(len(t) < 40 for t in amp_lines)  # cut to the column
    assert amp_lines[-1].endswith("…")
    assert any("badcontrol" in t for t in texts)
    assert "\x00" not in svg and "\x0b" not in svg


def test_labels_are_the_callers_translations():
    labels = {"pain": "Kipukohdat", "good": "Hyvät hetket", "no_feelings": "ei tunteita",
              "very_bad": "erittäin huono", "very_good": "erittäin hyvä", "feeling": "Tunne",
              "stage": "Vaihe", "mean": "keskiarvo", "title": "Palvelupolku"}
    root = _parse(journey_map_svg(STAGES, labels=labels))
    texts = _texts(root)
    for word in ("Kipukohdat", "Hyvät hetket", "ei tunteita", "1 erittäin huono", "5 erittäin hyvä"):
        assert word in texts, word
    assert root.find("svg:title", NS).text == "Palvelupolku"
    assert "keskiarvo 2.2" in root.find("svg:desc", NS).text
    assert not {"Pain points", "Good moments", "no feelings"} & set(texts)
