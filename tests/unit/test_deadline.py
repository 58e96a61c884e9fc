"""The deadline stops work on untrusted input even when its first alarm is swallowed."""
import gc
import signal
import time

import pytest

from leaflets.deadline import TooSlow, deadline


def busy(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_work_past_its_deadline_raises_too_slow():
    with pytest.raises(TooSlow, match="took longer than 0.05 s"):
        with deadline(0.05):
            busy(2)


def test_an_alarm_swallowed_by_library_code_fires_again():
    # regression (CI): the alarm landed in a garbage-collector callback, where Python reports the
    # exception as unraisable and drops it, and the job ran on to a finished PDF
    swallowed = []
    started = time.monotonic()
    with pytest.raises(TooSlow):
        with deadline(0.05):
            try:
                busy(2)
            except TooSlow:
                swallowed.append(True)  # what a `except BaseException: pass` in a library does
            busy(2)
    assert swallowed == [True]
    assert time.monotonic() - started < 1


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the first alarm, dropped
def test_an_alarm_landing_in_a_gc_callback_still_stops_the_work():
    calls = []

    def slow_callback(phase, info):
        calls.append(phase)
        if len(calls) == 1:
            busy(0.2)  # the first alarm (at 0.05 s) lands in here

    gc.callbacks.append(slow_callback)
    try:
        started = time.monotonic()
        with pytest.raises(TooSlow):
            with deadline(0.05):
                gc.collect(0)
                busy(2)
        assert time.monotonic() - started < 1
    finally:
        gc.callbacks.remove(slow_callback)


def test_no_alarm_is_left_armed_after_the_block():
    with pytest.raises(TooSlow):
        with deadline(0.02):
            busy(1)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with deadline(1):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    busy(0.05)  # a stray repeat alarm would raise here


def test_an_outer_deadline_resumes_after_an_inner_one():
    with pytest.raises(TooSlow, match="0.3 s"):
        with deadline(0.3):
            with deadline(1):  # the outer one ends sooner: it holds
                busy(2)
