"""Batch grading as a library: read a file of answers, match each row's question, grade rows
in partitions and return output records, every problem tied to its row.

The command line (`grader grade`) is a thin layer over this module, `grader.outputs` (writing,
resuming) and `grader.distributed` (Dask). The same `grade_partition` grades a partition in
this process or on a Dask worker, so both give the same records.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grader.ahead import prepared_ahead
from grader.answers import check_answer
from grader.backends import Backend
from grader.bank import Bank
from grader.explain import JUDGE_COLUMNS, RESULT_COLUMNS, judge_row, result_row
from grader.matching import NoMatch, QuestionMatcher
from grader.tables import Dialect, InputError, Table, read_table
from grader.tables import decode as _decode

if TYPE_CHECKING:
    from grader.calibration import Calibration
    from grader.judge import Judge, JudgeSettings
    from grader.models import Result
    from grader.scoring import Scorer

__all__ = ["InputError", "AnswerFile", "Row", "load_answers", "read_answers", "grade_partition"]

REQUIRED_COLUMNS = ("answer", "question_id|question")
MATCH_COLUMNS = ["question_id", "matched_by"]
FIRST_PARTITION = 8
PARTITION_ROWS = 64
"""Rows graded (and written) together. Small enough that a kill loses little and progress
moves often; large enough to keep the model's batches full."""


@dataclass
class Row:
    """One input row: its original fields, and either a question id to grade or an error."""

    line: int
    fields: dict[str, object]
    question_id: str | None = None
    matched_by: str = ""
    error: str | None = None
    unit: str = "line"

    @property
    def where(self) -> str:
        return f"{self.unit} {self.line}"


@dataclass
class AnswerFile:
    """An answer file read and matched: its columns, how it was written, and its rows."""

    name: str
    format: str
    columns: list[str]
    dialect: Dialect = field(default_factory=Dialect)
    rows: list[Row] = field(default_factory=list)

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.error]

    def output_columns(self, calibrated: bool = False, judged: bool = False) -> list[str]:
        """The input's columns, then question_id and matched_by, then the result columns."""
        added = MATCH_COLUMNS + result_columns(calibrated, judged)
        return self.columns + [c for c in added if c not in self.columns]


def result_columns(calibrated: bool = False, judged: bool = False) -> list[str]:
    columns = list(RESULT_COLUMNS)
    if calibrated:
        # The calibrated score replaces `score`; the scorer's own is kept beside it.
        columns.insert(columns.index("score") + 1, "raw_score")
    if judged:
        columns[columns.index("error") : columns.index("error")] = JUDGE_COLUMNS
    return columns


# ---------------------------------------------------------------- reading


