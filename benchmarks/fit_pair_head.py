"""Fit the pair head (grader/pair_head.py) on Beetle's train split, choosing its penalty by
cross-validation grouped by question.

    python benchmarks/fit_pair_head.py            # reads ../shared/datasets/semeval2013_beetle.csv
    python benchmarks/fit_pair_head.py --write    # also writes grader/data/pair_head.json

Each answer is paired with its closest reference (plain cosine; every reference of the
question counts, as the grader reads them), as grader/features.py pairs them. Only the `train`
split is read: the test splits stay unseen for benchmarks/pair_head.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
from graded_data import REPO, arguments
from rich.console import Console
from rich.table import Table
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from grader import pair_head
from grader.bank import Bank
from grader.batch import decode
from grader.embedding import Embedder, EmbeddingCache
from grader.evaluation import GradedRow, build_bank, read_graded
from grader.locations import embeddings_path

PENALTIES = (0.0003, 0.001, 0.003, 0.01, 0.03)
FOLDS = 5


def closest_pairs(
    rows: list[GradedRow], bank: Bank, embedder: Embedder
) -> tuple[np.ndarray, np.ndarray]:
    """(answer vectors, vectors of each answer's closest reference among its question's in
    the bank: the references grader.features pairs it with)."""
    answers = embedder.encode([r.answer for r in rows])
    closest = []
    for row, u in zip(rows, answers):
        refs = embedder.encode(bank.get(row.question_id).references, persist=True)
        closest.append(refs[int(np.argmax(refs @ u))])
    return answers, np.array(closest)


def train_rows(path: Path) -> tuple[list[GradedRow], Bank, np.ndarray]:
    """The `train` rows of a Beetle file, the bank of its questions and the rows' 3-way labels."""
    text = decode(path.read_bytes(), str(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    label = {}
    for record in reader:  # line_num is where the record just read ends
        label[reader.line_num] = record["label_3way"]
    graded = read_graded(text, str(path))
    bank = build_bank(graded)
    rows = [r for r in graded.rows if r.split == "train"]
    return rows, bank, np.array([label[r.line] for r in rows])


def main() -> None:
    args = arguments(__doc__.splitlines()[0], {"write": "write grader/data/pair_head.json"})
    rows, bank, labels = train_rows(args.data / "semeval2013_beetle.csv")
    embedder = Embedder(args.model, cache=EmbeddingCache(embeddings_path()))
    u, v = closest_pairs(rows, bank, embedder)
    groups = np.array([r.key for r in rows])

    table = Table(
        title=f"Pair head on Beetle train ({len(rows)} answers), {FOLDS} folds by question"
    )
    table.add_column("C", justify="right")
    table.add_column("3-way macro-F1", justify="right")
    table.add_column("2-way macro-F1", justify="right")
    scores = {}
    for c in PENALTIES:
        predicted = np.empty(len(rows), dtype=object)
        for fit_idx, test_idx in GroupKFold(n_splits=FOLDS).split(u, groups=groups):
            head = pair_head.fit(u[fit_idx], v[fit_idx], labels[fit_idx], c, embedder.label)
            best = head.probabilities(u[test_idx], v[test_idx]).argmax(axis=1)
            predicted[test_idx] = [pair_head.CLASSES[k] for k in best]
        scores[c] = f1_score(labels, predicted.astype(str), average="macro")
        two = f1_score(labels == "correct", predicted == "correct", average="macro")
        table.add_row(f"{c:g}", f"{scores[c]:.3f}", f"{two:.3f}")
    Console().print(table)
    chosen = max(scores, key=scores.get)
    print(f"chosen C = {chosen:g}")
    if args.write:
        head = pair_head.fit(u, v, labels, chosen, embedder.label)
        head = pair_head.PairHead(
            **{
                **head.__dict__,
                "fitted_on": {
                    "data": "semeval2013_beetle.csv, split train",
                    "answers": len(rows),
                    "pairs": "each answer with its closest reference (plain cosine)",
                    "C": chosen,
                    "chosen_by": f"3-way macro-F1, {FOLDS} folds grouped by question",
                },
            }
        )
        path = REPO / "grader" / "data" / "pair_head.json"
        path.write_text(head.to_json() + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
