"""Running a step: the server-side timer and showing or hiding the results.

The timer lives on the step (`timer_seconds` left at `timer_started_at`, or paused),
so the console, the screen and every phone count down from the same numbers, and a
reload or a reconnect shows the right time. Each change tells every client.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .commands import AFTERWARDS, STAFF_ONLY, CommandContext, command
from .models import Step, utcnow
from .state import timer_state
from .textclean import clean_bool, clean_int

MAX_TIMER_SECONDS = 4 * 60 * 60


def _step(ctx: CommandContext) -> Step:
    """The payload's step, or the current one when none is named."""
    if ctx.payload.get("step_id") not in (None, ""):
        return ctx.step()
    step = ctx.s.get(Step, ctx.dialogue.current_step_id) if ctx.dialogue.current_step_id else None
    if step is None:
        ctx.fail(_l("No step is on."))
    return step


def _answer(step: Step) -> dict:
    return {"step_id": step.id, "timer": timer_state(step)}


@command("timer_start", roles=STAFF_ONLY)
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


@command("timer_pause", roles=STAFF_ONLY)
def timer_pause(ctx: CommandContext) -> dict:
    """Pause the step's timer; it keeps the time left."""
    step = _step(ctx)
    step.timer_seconds = timer_state(step)["seconds"]
    step.timer_started_at = None
    ctx.audit("timer_pause", step_id=step.id)
    ctx.changed(everyone=True)
    return _answer(step)


@command("timer_add", roles=STAFF_ONLY)
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


@command("timer_reset", roles=STAFF_ONLY)
def timer_reset(ctx: CommandContext) -> dict:
    """Stop the timer and set it back to the step's time (0 hides it)."""
    step = _step(ctx)
    step.timer_seconds = step.minutes * 60
    step.timer_started_at = None
    ctx.audit("timer_reset", step_id=step.id)
    ctx.changed(everyone=True)
    return _answer(step)


@command("reveal", roles=STAFF_ONLY, when=AFTERWARDS)
def reveal(ctx: CommandContext) -> dict:
    """Show (`revealed`: true) or hide a step's results on the screen."""
    step = _step(ctx)
    step.revealed = clean_bool(ctx.payload.get("revealed"))
    ctx.audit("reveal", step_id=step.id, revealed=step.revealed)
    ctx.changed(everyone=True)
    return {"step_id": step.id, "revealed": step.revealed}
