"""Methods are folders: discovered and validated at start-up, with hooks the app calls
without knowing the method. A method of one's own is added without touching `dialogue/`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialogue import create_app, db, methodology
from dialogue.models import Base, Dialogue

ROOT = Path(__file__).resolve().parent.parent
BLANK = json.loads((ROOT / "methods" / "blank" / "method.json").read_text(encoding="utf-8"))


def _texts(title: str) -> dict:
    return {lang: {"title": f"{title} ({lang})", "body": ""} for lang in ("fi", "sv", "en")}


def _method(key: str, **changes) -> dict:
    data = {**BLANK, "key": key, "listed": True,
            "steps": [{"kind": "prompt", "texts": _texts("Kysymys"), "config": {}}]}
    data.update(changes)
    return data


def _folder(tmp_path: Path, key: str, data: dict | str, code: str | None = None,
            templates: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "own-methods" / key
    folder.mkdir(parents=True)
    (folder / "method.json").write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    if code is not None:
        (folder / "__init__.py").write_text(code, encoding="utf-8")
    for name, text in (templates or {}).items():
        (folder / "templates").mkdir(exist_ok=True)
        (folder / "templates" / name).write_text(text, encoding="utf-8")
    return folder.parent


def _app(tmp_path: Path, methods_path: Path):
    return create_app({"TESTING": True, "INSTANCE_PATH": tmp_path, "SECRET_KEY": "t",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}", "PUBLIC_URL": "http://osuva.test",
                       "ASYNC_MODE": "threading", "TALLY_INTERVAL": 0, "WTF_CSRF_ENABLED": False,
                       "AUTO_MIGRATE": False, "METHODS_PATH": [methods_path]})


HOOKED = '''
from dialogue.methodology import Panel


def report_section(model):
    said = [c["text"] for s in model["steps"] for c in s.get("contributions") or []]
    return {"title": "Oma osio", "blocks": [{"heading": "Mitä sanottiin", "level": 3, "items": said}]}


def console_panels(dialogue, lang):
    return [Panel("methods/omamenetelma/tool.html", {"greeting": "Hei " + dialogue.title})]
'''


@pytest.fixture
def own_method(tmp_path):
    """An app with a method folder of one's own (OSUVA_METHODS_PATH) that has hooks and a template."""
    path = _folder(tmp_path, "omamenetelma", _method("omamenetelma"), HOOKED,
                   {"tool.html": '<section class="card" id="own-tool">{{ panel.context.greeting }}</section>'})
    app = _app(tmp_path, path)
    Base.metadata.create_all(db.engine)
    with app.app_context():
        yield app
    db.session.remove()
    db.engine.dispose()
    methodology.load()


def test_a_method_folder_of_ones_own_adds_its_report_section_and_console_tool(own_method):
    from dialogue.actors import Actor
    from dialogue.auth.accounts import create_facilitator
    from dialogue.commands import dispatch
    from dialogue.commands.dialogues import create_dialogue, join
    from dialogue.export.formats import render
    from dialogue.export.report import build_report
    from dialogue.models import Participant
    from tests.conftest import Factory, cid

    owner = create_facilitator("oma@example.fi", "salasana123")
    d = create_dialogue(owner, "omamenetelma", "Oma dialogi")
    join(db.session.get(Dialogue, d.id))
    phone = Actor("participant", d.id, participant_id=db.session.query(Participant).one().id)
    step = db.session.get(Dialogue, d.id).steps[0]
    assert dispatch(phone, "contribute", {"step_id": step.id, "text": "Bussi ei kulje", "client_id": cid()})["ok"]
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    assert model["method_section"]["title"] == "Oma osio"
    assert model["method_section"]["blocks"][0]["items"] == ["Bussi ei kulje"]
    html = render(model, "html").decode()
    assert "Oma osio" in html and "Bussi ei kulje" in html
    console = Factory(own_method).facilitator_client(owner)
    page = console.get(f"/console/d/{d.id}").get_data(as_text=True)
    assert 'id="own-tool"' in page and "Hei Oma dialogi" in page


@pytest.mark.parametrize("data, code, problem", [
    ("{ not json", None, r"method\.json: Expecting"),
    (_method("rikki", steps=[{"kind": "nosuchkind", "texts": _texts("X"), "config": {}}]), None,
     "unknown activity kind 'nosuchkind'"),
    (_method("rikki", name={"fi": "Rikki", "sv": "Trasig"}), None, "needs a text in each of"),
    (_method("rikki", steps=[{"kind": "prompt", "texts": {"fi": {"title": "X"}, "sv": {"title": "X"}},
                              "config": {}}]), None, r"texts needed in"),
    (_method("rikki"), "def report_section(dialogue, lang):\n    return None\n",
     r"__init__\.py: hook report_section\(\) must take \(model\)"),
    (_method("rikki"), "raise RuntimeError('boom')\n", r"__init__\.py: could not be loaded"),
])
def test_a_broken_method_folder_stops_the_app_naming_the_file_and_the_problem(tmp_path, data, code, problem):
    path = _folder(tmp_path, "rikki", data, code)
    try:
        with pytest.raises(methodology.MethodError, match=problem) as raised:
            _app(tmp_path, path)
        assert str(path / "rikki") in str(raised.value)
    finally:
        methodology.load()


def test_a_folder_without_method_json_is_an_error(tmp_path):
    (tmp_path / "own" / "puolikas").mkdir(parents=True)
    try:
        with pytest.raises(methodology.MethodError, match="needs a method.json"):
            _app(tmp_path, tmp_path / "own")
    finally:
        methodology.load()
