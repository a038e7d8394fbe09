"""Grade partitions of a file on a Dask distributed cluster: an existing one (`--dask ADDRESS`)
or one started here (`--workers N`, a `LocalCluster` of worker processes).

Each partition is one task running `grader.batch.grade_partition`, the very function a single
process runs, so the records are the same. The grading job (bank, model name, calibration) is
sent once, as a task of its own that every partition depends on: a worker builds its scorer
on its first partition and keeps it for the rest. When a worker dies, the scheduler runs its
unfinished partitions again elsewhere; the caller puts partitions back in input order and
takes each once (`grader.batch.in_order`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager

from grader.batch import GradingJob, Row, grade_partition, scorer_for


class ClusterError(Exception):
    """The cluster could not be reached or started, or a partition failed on every try."""


def thread_limits(workers: int) -> dict[str, str]:
    """The native threads each of `workers` local processes may use: its share of the cores.

    Dask's nanny limits numerical libraries to one thread per worker process by default, which
    suits many one-thread tasks; a grading task is one thread of Python around the model's own
    threaded kernels, which then sit idle.
    """
    share = str(max(1, (os.cpu_count() or 1) // workers))
    return {name: share for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}


def _job(job: GradingJob) -> GradingJob:
    # Returned as the result of a task, so the job is shipped once and, should the worker
    # holding it die, rebuilt by the scheduler like any lost result.
    return job


def _warm(job: GradingJob) -> None:
    scorer_for(job)


class DaskRunner(AbstractContextManager):
    """Runs partitions on Dask; use as a context manager (it closes what it started)."""

    def __init__(self, address: str | None = None, workers: int | None = None):
        self.address, self.workers = address, workers
        self.client = None
        self.cluster = None

    def __enter__(self) -> DaskRunner:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency, but say what to install
            raise ClusterError("Dask is not installed: pip install 'dask[distributed]'") from None
        try:
            if self.address:
                self.client = Client(self.address, timeout="20s")
            else:
                # Processes, one thread each: the model's own threads use the cores, and the
                # Python parts of grading do not share the GIL. The dashboard is left off.
                count = self.workers or 2
                self.cluster = LocalCluster(
                    n_workers=count,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                    env=thread_limits(count),
                )
                self.client = Client(self.cluster)
        except (OSError, ValueError) as exc:  # unreachable, or not an address
            self.__exit__(None, None, None)
            where = self.address or "a local cluster"
            raise ClusterError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def warm(self, job: GradingJob) -> None:
        """Have every worker load the model and the bank now (benchmarks time this apart)."""
        self.client.run(_warm, job)

    @property
    def worker_count(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"]) if self.client else 0

    def run(
        self, job: GradingJob, parts: Sequence[list[Row]]
    ) -> Iterator[tuple[int, list[dict[str, object]]]]:
        """(partition index, records) for every partition, as partitions finish.

        At most a few partitions per worker are out at once: the rows of a million-answer
        file never sit in the scheduler's memory all together, and results waiting to be put
        back in order stay few.
        """
        from distributed import as_completed

        shipped = self.client.submit(_job, job, pure=False)
        waiting = iter(enumerate(parts))
        futures: dict = {}
        finished = as_completed()

        def submit_next() -> None:
            following = next(waiting, None)
            if following is not None:
                index, part = following
                future = self.client.submit(grade_partition, shipped, part, pure=False)
                futures[future] = index
                finished.add(future)

        for _ in range(max(8, 4 * self.worker_count)):
            submit_next()
        try:
            for future in finished:
                index = futures.pop(future)
                try:
                    records = future.result()
                except Exception as exc:
                    raise ClusterError(
                        f"partition {index + 1} of {len(parts)} failed: {exc}"
                    ) from exc
                future.release()
                submit_next()
                yield index, records
        finally:
            # An interrupted run leaves nothing queued on a shared cluster.
            self.client.cancel(list(futures) + [shipped])
