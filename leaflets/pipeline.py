"""The build, top to bottom. This is the only code that knows the order of the stages.

    load (read + validate) → expand → plan (skip unchanged) → render (HTML, here)
      → typeset → post-process → verify (worker processes) → write (atomic) → manifest, catalogue
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .catalogue import write_catalogue
from .errors import Problem, SourceLocation
from .expand import Selection, expand
from .inputs import InputHasher, code_version
from .jobs import Job, JobResult
from .model import Project, Variant
from .project import load_project
from .render import Rendered, render
from .write import ManifestEntry, atomic_write, entry_dict, load_cache, save_state, sha256_bytes, sha256_file

Progress = Callable[[str, int, int], None]  # (message, done, total)


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    built: list[Variant] = field(default_factory=list)
    skipped: list[Variant] = field(default_factory=list)
    failed: list[Variant] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class Plan:
    """What this build must do: typeset `stale`, impose `imposed`, leave `skipped` alone."""

    keys: dict[Variant, str]
    stale: list[Variant]
    skipped: list[Variant]
    imposed: list[Variant]

    @cached_property
    def by_id(self) -> dict[str, Variant]:
        """Stale variants by the id a JobResult carries."""
        return {str(v): v for v in self.stale}


def build(root: Path, selection: Selection = Selection(), jobs: int | None = None,
          executor: Executor | None = None, progress: Progress | None = None, force: bool = False,
          output: Path | None = None) -> BuildReport:
    started = time.perf_counter()
    project, problems = load_project(root)  # read + validate: every problem, with file and line
    problems += [Problem(SourceLocation("command line"), m) for m in selection.unknown(project)]
    variants = expand(project, selection)
    output = (output or project.root / "output").resolve()
    _remove_stale_temp_files(output)
    cache = load_cache(output)
    plan = _plan(project, variants, cache, output, force)
    report = BuildReport(problems, skipped=list(plan.skipped))
    # render (here) → typeset → post-process → verify (workers), longest first
    for result in _typeset_all(project, _longest_first(project, plan.stale, cache), jobs, executor, progress):
        _keep(project, output, cache, plan, result, report)
    for variant in plan.imposed:  # after typesetting: imposition reads the source PDFs from disk
        _impose(project, output, cache, variant, force, report)
    if variants or cache:
        entries = save_state(output, cache)
        write_catalogue(output, entries, {b.id: b.name for b in project.brands})
    report.built.sort()
    report.failed.sort()
    report.seconds = time.perf_counter() - started
    return report


def _plan(project: Project, variants: list[Variant], cache: dict, output: Path, force: bool) -> Plan:
    """Skip what is up to date. Keys come from input files, so nothing is rendered to decide."""
    imposed = [v for v in variants if project.format(v.format).imposed_from]
    # An imposed format (booklet) is made from another format's PDF, so that one is typeset too.
    typeset = sorted({v for v in variants if v not in imposed} | {_imposition_source(project, v) for v in imposed})
    hasher = InputHasher(project)
    keys = {v: hasher.key(v) for v in typeset}
    stale = [v for v in typeset if force or not up_to_date(output, cache, v, keys[v])]
    return Plan(keys, stale, [v for v in typeset if v not in stale], imposed)


def _keep(project: Project, output: Path, cache: dict, plan: Plan, result: JobResult, report: BuildReport) -> None:
    """Write a variant's PDF atomically, or record it as failed and leave the last good one."""
    variant = plan.by_id[result.variant_id]
    report.problems += [Problem(variant, message, severity) for severity, message in result.messages]
    if result.pdf is None or any(severity == "error" for severity, _ in result.messages):
        report.failed.append(variant)
        return
    _write(project, output, cache, variant, plan.keys[variant], result.pdf, result.pages, report)


def _write(project: Project, output: Path, cache: dict, variant: Variant, key: str, pdf: bytes, pages: int,
           report: BuildReport, imposed_from: str | None = None) -> None:
    atomic_write(output / variant.output_path, pdf)
    title = project.leaflet(variant.leaflet).document(variant.language).title
    entry = ManifestEntry(variant.output_path, variant.leaflet, variant.audience, variant.language,
                          variant.brand, variant.format, title, pages, sha256_bytes(pdf), imposed_from)
    cache[variant.output_path] = {"key": key, "entry": entry_dict(entry)}
    report.built.append(variant)
    report.pages += pages


