"""The layout keeps its promises: methods are named only in their folders, activity kinds are
compared only in their own modules, and no blueprint imports another blueprint's routes."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = ("auth", "participate", "screen", "facilitate", "helpers", "results", "register")


def _sources(*globs: str) -> list[Path]:
    return [p for g in globs for p in (ROOT / "dialogue").glob(g) if "translations" not in p.parts]


def test_no_module_outside_the_methods_names_a_method_key():
    keys = [p.name for p in (ROOT / "methods").iterdir() if (p / "method.json").exists()]
    offenders = []
    loader = ROOT / "dialogue" / "methodology.py"  # may name `blank`, the method every installation has
    for path in [p for p in _sources("**/*.py") if p != loader] + list((ROOT / "templates").glob("**/*.html")) + \
            list((ROOT / "static" / "js").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {key}" for key in keys
                      if re.search(rf"['\"]{key}['\"]", text)]
    assert offenders == []


def test_no_code_outside_the_activities_branches_on_an_activity_kind():
    pattern = re.compile(r"""(\.kind|\[["']kind["']\])\s*(==|!=|in|not in)\s*[\(\["']""")
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in _sources("**/*.py")
                 if "activities" not in p.parts
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_no_blueprint_imports_another_blueprints_routes():
    offenders = []
    for bp in BLUEPRINTS:
        for path in (ROOT / "dialogue" / bp).glob("*.py"):
            for other in BLUEPRINTS:
                if other != bp and re.search(rf"from dialogue\.{other}(\.\w+)? import", path.read_text()):
                    offenders.append(f"{path.relative_to(ROOT)} imports dialogue.{other}")
    assert offenders == []
