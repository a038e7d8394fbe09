"""Throughput of full grading against the plain cosine baseline, on the same answers.

    python benchmarks/throughput.py                 # 10,000 answers, 3 runs of each
    python benchmarks/throughput.py --answers 2000 --runs 1 --backends torch

Each run is a fresh process (so peak memory is its own and no cache is warm). Full grading
means everything `grader grade` computes: sentences, embeddings, rubric matching,
misconceptions, flags and explanations. The baseline is what a hand-rolled script does:
sentence-transformers encodes every answer and every reference, then takes the best cosine.
Full grading runs once per backend (`--backends`: by default auto, what the commands use, and
PyTorch); the baseline always uses sentence-transformers on PyTorch, as such a script would.
Model loading (and the one-off ONNX export) is timed apart; the answers-per-second figures
exclude it.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def run_once(mode: str, count: int) -> dict:
    """Grade `count` answers in this process with `mode` and report timings and peak memory.

    `mode` is "baseline" or "grader-BACKEND".
    """
    import numpy as np

    from benchmarks.answers import make_answers
    from grader.bank import load_bank
    from grader.embedding import Embedder
    from grader.locations import onnx_folder
    from grader.scoring import Scorer

    bank = load_bank()
    answers = make_answers(bank, count)
    started = time.perf_counter()
    backend = mode.removeprefix("grader-") if mode != "baseline" else "torch"
    # No disk cache: bank texts are embedded inside the timing, as the baseline's are.
    embedder = Embedder(backend=backend, onnx_folder=onnx_folder())
    loaded = time.perf_counter()
    if mode != "baseline":
        scorer = Scorer(bank, embedder)
        results = scorer.score_many(answers)
        checksum = sum(r.score for r in results)
    else:
        model = embedder.runner.model  # the bare sentence-transformer, as a cosine script uses it
        refs = {q.id: q.references for q in bank.free_text()}
        ref_vecs = {
            qid: model.encode(texts, normalize_embeddings=True) for qid, texts in refs.items()
        }
        vecs = model.encode([a for _, a in answers], normalize_embeddings=True)
        checksum = float(sum(np.max(ref_vecs[qid] @ v) for (qid, _), v in zip(answers, vecs)))
    done = time.perf_counter()
    return {
        "mode": mode,
        "backend": str(embedder.backend),
        "answers": count,
        "load_s": loaded - started,
        "grade_s": done - loaded,
        "per_s": count / (done - loaded),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "checksum": checksum,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--backends", default="auto,torch", help="backends for full grading, comma-separated"
    )
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:  # the child process
        print(json.dumps(run_once(args.mode, args.answers)))
        return

    from rich.console import Console
    from rich.table import Table

    modes = ["baseline"] + [f"grader-{b}" for b in args.backends.split(",")]
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for i in range(args.runs):
        for mode in runs:  # interleaved, so machine load hits all alike
            proc = subprocess.run(
                [sys.executable, __file__, "--mode", mode, "--answers", str(args.answers)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs[mode].append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(f"run {i + 1} {mode}: {runs[mode][-1]['per_s']:.0f} answers/s", file=sys.stderr)

    table = Table(title=f"Throughput, {args.answers:,} answers, median of {args.runs} run(s)")
    for column in ("pipeline", "answers/s", "grading s", "model load s", "peak MB", "vs baseline"):
        table.add_column(column, justify="right")
    base = statistics.median(r["per_s"] for r in runs["baseline"])
    for mode, rs in runs.items():
        backend = mode.removeprefix("grader-")
        if backend == "auto":  # say which one auto chose
            backend = f"auto: {rs[0]['backend']}"
        label = "plain cosine baseline" if mode == "baseline" else f"grader, full ({backend})"
        per_s = statistics.median(r["per_s"] for r in rs)
        table.add_row(
            label,
            f"{per_s:,.0f}",
            f"{statistics.median(r['grade_s'] for r in rs):.1f}",
            f"{statistics.median(r['load_s'] for r in rs):.1f}",
            f"{max(r['peak_mb'] for r in rs):,.0f}",
            f"{per_s / base:.2f}x",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
