"""Opinion groups (dialogue/synthesis/opinion.py) and the Pol.is export layout (polis_io.py).

Real conversations from Pol.is's open data check that the groups match the ones Pol.is
published; small made-up conversations check each rule on its own.
"""
from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from dialogue.synthesis.opinion import find_opinion_groups, group_informed_consensus
from dialogue.synthesis.polis_io import read_polis_export, write_polis_export

# shared/ lies beside the repository, here and in CI.
POLIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"


# --- real data --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def polis():
    """Read each conversation once and find its groups the way Pol.is would."""
    cache = {}

    def analysed(name):
        if name not in cache:
            folder = POLIS / name
            assert folder.exists(), f"Pol.is open data not found at {folder} (shared/ beside the checkout)"
            export = read_polis_export(folder)
            # Votes on rejected statements count towards participation, as in Pol.is.
            result = find_opinion_groups(export.votes + export.rejected_votes,
                                         moderated_out=export.rejected, min_group_size=5)
            cache[name] = export, result
        return cache[name]
    return analysed


def agreement(export, result) -> float:
    """Adjusted Rand index against Pol.is's groups over participants both clustered."""
    ours = result.membership
    both = sorted(set(ours) & set(export.groups))
    assert len(both) >= 0.9 * len(export.groups)
    return adjusted_rand_score([export.groups[p] for p in both], [ours[p] for p in both])


@pytest.mark.parametrize("name", ["canadian-electoral-reform", "scoop-hivemind.taxes"])
def test_groups_match_the_published_ones(polis, name):
    export, result = polis(name)
    assert len(result.groups) == len(set(export.groups.values())) == int(export.summary["groups"])
    assert agreement(export, result) >= 0.8


def test_reading_an_export_leaves_rejected_statements_out(polis):
    export, result = polis("canadian-electoral-reform")
    assert len(export.statements) == 152 and len(export.rejected) == 22
    rejected = set(export.rejected)
    assert not rejected & {s["id"] for s in export.statements}
    assert not rejected & {s for _, s, _ in export.votes}
    assert {s for _, s, _ in export.rejected_votes} <= rejected
    # The analysis never reports a rejected statement.
    assert not rejected & set(result.statements)
    assert not rejected & set(result.group_informed_consensus)
    # Latest votes agree with Pol.is's own participants-votes.csv.
    with open(POLIS / "canadian-electoral-reform" / "participants-votes.csv", newline="") as f:
        row = next(csv.DictReader(f))
    participant = int(row["participant"])
    mine = {s: v for p, s, v in export.votes + export.rejected_votes if p == participant}
    theirs = {int(k): int(v) for k, v in row.items() if k.isdigit() and v != ""}
    assert mine == theirs


def test_brexit_gives_sensible_output(polis):
    _, result = polis("brexit-consensus")
    assert 2 <= len(result.groups) <= 5
    assert sum(g.size for g in result.groups) == len(result.clustered) > 150
    assert len(result.coordinates) == 204
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in result.coordinates.values())
    for group in result.groups:
        if not group.suppressed:
            assert group.representative
            assert all(r.direction in ("agree", "disagree") for r in group.representative)
    assert result.consensus
    assert all(0 < v <= 1 for v in result.group_informed_consensus.values())
    assert 0 < sum(result.explained_variance) <= 1


# --- made-up conversations ----------------------------------------------------------------

def camps(sizes, statements=20, seed=7, noise=0.1, seen=1.0, common=()):
    """Votes from opposed camps: camp c agrees with statement s when (s + c) is even.

    Everyone agrees with the statements in `common`. `noise` is the chance of a pass,
    `seen` the chance that a participant saw a statement.
    """
    rng = random.Random(seed)
    votes, participant = [], 0
    for camp, size in enumerate(sizes):
        for _ in range(size):
            for s in range(statements):
                if rng.random() >= seen:
                    continue
                lean = 1 if (s + camp) % 2 == 0 else -1
                votes.append((participant, s, 0 if rng.random() < noise else lean))
            for s in common:
                votes.append((participant, s, 1))
            participant += 1
    return votes


def groups_as_sets(result):
    return {frozenset(g.members) for g in result.groups}


