"""Agreement with human graders on Mohler et al. (2011): Pearson r and RMSE on the 0-5 scale.

    python benchmarks/mohler.py                      # reads ../shared/datasets/mohler2011.csv
    python benchmarks/mohler.py --data DIR

Protocol: cross-validation grouped by assignment (12 folds: 10 assignments and 2 exams) and,
as a check, 12 folds grouped by question; nothing is fitted on the questions it is tested on.
"Ours" is the calibration `grader calibrate` fits (ridge over the features in
grader/features.py). The baseline is measured in the same run on the same folds: plain
all-MiniLM-L6-v2 cosine of answer and reference, mapped linearly. The published figures are
quoted from the papers (see ../shared/datasets/README.md).
"""

from __future__ import annotations

import numpy as np
from graded_data import Graded, arguments, load
from rich.console import Console
from rich.table import Table
from scipy.stats import pearsonr
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GroupKFold

from grader.calibration import fit
from grader.features import FEATURE_NAMES

PUBLISHED = [
    ("Mohler et al. 2011, best", 0.52, 0.98),
    ("Sultan et al. 2016", 0.592, 0.887),
    ("Ramachandran et al. 2015 (target)", 0.61, 0.86),
    ("human grader vs human grader", 0.597, 1.31),
]
SOFT = ("soft_recall", "soft_precision")


FOLDS = 12


def cross_validate(predict, groups: np.ndarray, n: int) -> np.ndarray:
    """Out-of-fold predictions over 12 grouped folds; `predict(train, test)` fits on train."""
    out = np.zeros(n)
    for train, test in GroupKFold(n_splits=FOLDS).split(np.zeros(n), groups=groups):
        assert not set(groups[train]) & set(groups[test])  # never test on a fitted group
        out[test] = predict(train, test)
    return out


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    data: Graded = load(args.data / "mohler2011.csv", args.model)
    y = np.array([r.score for r in data.rows])
    n = len(y)
    cosine = data.plain_cosine()[:, None]
    features_without_soft = tuple(f for f in FEATURE_NAMES if f not in SOFT)

    def linear(x):
        def predict(train, test):
            return LinearRegression().fit(x[train], y[train]).predict(x[test])

        return predict

    def ours(features=FEATURE_NAMES):
        def predict(train, test):
            model = fit(data.X[train], y[train] / 5, kind="ridge", features=features)
            return 5 * model.predict(data.X[test])

        return predict

    methods = [
        ("plain MiniLM cosine, linear (baseline)", linear(cosine)),
        (
            "cosine + lexical recall, linear (notes)",
            linear(np.c_[cosine, data.X[:, FEATURE_NAMES.index("recall")]]),
        ),
        ("ours without soft alignment", ours(features_without_soft)),
        ("ours (grader calibrate features)", ours()),
    ]
    table = Table(title=f"Mohler 2011: {n} answers, 81 questions, scores 0-5")
    table.add_column("method")
    for name in ("folds", "Pearson r", "RMSE"):
        table.add_column(name, justify="right")
    for folds, groups in (
        ("12 by assignment", data.column("assignment")),
        ("12 by question", np.array([r.question_id for r in data.rows])),
    ):
        for label, predict in methods:
            pred = np.clip(cross_validate(predict, groups, n), 0, 5)
            rmse = float(np.sqrt(np.mean((pred - y) ** 2)))
            table.add_row(label, folds, f"{pearsonr(pred, y)[0]:.3f}", f"{rmse:.3f}")
        table.add_section()
    table.add_row("mean predictor", "", "", f"{np.std(y):.3f}")
    for label, r, rmse in PUBLISHED:
        table.add_row(f"published: {label}", "", f"{r:.3f}", f"{rmse:.3g}")
    Console(width=110).print(table)


if __name__ == "__main__":
    main()
