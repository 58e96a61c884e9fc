"""A time limit for work on untrusted input that has no limit of its own.

Python-Markdown has inputs that take quadratic time or more (thousands of unmatched '[', a
paragraph of mixed '*_`[<&'); the size limits in `limits` keep those short, and this deadline
catches the shapes nobody has found yet: the work stops with `TooSlow`, which the caller turns
into a located problem. It uses SIGALRM, so it applies in the main thread (builds and `check`);
elsewhere (the preview server's threads) the size limits alone hold.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TooSlow(Exception):
    """The work ran past its deadline."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or signal.getitimer(signal.ITIMER_REAL)[0]:
        yield  # not the main thread, or an outer deadline already runs: that one holds
        return

    def expire(signum, frame):
        raise TooSlow(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
