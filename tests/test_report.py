"""The report model of a dialogue with known data, and every export format read back.

Each format is produced for the same dialogue, read back with its own library (JSON
validated against docs/export.schema.json, PDF text extracted, DOCX paragraphs and
tables read, XLSX cells read, CSV parsed) and compared with the model: the same
numbers and texts, personal data masked, no hidden contribution.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from pypdf import PdfReader

from dialogue import db
from dialogue.export.formats import render
from dialogue.export.report import build_report, participation
from dialogue.synthesis.groups import suppress_small_groups
from dialogue.synthesis.pii import MASK
from tests.support.report_data import (
    COMMENT,
    HIDDEN_TEXT,
    PII_RAW,
    VISIBLE_TEXTS,
    build,
)

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "export.schema.json").read_text())
MASKED_TEXTS = [
    "Bussit kulkevat harvoin Juvalle",
    "Bussi ei kulje iltaisin",
    f"Soita minulle {MASK}",
    f"Neuvonta on ystävällistä, kirjoita {MASK}",
    f"Henkilötunnukseni on {MASK}",
    "Paperilta: kurssit ovat hyviä",
]
MASKED_COMMENT = f"Hyvä tilaisuus, soita {MASK}"


@pytest.fixture
def known(make):
    return build(make)


@pytest.fixture
def model(known):
    return build_report(db.session, known.dialogue, lang="en")


def flat(text: str) -> str:
    return " ".join(text.split())


# -- the model: every number ---------------------------------------------------------

def test_model_metadata_and_participation(model):
    d = model["dialogue"]
    assert model["schema"] == "osuva.dialogue/1"
    assert (d["title"], d["topic"], d["method"], d["municipality"], d["place"], d["date"], d["organiser"],
            d["language"]) == ("Raporttitesti", "Palvelut Juvalla", "blank", "Juva", "Kirjasto", "2025-03-14",
                               "ESR+ Osuva", "fi")
    p = model["participation"]
    assert p["count"] == 12 and p["min_group_size"] == 5
    # Residents (5) are shown; experts (4), the decision-maker (1) and the 2 who told nothing merge into "other".
    assert p["by_role"] == {"groups": [{"group": "resident", "count": 5}, {"group": "other", "count": 7}],
                            "left_out": 0}
    # Juva 5 and Mikkeli 5 are shown; the 2 who told nothing are too few even as "other".
    assert p["by_municipality"] == {"groups": [{"group": "Juva", "count": 5}, {"group": "Mikkeli", "count": 5}],
                                    "left_out": 2}
    assert model["themes"] == [{"id": model["themes"][0]["id"], "name": "Liikenne", "key": "", "contributions": 2}]


def test_model_steps(model):
    info, prompt, dots, feedback = model["steps"]
    assert [s["number"] for s in model["steps"]] == [1, 2, 3, 4]
    assert [s["kind"] for s in model["steps"]] == ["info", "prompt", "dots", "feedback"]
    assert info["title"] == "Tervetuloa" and info["body"] == "Säännöt: kuuntele ja kunnioita."
    assert info["acknowledged"] == 3

    texts = [c["text"] for c in prompt["contributions"]]
    assert texts == MASKED_TEXTS
    assert [c["entered_by_staff"] for c in prompt["contributions"]] == [False] * 5 + [True]
    assert [c["theme"] for c in prompt["contributions"]] == ["Liikenne", "Liikenne", None, None, None, None]
    # The expert's group (4) is not shown on its own: their contribution says "other".
    assert [c["author_role"] for c in prompt["contributions"]] == ["resident"] * 4 + ["other", None]
    assert {"word": "bussi", "count": 2} in prompt["words"]

    r = dots["results"]
    assert r["participants"] == {"phone": 3, "staff": 1, "total": 4}
    assert r["dots"] == {"phone": 5, "staff": 2, "total": 7}
    assert [(i["text"], i["dots"]) for i in r["items"]] == [
        ("Bussiyhteydet", {"phone": 3, "staff": 2, "total": 5}),
        ("Neuvonta", {"phone": 2, "staff": 0, "total": 2}),
        ("Kurssit", {"phone": 0, "staff": 0, "total": 0})]

    r = feedback["results"]
    heard, could_say, constructive = r["questions"]
    assert heard["distribution"] == {"phone": [0, 1, 0, 2, 1], "staff": [0, 0, 2, 0, 0], "total": [0, 1, 2, 2, 1]}
    assert (heard["count"], heard["mean"]) == (6, 3.5)
    assert could_say["distribution"]["total"] == [0, 0, 1, 0, 2]
    assert (could_say["count"], could_say["mean"]) == (3, 4.33)
    assert (constructive["count"], constructive["mean"]) == (0, None)
    assert r["respondents"] == {"phone": 4, "staff": 0, "total": 4}
    assert [c["text"] for c in feedback["contributions"]] == [MASKED_COMMENT]

    s = model["summary"]
    assert (s["participants"], s["contributions"]) == (12, 7)
    assert s["themes"] == [{"name": "Liikenne", "contributions": 2}]


def test_model_summary_in_plain_language(known):
    model = build_report(db.session, known.dialogue, lang="en")
    points = model["summary"]["points"]
    assert points[0] == "12 people took part."
    assert any("Bussiyhteydet" in p and "(5)" in p for p in points)
    assert any("50 %" in p and "3.5" in p for p in points)  # heard: 3 of 6 answered 4 or 5


def test_json_validates_against_the_schema(model):
    errors = list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json"))))
    assert errors == []


def test_schema_refuses_who_voted_what(model):
    broken = json.loads(render(model, "json"))
    broken["steps"][1]["contributions"][0]["participant_id"] = 3
    assert list(Draft202012Validator(SCHEMA).iter_errors(broken))


# -- small groups ------------------------------------------------------------------------

def test_a_group_of_four_is_not_shown_and_of_five_is():
    shown = suppress_small_groups({"expert": 5, "decision_maker": 4}, 5)
    assert shown == {"groups": [{"group": "expert", "count": 5}], "left_out": 4}
    merged = suppress_small_groups({"resident": 9, "expert": 4, "decision_maker": 1}, 5)
    assert merged == {"groups": [{"group": "resident", "count": 9}, {"group": "other", "count": 5}], "left_out": 0}


def test_role_groups_of_four_and_five_in_a_dialogue(make):
    from dialogue.commands.dialogues import join
    d = make.dialogue()
    for role in ["expert"] * 5 + ["decision_maker"] * 4:
        join(d, role, None)
    groups = participation(db.session, d)["by_role"]
    assert groups == {"groups": [{"group": "expert", "count": 5}], "left_out": 4}


# -- every format read back --------------------------------------------------------------

def _assert_clean(text: str) -> None:
    assert HIDDEN_TEXT not in text
    for raw in PII_RAW + ("0401234567",):
        assert raw not in text


def test_html(model):
    page = html.unescape(render(model, "html").decode())
    text = flat(re.sub(r"<[^>]+>", " ", page))
    for t in MASKED_TEXTS + [MASKED_COMMENT, "Raporttitesti", "Kirjasto", "ESR+ Osuva"]:
        assert t in text
    assert "Bussiyhteydet 5 (entered by staff 2)" in text  # the results table: total and staff-entered
    assert "I felt heard. 0 1 2 2 1 6 3.5" in text  # the survey table
    _assert_clean(page)
    # Tables have headers; every chart has a title and a description.
    assert page.count('<th scope="col">') >= 10
    assert page.count("<svg") == page.count("<title id=") == page.count("<desc id=") == 3


def test_pdf(model):
    reader = PdfReader(io.BytesIO(render(model, "pdf")))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    for t in MASKED_TEXTS + [MASKED_COMMENT, "Raporttitesti", "Kirjasto"]:
        assert t in text, t
    assert "Bussiyhteydet 5 (entered by staff 2)" in text
    assert "Neuvonta 2 " in text
    assert "6 3.5" in text
    _assert_clean(text)


def test_docx(model):
    doc = Document(io.BytesIO(render(model, "docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    for t in MASKED_TEXTS + [MASKED_COMMENT]:
        assert any(p == t or p.startswith(t + " (") for p in paragraphs), t
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "2. Mikä toimii?" in headings and "3. Mikä on tärkeintä?" in headings
    assert "Liikenne (2)" in headings
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["Bussiyhteydet", "5 (entered by staff 2)"] in rows
    assert ["Neuvonta", "2"] in rows
    assert ["I felt heard.", "0", "1", "2", "2", "1", "6", "3.5"] in rows
    assert ["Juva", "5"] in rows and ["Mikkeli", "5"] in rows
    # The three charts are pictures with their text alternative.
    assert len(doc.inline_shapes) == 3
    descriptions = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert any("Bussiyhteydet: 5" in d for d in descriptions)
    everything = " ".join(paragraphs) + " ".join(" ".join(r) for r in rows)
    _assert_clean(everything)


def test_xlsx(model):
    wb = load_workbook(io.BytesIO(render(model, "xlsx")))
    assert len(wb.sheetnames) == 1 + 4
    values = {name: [[c for c in row] for row in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}
    dots = values[wb.sheetnames[3]]
    assert ("Bussiyhteydet", 5, 3, 2) == tuple(next(r for r in dots if r[0] == "Bussiyhteydet")[:4])
    feedback = values[wb.sheetnames[4]]
    assert tuple(next(r for r in feedback if r[0] == "I felt heard.")[:8]) == ("I felt heard.", 0, 1, 2, 2, 1, 6, 3.5)
    prompt_texts = [r[1] for r in values[wb.sheetnames[2]] if r and isinstance(r[0], int)]
    assert prompt_texts[:6] == MASKED_TEXTS[:2] + MASKED_TEXTS[2:]  # grouped: the theme first
    summary = values[wb.sheetnames[0]]
    assert next(r for r in summary if r[1] == 12)
    everything = json.dumps(values, default=str, ensure_ascii=False)
    _assert_clean(everything)


def _csv_sections(raw: bytes) -> list[list[list[str]]]:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    sections, current = [], []
    for row in rows:
        if not row:
            sections.append(current)
            current = []
        else:
            current.append(row)
    return sections + [current]


def test_csv_zip(model):
    z = zipfile.ZipFile(io.BytesIO(render(model, "csv")))
    assert z.namelist() == ["summary.csv", "01-info.csv", "02-prompt.csv", "03-dots.csv", "04-feedback.csv"]
    dots = [row for section in _csv_sections(z.read("03-dots.csv")) for row in section]
    assert ["Bussiyhteydet", "5", "3", "2"] in dots
    prompt = _csv_sections(z.read("02-prompt.csv"))
    contributions = next(s for s in prompt if s[0] == ["Contributions"])
    assert [r[1] for r in contributions[2:]] == MASKED_TEXTS
    everything = " ".join(z.read(n).decode("utf-8-sig") for n in z.namelist())
    assert "Liikenne" in everything
    _assert_clean(everything)


def test_csv_guards_formulas(make):
    from dialogue.export.tabular import _csv_cell
    assert _csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _csv_cell("Bussit") == "Bussit"


def test_cli_exports_every_format(known, runner, tmp_path):
    for fmt in ("json", "html", "pdf", "docx", "xlsx", "csv"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(args=["export", str(known.dialogue.id), "--format", fmt, "--out", str(out),
                                     "--lang", "en"])
        assert result.exit_code == 0, result.output
        # csv is a zip of several tables, written under a name that says so
        assert out.with_suffix(".zip" if fmt == "csv" else out.suffix).stat().st_size > 500
    assert json.loads((tmp_path / "report.json").read_text())["participation"]["count"] == 12
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert zipfile.is_zipfile(tmp_path / "report.zip") and not (tmp_path / "report.csv").exists()


def test_comment_is_in_every_text_format(model):
    # The survey's free-text comment is part of the report, masked.
    assert MASKED_COMMENT in render(model, "html").decode()
    assert COMMENT not in render(model, "html").decode()
    assert all(t in VISIBLE_TEXTS or MASK in t for t in MASKED_TEXTS)


def test_method_sections(model):
    from flask_babel import force_locale

    from dialogue.export.summary import method_section
    with force_locale("en"):
        eratauko = method_section({**model, "dialogue": {**model["dialogue"], "method": "eratauko"}})
        assert eratauko["title"] == "Report in the National Dialogues format"
        facts = dict(eratauko["blocks"][0]["facts"])
        assert facts["Organiser"] == "ESR+ Osuva" and facts["Participants"] == "12"
        assert facts["Group (no names)"] == "Residents and jobseekers 5, Other 7"
        assert eratauko["blocks"][1]["items"] == ["Mikä toimii?"]  # steps where something was said
        assert method_section(model) is None  # the blank method adds no section
