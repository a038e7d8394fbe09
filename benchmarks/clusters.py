"""How `grader cluster` groups the built-in bank's marked answers at several distances.

    python benchmarks/clusters.py                     # distances 0.1 to 0.5
    python benchmarks/clusters.py --distance 0.2 0.3

Every marked answer (`marked.csv`: sound, terse, non-native, reversed, shuffled and wrong
answers, each written apart) is graded once and clustered at each distance. The table shows how
far the answers are compressed (answers per cluster, clusters of more than one answer) and how
safe marking a cluster once would be: "marked apart" counts the clusters (and their answers)
whose members the people who marked them did not all judge alike. A cluster never holds both a
pass and a fail of the grader; the risk left is the grader's own mistakes and answers that read
alike but deserve different marks.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.backends import Backend  # noqa: E402
from grader.clusters import cluster_answers  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--distance", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.4, 0.5], help="thresholds"
    )
    parser.add_argument("--marked", type=Path, default=ROOT / "marked.csv", help="marked file")
    parser.add_argument("--backend", type=Backend, default=Backend.auto, choices=list(Backend))
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    from grader.startup import load_scorer, open_bank

    with args.marked.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    scorer = load_scorer(open_bank(None), None, args.backend)
    results = scorer.score_many([(r["question_id"], r["answer"]) for r in rows])
    table = Table(title=f"{len(rows)} marked answers to {len({r['question_id'] for r in rows})}"
                  " questions")  # fmt: skip
    for column in ("distance", "clusters", "answers/cluster", "clusters of 2+",
                   "answers in them", "marked apart"):  # fmt: skip
        table.add_column(column, justify="right")
    for distance in args.distance:
        clusters = cluster_answers(scorer, results, distance)
        grouped = [c for c in clusters if c.size > 1]
        mixed = [c for c in grouped if len({rows[m]["passed"] for m in c.members}) > 1]
        table.add_row(
            f"{distance:g}",
            str(len(clusters)),
            f"{len(rows) / len(clusters):.2f}",
            str(len(grouped)),
            str(sum(c.size for c in grouped)),
            f"{len(mixed)} ({sum(c.size for c in mixed)})",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
