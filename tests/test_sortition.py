"""The citizens' jury lottery (dialogue.sortition) and its command (dialogue.sortition_cli)."""
from __future__ import annotations

import itertools
import json
import random
from collections import Counter

import pytest
from flask import Flask
from flask_babel import Babel
from scipy.stats import chisquare

from dialogue.sortition import (
    LotteryError,
    Pool,
    draw_jury,
    explain,
    lottery_number,
    parse_quota,
    read_volunteers,
)
from dialogue.sortition_cli import jury_lottery


def make_csv(rows, header=("id", "municipality", "age_band", "gender"), delimiter=","):
    return "\n".join(delimiter.join(r) for r in [header, *rows]) + "\n"


def sample_pool(n=60, seed=1) -> Pool:
    rnd = random.Random(seed)
    rows = [(f"V{i:03}", rnd.choice(["Mikkeli", "Mikkeli", "Juva", "Pieksämäki"]),
             rnd.choice(["18-29", "30-49", "50+"]), rnd.choice(["f", "m", "x"])) for i in range(n)]
    return read_volunteers(make_csv(rows))


def attrs(pool: Pool, ids):
    by_id = {v.id: v.attributes for v in pool.volunteers}
    return [by_id[i] for i in ids]


def assert_meets(pool, draw, size, quotas):
    assert len(draw.selected) == size == len(set(draw.selected))
    chosen = attrs(pool, draw.selected)
    for attribute, seats in quotas.items():
        got = Counter(a[attribute] for a in chosen)
        for value, n in seats.items():
            assert got[value] == n, (attribute, value)


# --- quotas met -------------------------------------------------------------------

def test_single_attribute_quotas_are_met_exactly():
    pool = sample_pool()
    quotas = dict([parse_quota("municipality=Mikkeli:4,Juva:2")])
    for seed in range(30):
        draw = draw_jury(pool, 8, quotas, seed=seed)
        assert_meets(pool, draw, 8, quotas)
        # The seats the quotas leave over go to the other values.
        assert sum(a["municipality"] == "Pieksämäki" for a in attrs(pool, draw.selected)) == 2


def test_two_and_three_attribute_quotas_are_met_exactly():
    pool = sample_pool()
    quotas = dict([parse_quota("municipality=Mikkeli:4,Juva:2"), parse_quota("age_band=18-29:3,30-49:3"),
                   parse_quota("gender=f:5,m:4")])
    for seed in range(30):
        two = {a: quotas[a] for a in ("municipality", "age_band")}
        assert_meets(pool, draw_jury(pool, 10, two, seed=seed), 10, two)
        assert_meets(pool, draw_jury(pool, 10, quotas, seed=seed), 10, quotas)


def test_match_table_shows_quota_selected_and_pool():
    pool = sample_pool()
    draw = draw_jury(pool, 8, {"municipality": {"Mikkeli": 4, "Juva": 2}}, seed="table")
    rows = {(r.attribute, r.value): r for r in draw.table}
    counts = pool.counts("municipality")
    assert (rows["municipality", "Juva"].quota, rows["municipality", "Juva"].selected,
            rows["municipality", "Juva"].pool) == (2, 2, counts["Juva"])
    other = rows["municipality", None]  # the values without a quota of their own
    assert (other.quota, other.selected, other.pool) == (2, 2, counts["Pieksämäki"])
    # Attributes without quotas are shown for information.
    assert rows["gender", "f"].quota is None
    assert sum(r.selected for r in draw.table if r.attribute == "gender") == 8


def test_every_quota_set_that_can_be_met_is_met_and_others_are_refused():
    """Against brute force on small random pools: a draw exists exactly when some jury meets the quotas."""
    rnd = random.Random(7)
    for case in range(150):
        n, size = rnd.randint(4, 10), rnd.randint(1, 5)
        rows = [(f"p{i}", rnd.choice("ABC"), rnd.choice("xy"), rnd.choice("uv")) for i in range(n)]
        pool = read_volunteers(make_csv(rows, ("id", "a", "b", "c")))
        quotas = {}
        for attribute, values in (("a", "AB"), ("b", "x"), ("c", "uv")):
            if rnd.random() < 0.7:
                quotas[attribute] = {v: rnd.randint(0, 3) for v in values if rnd.random() < 0.8}
        possible = any(
            all(sum(pool.volunteers[i].attributes[a] == v for i in combo) == q
                for a, seats in quotas.items() for v, q in seats.items())
            for combo in itertools.combinations(range(n), size)) if size <= n else False
        if possible:
            assert_meets(pool, draw_jury(pool, size, quotas, seed=case), size, quotas)
        else:
            with pytest.raises(LotteryError):
                draw_jury(pool, size, quotas, seed=case)


