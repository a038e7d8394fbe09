"""Agreement with human graders: read a graded CSV file, grade it, measure, cross-validate.

A graded file has the columns question, reference_answer, answer, score and max_score
(optional question_id, split, and all_reference_answers: several references joined by ' ||| ',
each maybe prefixed with its kind such as [BEST]). Its questions become a bank in memory, with
no rubric. Anything fitted (the calibration from features to the file's scale) is tested only
on questions it did not see: grouped cross-validation, or the `train` split against each other
split when the file has a split column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from grader import confidence, verdict
from grader.answers import check_answer
from grader.bank import Bank, bank_from_questions, normalise_question
from grader.batch import InputError, read_csv
from grader.calibration import fit, is_binary
from grader.features import FEATURE_NAMES, FeatureExtractor
from grader.models import FieldError, Question, Result
from grader.scoring import Scorer

REQUIRED_COLUMNS = ("question", "reference_answer", "answer", "score", "max_score")
REFERENCE_SEPARATOR = " ||| "
TRAIN_SPLIT = "train"
CHUNK = 256  # answers graded per batch: large enough to embed efficiently, small for progress
_KIND_PREFIX = re.compile(r"^\s*\[[A-Za-z_]+\]\s*")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


@dataclass
class GradedRow:
    """One human-graded answer."""

    line: int
    key: str  # what identifies its question: question_id, or the normalised question text
    question: str
    references: list[str]
    answer: str
    score: float
    max_score: float
    split: str = ""
    question_id: str = ""  # the id in the bank, set when the bank is built

    @property
    def normalised(self) -> float:
        return self.score / self.max_score


@dataclass
class GradedFile:
    """The rows that can be used, and a message (naming its line) for each that cannot."""

    columns: list[str]
    name: str = "<input>"
    rows: list[GradedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_graded(text: str, name: str = "<input>", with_references: bool = True) -> GradedFile:
    """Parse a graded CSV file. Whole-file problems raise InputError; bad rows are listed.

    Without `with_references` (grading against a bank), reference_answer is optional.
    """
    needed = [c for c in REQUIRED_COLUMNS if with_references or c != "reference_answer"]
    columns, rows = read_csv(text, name, needed)
    graded = GradedFile(columns=columns, name=name)
    for line, raw in rows:
        row, problem = _parse_row(raw, line, with_references)
        if problem:
            graded.problems.append(f"{name}: line {line}: {problem}")
        else:
            graded.rows.append(row)
    if not graded.rows and not graded.problems:
        raise InputError(f"{name}: no rows after the header")
    return graded


def _parse_row(
    raw: dict, line: int, with_references: bool = True
) -> tuple[GradedRow | None, str | None]:
    if raw.get(None):
        return None, f"{len(raw[None])} more field(s) than the header has columns"
    if any(v is None for v in raw.values()):
        return None, "fewer fields than the header has columns"
    numbers = {}
    for column in ("score", "max_score"):
        value = raw[column].strip()
        try:
            numbers[column] = float(value)
        except ValueError:
            return None, f"{column} {value!r} is not a number"
        if not math.isfinite(numbers[column]):
            return None, f"{column} {value!r} is not a number"
    if numbers["max_score"] <= 0:
        return None, f"max_score must be above 0, found {raw['max_score'].strip()}"
    if not 0 <= numbers["score"] <= numbers["max_score"]:
        return None, f"score {numbers['score']:g} is outside 0..{numbers['max_score']:g}"
    question = " ".join(raw["question"].split())
    if not question:
        return None, "the question is empty"
    problem = check_answer(raw["answer"])
    if problem:
        return None, problem
    references = [raw.get("reference_answer", "")]
    if raw.get("all_reference_answers", "").strip():
        references = raw["all_reference_answers"].split(REFERENCE_SEPARATOR)
    references = [_KIND_PREFIX.sub("", r).strip() for r in references]
    references = list(dict.fromkeys(r for r in references if r))
    if not references and with_references:
        return None, "no reference answer"
    qid = raw.get("question_id", "").strip()
    return (
        GradedRow(
            line=line,
            key=qid or normalise_question(question),
            question=question,
            references=references,
            answer=raw["answer"],
            score=numbers["score"],
            max_score=numbers["max_score"],
            split=raw.get("split", "").strip(),
        ),
        None,
    )


def _slug(text: str) -> str:
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")[:48].strip("-") or "question"


def _bank_reference(text: str) -> str:
    """A reference the bank accepts: it needs three words, and 'It is' adds only stop words."""
    return text if len(text.split()) >= 3 else f"It is {text}"


def build_bank(graded: GradedFile) -> Bank:
    """An in-memory bank of the file's questions (no rubric); sets each row's question_id.

    Rows of the same question pool their references. A question the bank model refuses turns
    its rows into problems.
    """
    by_key: dict[str, list[GradedRow]] = {}
    for row in graded.rows:
        by_key.setdefault(row.key, []).append(row)
    questions, used, kept = [], set(), []
    for key, rows in by_key.items():
        qid = base = _slug(key)
        n = 2
        while qid in used:
            qid, n = f"{base}-{n}", n + 1
        used.add(qid)
        references = list(dict.fromkeys(_bank_reference(r) for row in rows for r in row.references))
        try:
            question = Question(
                id=qid,
                level="fresher",
                topic="graded file",
                # The bank wants five characters; "Why?" is a real question all the same.
                question=rows[0].question.ljust(5),
                references=references,
            )
        except FieldError as exc:
            reason = str(exc)
            graded.problems.extend(
                f"{graded.name}: line {r.line}: question not usable: {reason}" for r in rows
            )
            continue
        questions.append(question)
        for row in rows:
            row.question_id = qid
            kept.append(row)
    graded.rows = sorted(kept, key=lambda r: r.line)
    return bank_from_questions(questions)


def attach_bank(graded: GradedFile, bank: Bank) -> Bank:
    """Grade against an existing bank (its references and rubrics) instead of the file's.

    Rows are matched by question_id, else by question text; the others become problems.
    """
    kept = []
    for row in graded.rows:
        question = bank.questions.get(row.key) or bank.find_by_text(row.question)
        if question is None:
            graded.problems.append(
                f"{graded.name}: line {row.line}: no question in the bank matches "
                f"question_id or text {row.key[:60]!r}"
            )
            continue
        row.question_id = question.id
        kept.append(row)
    graded.rows = kept
    return bank


def grade(
    rows: Sequence[GradedRow],
    scorer: Scorer,
    extractor: FeatureExtractor,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Result], np.ndarray]:
    """Grade every row and extract its features, in batches."""
    results: list[Result] = []
    blocks = []
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        graded = scorer.score_many([(r.question_id, r.answer) for r in part])
        questions = [scorer.bank.get(r.question_id) for r in part]
        blocks.append(extractor.extract(list(zip(questions, graded))))
        results.extend(graded)
        if progress:
            progress(len(part))
    X = np.vstack(blocks) if blocks else np.zeros((0, 0))
    return results, X


# ---------------------------------------------------------------- metrics


def _step(values: np.ndarray) -> float:
    """The grid human scores sit on (1, 0.5, ...): quadratic kappa needs categories."""
    for step in (1.0, 0.5, 0.25, 0.2, 0.1):
        if np.all(np.abs(values / step - np.round(values / step)) < 1e-6):
            return step
    return 0.1


def _finite(value: float) -> float | None:
    return round(float(value), 4) if math.isfinite(value) else None


def agreement(score: np.ndarray, predicted: np.ndarray, max_score: np.ndarray) -> dict:
    """Agreement of predictions with human scores, both on the file's scale.

    Pearson r, Spearman rho, RMSE, quadratic weighted kappa (predictions rounded to the step
    the human scores use); for 0/1 scores also accuracy and macro-F1 (predicted >= half).
    A correlation with a constant side is undefined and given as None.
    """
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score

    score = np.asarray(score, dtype=float)
    predicted = np.clip(np.asarray(predicted, dtype=float), 0, max_score)
    n = len(score)
    out: dict = {"n": n}
    constant = n < 2 or np.ptp(score) == 0 or np.ptp(predicted) == 0
    out["pearson"] = None if constant else _finite(pearsonr(score, predicted)[0])
    out["spearman"] = None if constant else _finite(spearmanr(score, predicted)[0])
    out["rmse"] = _finite(np.sqrt(np.mean((score - predicted) ** 2))) if n else None
    step = _step(score)
    gold, guess = np.round(score / step).astype(int), np.round(predicted / step).astype(int)
    agree_all = n and np.array_equal(gold, guess)
    # Every category of the scale, so that quadratic weights follow score distances even where
    # some scores never occur.
    categories = np.arange(int(round(float(np.max(max_score)) / step)) + 1) if n else None
    kappa = (
        1.0 if agree_all else cohen_kappa_score(gold, guess, labels=categories, weights="quadratic")
    )
    out["qwk"] = _finite(kappa) if n else None
    if n and is_binary(score / max_score):
        truth = (score / max_score).astype(int)
        label = (predicted / max_score >= 0.5).astype(int)
        out["accuracy"] = _finite(accuracy_score(truth, label))
        out["macro_f1"] = _finite(f1_score(truth, label, average="macro", zero_division=0))
    return out


# ---------------------------------------------------------------- protocol


@dataclass
class Fold:
    """Fit on `train`, test on `test` (row indices); their questions never overlap."""

    train: np.ndarray
    test: np.ndarray


@dataclass
class Holdout:
    """A named set of rows tested, with the folds that produced its predictions."""

    name: str
    folds: list[Fold]

    @property
    def rows(self) -> np.ndarray:
        return np.sort(np.concatenate([f.test for f in self.folds]))


def plan(
    groups: Sequence[str], splits: Sequence[str] | None = None, *, folds: int
) -> list[Holdout]:
    """How fitted parts are tested.

    With a split column holding `train` and other values: fit on train, one test set per
    other value. Otherwise cross-validation grouped by question (GroupKFold), so no question
    is ever in both the fit and the test. Empty when there is nothing to fit on.
    """
    from sklearn.model_selection import GroupKFold

    groups = np.asarray(groups)
    if splits is not None and TRAIN_SPLIT in set(splits):
        splits = np.asarray(splits)
        train = np.flatnonzero(splits == TRAIN_SPLIT)
        names = [s for s in dict.fromkeys(splits) if s != TRAIN_SPLIT]
        return [Holdout(name, [Fold(train, np.flatnonzero(splits == name))]) for name in names]
    k = min(folds, len(set(groups)))
    if k < 2:
        return []
    index = np.arange(len(groups))
    split = GroupKFold(n_splits=k).split(index, groups=groups)
    return [Holdout(f"grouped {k}-fold CV", [Fold(tr, te) for tr, te in split])]


def out_of_fold(
    X: np.ndarray, y01: np.ndarray, holdout: Holdout, balanced: bool = True
) -> np.ndarray:
    """Calibrated predictions (0-1) for the test set's rows, each from a fit that never saw it."""
    predicted = np.full(len(y01), np.nan)
    for fold in holdout.folds:
        seen = y01[fold.train]
        if np.ptp(seen) == 0:
            # Every training score alike (all wrong, say): nothing to learn but that score.
            predicted[fold.test] = seen[0]
            continue
        model = fit(
            X[fold.train], seen, kind="logistic" if is_binary(y01) else "ridge", balanced=balanced
        )
        predicted[fold.test] = model.predict(X[fold.test])
    return predicted


