"""Flask commands: accounts, dialogues, exports."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask

from dialogue import db
from dialogue.auth.accounts import PASSWORD_MIN_LENGTH, by_email, create_facilitator
from dialogue.commands.dialogues import create_dialogue
from dialogue.config import LANGUAGES
from dialogue.models import Dialogue
from dialogue.realtime.snapshot import join_url


@click.command("create-facilitator")
@click.argument("email")
@click.option("--password", help="Asked for when not given.")
def create_facilitator_command(email: str, password: str | None) -> None:
    """Create a facilitator account."""
    if password is None:
        click.echo(f"The password needs at least {PASSWORD_MIN_LENGTH} characters.")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = create_facilitator(email, password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created facilitator {account.email}")


@click.command("new-dialogue")
@click.option("--method", "method_key", required=True, help="A method key, e.g. ideakierros.")
@click.option("--title", required=True)
@click.option("--owner", required=True, help="The owning facilitator's e-mail.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="fi")
def new_dialogue_command(method_key: str, title: str, owner: str, lang: str) -> None:
    """Create a dialogue from a method and print it as JSON."""
    account = by_email(owner)
    if account is None:
        raise click.ClickException(f"no facilitator {owner}")
    try:
        d = create_dialogue(account, method_key, title, lang)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    base = join_url(d).rsplit("/j/", 1)[0]
    click.echo(json.dumps({"id": d.id, "code": d.code, "join_url": join_url(d),
                           "screen_url": f"{base}/s/{d.screen_link_token}",
                           "console_url": f"{base}/console/d/{d.id}"}))


@click.command("export")
@click.argument("dialogue_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "html", "pdf", "docx", "xlsx", "csv", "polis"]),
              default="json", help="csv is a zip of CSV files (a summary and one per step), so its file is named "
              ".zip; polis writes the first agree/disagree step's votes as a Pol.is export folder (comments.csv, "
              "votes.csv, participants-votes.csv) to --out.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="The report's language (default: the dialogue's).")
def export_command(dialogue_id: int, fmt: str, out: str, lang: str | None) -> None:
    """Export a dialogue's report to a file (or standard output); works while it runs, too."""
    from dialogue.export.formats import export
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise click.ClickException(f"no dialogue {dialogue_id}")
    if fmt == "polis":
        _write_polis(dialogue, out)
        return
    body, f, _name = export(db.session, dialogue, fmt, lang)
    if fmt == "csv" and out != "-" and not out.lower().endswith("." + f.extension):
        # e.g. --format csv --out report.csv: the file is a zip of several tables, named so
        out = str(Path(out).with_suffix("." + f.extension))
    _write(body, out, newline=fmt in ("json", "html"))


def _write_polis(dialogue: Dialogue, out: str) -> None:
    from dialogue.polis import write_polis
    if out == "-":
        raise click.ClickException("--format polis writes a folder: give it with --out DIR")
    try:
        step_id = write_polis(db.session, dialogue, out)
    except LookupError:
        raise click.ClickException(f"dialogue {dialogue.id} has no agree/disagree votes") from None
    click.echo(json.dumps({"id": dialogue.id, "step_id": step_id, "folder": out}))


@click.command("import-polis")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--owner", required=True, help="The owning facilitator's e-mail.")
@click.option("--title", default=None, help="Default: the conversation's topic, else the folder's name.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", help="The dialogue's language.")
def import_polis_command(folder: str, owner: str, title: str | None, lang: str) -> None:
    """Import a Pol.is export folder (comments.csv, votes.csv) as a closed dialogue with one
    agree/disagree step; print it as one JSON object with its id."""
    from dialogue.polis import import_polis
    account = by_email(owner)
    if account is None:
        raise click.ClickException(f"no facilitator {owner}")
    try:
        done = import_polis(folder, account, title, lang)
    except (OSError, KeyError, ValueError) as exc:
        raise click.ClickException(f"cannot read {folder} as a Pol.is export: {exc}") from None
    click.echo(json.dumps(done))


def _write(body: bytes, out: str, *, newline: bool = False) -> None:
    """Write `body` to the file `out`, or to standard output for "-" (text ends with a newline)."""
    if out == "-":
        sys.stdout.buffer.write(body + (b"\n" if newline else b""))
        sys.stdout.flush()
    else:
        with open(out, "wb") as fh:
            fh.write(body)
        click.echo(f"Wrote {out}")


@click.command("print")
@click.argument("dialogue_id", type=int)
@click.argument("what")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-")
def print_command(dialogue_id: int, what: str, out: str) -> None:
    """Make a printable A4 PDF of a dialogue: join-poster, paper-form, ... (see the error for all)."""
    from dialogue.export import room_printables
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise click.ClickException(f"no dialogue {dialogue_id}")
    if what not in room_printables.REGISTRY:
        raise click.ClickException(f"no printable {what!r}; there are: {', '.join(room_printables.REGISTRY)}")
    body = room_printables.make(what, db.session, dialogue)
    if body is None:
        raise click.ClickException(f"dialogue {dialogue_id} has nothing to print as {what}")
    _write(body, out)


@click.command("demo")
def demo_command() -> None:
    """Create the demo facilitator (if missing) and one demo dialogue per method; print them as JSON.

    Running it again adds only what is missing. Demo dialogues are marked as demos and left
    out of project reporting.
    """
    from dialogue import demo
    account, password = demo.demo_facilitator()
    try:
        dialogues = demo.seed(account)
    except demo.DemoError as exc:
        raise click.ClickException(str(exc)) from None
    out = {"facilitator": account.email,
           "dialogues": [{"id": d.id, "method": d.method, "code": d.code, "title": d.title} for d in dialogues]}
    if password:
        out["password"] = password
    click.echo(json.dumps(out, ensure_ascii=False))


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only tell what would be deleted.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Purge as if it were this day (YYYY-MM-DD); default: now.")
def purge_command(dry_run: bool, today) -> None:
    """Delete the raw data of dialogues whose retention date has come (aggregates are kept).

    Prints one JSON line per dialogue: its id, title, and how many rows of each kind went.
    """
    from dialogue.commands.lifecycle import purge
    done = purge(today, dry_run=dry_run)
    for dialogue, counts in done:
        click.echo(json.dumps({"id": dialogue.id, "title": dialogue.title, "dry_run": dry_run, "deleted": counts},
                              ensure_ascii=False))
    if not done:
        click.echo("Nothing to purge.")


def init_app(app: Flask) -> None:
    """Register the flask commands."""
    from dialogue.sortition_cli import jury_lottery
    for cmd in (create_facilitator_command, new_dialogue_command, export_command, print_command, demo_command,
                purge_command, jury_lottery, import_polis_command):
        app.cli.add_command(cmd)
