"""Benchmark the build: prints a table and one JSON line. Not a test: figures, not pass/fail.

    python bench/bench.py            # default brand, A4 and print shop, every leaflet/audience/language
    python bench/bench.py --full     # the whole matrix (all brands and formats; minutes)

Measures, on a copy of the project in a temporary folder:
  cold build (jobs = cores), no-op rebuild (a fresh `build.py` process), one-file edit rebuild,
  pages and PDFs, seconds per page, the ratio of our cold build to raw WeasyPrint rendering the
  same HTML with the same options (sequential time ÷ cores), 2-job speedup over 1 job, peak
  RSS per worker, and the same build on a local Dask cluster of 1 and 2 worker processes
  (`--scheduler local:N`; cluster start-up not counted): its throughput against the process
  pool, and its overhead per job: what one Dask worker adds per job over one warm pool worker
  running the same jobs (best of two alternating runs), against a job's time; and of that, the
  time between jobs beyond their own time in the worker (shipping and scheduling).

The default set has the office and the print-shop PDF of each leaflet: the print-shop PDF is
derived from the A4 one (`postprocess.bleed`), while raw WeasyPrint lays out its HTML again;
`ratio_to_raw_laid_out_only` compares against raw WeasyPrint on the A4 HTML alone.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from leaflets.cluster import dask_executor  # noqa: E402
from leaflets.expand import Selection, expand  # noqa: E402
from leaflets.formats import FORMATS  # noqa: E402
from leaflets.pipeline import build  # noqa: E402
from leaflets.project import load_project  # noqa: E402
from leaflets.render import render  # noqa: E402
from leaflets.typeset import OPTIONS  # noqa: E402
from leaflets.worker import warm_up  # noqa: E402


def copy_project(target: Path) -> Path:
    for name in ("content", "templates", "styles", "brands", "locales", "build.py"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


class Timeline:
    """A progress callback that notes when typesetting began and when the last job came back."""

    def __init__(self):
        self.started = self.last = 0.0

    def __call__(self, message: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if message == "typesetting":
            self.started = now
        elif total:
            self.last = now

    def gap_per_job(self, report, jobs: int) -> float:
        """With one worker kept busy: the time between jobs, beyond the jobs' own time in the
        worker (`JobResult.seconds`), per job: shipping the job and its files, scheduling, the
        result's way back, and the wait for the first job's HTML."""
        return (self.last - self.started - report.job_seconds) / jobs


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def raw_weasyprint(item: tuple[str, str]) -> float:
    """WeasyPrint alone: the same HTML, options and base URL; no fetch limits, no checks."""
    import weasyprint
    html, base_url = item
    started = time.perf_counter()
    weasyprint.HTML(string=html, base_url=base_url).write_pdf(**OPTIONS)
    return time.perf_counter() - started


def raw_floor(project_root: Path, selection: Selection, manifest: dict) -> tuple[float, float]:
    """Sequential seconds for raw WeasyPrint on the HTML of every variant our build printed
    (with or without contents list, as chosen), in a warm process; and of those the seconds of
    the variants our build lays out itself (not the print-shop PDFs it derives)."""
    project, _ = load_project(project_root)
    chosen = {e["path"]: e for e in manifest["pdfs"]}
    items, laid_out = [], []
    for variant in expand(project, selection):
        if project.format(variant.format).imposed_from:
            continue
        rendered = render(project, variant)
        has_toc = rendered.html_with_toc is not None and chosen[variant.output_path]["pages"] > 4
        items.append((rendered.html_with_toc if has_toc else rendered.html, rendered.base_url))
        laid_out.append(not project.format(variant.format).derived_from)
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(raw_weasyprint, items[0]).result()  # warm: import and fonts, as our workers are
        started = time.perf_counter()
        seconds = list(pool.map(raw_weasyprint, items))
        total = time.perf_counter() - started
    return total, total * sum(s for s, ours in zip(seconds, laid_out) if ours) / sum(seconds)


@dataclass
class Run:
    report: object  # BuildReport
    seconds: float
    timeline: Timeline


def one_worker(root: Path, selection: Selection, tmp: Path, pdfs: int, rounds: int = 2) -> tuple[Run, Run]:
    """The same build on one warm process-pool worker and on one Dask worker, alternating, best
    of `rounds` each: this VM's neighbours move single runs by ±15 %, and alternating spreads
    their drift over both."""
    best: dict[str, Run] = {}
    with ProcessPoolExecutor(max_workers=1, initializer=warm_up) as pool, dask_executor("local:1") as dask:
        pool.submit(int).result()  # both started and warm: start-up is not counted
        dask.client.wait_for_workers(1)
        for number in range(rounds):
            for name, executor in (("pool", pool), ("dask", dask)):
                timeline = Timeline()
                report, seconds = timed(build, root, selection, jobs=executor, force=True,
                                        output=tmp / f"{name}1-{number}", progress=timeline)
                assert report.ok and len(report.built) == pdfs
                if name not in best or seconds < best[name].seconds:
                    best[name] = Run(report, seconds, timeline)
    return best["pool"], best["dask"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the whole matrix: every brand and format")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    # PDFs only: the web editions (~0.25 s each, no typesetting) would blur the figures per page.
    selection = Selection(formats=tuple(FORMATS)) if args.full else Selection(brands=("default",),
                                                                              formats=("a4", "print"))
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp))
        cold, t_cold = timed(build, root, selection, jobs=cores)
        assert cold.ok, [str(p) for p in cold.problems if p.is_error]
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        pdfs, pages = len(cold.built), cold.pages

        cli = [sys.executable, "build.py", "-q"] + [f"--brand={b}" for b in selection.brands] + \
              [f"--format={f}" for f in selection.formats]
        noop = subprocess.run(cli, cwd=root, capture_output=True, text=True)
        t_noop = float(noop.stdout.rsplit(" in ", 1)[1].split(" s.")[0])
        started = time.perf_counter()
        subprocess.run(cli, cwd=root, capture_output=True, check=True)
        t_noop_process = time.perf_counter() - started

        faq = root / "content/faq/nl.md"
        faq.write_text(faq.read_text(encoding="utf-8") + "\nEen extra zin om te meten.\n", encoding="utf-8")
        edit, t_edit = timed(build, root, selection, jobs=cores)

        manifest = json.loads((root / "output/manifest.json").read_text())
        t_raw, t_raw_laid_out = raw_floor(root, selection, manifest)

        one, t_one = timed(build, root, selection, jobs=1, force=True, output=Path(tmp) / "one")
        jobs = sum(1 for v in one.built if not FORMATS[v.format].derived_from and not FORMATS[v.format].imposed_from)
        two, t_two = timed(build, root, selection, jobs=2, force=True, output=Path(tmp) / "two")
        pool1, dask1 = one_worker(root, selection, Path(tmp), pdfs)
        with dask_executor("local:2") as executor:
            executor.client.wait_for_workers(2)
            made, t_dask2 = timed(build, root, selection, jobs=executor, force=True, output=Path(tmp) / "dask2")
            assert made.ok and len(made.built) == pdfs

    figures = {
        "selection": "full matrix" if args.full else "default brand, a4 + print",
        "cores": cores,
        "pdfs": pdfs,
        "typesetting_jobs": jobs,
        "pages": pages,
        "cold_s": round(t_cold, 2),
        "seconds_per_page": round(t_cold / pages, 4),
        "noop_s": round(t_noop, 3),
        "noop_process_s": round(t_noop_process, 3),
        "edit_s": round(t_edit, 2),
        "edit_rebuilt": len(edit.built),
        "raw_weasyprint_sequential_s": round(t_raw, 2),
        "ratio_to_raw_per_core": round(t_cold / (t_raw / cores), 3),
        # the same against raw WeasyPrint on only the HTML our build lays out (not the derived PDFs)
        "ratio_to_raw_laid_out_only": round(t_cold / (t_raw_laid_out / cores), 3),
        "jobs1_s": round(t_one, 2),
        "jobs2_s": round(t_two, 2),
        "speedup_2_jobs": round(t_one / t_two, 2),
        "pool1_s": round(pool1.seconds, 2),
        "dask_local1_s": round(dask1.seconds, 2),
        "dask_local2_s": round(t_dask2, 2),
        "dask_speedup_2_workers": round(dask1.seconds / t_dask2, 2),
        "dask_local2_vs_pool2": round(t_dask2 / t_two, 3),
        # one warm worker each, the same jobs, best of two: all Dask adds per job (shipping, the
        # worker's event loop beside the job), against a job on the pool's worker
        "pool1_job_s": round(pool1.seconds / jobs, 2),
        "dask_overhead_per_job_s": round((dask1.seconds - pool1.seconds) / jobs, 3),
        "dask_overhead_per_job_pct": round(100 * (dask1.seconds - pool1.seconds) / pool1.seconds, 1),
        # of that, the time between jobs beyond their own time in the worker (shipping, scheduling);
        # the rest is the jobs running slower inside a Dask worker
        "dask_transport_per_job_s": round(dask1.timeline.gap_per_job(dask1.report, jobs), 3),
        "pool_transport_per_job_s": round(pool1.timeline.gap_per_job(pool1.report, jobs), 3),
        "dask_job_in_worker_vs_pool": round(dask1.report.job_seconds / pool1.report.job_seconds, 3),
        "peak_rss_per_worker_mb": round(peak_rss_mb, 1),
    }
    targets = {"ratio_to_raw_per_core": ("≤", 1.0), "speedup_2_jobs": ("≥", 1.8), "noop_process_s": ("<", 1.0),
               "peak_rss_per_worker_mb": ("≤", 250), "dask_speedup_2_workers": ("≥", 1.7),
               "dask_overhead_per_job_pct": ("<", 5)}
    width = max(map(len, figures))
    for key, value in figures.items():
        target = f"   (target {targets[key][0]} {targets[key][1]})" if key in targets else ""
        print(f"{key:<{width}}  {value}{target}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
