"""Does the pair head (grader/pair_head.py) help? Before and after, for each way it could plug in.

    python benchmarks/pair_head.py                # Beetle, Mohler and the project's own suites
    python benchmarks/pair_head.py --skip-mohler --skip-suites

Variants, each against the grader without the head ("before"), measured in the same run:

    head alone     the head's own 3-way verdict on (answer, closest reference)
    (a) features   the head's P(correct) and P(contradictory) among the calibration's features
                   (logistic on Beetle, ridge on Mohler): what grader/features.py does
    (b) veto       on Beetle: the calibrated verdict, failed (and called contradictory) when
                   the head's P(contradictory) reaches a threshold chosen on train; on the own
                   suites: a key point earns no credit and shows as contradicted when the head
                   gives P(contradictory) >= threshold for its sentence and the point

Protocol. The head is fitted on Beetle's train split only (benchmarks/fit_pair_head.py). On
Beetle train its outputs are in-sample, so variant (a) is shown twice: as benchmarks/beetle.py
and `grader evaluate` fit it (the shipped head's outputs on train), and with out-of-fold head
outputs on train (5 folds by question, the shipped head's penalty), which is how it would fit
on data the head never saw; the test splits get the shipped head in both. Mohler is
cross-validated exactly as benchmarks/mohler.py does; the head never saw it. The own suites
(benchmarks/adversarial_suite, benchmarks/answer_suite) are not calibrated, so variant (a)
leaves them as they are.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import yaml
from adversarial import KINDS, build_answers, fined, load_suite
from beetle import CONTRADICTORY, TESTS
from fit_pair_head import FOLDS, closest_pairs
from graded_data import REPO, Graded, arguments, load
from mohler import cross_validate
from rich.console import Console
from rich.table import Table
from scipy.stats import pearsonr
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from grader import pair_head, scoring
from grader.calibration import LOGISTIC_C, RIDGE_ALPHA
from grader.features import FEATURE_NAMES
from grader.pair_head import default_head

THRESHOLDS = (0.5, 0.7, 0.9)
"""P(contradictory) at which the head vetoes a key point, on the own suites."""
HEAD = [FEATURE_NAMES.index("pair_correct"), FEATURE_NAMES.index("pair_contradictory")]
ANSWER_SUITE = REPO / "benchmarks" / "answer_suite"
console = Console(width=140)


def out_of_fold(data: Graded, rows: np.ndarray, head: pair_head.PairHead) -> np.ndarray:
    """The head's probabilities for `rows`, each from a head refitted (with the shipped head's
    penalty) on the other rows' questions, 5 folds grouped by question."""
    chosen = [data.rows[i] for i in rows]
    u, v = closest_pairs(chosen, data.bank, data.embedder)
    labels = data.column("label_3way")[rows]
    groups = np.array([r.question_id for r in chosen])
    found = np.zeros((len(rows), len(pair_head.CLASSES)))
    for fit_idx, test_idx in GroupKFold(n_splits=FOLDS).split(u, groups=groups):
        fold = pair_head.fit(u[fit_idx], v[fit_idx], labels[fit_idx], head.fitted_on["C"], "")
        found[test_idx] = fold.probabilities(u[test_idx], v[test_idx])
    return found


