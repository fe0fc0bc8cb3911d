"""Running a dialogue: moving between steps, the server-side timer, showing or hiding the
results, what the screen shows and whether new people may join.

The timer lives on the step (`timer_seconds` left at `timer_started_at`, or paused),
so the console, the screen and every phone count down from the same numbers, and a
reload or a reconnect shows the right time. Each change tells every client.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dialogue import activities
from dialogue.actors import FACILITATOR_ONLY
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.models import Step, utcnow
from dialogue.realtime.snapshot import timer_state
from dialogue.textclean import clean_bool, clean_int

MAX_TIMER_SECONDS = 4 * 60 * 60
SCREEN_MODES = ("qr", "step", "results", "pause")


def _step(ctx: CommandContext) -> Step:
    """The payload's step, or the current one when none is named."""
    if ctx.payload.get("step_id") not in (None, ""):
        return ctx.step()
    step = ctx.dialogue.current_step
    if step is None:
        ctx.fail(_l("No step is on."))
    return step


def _answer(step: Step) -> dict:
    return {"step_id": step.id, "timer": timer_state(step)}


@command("timer_start", roles=FACILITATOR_ONLY)
def timer_start(ctx: CommandContext) -> dict:
    """Start (or continue) the step's timer; a stopped timer starts from `minutes` or the step's time."""
    step = _step(ctx)
    left = timer_state(step)
    if step.timer_started_at is not None and left["running"]:
        return _answer(step)  # already running: starting twice changes nothing
    seconds = left["seconds"]
    if ctx.payload.get("minutes") not in (None, ""):
        seconds = clean_int(ctx.payload.get("minutes"), 1, MAX_TIMER_SECONDS // 60) * 60
    elif seconds <= 0:
        seconds = step.minutes * 60
    if seconds <= 0:
        ctx.fail(_l("Set the minutes first."))
    step.timer_seconds = seconds
    step.timer_started_at = utcnow()
    ctx.audit("timer_start", step_id=step.id, seconds=seconds)
    ctx.changed(everyone=True)
    return _answer(step)


@command("timer_pause", roles=FACILITATOR_ONLY)
def timer_pause(ctx: CommandContext) -> dict:
    """Pause the step's timer; it keeps the time left."""
    step = _step(ctx)
    step.timer_seconds = timer_state(step)["seconds"]
    step.timer_started_at = None
    ctx.audit("timer_pause", step_id=step.id)
    ctx.changed(everyone=True)
    return _answer(step)


@command("timer_add", roles=FACILITATOR_ONLY)
def timer_add(ctx: CommandContext) -> dict:
    """Add time (default one minute) to the step's timer; a finished timer runs again."""
    step = _step(ctx)
    extra = 60
    if ctx.payload.get("seconds") not in (None, ""):
        extra = clean_int(ctx.payload.get("seconds"), 1, 60 * 60)
    running = step.timer_started_at is not None
    step.timer_seconds = min(MAX_TIMER_SECONDS, timer_state(step)["seconds"] + extra)
    step.timer_started_at = utcnow() if running else None
    ctx.audit("timer_add", step_id=step.id, seconds=extra)
    ctx.changed(everyone=True)
    return _answer(step)


@command("timer_reset", roles=FACILITATOR_ONLY)
def timer_reset(ctx: CommandContext) -> dict:
    """Stop the timer and set it back to the step's time (0 hides it)."""
    step = _step(ctx)
    step.timer_seconds = step.minutes * 60
    step.timer_started_at = None
    ctx.audit("timer_reset", step_id=step.id)
    ctx.changed(everyone=True)
    return _answer(step)


@command("reveal", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def reveal(ctx: CommandContext) -> dict:
    """Show (`revealed`: true) or hide again a step's results, to participants and on the screen."""
    step = _step(ctx)
    step.revealed = clean_bool(ctx.payload.get("revealed"))
    ctx.changed(everyone=True, tally=True)
    message = _l("The results are shown.") if step.revealed else _l("The results are hidden.")
    return {"step_id": step.id, "revealed": step.revealed, "message": str(message)}


@command("go_to_step", roles=FACILITATOR_ONLY, audit=True)
def go_to_step(ctx: CommandContext) -> dict:
    """Move the dialogue to a step; every phone and the screen follow."""
    step = ctx.step()
    ctx.dialogue.current_step_id = step.id
    activities.get(step.kind).on_enter(ctx.s, step)
    if ctx.dialogue.state in ("draft", "open"):
        ctx.dialogue.state = "running"
    ctx.changed(everyone=True)
    return {"step_id": step.id}


@command("screen_mode", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def screen_mode(ctx: CommandContext) -> dict:
    """Choose what the screen shows: the QR code, the step, the results or a pause slide."""
    mode = ctx.payload.get("mode")
    if mode not in SCREEN_MODES:
        ctx.fail(_l("The choice is not valid."))
    ctx.dialogue.screen_mode = mode
    ctx.changed(wall=True)
    return {"mode": mode}


@command("lock_join", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def lock_join(ctx: CommandContext) -> dict:
    """Lock or unlock joining (those already in stay in)."""
    ctx.dialogue.join_locked = bool(ctx.payload.get("locked"))
    ctx.changed(wall=True)
    return {"locked": ctx.dialogue.join_locked}
