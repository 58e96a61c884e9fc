"""Typesetting on a Dask cluster: `build.py --scheduler tcp://HOST:8786` or `--scheduler local:N`.

Only the typesetting jobs leave this process (typeset → post-process → verify, `worker.run_job`);
planning, the cache, writing, the manifest and the catalogue stay here. A job is self-contained
(`bundle`): its HTML plus the digests of the files it may read. `DaskExecutor` scatters each
distinct file's bytes to the cluster once, under its sha256, and passes a job only the futures of
its own files, so a worker fetches each font once and keeps it for the jobs after.

If a worker dies, Dask runs its jobs again on another worker (up to its `allowed-failures`);
a job it gives up on comes back as an exception, which the pipeline reports as that variant
failed (`pipeline._report`), keeping the last good PDF.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor, Future
from contextlib import contextmanager

LOCAL = re.compile(r"^local:([1-9][0-9]?)$")
ADDRESS = re.compile(r"^(tcp|tls|ws|wss|inproc)://[^\s/]+$")


class SchedulerError(ValueError):
    """The --scheduler value is wrong, or Dask is not installed (a message for the user)."""


def scheduler_address(text: str) -> str:
    """Check a --scheduler value: `local:N` (1 to 99 worker processes) or a scheduler address."""
    if LOCAL.match(text) or ADDRESS.match(text):
        return text
    raise SchedulerError(f"'{text}': use local:N (N worker processes on this machine) or the scheduler's "
                         "address, e.g. tcp://10.0.0.5:8786")


class DaskExecutor(Executor):
    """A concurrent.futures Executor over a Dask client that ships each job's blobs once."""

    def __init__(self, client):
        self.client = client
        self.pool = client.get_executor(pure=False)  # concurrent.futures Futures, for as_completed
        self.scattered: dict[str, object] = {}  # sha256 → Dask future of those bytes on the cluster

    def submit(self, fn, job, blobs: Mapping[str, bytes], /) -> Future:
        try:
            new = [digest for digest in blobs if digest not in self.scattered]
            if new:
                # to every worker now, in one round trip, held until the build ends: a worker
                # that dies takes no file with it that the other jobs need
                futures = self.client.scatter([blobs[digest] for digest in new], broadcast=True)
                self.scattered.update(zip(new, futures))
            return self.pool.submit(fn, job, {d: self.scattered[d] for d in blobs})
        except (OSError, TimeoutError) as exc:  # no workers, or the scheduler went away
            raise SchedulerError(f"the Dask cluster cannot take jobs: {exc}") from exc

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait)


@contextmanager
def dask_executor(scheduler: str) -> Iterator[DaskExecutor]:
    """Connect to the scheduler (or start a LocalCluster of N worker processes) for one build."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise SchedulerError("--scheduler needs Dask: pip install 'leaflets[cluster]'") from exc
    local = LOCAL.match(scheduler)
    cluster = None
    try:
        if local:
            # Processes, one thread each: WeasyPrint holds the GIL, so threads would only queue.
            # No statistical profiler: it samples every thread's stack every 10 ms, holding the
            # GIL, and made each job about a quarter slower (`make bench`, job_s).
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                cluster = LocalCluster(n_workers=int(local[1]), threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="20s")
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        # Each worker imports WeasyPrint when it joins (now, or later), as the process pool's
        # initializer does, not inside the first job it runs.
        try:
            client.register_plugin(_warm_up_plugin(), name="leaflets-warm-up")
        except Exception as exc:  # a worker without WeasyPrint (or its libraries) can make no PDF
            raise SchedulerError(f"a Dask worker cannot import WeasyPrint ({type(exc).__name__}: {exc}): install "
                                 "leaflets and scripts/system-deps.sh on every worker") from exc
        yield DaskExecutor(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _warm_up_plugin():
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmUp(WorkerPlugin):
        def setup(self, worker):
            from leaflets.worker import warm_worker
            warm_worker()

    return WarmUp()
