"""Read answer files for batch grading: every problem is tied to a line, good rows go on."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from grader.answers import check_answer
from grader.bank import Bank

OPTIONAL_COLUMNS = ("answer_id", "candidate")


class InputError(Exception):
    """The whole file cannot be read (not UTF-8, not CSV, missing columns)."""


@dataclass
class Row:
    """One input row: its original fields, and either a question id to grade or an error."""

    line: int
    fields: dict[str, str]
    question_id: str | None = None
    error: str | None = None


@dataclass
class AnswerFile:
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.error]


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file (a BOM is fine); anything else is an InputError naming the byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}: not UTF-8 text (line {line}, byte {exc.start}); save it as UTF-8"
        ) from None


def read_csv(
    text: str, name: str, required: Sequence[str]
) -> tuple[list[str], Iterator[tuple[int, dict[str | None, object]]]]:
    """The header and the rows (with their line numbers) of a CSV text.

    `required` names the columns needed; "a|b" is met by either. A file that is not CSV, is
    empty or lacks a column raises InputError, so does a row the csv module cannot parse.
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


def read_answers(text: str, bank: Bank, name: str = "<input>") -> AnswerFile:
    """Parse a CSV of answers and resolve each row's question.

    Needs an `answer` column and either `question_id` or `question` (text matched ignoring
    case, spacing and punctuation).
    """
    columns, rows = read_csv(text, name, ["answer", "question_id|question"])
    result = AnswerFile(columns=columns)
    for line, raw in rows:
        extra = raw.pop(None, None)
        fields = {k: (v if v is not None else "") for k, v in raw.items()}
        row = Row(line=line, fields=fields)
        if extra:
            row.error = f"line {line}: {len(extra)} more field(s) than the header has columns"
        elif any(v is None for v in raw.values()):
            row.error = f"line {line}: fewer fields than the header has columns"
        else:
            row.question_id, row.error = _resolve(fields, bank, line)
        result.rows.append(row)
    return result


def _resolve(fields: dict[str, str], bank: Bank, line: int) -> tuple[str | None, str | None]:
    qid = fields.get("question_id", "").strip()
    if qid:
        if qid not in bank.questions:
            return None, f"line {line}: unknown question_id {qid!r}"
        question = bank.questions[qid]
    else:
        text = fields.get("question", "").strip()
        if not text:
            return None, f"line {line}: no question_id and no question text"
        question = bank.find_by_text(text)
        if question is None:
            return None, f"line {line}: no question in the bank has the text {text[:60]!r}"
    problem = check_answer(fields.get("answer"))
    if problem:
        return None, f"line {line}: {problem}"
    return question.id, None
