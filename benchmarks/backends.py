"""Agreement and speed of the ONNX backends against the default PyTorch one.

    python benchmarks/backends.py                  # answer suite + 2,000 generated answers
    python benchmarks/backends.py --answers 500 --rounds 1

Every backend grades the same answers: the hand-written answer suite (good, partial and wrong
answers to every question) plus generated answers over the whole bank (benchmarks/answers.py).
Agreement is measured on the final score (0-100) against PyTorch: the share within 1 point,
the median and largest difference, and how many pass/fail verdicts change. Speed is full
grading in answers per second, the median of interleaved rounds, each round with fresh
embedders so that no answer is already embedded; bank texts are embedded before timing.
ONNX files are exported first (once, into the user cache folder), outside the timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.answers import make_answers  # noqa: E402
from benchmarks.gaming import suite_answers  # noqa: E402
from grader.backends import Backend  # noqa: E402
from grader.bank import load_bank  # noqa: E402
from grader.embedding import Embedder  # noqa: E402
from grader.locations import onnx_folder  # noqa: E402
from grader.scoring import Scorer  # noqa: E402


def grade(bank, backend: Backend, answers) -> tuple[np.ndarray, np.ndarray, float]:
    """Scores and verdicts of `answers` with a fresh embedder on `backend`, and answers per second.

    Verdicts are each result's own: its rubric's pass mark, and never a pass when flagged.
    """
    embedder = Embedder(backend=backend, onnx_folder=onnx_folder())
    scorer = Scorer(bank, embedder)
    scorer.score_many([(q.id, "warm up the bank texts") for q in bank.free_text()])
    started = time.perf_counter()
    results = scorer.score_many(answers)
    per_s = len(answers) / (time.perf_counter() - started)
    return np.array([r.score for r in results]), np.array([r.passed for r in results]), per_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=2000, help="generated answers")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per backend")
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    bank = load_bank()
    answers = [
        (q.id, text)
        for q in bank.free_text()
        for texts in suite_answers(q.id).values()
        for text in texts
    ]
    answers += make_answers(bank, args.answers)
    backends = list(Backend)
    scores: dict[Backend, np.ndarray] = {}
    verdicts: dict[Backend, np.ndarray] = {}
    speeds: dict[Backend, list[float]] = {b: [] for b in backends}
    for round_ in range(args.rounds):
        for backend in backends:  # interleaved, so machine load hits all alike
            scores[backend], verdicts[backend], per_s = grade(bank, backend, answers)
            speeds[backend].append(per_s)
            print(f"round {round_ + 1} {backend}: {per_s:.0f} answers/s", file=sys.stderr)

    reference = scores[Backend.torch]
    table = Table(title=f"Backends on {len(answers):,} answers, median of {args.rounds} round(s)")
    for column in (
        "backend", "answers/s", "vs torch", "within 1 point", "median diff", "max diff",
        "verdicts changed",
    ):  # fmt: skip
        table.add_column(column, justify="left" if column == "backend" else "right")
    base = statistics.median(speeds[Backend.torch])
    for backend in backends:
        diff = np.abs(scores[backend] - reference)
        per_s = statistics.median(speeds[backend])
        table.add_row(
            str(backend),
            f"{per_s:.0f}",
            f"{per_s / base:.2f}x",
            f"{np.mean(diff <= 1):.1%}",
            f"{np.median(diff):.2f}",
            f"{diff.max():.1f}",
            str(int(np.sum(verdicts[backend] != verdicts[Backend.torch]))),
        )
    Console().print(table)


if __name__ == "__main__":
    main()