# --- infeasible quotas -------------------------------------------------------------

def small_pool():
    rows = [("1", "Mikkeli", "18-29", "f"), ("2", "Mikkeli", "30-49", "m"), ("3", "Juva", "30-49", "f"),
            ("4", "Juva", "50+", "m"), ("5", "Mikkeli", "50+", "f"), ("6", "Mikkeli", "18-29", "m")]
    return read_volunteers(make_csv(rows))


def refusal(*args, **kwargs) -> str:
    with pytest.raises(LotteryError) as info:
        draw_jury(*args, **kwargs)
    return str(info.value)


def test_a_value_with_too_few_volunteers_is_named():
    message = refusal(small_pool(), 4, {"municipality": {"Juva": 3}}, seed=1)
    assert "municipality=Juva" in message and "3" in message and "only 2" in message


def test_quotas_adding_up_to_more_than_the_size_are_named():
    message = refusal(small_pool(), 3, {"age_band": {"18-29": 2, "30-49": 2}}, seed=1)
    assert "age_band" in message and "4" in message and "3" in message


def test_too_few_volunteers_for_the_seats_left_over():
    message = refusal(small_pool(), 6, {"municipality": {"Juva": 1}}, seed=1)
    assert "municipality" in message and "5 seats" in message and "only 4" in message  # four in Mikkeli


def test_quotas_that_clash_across_attributes_are_named():
    # Both Juva people are 30-49 or 50+; two Juva seats and two 18-29 seats in a jury of 3 cannot be.
    message = refusal(small_pool(), 3, {"municipality": {"Juva": 2}, "age_band": {"18-29": 2}}, seed=1)
    assert "municipality" in message and "age_band" in message and "together" in message


def test_clash_names_the_pair_not_an_innocent_third_attribute():
    message = refusal(small_pool(), 3, {"municipality": {"Juva": 2}, "age_band": {"18-29": 2},
                                        "gender": {"f": 1}}, seed=1)
    assert "municipality" in message and "age_band" in message and "gender" not in message


def test_other_refusals():
    assert "age" in refusal(small_pool(), 2, {"age": {"x": 1}})  # no such column
    assert "7" in refusal(small_pool(), 7)  # more seats than volunteers
    with pytest.raises(LotteryError):
        draw_jury(small_pool(), 0)


def test_parse_quota():
    assert parse_quota(" municipality = Mikkeli:4, Juva:2 ") == ("municipality", {"Mikkeli": 4, "Juva": 2})
    assert parse_quota("time=10:00:1") == ("time", {"10:00": 1})
    for bad in ("municipality", "municipality=", "municipality=Mikkeli", "municipality=Mikkeli:-1",
                "municipality=Mikkeli:x", "municipality=Mikkeli:1,Mikkeli:2", "=A:1"):
        with pytest.raises(LotteryError):
            parse_quota(bad)


# --- reproducible and fair ------------------------------------------------------------

def test_the_same_seed_gives_the_same_jury_and_reserves():
    pool = sample_pool()
    quotas = {"municipality": {"Mikkeli": 4, "Juva": 2}, "age_band": {"18-29": 3}}
    first = draw_jury(pool, 10, quotas, seed="kevät-2025", reserve=5)
    again = draw_jury(pool, 10, quotas, seed="kevät-2025", reserve=5)
    assert (first.selected, first.reserve) == (again.selected, again.reserve)
    assert draw_jury(pool, 10, quotas, seed=42).selected == draw_jury(pool, 10, quotas, seed="42").selected
    assert draw_jury(pool, 10, quotas, seed="other").selected != first.selected


def test_row_order_in_the_file_plays_no_part():
    pool = sample_pool()
    shuffled = list(pool.volunteers)
    random.Random(3).shuffle(shuffled)
    rows = [(v.id, v.attributes["municipality"], v.attributes["age_band"], v.attributes["gender"]) for v in shuffled]
    quotas = {"municipality": {"Juva": 3}, "gender": {"f": 4}}
    assert draw_jury(read_volunteers(make_csv(rows)), 9, quotas, seed=5).selected == \
        draw_jury(pool, 9, quotas, seed=5).selected


