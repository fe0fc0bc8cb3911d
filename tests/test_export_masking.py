"""Personal data typed into any text that reaches an export is masked in every format.

Each field gets an e-mail address of its own, so a failure names the field and the
format: the dialogue's details, step texts, a vote's listed items, a statement, a
question, contributions, a staff note, a theme's name, an action card, a table's name
and its host's summary. Each format is read back as its reader would see it (the
spreadsheet's cells, the Word document's paragraphs and tables, the PDF's text, the
CSV files inside the zip)."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from dialogue import db, tables
from dialogue.models import Contribution, Item, Step, Theme

FIELDS = ("title", "topic", "place", "organiser", "step_title", "step_body", "listed_item", "statement",
          "question", "contribution", "note", "theme", "card_text", "card_owner", "table_name", "table_summary")


def email(field: str) -> str:
    return f"{field.replace('_', '')}@example.fi"


def said(field: str) -> str:
    return f"Ota yhteyttä {email(field)} kiitos"


@pytest.fixture
def dialogue_full_of_personal_data(make):
    d = make.dialogue(method="blank", title=said("title"), topic=said("topic"), place=said("place"),
                      organiser=said("organiser"))
    with db.write() as s:
        table = tables.add(s, d.id, said("table_name"))
        table.summary = said("table_summary")
        texts = {"fi": {"title": said("step_title"), "body": said("step_body")}}
        prompt = Step(dialogue_id=d.id, position=1, kind="prompt", texts=texts, config={})
        dots = Step(dialogue_id=d.id, position=2, kind="dots", texts={"fi": {"title": "Pisteet", "body": ""}},
                    config={"items": [said("listed_item")], "dots": 2})
        stance = Step(dialogue_id=d.id, position=3, kind="stance", texts={"fi": {"title": "Väitteet", "body": ""}},
                      config={})
        questions = Step(dialogue_id=d.id, position=4, kind="questions",
                         texts={"fi": {"title": "Kysymykset", "body": ""}}, config={})
        cards = Step(dialogue_id=d.id, position=5, kind="commitments",
                     texts={"fi": {"title": "Sitoumukset", "body": ""}}, config={})
        s.add_all([prompt, dots, stance, questions, cards])
        s.flush()
        theme = Theme(dialogue_id=d.id, name=said("theme"))
        s.add(theme)
        s.flush()
        s.add(Contribution(dialogue_id=d.id, step_id=prompt.id, source="staff", text=said("contribution"),
                           theme_id=theme.id, pii=True))
        s.add(Contribution(dialogue_id=d.id, step_id=prompt.id, source="note", text=said("note"), pii=True))
        s.add(Contribution(dialogue_id=d.id, step_id=cards.id, source="commitment", text=said("card_text"),
                           extra={"who": said("card_owner"), "due": "", "status": "accepted", "status_note": ""}))
        s.add(Item(step_id=dots.id, text=said("listed_item"), position=1))
        s.add(Item(step_id=stance.id, text=said("statement"), position=1))
        s.add(Item(step_id=questions.id, text=said("question"), position=1, by_staff=True))
    return d


def _text(fmt: str, body: bytes) -> str:
    """What a reader of this format sees, as one text."""
    if fmt in ("json", "html"):
        return body.decode()
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(z.read(name).decode("utf-8-sig") for name in z.namelist())
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(body))
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    if fmt == "docx":
        doc = Document(io.BytesIO(body))
        cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "html", "docx", "pdf"])
def test_every_field_is_masked_in_every_format(make, dialogue_full_of_personal_data, fmt):
    d = dialogue_full_of_personal_data
    client = make.facilitator_client(d.owner)
    response = client.get(f"/console/d/{d.id}/report.{fmt}")
    assert response.status_code == 200
    text = _text(fmt, response.data)
    leaked = [field for field in FIELDS if email(field) in text]
    assert not leaked, f"{fmt} shows personal data typed into: {leaked}"
    # The masked texts are there (the fields were exported, not left out).
    assert "Ota yhteyttä [•••] kiitos" in text.replace("\n", " ")
