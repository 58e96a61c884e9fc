"""The build, top to bottom. This is the only code that knows the order of the stages.

    load (read + validate) → expand → plan (skip unchanged) → render (HTML, here)
      → typeset → post-process → verify → derive → verify (worker processes) → write (atomic) → impose
      → web editions (render → check → write, here) → manifest, catalogue
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .approval import edition, release_refusal
from .catalogue import write_catalogue
from .deadline import TooSlow, deadline
from .editorial import translation_problems
from .errors import Problem, SourceLocation
from .expand import Selection, expand, sibling_files
from .inputs import InputHasher, code_version, imposition_key
from .bundle import BlobStore, RefusedResource, Resources, collect
from .jobs import Derived, Job, JobResult, PrintBoxes
from .limits import SECONDS_PER_VARIANT, STALL_SECONDS
from .model import Project, Variant
from .project import load_project
from .render import render
from .web import build_web, web_editions
from .write import ManifestEntry, OutputStore, sha256_bytes

Progress = Callable[[str, int, int], None]  # (message, done, total); total 0: a status message


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    editorial: list[Problem] = field(default_factory=list)  # stale or missing translations: shown, never blocking
    built: list[Variant] = field(default_factory=list)
    skipped: list[Variant] = field(default_factory=list)
    failed: list[Variant] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # editions (leaflet/language) built with a draft mark
    pages: int = 0
    seconds: float = 0.0
    job_seconds: float = 0.0  # the typesetting jobs' own time in their workers, summed

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems)

    def fail(self, variant: Variant, message: str) -> None:
        self.failed.append(variant)
        self.problems.append(Problem(variant, message))


@dataclass(frozen=True)
class Plan:
    """What this build must do: typeset `stale`, derive `derived` from the PDFs of some of
    them in the same job, impose `imposed`, leave `skipped` alone."""

    keys: dict[Variant, str]
    stale: list[Variant]
    skipped: list[Variant]
    imposed: list[Variant]
    derived: dict[Variant, tuple[Variant, ...]] = field(default_factory=dict)  # source → made from its PDF

    @cached_property
    def by_id(self) -> dict[str, Variant]:
        """Stale and derived variants by the id a JobResult carries."""
        return {str(v): v for v in [*self.stale, *(d for made in self.derived.values() for d in made)]}


def build(root: Path, selection: Selection = Selection(), jobs: int | Executor | None = None,
          progress: Progress | None = None, force: bool = False, output: Path | None = None,
          release: bool = False) -> BuildReport:
    """Build the selected variants into `output` (default: the project's output/).

    `jobs` is the number of worker processes (default: one per core), or an Executor to run the
    typesetting jobs on. With `release`, a draft edition is refused (a failed variant), not
    built with a draft mark. Raises `write.ForeignFolder` for an output folder that is not ours."""
    started = time.perf_counter()
    project, problems = load_project(root)  # read + validate: every problem, with file and line
    problems = [p for p in problems if p.is_error or selection.concerns(p.where.path)]
    problems += [Problem(SourceLocation("command line"), m) for m in selection.unknown(project)]
    variants = expand(project, selection)
    pages = web_editions(project, selection)  # one web page per leaflet × audience × language × brand
    refused = release_refusals(project, variants + pages) if release else {}
    variants = [v for v in variants if v not in refused]
    pages = [v for v in pages if v not in refused]
    status = (lambda message: progress(message, 0, 0)) if progress else None
    with OutputStore.open(output or project.root / "output", on_wait=status) as store:
        plan = plan_build(project, variants, store, force)
        report = BuildReport(problems, editorial_state(project, variants), skipped=list(plan.skipped),
                             drafts=drafts(project, variants + pages))
        for variant, why in refused.items():
            report.fail(variant, why)
        blobs = BlobStore()  # the bytes of every file a job may read, shipped once per worker
        pending = render_jobs(project, longest_first(project, plan.stale, store), plan, blobs, report)  # render, here
        for result in typeset_all(pending, len(plan.stale), jobs, blobs, progress):  # typeset → post-process → verify
            report.job_seconds += result.seconds
            keep(project, store, plan, result, report)  # write: atomically, or keep the last good PDF
        for variant in plan.imposed:  # after typesetting: a booklet is made from its source PDF on disk
            impose(project, store, variant, force, report)
        build_web(project, store, pages, force, report)  # after the PDFs, which each page links to
        entries = store.save()  # the cache and manifest.json
        write_catalogue(store.folder, entries, {b.id: b.name for b in project.brands}, release=release)
    report.built.sort()
    report.failed.sort()
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------- plan

def editorial_state(project: Project, variants: list[Variant]) -> list[Problem]:
    """Stale, missing and unrecorded translations among what is built, so the summary says so."""
    languages: dict[str, set[str]] = {}
    for variant in variants:
        languages.setdefault(variant.leaflet, set()).add(variant.language)
    return [p for leaflet in project.leaflets if leaflet.meta.id in languages
            for p in translation_problems(leaflet, languages[leaflet.meta.id])]


def drafts(project: Project, variants: list[Variant]) -> list[str]:
    """The editions among `variants` that are drafts (not approved, or changed since)."""
    editions = sorted({(v.leaflet, v.language) for v in variants})
    return [f"{l}/{lang}" for l, lang in editions
            if edition(project.leaflet(l), project.leaflet(l).document(lang)).status == "draft"]


def release_refusals(project: Project, variants: list[Variant]) -> dict[Variant, str]:
    """For --release: each draft variant and why it is refused."""
    refusals = {}
    for variant in variants:
        leaflet = project.leaflet(variant.leaflet)
        why = release_refusal(leaflet, leaflet.document(variant.language))
        if why:
            refusals[variant] = why
    return refusals


def plan_build(project: Project, variants: list[Variant], store: OutputStore, force: bool) -> Plan:
    """Skip what is up to date. Keys come from input files, so nothing is rendered to decide.

    A format made from another format's PDF (the booklet imposed from A5, the print-shop PDF
    derived from A4) needs that one, so it is typeset too. A derived variant is made in its
    source's job: when it is out of date, its source is typeset again (same inputs, same bytes)."""
    imposed = [v for v in variants if project.format(v.format).imposed_from]
    derived = [v for v in variants if project.format(v.format).derived_from]
    hasher = InputHasher(project)
    keys = {v: hasher.key(v) for v in derived}
    stale_derived = [v for v in derived if force or not store.up_to_date(v, keys[v])]
    needed = {source_of(project, v) for v in stale_derived}  # an up-to-date derived PDF needs no source
    typeset = sorted({v for v in variants if v not in imposed and v not in derived}
                     | {source_of(project, v) for v in imposed} | needed)
    keys |= {v: hasher.key(v) for v in typeset}
    stale = [v for v in typeset if force or v in needed or not store.up_to_date(v, keys[v])]
    made_from = {source: tuple(v for v in stale_derived if source_of(project, v) == source) for source in needed}
    skipped = [v for v in typeset if v not in stale] + [v for v in derived if v not in stale_derived]
    return Plan(keys, stale, skipped, imposed, made_from)