def pass_line(y01: np.ndarray) -> float:
    """Where a 0-1 score turns into a pass: one half for right/wrong grades (as in accuracy),
    else the default pass mark."""
    return 0.5 if is_binary(y01) else verdict.DEFAULT_PASS_MARK / 100


def verdict_signals(
    predicted01: np.ndarray, X: np.ndarray, line: float, score_error: float
) -> np.ndarray:
    """The confidence signals (confidence.SIGNALS) of calibrated verdicts at `line`."""
    raw_cosine = X[:, FEATURE_NAMES.index("raw_cosine")]
    return np.array(
        [
            confidence.signals(100 * p, 100 * line, p >= line, c, score_error)
            for p, c in zip(predicted01, raw_cosine)
        ]
    ).reshape(len(predicted01), len(confidence.SIGNALS))


def fit_confidence(
    X: np.ndarray, y01: np.ndarray, train: np.ndarray, groups: Sequence[str], folds: int = 5
) -> confidence.ConfidenceModel:
    """A confidence model fitted on the `train` rows only.

    Its verdicts come from calibrations cross-validated by question within `train`, so the
    model learns how often a verdict on an unseen question is right, not a seen one.
    """
    groups = np.asarray(groups)
    inner = plan(groups[train], folds=folds)
    if not inner:
        raise confidence.ConfidenceError("too few questions to cross-validate a confidence model")
    predicted = out_of_fold(X[train], y01[train], inner[0])
    line = pass_line(y01)
    error = float(np.sqrt(np.mean((100 * (predicted - y01[train])) ** 2))) or 1.0
    rows = verdict_signals(predicted, X[train], line, error)
    return confidence.fit(rows, (predicted >= line) == (y01[train] >= line), error)


