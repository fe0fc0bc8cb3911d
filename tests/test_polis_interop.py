"""Pol.is interoperability through the command line, on Pol.is's open data.

`flask import-polis DIR --owner EMAIL` makes a closed dialogue with one agree/disagree
step; the JSON export names the opinion groups' members by their Pol.is ids, which must
agree with the groups Pol.is published; `export --format polis` writes the Pol.is layout
back, and reading it gives the same votes.
"""
from __future__ import annotations

import json
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from dialogue import db
from dialogue.models import Dialogue
from dialogue.synthesis.polis_io import read_polis_export

POLIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
NAME = "canadian-electoral-reform"


def test_import_export_and_groups_agree_with_polis(make, runner, tmp_path):
    owner = make.facilitator()
    result = runner.invoke(args=["import-polis", str(POLIS / NAME), "--owner", owner.email])
    assert result.exit_code == 0, result.output
    done = json.loads(result.output)
    dialogue = db.session.get(Dialogue, done["id"])
    assert dialogue.state == "closed" and [s.kind for s in dialogue.steps] == ["stance"]
    published = read_polis_export(POLIS / NAME)
    assert done["statements"] == len(published.statements) == 152

    # The JSON export: the groups by their members' Pol.is ids, and consensus per statement.
    out = tmp_path / "d.json"
    result = runner.invoke(args=["export", str(done["id"]), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    step = json.loads(out.read_text())["steps"][0]
    groups = step["opinion_groups"]["groups"]
    assert len(groups) == int(published.summary["groups"]) == 2
    ours = {int(e): n for n, g in enumerate(groups) for e in g["external_ids"]}
    both = sorted(set(ours) & set(published.groups))
    assert len(both) >= 0.9 * len(published.groups)
    assert adjusted_rand_score([published.groups[p] for p in both], [ours[p] for p in both]) >= 0.8
    informed = step["opinion_groups"]["group_informed"]
    assert len(informed) == 152 and all(0 < row["value"] <= 1 and row["external_id"] for row in informed)

    # The Pol.is layout back out: the same latest votes on the accepted statements.
    folder = tmp_path / "polis"
    result = runner.invoke(args=["export", str(done["id"]), "--format", "polis", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in folder.iterdir()} >= {"comments.csv", "votes.csv", "participants-votes.csv"}
    again = read_polis_export(folder)
    assert sorted(again.votes) == sorted(published.votes)
    assert sorted(again.rejected) == sorted(published.rejected)
    assert [s["text"] for s in again.statements] == [s["text"] for s in published.statements]
    assert set(again.groups) == set(ours)  # participants-votes.csv carries the same groups


def test_import_refuses_what_is_not_a_polis_export(make, runner, tmp_path):
    owner = make.facilitator()
    result = runner.invoke(args=["import-polis", str(tmp_path), "--owner", owner.email])
    assert result.exit_code != 0 and "Pol.is" in result.output
    result = runner.invoke(args=["import-polis", str(POLIS / NAME), "--owner", "nobody@example.org"])
    assert result.exit_code != 0 and "no facilitator" in result.output