def source_of(project: Project, variant: Variant) -> Variant:
    """The variant whose PDF an imposed or derived variant is made from."""
    fmt = project.format(variant.format)
    return replace(variant, format=fmt.imposed_from or fmt.derived_from)


def longest_first(project: Project, variants: list[Variant], store: OutputStore) -> list[Variant]:
    """Slowest variants first, so workers finish together: last build's page count when known,
    else the size of the content file."""
    def cost(variant: Variant) -> float:
        known = store.record(variant)
        if known:
            return known.entry.pages
        document = project.leaflet(variant.leaflet).document(variant.language)
        return document.path.stat().st_size / 800 * (1.5 if variant.format == "large-print" else 1)
    return sorted(variants, key=cost, reverse=True)


# ---------------------------------------------------------------- render (in this process)

def render_jobs(project: Project, variants: list[Variant], plan: Plan, blobs: BlobStore,
                report: BuildReport) -> Iterator[Job]:
    """One typesetting job per variant, rendered when the pool asks for it. A variant whose
    rendering fails, runs past its deadline or names a file it may not read fails alone (with
    the variants to be derived from it); the others go on."""
    for variant in variants:
        derived = plan.derived.get(variant, ())
        try:
            with deadline(SECONDS_PER_VARIANT):  # never held across the yield: the consumer may typeset
                job = make_job(project, variant, blobs, derived)
        except TooSlow as exc:
            why = f"rendering {exc}"
        except RefusedResource as exc:
            why = str(exc)
        except (RecursionError, ValueError, KeyError, TypeError) as exc:
            why = f"rendering failed: {type(exc).__name__}: {exc}"
        else:
            yield job
            continue
        report.fail(variant, why)
        for made in derived:
            report.fail(made, f"not made: its source {variant} failed")


