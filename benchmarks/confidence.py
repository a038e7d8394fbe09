"""Selective agreement on Beetle: how much more often the confident verdicts are right.

    python benchmarks/confidence.py            # reads ../shared/datasets/semeval2013_beetle.csv
    python benchmarks/confidence.py --write    # also refits grader/data/confidence.json

Protocol: the calibration (as `grader calibrate` fits it) and the confidence model are fitted on
the `train` split only; the confidence model learns from verdicts cross-validated by question
within train, so it sees verdicts on questions their calibration never saw, as the test splits
are. Each test split's 2-way verdicts are then ranked by confidence, the least confident 20 %
set aside, and the rest compared with the human grades. The baseline, in the same run, ranks
by the calibrated probability's distance from one half alone. --write saves the model fitted
on train as the one `grader` ships (the default for `grade`, `score` and the apps).
"""

from __future__ import annotations

import json

import numpy as np
from graded_data import REPO, arguments, load
from rich.console import Console
from rich.table import Table

from grader import confidence
from grader.calibration import fit
from grader.evaluation import Fold, Holdout, fit_confidence, selective

TESTS = ("test-unseen-answers", "test-unseen-questions")
SHARE = 0.2


def main() -> None:
    args = arguments(__doc__.splitlines()[0], {"write": "refit grader/data/confidence.json"})
    data = load(args.data / "semeval2013_beetle.csv", args.model)
    split = data.column("split")
    y = np.array([r.normalised for r in data.rows])
    groups = [r.question_id for r in data.rows]
    train = np.flatnonzero(split == "train")
    predicted = fit(data.X[train], y[train], kind="logistic").predict(data.X)

    table = Table(
        title=f"Beetle 2-way, calibrated verdicts: setting aside the least confident "
        f"{SHARE:.0%} (fitted on train, {len(train)} answers)"
    )
    table.add_column("ranked by")
    for test in TESTS:
        table.add_column(f"{test[5:]}\nall", justify="right")
        table.add_column("rest", justify="right")
        table.add_column("gain", justify="right")
    rows: dict[str, list[str]] = {"distance from one half (baseline)": [], "confidence": []}
    band_cells = []
    for test in TESTS:
        idx = np.flatnonzero(split == test)
        right = (predicted[idx] >= 0.5) == (y[idx] >= 0.5)
        baseline = confidence.selective_agreement(right, np.abs(predicted[idx] - 0.5), SHARE)
        ours = selective(data.X, y, predicted, Holdout(test, [Fold(train, idx)]), groups, SHARE)
        for label, report in (
            ("distance from one half (baseline)", baseline),
            ("confidence", ours),
        ):
            rows[label] += [
                f"{report['accuracy_all']:.3f}",
                f"{report['accuracy_rest']:.3f}",
                f"{100 * report['gain']:+.1f} pts",
            ]
        band_cells.append(
            f"{test[5:]}: band {ours['review_band']:.3f} flags {ours['flagged_at_band']:.1%}, "
            f"accuracy of the rest {ours['accuracy_unflagged']:.3f}"
        )
    for label, cells in rows.items():
        table.add_row(label, *cells)
    console = Console(width=120)
    console.print(table)
    for line in band_cells:
        console.print(line)
    console.print("Target: on unseen questions, the rest gains >= 5 points over all verdicts.")

    model = fit_confidence(data.X, y, train, groups)
    weights = ", ".join(f"{n} {c:+.2f}" for n, c in zip(confidence.SIGNALS, model.coef))
    console.print(
        f"confidence model (standardised): {weights}; score error {model.score_error:.1f}, "
        f"review band {model.review_band:.3f}"
    )
    if args.write:
        fitted = {
            "data": "semeval2013_beetle.csv, split train",
            "answers": int(len(train)),
            "verdicts": "calibrated 2-way, cross-validated by question (5 folds)",
        }
        saved = json.loads(model.to_json()) | {"fitted_on": fitted}
        confidence.MODEL_FILE.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
        console.print(f"wrote {confidence.MODEL_FILE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
