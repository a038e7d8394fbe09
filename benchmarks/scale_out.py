"""Answers per second graded by one process, and by 1 and 2 local Dask workers, in one run.

    python benchmarks/scale_out.py                    # 600 answers; 1 and 2 workers
    python benchmarks/scale_out.py --answers 3000 --workers 1,2,4

Every configuration grades the same answers (benchmarks/answers.py: realistic and unique) in
the same partitions with `grader.batch.grade_partition`, as `grader grade` does, and must give
the very same records as the single process. Setup is timed apart from grading: for the
single process, loading the model; for Dask, starting the LocalCluster and loading the model
on every worker (one task per worker, before the clock starts). answers/s counts grading
only, from the first partition submitted to the last one back in order, so it includes
shipping rows and results between processes: what scaling out costs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def single(job, parts) -> tuple[float, float, list]:
    from grader.batch import grade_partition, scorer_for

    started = time.perf_counter()
    scorer_for(job)
    loaded = time.perf_counter()
    records = [r for part in parts for r in grade_partition(job, part)]
    return loaded - started, time.perf_counter() - loaded, records


def on_dask(job, parts, workers: int) -> tuple[float, float, list]:
    from distributed import Client, LocalCluster

    from grader.batch import in_order, scorer_for
    from grader.distributed import DaskRunner

    started = time.perf_counter()
    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        with Client(cluster) as client:
            client.run(lambda: scorer_for(job) and None)  # every worker loads the model now
        loaded = time.perf_counter()
        with DaskRunner(cluster.scheduler_address) as runner:
            records = [r for _, rs in in_order(runner.run(job, parts)) for r in rs]
        return loaded - started, time.perf_counter() - loaded, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=600)
    parser.add_argument("--workers", default="1,2", help="local worker counts, comma-separated")
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    from benchmarks.answers import make_answers
    from grader.bank import load_bank
    from grader.batch import GradingJob, Row, partitions
    from grader.startup import cache_folder

    bank = load_bank(cache_folder=cache_folder())
    rows = [
        Row(line=i + 2, fields={"answer_id": str(i), "answer": a}, question_id=q)
        for i, (q, a) in enumerate(make_answers(bank, args.answers))
    ]
    job, parts = GradingJob(bank), partitions(rows)

    table = Table(title=f"Scale-out, {args.answers:,} answers, {len(parts)} partitions")
    for column in ("run", "setup s", "grading s", "answers/s", "vs one process", "same records"):
        table.add_column(column, justify="right")
    load_s, grade_s, reference = single(job, parts)
    base = args.answers / grade_s
    table.add_row("one process", f"{load_s:.1f}", f"{grade_s:.1f}", f"{base:.1f}", "1.00x", "-")
    print(f"one process: {base:.1f} answers/s", file=sys.stderr)
    for workers in (int(w) for w in args.workers.split(",")):
        setup_s, grade_s, records = on_dask(job, parts, workers)
        rate = args.answers / grade_s
        print(f"{workers} Dask worker(s): {rate:.1f} answers/s", file=sys.stderr)
        table.add_row(
            f"Dask, {workers} local worker(s)",
            f"{setup_s:.1f}",
            f"{grade_s:.1f}",
            f"{rate:.1f}",
            f"{rate / base:.2f}x",
            "yes" if records == reference else "NO",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