def test_two_opposed_camps_are_found():
    result = find_opinion_groups(camps([20, 20]), min_group_size=5)
    assert groups_as_sets(result) == {frozenset(range(20)), frozenset(range(20, 40))}
    assert result.suppressed == ()
    first = next(g for g in result.groups if 0 in g.members)
    # Camp 0 agrees with even statements and disagrees with odd ones, unlike camp 1.
    for rep in first.representative:
        assert rep.direction == ("agree" if rep.statement % 2 == 0 else "disagree")
        assert rep.representativeness > 1 and rep.representativeness_z > 1.2816
    assert {d.statement for d in result.divisive} <= set(range(20))
    assert len(result.divisive) == 5


def test_a_statement_both_camps_agree_with_is_consensus():
    result = find_opinion_groups(camps([20, 15], common=[99]), min_group_size=5)
    agreed = [c for c in result.consensus if c.direction == "agree"]
    assert agreed[0].statement == 99
    assert agreed[0].n_success == agreed[0].n_trials == 35
    assert all(p > 0.5 for p in agreed[0].groups.values())
    # Statements the camps split on are no one's consensus.
    assert all(c.statement == 99 for c in result.consensus)
    assert 99 not in {d.statement for d in result.divisive}


def test_group_informed_consensus_is_the_product_over_groups():
    assert group_informed_consensus([(3, 4), (0, 2)]) == pytest.approx(4 / 6 * 1 / 4)
    assert group_informed_consensus([]) == 1.0
    votes = camps([12, 9], noise=0.3, common=[50], seed=3)
    result = find_opinion_groups(votes, min_group_size=1)
    for statement in (0, 1, 50):
        expected = 1.0
        for group in result.groups:
            members = set(group.members)
            cast = [v for p, s, v in votes if s == statement and p in members]
            expected *= (cast.count(1) + 1) / (len(cast) + 2)
        assert result.group_informed_consensus[statement] == pytest.approx(expected)


def test_groups_smaller_than_the_minimum_are_suppressed():
    result = find_opinion_groups(camps([25, 3]), min_group_size=5)
    assert groups_as_sets(result) == {frozenset(range(25)), frozenset(range(25, 28))}
    small = next(g for g in result.groups if g.size == 3)
    assert result.suppressed == (small.id,) and small.suppressed
    assert small.representative == () and small.votes == {}
    large = next(g for g in result.groups if g.size == 25)
    assert not large.suppressed and large.representative and large.votes
    # A suppressed group's figures appear nowhere else either.
    assert all(small.id not in c.groups for c in result.consensus)
    assert result.divisive == ()  # one reported group cannot split with itself
    # With a lower minimum both are reported.
    assert find_opinion_groups(camps([25, 3]), min_group_size=3).suppressed == ()


def test_same_votes_give_the_same_groups_in_any_order():
    votes = camps([30, 25, 20], statements=30, noise=0.3, seen=0.7, seed=11)
    first = find_opinion_groups(votes, min_group_size=5)
    shuffled = votes[:]
    random.Random(1).shuffle(shuffled)
    again = find_opinion_groups(shuffled, min_group_size=5)
    assert [g.members for g in again.groups] == [g.members for g in first.groups]
    assert again.coordinates == first.coordinates
    assert again.consensus == first.consensus and again.divisive == first.divisive
    assert [g.representative for g in again.groups] == [g.representative for g in first.groups]


def test_participants_below_the_vote_threshold_are_not_clustered():
    votes = camps([15, 15])
    votes += [(100, s, 1) for s in range(6)]    # six votes: not enough
    votes += [(101, s, 1) for s in range(7)]    # seven: enough
    votes += [(102, s, 0) for s in range(7)]    # passes count as votes too
    result = find_opinion_groups(votes, min_group_size=5)
    assert result.min_votes == 7
    assert 100 not in result.clustered and 100 not in result.membership
    assert {101, 102} <= result.clustered and {101, 102} <= set(result.membership)
    assert 100 in result.coordinates  # still on the picture
    # With fewer than seven statements, voting on all of them is enough.
    few = [(p, s, 1 if (p + s) % 2 else -1) for p in range(12) for s in range(4)]
    few += [(50, s, 1) for s in range(3)]
    small = find_opinion_groups(few, min_group_size=1)
    assert small.min_votes == 4
    assert 50 not in small.clustered and set(range(12)) == small.clustered


def test_a_later_vote_replaces_an_earlier_one():
    votes = camps([10, 10])
    flipped = votes + [(0, s, -v) for p, s, v in votes if p == 0]
    result = find_opinion_groups(flipped, min_group_size=1)
    # Participant 0 changed every vote and so changed camps.
    assert groups_as_sets(result) == {frozenset({0, *range(10, 20)}), frozenset(range(1, 10))}


