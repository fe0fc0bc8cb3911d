"""`flask jury-lottery`: draw a citizens' jury from a CSV of volunteers (see dialogue.sortition).

Register with `app.cli.add_command(jury_lottery)`.
"""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .sortition import (
    Draw,
    LotteryError,
    draw_jury,
    explain,
    parse_quota,
    read_volunteers,
)


@click.command("jury-lottery")
@click.argument("volunteers", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--size", type=click.IntRange(min=1), required=True, help="Seats on the jury.")
@click.option("--quota", "quota_specs", multiple=True, metavar="ATTRIBUTE=VALUE:SEATS,…",
              help="Seats per value of a column, e.g. municipality=Mikkeli:4,Juva:2; repeat for more columns.")
@click.option("--reserve", type=click.IntRange(min=0), default=0, show_default=True,
              help="How many reserves to list, in drawn order.")
@click.option("--seed", default=None, help="Any text or number; the same seed gives the same draw. "
                                           "Default: a fresh random seed, printed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the report.")
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]), default=None,
              help="The language of the report and messages (default: the app's).")
@with_appcontext
def jury_lottery(volunteers: str, size: int, quota_specs: tuple[str, ...], reserve: int, seed: str | None,
                 as_json: bool, lang: str | None) -> None:
    """Draw a citizens' jury from VOLUNTEERS.csv by a stratified lottery.

    The CSV has an anonymous id column (id, or the first column) and attribute
    columns; names and contact details are refused.
    """
    if lang:
        with force_locale(lang):
            _run(volunteers, size, quota_specs, reserve, seed, as_json)
    else:
        _run(volunteers, size, quota_specs, reserve, seed, as_json)


def _run(path: str, size: int, quota_specs: tuple[str, ...], reserve: int, seed: str | None,
         as_json: bool) -> None:
    try:
        pool = read_volunteers(_read_text(path))
        quotas: dict[str, dict[str, int]] = {}
        for spec in quota_specs:
            attribute, seats = parse_quota(spec)
            if attribute in quotas:
                raise LotteryError(_l("Give the quotas for %(attribute)s in one --quota option.",
                                      attribute=attribute))
            quotas[attribute] = seats
        draw = draw_jury(pool, size, quotas, seed=seed, reserve=reserve)
    except LotteryError as exc:
        raise click.ClickException(str(exc.message)) from None
    if as_json:
        click.echo(json.dumps(draw.to_dict(), ensure_ascii=False))
    else:
        click.echo(report(draw))


def _read_text(path: str) -> str:
    with click.open_file(path, "rb") as fh:
        return decode_csv(fh.read())


def decode_csv(raw: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without a BOM), or Excel's Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on a Finnish Windows is Windows-1252, not UTF-8.
        return raw.decode("cp1252", errors="replace")


def report(draw: Draw) -> str:
    """The draw for people: seed, jury, reserves with their groups, the match table, the method."""
    lines = [str(_l("Seed: %(seed)s (run again with --seed %(seed)s to get the same draw)", seed=draw.seed)), ""]
    lines.append(str(_l("Jury (%(count)d), in drawn order:", count=len(draw.selected))))
    lines += [f"{n:>4}. {vid}{_group(draw, vid)}" for n, vid in enumerate(draw.selected, 1)]
    lines.append("")
    lines.append(str(_l("Reserves (%(count)d), in drawn order:", count=len(draw.reserve))))
    lines += [f"{n:>4}. {vid}{_group(draw, vid)}" for n, vid in enumerate(draw.reserve, 1)]
    if len(draw.reserve) < draw.reserve_requested:
        lines.append(str(_l("Only %(count)d of the %(asked)d reserves asked for could be listed: no more "
                            "volunteers could replace a juror.", count=len(draw.reserve),
                            asked=draw.reserve_requested)))
    lines += ["", str(_l("How the jury matches the quotas:")), _table(draw), "", explain()]
    return "\n".join(lines)


def _group(draw: Draw, vid: str) -> str:
    values = draw.groups.get(vid) or {}
    other = str(_l("other values"))
    return "  (" + ", ".join(f"{a}: {other}" if v is None else f"{a}={v}" for a, v in values.items()) + ")" \
        if values else ""


def _table(draw: Draw) -> str:
    header = [str(_l("Attribute")), str(_l("Value")), str(_l("Quota")), str(_l("Selected")),
              str(_l("Volunteers"))]
    body = [[r.attribute, str(_l("(other values)")) if r.value is None else (r.value or str(_l("(empty)"))),
             "–" if r.quota is None else str(r.quota), str(r.selected), str(r.pool)] for r in draw.table]
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]

    def line(row: list[str]) -> str:
        # Text columns left, numbers right.
        return "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))

    return "\n".join([line(header), "  ".join("-" * w for w in widths)] + [line(row) for row in body]).rstrip()
