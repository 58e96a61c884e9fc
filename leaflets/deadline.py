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
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TooSlow(BaseException):
    """The work ran past its deadline. A BaseException, like KeyboardInterrupt, because the alarm
    can land inside library code that catches Exception (WeasyPrint's image loader logs and goes
    on), which would swallow the deadline."""


# Once expired, the alarm fires again this often until the block ends: a TooSlow that lands
# where Python cannot raise it (a garbage-collector callback, a __del__, a `finally` that
# swallows) is reported as "unraisable" and dropped, and the work would go on past its deadline.
REPEAT_SECONDS = 0.01


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise TooSlow in the block after `seconds`. Inside an outer timer that ends sooner, the
    outer one holds; otherwise the outer timer is resumed with what it had left."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread: the size limits alone hold here
        return
    outer = signal.getitimer(signal.ITIMER_REAL)[0]
    if outer and outer <= seconds:
        yield
        return

    inside = [True]

    def expire(signum, frame):
        if inside[0]:
            signal.setitimer(signal.ITIMER_REAL, REPEAT_SECONDS)  # in case this one is swallowed
            raise TooSlow(f"took longer than {seconds:g} s")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        inside[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))
