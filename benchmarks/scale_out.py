"""Answers per second graded by one process, and by 1 and 2 local Dask workers, in one run.

    python benchmarks/scale_out.py                    # 600 answers; 1 and 2 workers
    python benchmarks/scale_out.py --answers 3000 --workers 1,2,4 --rounds 3

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
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def single(job, parts) -> tuple[float, float, list]:
    from grader import batch

    batch._scorers.clear()  # a fresh scorer: answers embedded by an earlier round must not count
    started = time.perf_counter()
    batch.scorer_for(job)
    loaded = time.perf_counter()
    records = [r for part in parts for r in batch.grade_partition(job, part)]
    return loaded - started, time.perf_counter() - loaded, records


def on_dask(job, parts, workers: int) -> tuple[float, float, list]:
    from grader.batch import in_order
    from grader.distributed import DaskRunner

    started = time.perf_counter()
    with DaskRunner(workers=workers) as runner:  # the LocalCluster `grade --workers` starts
        runner.warm(job)  # every worker loads the model now
        loaded = time.perf_counter()
        records = [r for _, rs in in_order(runner.run(job, parts)) for r in rs]
        return loaded - started, time.perf_counter() - loaded, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=600)
    parser.add_argument("--workers", default="1,2", help="local worker counts, comma-separated")
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of every configuration, interleaved"
    )
    args = parser.parse_args()

    from rich import box
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
    configs = [0] + [int(w) for w in args.workers.split(",")]  # 0: one process, no Dask
    runs: dict[int, list[tuple[float, float, bool]]] = {c: [] for c in configs}
    reference = None
    for round_ in range(args.rounds):
        for workers in configs:  # interleaved, so the machine's load hits all alike
            if workers == 0:
                setup_s, grade_s, records = single(job, parts)
                reference = reference or records
            else:
                setup_s, grade_s, records = on_dask(job, parts, workers)
            runs[workers].append((setup_s, grade_s, records == reference))
            name = f"{workers} worker(s)" if workers else "one process"
            rate = args.answers / grade_s
            print(f"round {round_ + 1}, {name}: {rate:.1f} answers/s", file=sys.stderr)

    title = f"Scale-out: {args.answers:,} answers, {len(parts)} partitions, median of {args.rounds}"
    table = Table(title=title, box=box.MARKDOWN)
    for column in ("run", "setup s", "grading s", "answers/s", "vs one process", "same records"):
        table.add_column(column, justify="right")
    base = args.answers / statistics.median(g for _, g, _ in runs[0])
    for workers, results in runs.items():
        grade_s = statistics.median(g for _, g, _ in results)
        rate = args.answers / grade_s
        plural = "s" if workers > 1 else ""
        table.add_row(
            f"Dask, {workers} local worker{plural}" if workers else "one process",
            f"{statistics.median(s for s, _, _ in results):.1f}",
            f"{grade_s:.1f}",
            f"{rate:.1f}",
            f"{rate / base:.2f}x",
            ("yes" if all(same for _, _, same in results) else "NO") if workers else "-",
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