def load_answers(
    data: bytes,
    name: str,
    bank: Bank,
    format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> AnswerFile:
    """Read an answer file of any supported format and match every row's question.

    Needs an `answer` column and either `question_id` or `question` (the text, matched by
    `QuestionMatcher`). Raises InputError only when the file as a whole cannot be read.
    """
    table = read_table(data, name, REQUIRED_COLUMNS, format, delimiter, encoding)
    return match_rows(table, bank)


def read_answers(text: str, bank: Bank, name: str = "<input>") -> AnswerFile:
    """Parse the text of a CSV file of answers (kept for callers that hold text)."""
    return match_rows(read_table(text.encode(), name, REQUIRED_COLUMNS, "csv"), bank)


def match_rows(table: Table, bank: Bank) -> AnswerFile:
    """Resolve the question of every row of `table`; a row that cannot be graded gets an error."""
    matcher = QuestionMatcher(bank)
    found = AnswerFile(table.name, table.format, table.columns, table.dialect)
    known: dict[str, tuple[str | None, str, str | None]] = {}  # a file repeats its questions
    for raw in table.rows:
        row = Row(raw.line, raw.fields, unit=table.unit)
        if raw.error:
            row.error = f"{row.where}: {raw.error}"
        else:
            qid = _text(raw.fields.get("question_id")).strip()
            text = _text(raw.fields.get("question")).strip()
            key = f"id:{qid}" if qid else f"text:{text}"
            if key not in known:
                known[key] = _resolve(qid, text, bank, matcher)
            row.question_id, row.matched_by, problem = known[key]
            if problem is None:
                problem = check_answer(_text(raw.fields.get("answer")))
                if problem:
                    row.question_id = None
            if problem:
                row.error = f"{row.where}: {problem}"
        found.rows.append(row)
    return found


def _text(value: object) -> str:
    """A field as text: spreadsheets and JSON give numbers too ("42" is a fine answer id)."""
    return "" if value is None else str(value)


def _resolve(
    qid: str, text: str, bank: Bank, matcher: QuestionMatcher
) -> tuple[str | None, str, str | None]:
    """(question id, how it was matched, problem) for a row's question_id or question text."""
    if qid:
        if qid not in bank.questions:
            return None, "", f"unknown question_id {qid!r}; see 'grader questions list'"
        return qid, "question_id", None
    if not text:
        return None, "", "no question_id and no question text"
    try:
        match = matcher.match(text)
    except NoMatch as exc:
        return None, "", str(exc)
    how = match.how if match.how != "fuzzy" else f"fuzzy {match.score:.2f}"
    return match.question_id, how, None


# ---------------------------------------------------------------- grading


@dataclass(frozen=True)
class GradingJob:
    """Everything a process needs to grade rows: the bank, the model and a calibration.

    Picklable, so a Dask worker receives it once and keeps the scorer it builds from it.
    """

    bank: Bank
    model: str | None = None
    backend: Backend = Backend.auto
    calibration: Calibration | None = None
    review_band: float | None = None
    """Confidence below which a verdict needs review; the confidence model's own when None."""
    judge: JudgeSettings | None = None

    @property
    def key(self) -> str:
        fitted = self.calibration.to_json() if self.calibration else ""
        digest = hashlib.sha256(fitted.encode()).hexdigest()[:12]
        return f"{self.bank.root}|{self.bank.version}|{self.model}|{self.backend}|{digest}"


_scorers: dict[str, Scorer] = {}
"""Scorers built in this process, by job: a worker loads the model and the bank once."""


def scorer_for(job: GradingJob) -> Scorer:
    """The scorer of `job`, built on first use in this process and kept."""
    if job.key not in _scorers:
        from grader.startup import load_scorer

        _scorers[job.key] = load_scorer(job.bank, job.model, job.backend)
    return _scorers[job.key]


def keep_scorer(job: GradingJob, scorer: Scorer) -> None:
    """Use `scorer` for `job` in this process (a front end that loaded it behind a spinner)."""
    _scorers[job.key] = scorer


def expected_label(model: str | None, backend: Backend) -> str:
    """The model label a run will record, known without loading the model."""
    from grader.embedding import resolve_model

    label = resolve_model(model)[0]
    return f"{label}+{backend}" if backend is Backend.onnx_int8 else label


_judges: dict[JudgeSettings, Judge] = {}
"""Judges opened in this process, by settings: one HTTP client and cache per worker."""


def judge_for(job: GradingJob) -> Judge | None:
    """The judge of `job` (None without one), opened on first use in this process and kept."""
    if job.judge is None:
        return None
    if job.judge not in _judges:
        from grader.judge import open_judge

        _judges[job.judge] = open_judge(job.judge)
    return _judges[job.judge]


def calibration_problem(job: GradingJob) -> str | None:
    """Why the job's calibration does not fit its model, known before any row is graded."""
    from grader.calibration import CalibrationError, check_model

    if job.calibration is None:
        return None
    try:
        check_model(job.calibration, expected_label(job.model, job.backend))
    except CalibrationError as exc:
        return str(exc)
    return None


def grade_partition(job: GradingJob, rows: Sequence[Row]) -> list[dict[str, object]]:
    """Grade `rows` (in one process, or on a Dask worker) and return their output records."""
    todo = [r for r in rows if not r.error]
    scorer = scorer_for(job) if todo else None
    return grade_rows(
        scorer,
        rows,
        job.calibration,
        review_band=job.review_band,
        judge=judge_for(job) if todo else None,
    )


def grade_rows(
    scorer: Scorer | None,
    rows: Sequence[Row],
    calibration: Calibration | None = None,
    progress: Callable[[int], None] | None = None,
    review_band: float | None = None,
    judge: Judge | None = None,
) -> list[dict[str, object]]:
    """The output record of every row, in order: its fields, its match and its grade.

    With a calibration, `score` and `passed` are the calibrated ones and `raw_score` keeps the
    scorer's own. `review_band` decides `needs_review` (see grader.confidence). With a judge,
    its score, feedback and any error go beside the grade (see grader.judge.judged). Records
    are typed (numbers, booleans); writers format them.
    """
    todo = [r for r in rows if not r.error]
    results: list[Result] = []
    if todo:
        assert scorer is not None, "rows to grade need a scorer"
        results = scorer.score_many(_items(todo), progress=progress)
    raw: list[float | None] = [None] * len(results)
    if calibration and results:
        from grader.calibration import calibrate_scored

        pairs = calibrate_scored(scorer, calibration, results)
        results, raw = [p[0] for p in pairs], [p[1] for p in pairs]
    if review_band is not None:
        from grader.confidence import assess

        results = [assess(r, review_band) for r in results]
    if judge is not None:
        from grader.judge import judged

        results = [judged(r, judge.opinion(scorer.bank.get(r.question_id), r)) for r in results]
    graded = {id(r): (result, score) for r, result, score in zip(todo, results, raw)}
    calibrated, with_judge = calibration is not None, judge is not None
    return [
        row_record(row, *graded.get(id(row), (None, None)), calibrated, with_judge) for row in rows
    ]


def row_record(
    row: Row,
    result: Result | None,
    raw_score: float | None = None,
    calibrated: bool = False,
    judged: bool = False,
) -> dict[str, object]:
    """The output record of one row: its fields, its match, and its grade or its error (with
    the judge's columns when a judge was asked)."""
    record = {**row.fields, "question_id": row.question_id or "", "matched_by": row.matched_by}
    if result is None:
        record.update({c: None for c in result_columns(calibrated, judged)})
        record["error"] = row.error
    else:
        record.update(result_record(result))
        if judged:
            record.update(judge_row(result))
            if record["judge_error"]:
                record["judge_error"] = f"{row.where}: {record['judge_error']}"
        if calibrated:
            record["raw_score"] = raw_score
    if not row.question_id and "question_id" in row.fields:
        record["question_id"] = row.fields["question_id"]  # keep what the file said
    return record


def result_record(result: Result) -> dict[str, object]:
    """The result columns of a graded row, typed (`passed`, `needs_review` booleans, no error)."""
    typed = {"passed": result.passed, "needs_review": result.needs_review, "error": None}
    return {**result_row(result), **typed}


class LocalRunner:
    """Grades partitions one after the other in this process (see DaskRunner for a cluster)."""

    def run(
        self, job: GradingJob, parts: Sequence[list[Row]]
    ) -> Iterator[tuple[int, list[dict[str, object]]]]:
        """(partition index, records) for every partition, in order; the next partition is
        embedded while this one is graded (see grader.ahead)."""
        if not any(not r.error for part in parts for r in part):
            yield from ((index, grade_partition(job, part)) for index, part in enumerate(parts))
            return
        scorer = scorer_for(job)  # built here, before the thread can ask for it
        ahead = prepared_ahead(parts, lambda part: scorer.embed_many(_items(part)))
        for index, (part, _) in enumerate(ahead):
            yield index, grade_partition(job, part)


def _items(rows: Sequence[Row]) -> list[tuple[str, str]]:
    """The (question id, answer) pairs of the rows to grade."""
    return [(r.question_id, _text(r.fields["answer"])) for r in rows if not r.error]


def partitions(rows: Sequence[Row], size: int = PARTITION_ROWS) -> list[list[Row]]:
    """`rows` cut into runs of at most `size`, in order.

    The first runs are short (8 rows, then twice as many each time up to `size`), so the first
    rows are written, and progress shows, soon after the model loads even on a busy machine.
    """
    cuts, start, step = [], 0, min(size, FIRST_PARTITION)
    while start < len(rows):
        cuts.append(list(rows[start : start + step]))
        start += step
        step = min(size, step * 2)
    return cuts


def in_order(
    finished: Iterable[tuple[int, list[dict[str, object]]]],
) -> Iterator[tuple[int, list[dict[str, object]]]]:
    """Partitions that finish in any order, given back in input order as soon as they can be.

    Whatever is held waits for an earlier partition; a partition seen twice (a worker died
    after sending it) is given once.
    """
    held: dict[int, list[dict[str, object]]] = {}
    following = 0
    for index, records in finished:
        if index < following or index in held:
            continue
        held[index] = records
        while following in held:
            yield following, held.pop(following)
            following += 1


# ---------------------------------------------------------------- compatibility


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file (a BOM is fine); anything else is an InputError naming the byte."""
    return _decode(data, name)[0]


def read_csv(
    text: str, name: str, required: Sequence[str]
) -> tuple[list[str], Iterator[tuple[int, dict[str | None, object]]]]:
    """The header and the rows (with their line numbers) of a CSV text, for readers of other
    kinds of files (graded files). A file that is not CSV, is empty or lacks a column
    raises InputError, so does a row the csv module cannot parse.
    """
    if "\x00" in text:
        raise InputError(f"{name}: not a CSV file (it contains NUL bytes)")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        columns = [c.strip() for c in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise InputError(f"{name}: line 1: not valid CSV: {exc}") from None
    if not columns:
        raise InputError(f"{name}: the file is empty; expected a header row")
    reader.fieldnames = columns
    missing = [
        need.replace("|", " or ")
        for need in required
        if not any(option in columns for option in need.split("|"))
    ]
    if missing:
        raise InputError(
            f"{name}: line 1: missing column(s) {', '.join(missing)}; "
            f"found columns: {', '.join(columns)}"
        )

    def rows() -> Iterator[tuple[int, dict[str | None, object]]]:
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"{name}: line {reader.line_num}: not valid CSV: {exc}") from None
            yield reader.line_num, raw

    return columns, rows()
