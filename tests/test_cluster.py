"""Past one machine: self-contained jobs, and the same build on a Dask cluster (`--scheduler`)."""
from __future__ import annotations

import json
import os
import shutil
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from conftest import make_project
from leaflets.bundle import BlobStore
from leaflets.cli import main
from leaflets.cluster import dask_executor
from leaflets.expand import Selection, expand
from leaflets.model import Variant
from leaflets.pipeline import build, make_job
from leaflets.project import load_project
from leaflets.verify import verify_pdf
from leaflets.worker import run_job

SMALL = Selection(leaflets=("demo", "other"), languages=("nl",), formats=("a4", "a5"))
WIDER = Selection(leaflets=("demo",), formats=("a4", "a5", "large-print"))


def pdfs(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*.pdf"))}


def test_jobs_from_a_deleted_copy_of_the_project_make_the_same_pdfs(project, tmp_path):
    assert build(project, SMALL, jobs=1).ok
    expected = pdfs(project / "output")
    copy = make_project(tmp_path / "copy", brands=())  # a second project, only to be deleted
    loaded, _ = load_project(copy)
    store = BlobStore()
    jobs = [make_job(loaded, variant, store) for variant in expand(loaded, SMALL)]
    shipped = [(job, store.subset(job.resources.digests)) for job in jobs]  # bytes, not paths
    assert all(job.resources.files for job, _ in shipped)  # fonts and the logo at least
    shutil.rmtree(copy)
    with ProcessPoolExecutor(1) as pool:  # a fresh process: nothing cached, the project gone
        results = list(pool.map(run_job, *zip(*shipped)))
    assert all(r.pdf is not None and not [m for m in r.messages if m[0] == "error"] for r in results), \
        [r.messages for r in results]
    made = {Variant(*r.variant_id.split("/")).output_path: r.pdf for r in results}
    assert made == expected


def test_a_job_given_no_bytes_for_its_files_fails_instead_of_reading_the_disk(project):
    loaded, _ = load_project(project)
    job = make_job(loaded, Variant("demo", "patient", "nl", "default", "a4"), BlobStore())
    result = run_job(job, {})
    assert result.pdf is None or any("blobs lack this file" in m for _, m in result.messages)
    assert any(severity == "error" for severity, _ in result.messages)


def test_a_build_on_a_local_dask_cluster_makes_the_same_pdfs_and_manifest(project, tmp_path):
    assert build(project, SMALL, jobs=2).ok
    expected, manifest = pdfs(project / "output"), json.loads((project / "output/manifest.json").read_text())
    assert main(["--project", str(project), "build", "--output", str(tmp_path / "dask"), "-q",
                 "--scheduler", "local:2", "--leaflet", "demo", "--leaflet", "other", "--language", "nl",
                 "--format", "a4", "--format", "a5"]) == 0
    assert pdfs(tmp_path / "dask") == expected
    assert json.loads((tmp_path / "dask/manifest.json").read_text()) == manifest


def test_a_dask_worker_killed_mid_build_loses_only_its_jobs(project):
    killed = []
    with dask_executor("local:2") as executor:
        pids = executor.client.run(os.getpid)

        def progress(message, done, total):
            if done == 1 and not killed:  # one PDF back: the workers are busy with the rest
                os.kill(next(iter(pids.values())), signal.SIGKILL)
                killed.append(True)

        report = build(project, WIDER, jobs=executor, progress=progress)
    assert killed
    variants = expand(load_project(project)[0], WIDER)
    assert sorted(report.built + report.failed) == sorted(variants)  # each built or reported, none lost
    assert len(report.built) >= len(variants) - 2  # Dask ran the dead worker's jobs again elsewhere
    assert not list((project / "output").rglob("*.leaflets-tmp"))
    for variant in report.built:
        _, findings = verify_pdf((project / "output" / variant.output_path).read_bytes())
        assert not findings  # whole and valid: nothing half-written


@pytest.mark.parametrize("value", ["local:0", "local:x", "8786", "http://host:8786", "tcp://"])
def test_a_wrong_scheduler_value_is_refused_with_the_forms_it_takes(capsys, value):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--scheduler", value])
    assert exit_.value.code == 2
    assert "use local:N (N worker processes on this machine) or the scheduler's address" in capsys.readouterr().err


def test_a_job_that_never_comes_back_is_given_up_and_only_it_fails(project, monkeypatch):
    # a Dask worker runs jobs in threads, where the per-job deadline cannot reach: the build must
    # still end (regression: it waited forever on a stuck job)
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from leaflets import pipeline, worker

    release = threading.Event()
    real = worker.run_job

    def stuck_on_a5(job, blobs=None):
        if job.variant_id.endswith("/a5"):
            release.wait(60)
        return real(job, blobs)

    monkeypatch.setattr(worker, "run_job", stuck_on_a5)
    monkeypatch.setattr(pipeline, "STALL_SECONDS", 3)
    pool = ThreadPoolExecutor(2)
    try:
        report = build(project, Selection(leaflets=("other",), formats=("a4", "a5")), jobs=pool)
    finally:
        release.set()
        pool.shutdown(wait=True)
    assert [str(v) for v in report.built] == ["other/patient/nl/default/a4"]
    assert [str(v) for v in report.failed] == ["other/patient/nl/default/a5"]
    assert any("no result within 3 s (its worker is stuck or was lost)" in str(p) for p in report.problems)


def test_a_worker_running_other_code_refuses_the_job(project):
    from dataclasses import replace

    loaded, _ = load_project(project)
    store = BlobStore()
    job = replace(make_job(loaded, Variant("other", "patient", "nl", "default", "a4"), store), code="0" * 64)
    result = run_job(job, store)
    assert result.pdf is None
    assert "runs other leaflets code or libraries than the build" in result.messages[0][1]


def test_this_process_holds_one_copy_of_each_file_a_job_reads(project):
    # a job run here, or shipped to Dask, is handed the bytes the BlobStore read, not a second read
    loaded, _ = load_project(project)
    store = BlobStore()
    job = make_job(loaded, Variant("demo", "patient", "nl", "default", "a4"), store)
    shipped = store.local(job.resources.digests)
    assert job.resources.digests and all(shipped[d] is store[d] for d in job.resources.digests)


def test_a_cluster_whose_workers_cannot_import_weasyprint_is_a_scheduler_error(monkeypatch):
    from distributed.diagnostics.plugin import WorkerPlugin

    from leaflets import cluster

    def missing():
        class NoWeasyPrint(WorkerPlugin):
            def setup(self, worker):
                import weasyprint_is_not_installed_here  # noqa: F401
        return NoWeasyPrint()
    monkeypatch.setattr(cluster, "_warm_up_plugin", missing)
    with pytest.raises(cluster.SchedulerError, match="a Dask worker cannot import WeasyPrint .*ModuleNotFoundError"):
        with dask_executor("local:1"):
            pass
