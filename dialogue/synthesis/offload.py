"""Run heavy synthesis (theme suggestions, opinion groups) off the event loop.

Under eventlet every request shares one OS thread: seconds of numpy and scikit-learn in a
request would stall live voting for everyone. `off_loop` runs such work in eventlet's pool
of real threads (the greenlet waits, the others go on); with threads or in tests it just
calls the function. Pass plain data in and out, never database objects or sessions.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _eventlet_running() -> bool:
    # Only if the server imported it: importing eventlet here would be slow and pointless.
    eventlet = sys.modules.get("eventlet")
    return eventlet is not None and eventlet.patcher.is_monkey_patched("thread")


def off_loop(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`func(*args, **kwargs)`, in a real thread when eventlet runs the server."""
    if _eventlet_running():
        from eventlet import tpool
        return tpool.execute(func, *args, **kwargs)
    return func(*args, **kwargs)


def in_background(func: Callable[..., Any], *args: Any) -> None:
    """Start `func(*args)` in a real thread and return at once (nobody waits for it)."""
    if _eventlet_running():
        eventlet = sys.modules["eventlet"]
        from eventlet import tpool
        eventlet.spawn(tpool.execute, func, *args)
    else:
        import threading
        threading.Thread(target=func, args=args, daemon=True).start()