def test_moderated_out_statements_are_not_reported():
    votes = camps([15, 15], common=[77])
    result = find_opinion_groups(votes, min_group_size=5, moderated_out=[77])
    assert 77 not in result.statements and 77 not in result.group_informed_consensus
    assert all(c.statement != 77 for c in result.consensus)
    assert all(r.statement != 77 for g in result.groups for r in g.representative)


def test_edge_cases():
    assert find_opinion_groups([]).groups == ()
    same = find_opinion_groups([(p, s, 1) for p in range(10) for s in range(8)], min_group_size=1)
    assert len(same.groups) == 1 and same.groups[0].size == 10
    assert same.groups[0].representative == () and same.divisive == ()
    with pytest.raises(ValueError):
        find_opinion_groups([(1, 1, 2)])
    # Keys need not be numbers.
    named = [(f"p{p}", f"s{s}", v) for p, s, v in camps([8, 8])]
    assert len(find_opinion_groups(named, min_group_size=1).groups) == 2


# --- the Pol.is layout ---------------------------------------------------------------------

def test_write_then_read_the_polis_layout(tmp_path):
    statements = [
        {"id": 0, "text": "Bussit kulkevat liian harvoin.", "author": 3, "timestamp": 1_700_000_000_000},
        {"id": 1, "text": 'Lisää "kimppakyytejä", kiitos', "moderated": 0},
        {"id": 2, "text": "Rejected, with a comma", "moderated": -1},
    ]
    votes = [
        {"participant": 3, "statement": 0, "vote": 1, "timestamp": 1_700_000_001_000},
        {"participant": 4, "statement": 0, "vote": -1, "timestamp": 1_700_000_002_000},
        {"participant": 4, "statement": 1, "vote": 0, "timestamp": 1_700_000_003_000},
        {"participant": 4, "statement": 2, "vote": 1, "timestamp": 1_700_000_004_000},
        # Given out of order: the later vote still wins.
        {"participant": 3, "statement": 0, "vote": 0, "timestamp": 1_700_000_000_500},
    ]
    write_polis_export(tmp_path, statements, votes, groups={3: 0, 4: 1})
    export = read_polis_export(tmp_path)

    assert [(s["id"], s["text"], s["author"], s["moderated"]) for s in export.statements] == [
        (0, "Bussit kulkevat liian harvoin.", 3, 1), (1, 'Lisää "kimppakyytejä", kiitos', None, 0)]
    assert export.statements[0]["timestamp"] == 1_700_000_000_000
    assert export.rejected == [2]
    assert sorted(export.votes) == [(3, 0, 1), (4, 0, -1), (4, 1, 0)]
    assert export.rejected_votes == [(4, 2, 1)]
    assert export.groups == {3: 0, 4: 1}

    with open(tmp_path / "participants-votes.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:6] == ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
    four = next(r for r in rows if r["participant"] == "4")
    assert (four["n-votes"], four["n-agree"], four["n-disagree"]) == ("3", "1", "1")
    assert (four["0"], four["1"], four["2"]) == ("-1", "0", "1")
    three = next(r for r in rows if r["participant"] == "3")
    assert three["n-comments"] == "1" and three["1"] == ""
    with open(tmp_path / "comments.csv", newline="") as f:
        first = next(csv.DictReader(f))
    assert (first["agrees"], first["disagrees"]) == ("1", "1")


def test_opinion_groups_round_trip_through_the_polis_layout(tmp_path):
    votes = camps([12, 10])
    result = find_opinion_groups(votes, min_group_size=1)
    write_polis_export(tmp_path, [{"id": s, "text": f"Statement {s}"} for s in range(20)],
                       [{"participant": p, "statement": s, "vote": v} for p, s, v in votes],
                       groups=result.membership)
    export = read_polis_export(tmp_path)
    assert sorted(export.votes) == sorted(votes)
    assert export.groups == result.membership
    again = find_opinion_groups(export.votes, min_group_size=1)
    assert groups_as_sets(again) == groups_as_sets(result)


def test_writing_rejects_ids_readers_cannot_use(tmp_path):
    with pytest.raises(ValueError):
        write_polis_export(tmp_path, [{"id": "abc", "text": "x"}], [])
    with pytest.raises(ValueError):
        write_polis_export(tmp_path, [{"id": 1, "text": "x"}],
                           [{"participant": 1, "statement": 2, "vote": 1}])
