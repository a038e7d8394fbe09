"""SemEval-2013 Task 7, Beetle: 2-way and 3-way macro-F1 and accuracy on both test splits.

    python benchmarks/beetle.py             # reads ../shared/datasets/semeval2013_beetle.csv
    python benchmarks/beetle.py --data DIR

Protocol: everything is fitted on the `train` split only and tested on `test-unseen-answers`
(new answers to training questions) and `test-unseen-questions` (questions never seen).
"Ours" is the calibration `grader calibrate` fits (logistic regression over the features in
grader/features.py, every reference of a question used); for 3-way, a multinomial logistic
regression over the same features. The baseline is measured in the same run: plain
all-MiniLM-L6-v2 cosine of answer and first reference, with a threshold learned on train.
The `contradictory` rows show negation handling: answers using the reference's words with the
opposite meaning, which must not be passed.
"""

from __future__ import annotations

import numpy as np
from graded_data import Graded, arguments, load
from rich.console import Console
from rich.table import Table
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from grader.calibration import fit
from grader.features import FEATURE_NAMES

TESTS = ("test-unseen-answers", "test-unseen-questions")
CONTRADICTORY = "contradictory"


def best_threshold(x: np.ndarray, y: np.ndarray) -> float:
    """The cut on one feature that maximises macro-F1 on the training rows."""
    cuts = np.quantile(x, np.linspace(0.02, 0.98, 97))
    return float(max(cuts, key=lambda c: f1_score(y, (x >= c).astype(int), average="macro")))


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    data: Graded = load(args.data / "semeval2013_beetle.csv", args.model)
    split = data.column("split")
    y2 = np.array([int(r.score) for r in data.rows])
    y3 = data.column("label_3way")
    train = split == "train"

    cosine = data.plain_cosine()
    cosine_all = data.plain_cosine(all_references=True)
    two_way = {
        "plain MiniLM cosine, threshold (baseline)": cosine
        >= best_threshold(cosine[train], y2[train]),
        "plain cosine, best of all references": cosine_all
        >= best_threshold(cosine_all[train], y2[train]),
    }
    ours = fit(data.X[train], y2[train], kind="logistic")
    two_way["ours (grader calibrate)"] = ours.predict(data.X) >= 0.5

    def multinomial(x: np.ndarray) -> np.ndarray:
        # Classes weighted equally, as in the 2-way calibration (chosen by grouped CV on train).
        model = make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced")
        )
        return model.fit(x[train], y3[train]).predict(x)

    three_way = {
        "plain MiniLM cosine (baseline)": multinomial(cosine[:, None]),
        "ours (same features, multinomial)": multinomial(data.X),
    }

    console = Console(width=120)
    table = Table(title=f"Beetle 2-way (correct / not): {len(y2)} answers, fitted on train")
    table.add_column("method")
    for test in TESTS:
        table.add_column(f"{test[5:]}\nmacro-F1", justify="right")
        table.add_column("acc", justify="right")
        table.add_column("contradictory\npassed", justify="right")
    for label, predicted in two_way.items():
        cells = []
        for test in TESTS:
            rows = split == test
            contra = rows & (y3 == CONTRADICTORY)
            cells += [
                f"{f1_score(y2[rows], predicted[rows], average='macro'):.3f}",
                f"{accuracy_score(y2[rows], predicted[rows]):.3f}",
                f"{predicted[contra].mean():.1%}",
            ]
        table.add_row(label, *cells)
    console.print(table)

    table = Table(title="Beetle 3-way (correct / contradictory / incorrect), fitted on train")
    table.add_column("method")
    for test in TESTS:
        table.add_column(f"{test[5:]}\nmacro-F1", justify="right")
        table.add_column("acc", justify="right")
        table.add_column("contradictory\nP / R / F1", justify="right")
    for label, predicted in three_way.items():
        cells = []
        for test in TESTS:
            rows = split == test
            p, r, f, _ = precision_recall_fscore_support(
                y3[rows], predicted[rows], labels=[CONTRADICTORY], zero_division=0
            )
            cells += [
                f"{f1_score(y3[rows], predicted[rows], average='macro'):.3f}",
                f"{accuracy_score(y3[rows], predicted[rows]):.3f}",
                f"{p[0]:.2f} / {r[0]:.2f} / {f[0]:.2f}",
            ]
        table.add_row(label, *cells)
    console.print(table)

    weights = ", ".join(f"{name} {coef:+.2f}" for name, coef in ours.weights()[:6])
    console.print(f"2-way calibration, largest standardised coefficients: {weights}")
    console.print(
        "Target: 2-way macro-F1 0.75 on both test splits. Features: " + ", ".join(FEATURE_NAMES)
    )


if __name__ == "__main__":
    main()