def selective(
    X: np.ndarray,
    y01: np.ndarray,
    predicted: np.ndarray,
    holdout: Holdout,
    groups: Sequence[str],
    share: float = 0.2,
) -> dict:
    """Selective agreement on the holdout's rows: the verdicts' accuracy, all of them and the
    rest once the least confident `share` is set aside, plus the share the fitted review band
    flags. Each fold's confidence model is fitted on its training rows only."""
    line = pass_line(y01)
    confident = np.full(len(y01), np.nan)
    bands = []
    for fold in holdout.folds:
        try:
            model = fit_confidence(X, y01, fold.train, groups)
        except confidence.ConfidenceError:
            return {}
        rows = verdict_signals(predicted[fold.test], X[fold.test], line, model.score_error)
        confident[fold.test] = model.predict(rows)
        bands.append(model.review_band)
    idx = holdout.rows
    right = (predicted[idx] >= line) == (y01[idx] >= line)
    report = confidence.selective_agreement(right, confident[idx], share)
    flagged = confident[idx] < float(np.median(bands))
    report["review_band"] = round(float(np.median(bands)), 4)
    report["flagged_at_band"] = round(float(flagged.mean()), 4)
    report["accuracy_unflagged"] = (
        round(float(right[~flagged].mean()), 4) if (~flagged).any() else None
    )
    return report


