"""What the accuracy benchmarks share: reading a human-graded data set and grading it once.

The data sets live outside the repository, in ../shared/datasets/ (see its README); every
benchmark takes `--data DIR` to point elsewhere.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.bank import Bank  # noqa: E402
from grader.batch import decode  # noqa: E402
from grader.embedding import Embedder, EmbeddingCache  # noqa: E402
from grader.evaluation import GradedRow, build_bank, grade, read_graded  # noqa: E402
from grader.features import FeatureExtractor  # noqa: E402
from grader.locations import embeddings_path  # noqa: E402
from grader.scoring import Scorer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "datasets"


def arguments(description: str, switches: dict[str, str] | None = None) -> argparse.Namespace:
    """--data and --model, and each of `switches` (--name: help) as an on/off option."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the data sets")
    parser.add_argument("--model", default=None, help="sentence-transformer name or path")
    for name, text in (switches or {}).items():
        parser.add_argument(f"--{name}", action="store_true", help=text)
    return parser.parse_args()


@dataclass
class Graded:
    """A data set graded once: its rows, their extra CSV fields, results and features."""

    rows: list[GradedRow]
    extra: list[dict[str, str]]  # every CSV field of each row, by the same index
    X: np.ndarray
    raw_score: np.ndarray  # the scorer's own score, 0-100
    embedder: Embedder
    bank: Bank  # the file's questions, with every reference the grader compares with

    def column(self, name: str) -> np.ndarray:
        return np.array([e[name] for e in self.extra])

    def plain_cosine(self, all_references: bool = False) -> np.ndarray:
        """The baseline: cosine of answer and reference as embedded, nothing else.

        With `all_references`, the best over every reference instead of the first one.
        """
        answers = self.embedder.encode([r.answer for r in self.rows])
        if not all_references:
            refs = self.embedder.encode([e["reference_answer"] for e in self.extra])
            return np.sum(answers * refs, axis=1)
        return np.array(
            [
                float(np.max(self.embedder.encode(r.references) @ a))
                for r, a in zip(self.rows, answers)
            ]
        )


def load(path: Path, model: str | None = None) -> Graded:
    """Read, grade and extract features for every row of a graded CSV file (a few minutes)."""
    if not path.is_file():
        sys.exit(f"{path}: not found; pass --data DIR (the folder holding the data sets)")
    text = decode(path.read_bytes(), str(path))
    graded = read_graded(text, str(path))
    bank = build_bank(graded)
    if graded.problems:
        sys.exit("\n".join(graded.problems))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    by_line = {}
    for record in reader:
        by_line[reader.line_num] = record
    started = time.perf_counter()
    cache = EmbeddingCache(embeddings_path())  # the CLI's cache: a second run embeds nothing
    embedder = Embedder(model, cache=cache)
    scorer = Scorer(bank, embedder)
    results, X = grade(graded.rows, scorer, FeatureExtractor(embedder))
    print(
        f"graded {len(results)} answers to {len(bank.questions)} questions "
        f"in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return Graded(
        rows=graded.rows,
        extra=[by_line[r.line] for r in graded.rows],
        X=X,
        raw_score=np.array([r.score for r in results]),
        embedder=embedder,
        bank=bank,
    )