def test_no_seed_makes_one_that_reproduces_the_draw():
    pool = sample_pool()
    draw = draw_jury(pool, 5)
    assert draw.seed.isdigit()
    assert draw_jury(pool, 5, seed=draw.seed).selected == draw.selected


def test_jury_follows_lottery_numbers_and_reserves_cover_every_group_first():
    pool = sample_pool()
    quotas = {"municipality": {"Juva": 2}, "age_band": {"18-29": 2}}
    draw = draw_jury(pool, 6, quotas, seed="order", reserve=12)
    numbers = {v.id: lottery_number("order", v.id) for v in pool.volunteers}
    assert draw.order == sorted(numbers, key=numbers.get)
    assert draw.selected == sorted(draw.selected, key=numbers.get)
    assert not set(draw.reserve) & set(draw.selected) and len(draw.reserve) == 12
    # Every reserve can replace a juror of the same group, keeping the quotas ...
    group = {v.id: (v.attributes["municipality"] == "Juva", v.attributes["age_band"] == "18-29")
             for v in pool.volunteers}
    jury_groups = {group[i] for i in draw.selected}
    assert {group[r] for r in draw.reserve} == jury_groups
    assert all(draw.groups[r] in [draw.groups[i] for i in draw.selected] for r in draw.reserve)
    # ... each group's reserves come in lottery order, and every group has a first reserve
    # before any has a second.
    for g in jury_groups:
        mine = [r for r in draw.reserve if group[r] == g]
        assert mine == sorted(mine, key=numbers.get)
    firsts = len(jury_groups)
    assert len({group[r] for r in draw.reserve[:firsts]}) == firsts
    assert draw.reserve[:firsts] == sorted(draw.reserve[:firsts], key=numbers.get)


def test_reserve_list_is_short_when_nobody_else_can_replace_a_juror():
    draw = draw_jury(small_pool(), 2, {"municipality": {"Juva": 2}}, seed=1, reserve=3)
    assert draw.reserve == [] and draw.reserve_requested == 3


def test_everyone_in_a_group_has_the_same_chance():
    """2,000 draws with fixed seeds: within each group, the counts of seats fit a uniform (chi-square)."""
    rnd = random.Random(11)
    rows = [(f"V{i:02}", rnd.choice(["Mikkeli", "Juva", "Puumala"]), rnd.choice(["young", "old"]), "f")
            for i in range(24)]
    pool = read_volunteers(make_csv(rows))
    quotas = {"municipality": {"Mikkeli": 2, "Juva": 2}, "age_band": {"young": 3}}
    seats = Counter()
    for i in range(2000):
        draw = draw_jury(pool, 6, quotas, seed=f"chi-{i}")
        assert_meets(pool, draw, 6, quotas)
        seats.update(draw.selected)
    groups: dict[tuple, list[str]] = {}
    for v in pool.volunteers:
        groups.setdefault((v.attributes["municipality"], v.attributes["age_band"]), []).append(v.id)
    tested = 0
    for members in groups.values():
        counts = [seats[m] for m in members]
        if len(members) > 1 and sum(counts) > 0:
            assert chisquare(counts).pvalue > 0.001, (members, counts)
            tested += 1
    assert tested >= 4


# --- the file, and no personal data -------------------------------------------------------

def test_reads_semicolons_a_bom_and_an_id_column_anywhere():
    pool = read_volunteers("\ufeffkunta;tunniste;ikä\nJuva;a1;18-29\n\nMikkeli;a2;30-49\n")
    assert pool.id_column == "tunniste" and pool.attributes == ("kunta", "ikä")
    assert [v.id for v in pool.volunteers] == ["a1", "a2"]
    assert pool.volunteers[0].attributes == {"kunta": "Juva", "ikä": "18-29"}


@pytest.mark.parametrize("text, words", [
    ("", ["empty"]),
    ("id,kunta\n", ["no volunteers"]),
    ("id,kunta\na,Juva\nb\n", ["Row 3"]),
    ("id,kunta\na,Juva\na,Mikkeli\n", ["a", "rows 2 and 3"]),
    ("id,kunta\n,Juva\n", ["Row 2"]),
    ("id\na\n", ["attribute"]),
])
def test_bad_files_are_refused_clearly(text, words):
    with pytest.raises(LotteryError) as info:
        read_volunteers(text)
    assert all(w in str(info.value) for w in words)


@pytest.mark.parametrize("heading", ["Nimi", "name", "Etunimi", "Last name", "namn", "E-mail", "sähköposti",
                                     "Puhelin", "phone", "puh", "osoite", "Address", "hetu"])