def make_job(project: Project, variant: Variant, blobs: BlobStore, derived: tuple[Variant, ...] = ()) -> Job:
    """Render the variant and bundle the files its page names (checked against the variant's
    allowed places, stored in `blobs`): the job then runs on any machine. `derived`: variants
    the worker makes from this PDF (`Format.derived_from`)."""
    rendered = render(project, variant)
    fmt = project.format(variant.format)
    files = collect(rendered.html, rendered.base_url, rendered.allowed, blobs).files
    if rendered.html_with_toc is not None:
        files += collect(rendered.html_with_toc, rendered.base_url, rendered.allowed, blobs).files
    return Job(variant_id=str(variant), html=rendered.html, html_with_toc=rendered.html_with_toc,
               base_url=rendered.base_url, resources=Resources(tuple(sorted(set(files)))), code=code_version(),
               guess_toc=rendered.words > 4 * fmt.words_per_page, language=variant.language, bleed_mm=fmt.bleed_mm,
               font_families=rendered.font_families,
               derived=tuple(Derived(str(d), print_boxes(project, d), sibling_renames(project, variant, d))
                             for d in derived))


def sibling_renames(project: Project, source: Variant, derived: Variant) -> tuple[tuple[str, str], ...]:
    """The file names the source's links to other leaflets give, paired with the derived
    variant's: a print PDF links to the print PDFs beside it, as typesetting it would."""
    theirs, ours = sibling_files(project, source), sibling_files(project, derived)
    return tuple((theirs[leaflet], ours[leaflet]) for leaflet in sorted(theirs) if leaflet in ours)


def print_boxes(project: Project, variant: Variant) -> PrintBoxes:
    """How a derived print-shop variant's pages differ from its source's: bleed, crop marks, and
    the first page's band in the brand's colour, run into the bleed (templates/page.css.j2)."""
    fmt = project.format(variant.format)
    return PrintBoxes(fmt.bleed_mm, fmt.marks_mm if fmt.crop_marks else 0.0, project.brand(variant.brand).primary,
                      fmt.band_bottom_mm)


# ---------------------------------------------------------------- typeset → post-process → verify (workers)

def typeset_all(pending: Iterator[Job], total: int, jobs: int | Executor | None, blobs: BlobStore,
                progress: Progress | None) -> Iterator[JobResult]:
    """Yield JobResults as they finish. The worker pool starts first, so workers import
    WeasyPrint while this process renders the HTML and submits each job as soon as it is ready.
    A job goes with the names of its files on this machine (`BlobStore.local`): a local worker
    reads each once; an executor for other machines (`cluster.DaskExecutor`) ships the bytes."""
    if progress:
        progress("typesetting", 0, total)
    if not total:
        return
    from .worker import run_job, warm_up  # imports WeasyPrint: only when there is work

    if isinstance(jobs, Executor):
        yield from _report(jobs, pending, blobs, progress)
        return
    workers = min(jobs or os.cpu_count() or 1, total)
    if workers == 1:
        for done, job in enumerate(pending, 1):
            result = run_job(job, blobs)
            _tell(progress, result, done, total)
            yield result
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=warm_up)
    try:
        yield from _report(pool, pending, blobs, progress)
    finally:
        pool.shutdown(cancel_futures=True)