def evaluate(
    rows: Sequence[GradedRow],
    results: Sequence[Result],
    X: np.ndarray,
    *,
    folds: int,
    use_split: bool = True,
    judge_scores: Sequence[float | None] | None = None,
) -> dict:
    """Agreement of the scorer's own score and of the calibrated score, per test set.

    With `judge_scores` (0-100, None where the LLM judge gave none), also the judge's, over
    the rows it scored.
    """
    score = np.array([r.score for r in rows])
    max_score = np.array([r.max_score for r in rows])
    y01 = score / max_score
    raw = np.array([res.score for res in results]) / 100.0
    groups = [r.question_id for r in rows]
    splits = [r.split for r in rows] if use_split else None
    holdouts = plan(groups, splits, folds=folds)
    report: dict = {
        "rows": len(rows),
        "questions": len(set(groups)),
        "max_score": sorted(set(max_score.tolist())),
        "sets": [],
    }

    def judge(idx: np.ndarray) -> dict:
        if judge_scores is None:
            return {}
        scored = np.array([i for i in idx if judge_scores[i] is not None], dtype=int)
        judged = np.array([judge_scores[i] for i in scored], dtype=float) / 100.0
        return {"judge": agreement(score[scored], judged * max_score[scored], max_score[scored])}

    if not holdouts:
        report["sets"].append(
            {
                "name": "all rows (nothing to fit on)",
                "scorer": agreement(score, raw * max_score, max_score),
                **judge(np.arange(len(rows))),
            }
        )
        return report
    for holdout in holdouts:
        predicted = out_of_fold(X, y01, holdout)
        idx = holdout.rows
        report["sets"].append(
            {
                "name": holdout.name,
                "scorer": agreement(score[idx], raw[idx] * max_score[idx], max_score[idx]),
                "calibrated": agreement(
                    score[idx], predicted[idx] * max_score[idx], max_score[idx]
                ),
                "selective": selective(X, y01, predicted, holdout, groups),
                **judge(np.asarray(idx)),
            }
        )
    return report
