"""The command line as a first-time user meets it: the port addresses are printed on, the
password's rule told first, the methods listed when one is mistyped, export files named for
what they hold and written in the report's language."""
from __future__ import annotations

import io
import json
import zipfile

from openpyxl import load_workbook

from dialogue import db
from dialogue.config import Config, remember_port
from dialogue.models import Dialogue, Participant, Step
from tests.conftest import cid


def test_commands_use_the_port_the_server_last_started_on(tmp_path, monkeypatch):
    monkeypatch.setenv("OSUVA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("OSUVA_PORT", raising=False)
    assert Config().PORT == 5000
    remember_port(tmp_path, 5077)  # what `python app.py --port 5077` does
    assert Config().PORT == 5077
    monkeypatch.setenv("OSUVA_PORT", "6000")  # set by hand, it wins
    assert Config().PORT == 6000


def test_the_password_rule_is_told_before_it_is_asked(runner):
    result = runner.invoke(args=["create-facilitator", "uusi@example.fi"], input="lyhyt\nlyhyt\n")
    assert result.exit_code != 0
    assert result.output.index("at least 8 characters") < result.output.index("Password")


def test_an_unknown_method_lists_the_methods(runner, make):
    owner = make.facilitator()
    result = runner.invoke(args=["new-dialogue", "--method", "eratuako", "--title", "X", "--owner", owner.email])
    assert result.exit_code != 0
    assert "eratuako" in result.output and "eratauko" in result.output and "salonki" in result.output


def _closed_dialogue_with_a_commitment(make):
    d = make.dialogue(method="blank", ask_role=True)
    with db.write() as s:
        s.add(Step(dialogue_id=d.id, position=1, kind="commitments", config={},
                   texts={"fi": {"title": "Sitoumukset", "body": ""}}))
        # two residents: a group too small to show on its own
        for _ in range(2):
            s.add(Participant(dialogue_id=d.id, token_hash=cid(), role="resident"))
    d = db.session.get(Dialogue, d.id)
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    for name, payload in (("go_to_step", {"step_id": d.steps[1].id}),
                          ("add_commitment", {"step_id": d.steps[1].id, "text": "Avataan neuvontapiste",
                                              "who": "Mikkelin kaupunki", "due": "2027-03-01"}),
                          ("set_state", {"state": "closed"})):
        assert staff.emit("act", name, {**payload, "client_id": cid()}, callback=True)["ok"], name
    return d


def test_csv_export_is_a_zip_named_so(runner, make, tmp_path):
    d = _closed_dialogue_with_a_commitment(make)
    result = runner.invoke(args=["export", str(d.id), "--format", "csv", "--out", str(tmp_path / "raportti.csv")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "raportti.csv").exists()
    with zipfile.ZipFile(tmp_path / "raportti.zip") as z:
        assert "summary.csv" in z.namelist() and len(z.namelist()) > 1
    assert "raportti.zip" in result.output


def test_a_finnish_spreadsheet_has_no_english_words_and_finnish_dates(runner, make, tmp_path):
    d = _closed_dialogue_with_a_commitment(make)
    out = tmp_path / "raportti.xlsx"
    assert runner.invoke(args=["export", str(d.id), "--format", "xlsx", "--out", str(out)]).exit_code == 0
    book = load_workbook(io.BytesIO(out.read_bytes()))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    text = "\n".join(cells)
    assert "Tila" in text and "Suljettu" in text and "closed" not in text
    assert "not shown" not in text and "ei näytetä" in text.lower()
    assert "1.3.2027" in text and "2027-03-01" not in text
    # the machine-readable JSON keeps the ISO date
    doc = json.loads(runner.invoke(args=["export", str(d.id), "--format", "json"]).output)
    assert "2027-03-01" in json.dumps(doc)
