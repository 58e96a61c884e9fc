"""What runs in a worker: typeset one variant, then verify the PDF bytes it produced.

`run_job` (typeset → post-process → verify, then derive → verify for each variant made from
this PDF) is a plain function of a picklable `Job`, so a process pool, a thread pool or a
distributed executor can all run it. `warm_up` is the process pool's initializer: it pays
WeasyPrint's import and font-config cost once per worker instead of once per PDF.
"""
from __future__ import annotations

import signal
import time
from collections.abc import Mapping

from .deadline import TooSlow, deadline
from .limits import SECONDS_PER_DERIVED
from .inputs import code_version
from .jobs import Derived
from .postprocess import add_bleed, postprocess
from .typeset import Job, JobResult, foreign_fonts, typeset
from .verify import verify_pdf


def warm_up() -> None:
    # Ctrl-C reaches every process of the terminal's group: the main process handles it (one
    # line, temporary files removed, exit 130) and ends the pool; a worker printing its own
    # KeyboardInterrupt traceback would bury that line.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_worker()


def warm_worker() -> None:
    """Import WeasyPrint, then freeze what the worker has loaded (its modules, and a Dask worker's
    own machinery) out of every later garbage collection: WeasyPrint's many short-lived objects
    set off ~220 collections a job, and each scanned all of that again. Collections took 7–10 %
    of a job, ~5 % after this. (Collecting less often saved more time but kept cyclic layout
    garbage longer: +100 MB peak per worker.)"""
    import gc

    import weasyprint  # noqa: F401  (imported for its side effect: a warm worker)

    gc.collect()
    gc.freeze()


def run_job(job: Job, blobs: Mapping[str, bytes] | None = None) -> JobResult:
    """typeset → post-process → verify, within the job's time limit (in a process pool's worker,
    whose main thread runs the job; in a thread pool or a Dask worker's task thread the limit
    cannot apply and the size limits alone hold). `blobs`: the bytes of the job's files by
    sha256 (`bundle`); the job reads nothing else. The result says how long the job took here,
    so the build can tell its own time from what carrying jobs to workers costs."""
    started = time.perf_counter()
    result = _run(job, blobs)
    result.seconds = time.perf_counter() - started
    return result


def _run(job: Job, blobs: Mapping[str, bytes] | None) -> JobResult:
    if job.code and job.code != code_version():  # a cluster worker on another commit or library version
        return JobResult(job.variant_id, None, messages=[("error", "this worker runs other leaflets code or libraries "
                                                                   "than the build: install the same commit on every "
                                                                   "worker (the cache would keep its PDFs as current)")])
    try:
        with deadline(job.seconds):
            result = _stages(job, blobs)
    except TooSlow as exc:
        return JobResult(job.variant_id, None, messages=[("error", f"typesetting {exc}: simplify the content")])
    except Exception as exc:  # a crash must fail this variant, not the whole build
        return JobResult(job.variant_id, None, messages=[("error", f"typesetting failed: {type(exc).__name__}: {exc}")])
    if result.pdf is not None and not any(severity == "error" for severity, _ in result.messages):
        result.derived = [derive(result, made, job) for made in job.derived]
    return result


def _stages(job: Job, blobs: Mapping[str, bytes] | None) -> JobResult:
    result = typeset(job, blobs)
    if result.pdf is None:  # refused before layout: nothing to post-process
        return result
    # Close WeasyPrint 70's tagging gaps (footer artifacts, one structure across pages, …).
    result.pdf = postprocess(result.pdf, job.language, job.bleed_mm * 72 / 25.4)
    verify(result, job)
    if job.bleed_mm:
        result.messages += result.print_messages
    return result


def derive(source: JobResult, made: Derived, job: Job) -> JobResult:
    """A variant made from the source's PDF without a new layout (the print-shop PDF from the
    A4 one), verified like any other; it shares the source's layout warnings. Its own time
    limit, outside the source's: whatever goes wrong here fails this variant, not the source."""
    try:
        with deadline(SECONDS_PER_DERIVED):
            pdf = add_bleed(source.pdf, made.boxes, made.variant_id, dict(made.sibling_names))
            result = JobResult(made.variant_id, pdf, toc=source.toc, messages=source.messages + source.print_messages)
            verify(result, job)
            return result
    except TooSlow as exc:
        why = f"deriving {exc}"
    except Exception as exc:
        why = f"deriving failed: {type(exc).__name__}: {exc}"
    return JobResult(made.variant_id, None, messages=[("error", why)])


def verify(result: JobResult, job: Job) -> None:
    """Check the finished PDF (PDF/UA-1, reading order, fonts); its findings fail the variant."""
    facts, findings = verify_pdf(result.pdf)
    result.messages += [("error", str(f)) for f in findings]
    result.messages += [("error", m) for m in foreign_fonts(result.pdf, job.font_families)]
    if facts is not None:
        result.pages = facts.pages