def logistic(x: np.ndarray, y: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Fitted on the train rows as `grader calibrate` fits (standardised, classes balanced);
    predictions for every row."""
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=LOGISTIC_C, max_iter=2000, class_weight="balanced")
    )
    return model.fit(x[train], y[train]).predict(x)


def beetle(args) -> None:
    data = load(args.data / "semeval2013_beetle.csv", args.model)
    split = data.column("split")
    train = split == "train"
    y3 = data.column("label_3way")
    y2 = (y3 == "correct").astype(int)
    shipped = data.X[:, HEAD]  # in-sample on train: the shipped head was fitted there
    honest = data.X.copy()
    honest[np.ix_(train, HEAD)] = out_of_fold(data, np.flatnonzero(train), default_head())[:, :2]
    before = np.delete(data.X, HEAD, axis=1)
    p = honest[:, HEAD]

    before2 = logistic(before, y2, train)
    before3 = logistic(before, y3, train)
    # The veto's threshold: best 2-way macro-F1 on train (out-of-fold head outputs).
    cuts = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    cut = max(
        cuts,
        key=lambda t: f1_score(y2[train], (before2 & (p[:, 1] < t))[train], average="macro"),
    )
    classes = np.array(pair_head.CLASSES)
    head3 = classes[np.c_[shipped, 1 - shipped.sum(axis=1)].argmax(axis=1)]
    variants = {
        "before (grader calibrate without the head)": (before2, before3),
        "head alone": ((head3 == "correct").astype(int), head3),
        "(a) features + head, as benchmarks/beetle.py": (
            logistic(data.X, y2, train),
            logistic(data.X, y3, train),
        ),
        "(a) features + head, out-of-fold on train": (
            logistic(honest, y2, train),
            logistic(honest, y3, train),
        ),
        f"(b) veto at P(contra) >= {cut:g}": (
            before2 & (p[:, 1] < cut),
            np.where(p[:, 1] >= cut, CONTRADICTORY, before3),
        ),
    }
    table = Table(title=f"Beetle: {len(y3)} answers, everything fitted on train")
    table.add_column("variant")
    for test in TESTS:
        for name in ("2-way F1", "3-way F1", "contra\npassed"):
            table.add_column(f"{test[5:]}\n{name}" if name == "2-way F1" else name, justify="right")
    for label, (two, three) in variants.items():
        cells = []
        for test in TESTS:
            rows = split == test
            contra = rows & (y3 == CONTRADICTORY)
            cells += [
                f"{f1_score(y2[rows], two[rows], average='macro'):.3f}",
                f"{f1_score(y3[rows], three[rows], average='macro'):.3f}",
                f"{two[contra].mean():.1%}",
            ]
        table.add_row(label, *cells)
    console.print(table)


def mohler(args) -> None:
    data = load(args.data / "mohler2011.csv", args.model)
    y = np.array([r.score for r in data.rows])

    def ridge(x: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        def predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            model = make_pipeline(StandardScaler(), Ridge(alpha=RIDGE_ALPHA))
            return 5 * np.clip(model.fit(x[train], y[train] / 5).predict(x[test]), 0, 1)

        return predict

    table = Table(title=f"Mohler 2011: {len(y)} answers (the head never saw it)")
    for name in ("variant", "folds", "Pearson r", "RMSE"):
        table.add_column(name, justify="left" if name == "variant" else "right")
    for folds, groups in (
        ("12 by assignment", data.column("assignment")),
        ("12 by question", np.array([r.question_id for r in data.rows])),
    ):
        for label, x in (
            ("before (grader calibrate without the head)", np.delete(data.X, HEAD, axis=1)),
            ("(a) features + head (grader calibrate)", data.X),
        ):
            pred = cross_validate(ridge(x), groups, len(y))
            rmse = float(np.sqrt(np.mean((pred - y) ** 2)))
            table.add_row(label, folds, f"{pearsonr(pred, y)[0]:.3f}", f"{rmse:.3f}")
        table.add_section()
    console.print(table)


def suites(args) -> None:
    from grader.bank import load_bank
    from grader.startup import load_scorer

    bank = load_bank()
    scorer = load_scorer(bank, args.model)
    head = pair_head.head_for(scorer.embedder.label, scorer.embedder.dimension)
    if head is None:
        sys.exit(f"the shipped pair head was not fitted on {scorer.embedder.label}")
    items = build_answers(load_suite())
    answers = []
    for path in sorted(ANSWER_SUITE.glob("*.yaml")):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        answers += [(entry["question_id"], a["kind"], a["text"]) for a in entry["answers"]]
    texts = [(i.question_id, i.text) for i in items] + [(q, t) for q, _, t in answers]

    swapped = scoring.roles_swapped

    def vetoed(threshold: float):
        # roles_swapped is the scorer's last say on whether a sentence contradicts a key
        # point (and is used nowhere else), so the head joins it there.
        def check(sentence, statement, pairs, topic=frozenset()):
            if swapped(sentence, statement, pairs, topic):
                return True
            u, v = scorer.embedder.encode([sentence, statement])
            return bool(head.probabilities(u, v)[0, 1] >= threshold)

        return check

    runs = {"before": swapped} | {f"(b) veto at {t:g}": vetoed(t) for t in THRESHOLDS}
    table = Table(title="Own suites: share passed (denials: share fined), not calibrated")
    table.add_column("variant")
    for kind in KINDS:
        table.add_column(kind, justify="right")
    for kind in ("good", "partial", "wrong"):
        table.add_column(f"suite\n{kind}", justify="right")
    table.add_column("points\ncontra-\ndicted", justify="right")
    for label, check in runs.items():
        scoring.roles_swapped = check
        try:
            results = scorer.score_many(texts)
        finally:
            scoring.roles_swapped = swapped
        by_kind: dict[str, list[float]] = defaultdict(list)
        for item, result in zip(items, results):
            value = fined(item, result) if item.kind.endswith("denial") else result.passed
            by_kind[item.kind].append(float(value))
        for (_, kind, _), result in zip(answers, results[len(items) :]):
            by_kind[f"suite {kind}"].append(float(result.passed))
        contradicted = sum(p.status == "contradicted" for r in results for p in r.points)
        cells = [f"{100 * np.mean(by_kind[k]):.1f}%" for k in KINDS]
        cells += [f"{100 * np.mean(by_kind[f'suite {k}']):.1f}%" for k in ("good", "partial")]
        cells += [f"{100 * np.mean(by_kind['suite wrong']):.1f}%", str(contradicted)]
        table.add_row(label, *cells)
    console.print(table)


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0],
        {
            "skip-beetle": "do not measure on Beetle",
            "skip-mohler": "do not measure on Mohler",
            "skip-suites": "do not measure on the own suites",
        },
    )
    for name, part in (("beetle", beetle), ("mohler", mohler), ("suites", suites)):
        if not getattr(args, f"skip_{name}"):
            part(args)


if __name__ == "__main__":
    main()