def _imposition_source(project: Project, variant: Variant) -> Variant:
    return replace(variant, format=project.format(variant.format).imposed_from)


def _impose(project: Project, output: Path, cache: dict, variant: Variant, force: bool, report: BuildReport) -> None:
    """Make an imposed variant (the booklet) from its source PDF, when that one changed."""
    source = _imposition_source(project, variant)
    if source in report.failed or source.output_path not in cache:
        report.failed.append(variant)
        report.problems.append(Problem(variant, f"not imposed: its source {source} failed"))
        return
    key = imposition_key(cache[source.output_path]["entry"]["sha256"])
    if not force and up_to_date(output, cache, variant, key):
        report.skipped.append(variant)
        return
    from .impose import impose_booklet  # pdfimpose pulls in PyMuPDF (~0.4 s): only when needed

    title = project.leaflet(variant.leaflet).document(variant.language).title
    pdf, sheets = impose_booklet((output / source.output_path).read_bytes(), title, variant.language)
    _write(project, output, cache, variant, key, pdf, sheets, report, imposed_from=source.output_path)


# ---------------------------------------------------------------- cache

def imposition_key(source_sha256: str) -> str:
    """An imposed PDF depends only on its source PDF's bytes and the code."""
    return hashlib.sha256((code_version() + source_sha256).encode()).hexdigest()


def up_to_date(output: Path, cache: dict, variant: Variant, key: str) -> bool:
    """The cached PDF was made from inputs with this key and is intact on disk."""
    known = cache.get(variant.output_path)
    if not known or known.get("key") != key:
        return False
    return sha256_file(output / variant.output_path) == known["entry"]["sha256"]  # intact on disk


def _remove_stale_temp_files(output: Path) -> None:
    """Leftovers of a build that was killed mid-write; never a finished PDF."""
    if output.is_dir():
        for tmp in output.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- typesetting in workers

def _longest_first(project: Project, variants: list[Variant], cache: dict) -> list[Variant]:
    """Slowest variants first, so workers finish together: last build's page count when known,
    else the size of the content file."""
    def cost(variant: Variant) -> float:
        known = cache.get(variant.output_path)
        if known:
            return known["entry"]["pages"]
        document = project.leaflet(variant.leaflet).document(variant.language)
        return document.path.stat().st_size / 800 * (1.5 if variant.format == "large-print" else 1)
    return sorted(variants, key=cost, reverse=True)


def _job(project: Project, rendered: Rendered) -> Job:
    variant = rendered.variant
    fmt = project.format(variant.format)
    guess_toc = rendered.words > 4 * fmt.words_per_page
    return Job(str(variant), rendered.html, rendered.html_with_toc, rendered.base_url,
               rendered.allowed.paths, str(variant), guess_toc, variant.language, fmt.bleed_mm)


def _typeset_all(project: Project, variants: list[Variant], jobs: int | None, executor: Executor | None,
                 progress: Progress | None):
    """Yield JobResults as they finish. The worker pool starts first, so workers import
    WeasyPrint while this process renders the HTML and submits each job as soon as it is ready."""
    total = len(variants)
    if progress:
        progress("typesetting", 0, total)
    if not variants:
        return
    from .worker import run_job, warm_up  # imports WeasyPrint: only when there is work

    jobs = jobs or os.cpu_count() or 1
    own = executor is None and jobs > 1 and total > 1
    if executor is None and not own:
        for done, variant in enumerate(variants, 1):
            result = run_job(_job(project, render(project, variant)))
            if progress:
                progress(result.variant_id, done, total)
            yield result
        return
    pool = executor or ProcessPoolExecutor(max_workers=min(jobs, total), initializer=warm_up)
    try:
        futures = [pool.submit(run_job, _job(project, render(project, v))) for v in variants]
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            if progress:
                progress(result.variant_id, done, total)
            yield result
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