def test_columns_headed_like_names_or_contact_details_are_refused(heading):
    with pytest.raises(LotteryError) as info:
        read_volunteers(f"id,kunta,{heading}\na,Juva,x\n")
    assert heading in str(info.value)


@pytest.mark.parametrize("value, kind", [("maija.meikalainen@example.fi", "e-mail"), ("040 123 4567", "phone"),
                                         ("+358 40 1234567", "phone"), ("131052-308T", "identity code")])
def test_columns_holding_contact_details_are_refused_without_echoing_them(value, kind):
    with pytest.raises(LotteryError) as info:
        read_volunteers(f"id,kunta,lisätieto\na,Juva,\nb,Juva,{value}\n")
    message = str(info.value)
    assert "lisätieto" in message and kind in message and "row 3" in message and value not in message


def test_ordinary_attribute_values_are_not_mistaken_for_contact_details():
    pool = read_volunteers("id,kunta,ikä,postinumero,tilanne\n0001,Juva,18-29,51900,työtön\n0002,Mikkeli,65+,50100,"
                           "eläkkeellä\n")
    assert len(pool.volunteers) == 2


def test_explain_in_plain_words():
    text = explain()
    assert "lottery number" in text and "same chance" in text and "seed" in text and "reserve" in text


# --- the command ---------------------------------------------------------------------------

def invoke(path, *args):
    """Run the command on a minimal Flask app, as the integrator registers it."""
    app = Flask(__name__)
    Babel(app)  # the messages are lazy gettext strings
    app.cli.add_command(jury_lottery)
    return app.test_cli_runner().invoke(args=["jury-lottery", str(path), *args])


@pytest.fixture
def cli(tmp_path):
    path = tmp_path / "volunteers.csv"
    rows = [(v.id, v.attributes["municipality"], v.attributes["age_band"], v.attributes["gender"])
            for v in sample_pool().volunteers]
    path.write_text(make_csv(rows, delimiter=";"), encoding="utf-8")
    return lambda *args: invoke(path, *args)


def test_cli_prints_jury_reserves_table_seed_and_method(cli):
    result = cli("--size", "8", "--quota", "municipality=Mikkeli:4,Juva:2", "--quota", "age_band=18-29:3",
                 "--reserve", "3", "--seed", "raati")
    assert result.exit_code == 0, result.output
    out = result.output
    draw = draw_jury(sample_pool(), 8, {"municipality": {"Mikkeli": 4, "Juva": 2}, "age_band": {"18-29": 3}},
                     seed="raati", reserve=3)
    assert "Seed: raati" in out and "--seed raati" in out
    assert all(vid in out for vid in draw.selected + draw.reserve)
    assert "Quota" in out and "(other values)" in out and "lottery number" in out


def test_cli_json_is_one_object(cli):
    result = cli("--size", "6", "--quota", "municipality=Juva:2", "--seed", "7", "--json", "--reserve", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["seed"] == "7" and len(data["selected"]) == 6 and len(data["reserve"]) == 2
    juva = next(r for r in data["table"] if r["value"] == "Juva")
    assert juva["quota"] == juva["selected"] == 2


def test_cli_without_seed_prints_a_fresh_one(cli):
    result = cli("--size", "3", "--json")
    seed = json.loads(result.output)["seed"]
    assert cli("--size", "3", "--json", "--seed", seed).output == result.output


def test_cli_refuses_with_the_message_and_a_nonzero_exit(cli, tmp_path):
    result = cli("--size", "8", "--quota", "municipality=Juva:99")
    assert result.exit_code != 0 and "municipality=Juva" in result.output and "99" in result.output
    result = cli("--size", "8", "--quota", "municipality=Juva:1", "--quota", "municipality=Mikkeli:1")
    assert result.exit_code != 0 and "one --quota" in result.output

    named = tmp_path / "named.csv"
    named.write_text("id,nimi,kunta\n1,Maija,Juva\n", encoding="utf-8")
    result = invoke(named, "--size", "1")
    assert result.exit_code != 0 and "nimi" in result.output and "Maija" not in result.output


def test_cli_reads_a_windows_1252_file(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("id;kunta\n1;Mäntyharju\n2;Juva\n".encode("cp1252"))
    result = invoke(path, "--size", "1", "--quota", "kunta=Mäntyharju:1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["selected"] == ["1"]


def test_cli_language_option(cli):
    result = cli("--size", "2", "--seed", "1", "--lang", "sv")
    assert result.exit_code == 0, result.output
    assert "--seed 1" in result.output