def _report(pool: Executor, pending: Iterable[Job], blobs: BlobStore,
            progress: Progress | None) -> Iterator[JobResult]:
    from .worker import run_job

    futures = {pool.submit(run_job, job, blobs.local(job.resources.digests)): job.variant_id for job in pending}
    waiting, done = set(futures), 0
    while waiting:
        finished, waiting = wait(waiting, timeout=STALL_SECONDS, return_when=FIRST_COMPLETED)
        if not finished:  # nothing came back for minutes: a job stuck where its deadline cannot reach
            for future in waiting:
                future.cancel()
            finished, waiting = waiting, set()
        for future in finished:
            done += 1
            result = _result(future, futures[future])
            _tell(progress, result, done, len(futures))
            yield result


def _result(future, variant_id: str) -> JobResult:
    """A finished job's result, or a failed one saying why: a crashed or lost worker, or a job
    given up after STALL_SECONDS. Only this variant fails; the last good PDF stays."""
    if not future.done():
        why = f"no result within {STALL_SECONDS:g} s (its worker is stuck or was lost)"
    else:
        try:
            return future.result()
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}" if str(exc) else f"{type(exc).__name__} (its worker was lost)"
    return JobResult(variant_id, None, messages=[("error", f"typesetting failed: {why}")])


def _tell(progress: Progress | None, result: JobResult, done: int, total: int) -> None:
    if progress:  # "faq/patient/nl/default/a4 + print": the PDFs derived in the same job
        progress(" + ".join([result.variant_id, *(r.variant_id.rsplit("/", 1)[-1] for r in result.derived)]), done, total)


# ---------------------------------------------------------------- write

def keep(project: Project, store: OutputStore, plan: Plan, result: JobResult, report: BuildReport,
         source: Variant | None = None) -> None:
    """Write a variant's PDF atomically, or record it as failed and leave the last good one;
    then the same for each variant derived from it in the job."""
    variant = plan.by_id[result.variant_id]
    report.problems += [Problem(variant, message, severity) for severity, message in result.messages]
    if result.pdf is None or any(severity == "error" for severity, _ in result.messages):
        report.failed.append(variant)
    else:
        write(project, store, Finished(variant, plan.keys[variant], result.pdf, result.pages,
                                       derived_from=source.output_path if source else None), report)
    made = {r.variant_id: r for r in result.derived}
    for derived in plan.derived.get(variant, ()):
        if str(derived) in made:
            keep(project, store, plan, made[str(derived)], report, source=variant)
        else:  # the source failed, so nothing was derived from it
            report.fail(derived, f"not made: its source {variant} failed")


@dataclass(frozen=True)
class Finished:
    """A PDF ready to store: its variant, the key of the inputs it was made from, bytes, pages."""

    variant: Variant
    key: str
    pdf: bytes
    pages: int
    imposed_from: str | None = None  # the booklet: the PDF it was imposed from
    derived_from: str | None = None  # the print-shop PDF: the PDF whose pages it has


def write(project: Project, store: OutputStore, made: Finished, report: BuildReport) -> None:
    """Store one finished PDF with its manifest entry and count it as built."""
    variant = made.variant
    leaflet = project.leaflet(variant.leaflet)
    document = leaflet.document(variant.language)
    entry = ManifestEntry(variant.output_path, variant.leaflet, variant.audience, variant.language, variant.brand,
                          variant.format, document.title, made.pages, sha256_bytes(made.pdf),
                          edition(leaflet, document).status, made.imposed_from, made.derived_from)
    store.write(variant, made.key, made.pdf, entry)
    report.built.append(variant)
    report.pages += made.pages


# ---------------------------------------------------------------- impose (print products)

def impose(project: Project, store: OutputStore, variant: Variant, force: bool, report: BuildReport) -> None:
    """Make an imposed variant (the booklet) from its source PDF, when that one changed."""
    source = source_of(project, variant)
    known = store.record(source)
    if source in report.failed or known is None:
        report.fail(variant, f"not imposed: its source {source} failed")
        return
    key = imposition_key(known.entry.sha256)
    if not force and store.up_to_date(variant, key):
        report.skipped.append(variant)
        return
    from .impose import impose_booklet  # pdfimpose pulls in PyMuPDF (~0.4 s): only when needed

    title = project.leaflet(variant.leaflet).document(variant.language).title
    pdf, sheets = impose_booklet(store.read(source), title, variant.language)
    write(project, store, Finished(variant, key, pdf, sheets, imposed_from=source.output_path), report)
