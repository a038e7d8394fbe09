"""Write graded records as they come (CSV in the input's dialect, JSON lines, XLSX, Parquet),
and pick up a partial output file where a killed run left it.

CSV and JSON lines are flushed after every partition, so a kill loses at most the partition in
flight and leaves a file that `resume` can repair (it drops a torn last row) and continue.
XLSX and Parquet files are only valid once closed, so they are for runs that finish.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from grader.tables import Dialect, InputError

if TYPE_CHECKING:
    from grader.batch import AnswerFile, Row

OUTPUT_FORMATS = ("csv", "tsv", "jsonl", "xlsx", "parquet")
RESUMABLE = ("csv", "tsv", "jsonl")
NUMBER_COLUMNS = (
    "score", "raw_score", "pass_mark", "similarity", "coverage", "confidence", "judge_score"
)  # fmt: skip
BOOLEAN_COLUMNS = ("passed", "needs_review")

# OWASP's advice for CSV injection: a spreadsheet runs a cell that starts with one of these
# as a formula; a leading apostrophe makes it text again, and shows as nothing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
CELL_LIMIT = 32_767
"""Excel's most characters in a cell. A longer input cell (an answer refused for its length)
is cut in CSV and XLSX output, so spreadsheets and csv readers with default limits open it."""


def neutralise(value: object) -> object:
    """`value`, made inert for a spreadsheet when it is text that would run as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def cut(value: object, limit: int = CELL_LIMIT) -> object:
    """Text over `limit` characters cut at a word, saying how long it was."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    note = f" … [cut: {len(value):,} characters]"
    head = value[: limit - len(note)]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + note


def output_format(output: str, given: str | None, input_format: str) -> str:
    """The output's format: as given, else by the output's extension, else the input's."""
    if given:
        return given
    suffix = Path(output).suffix.lower().lstrip(".") if output != "-" else ""
    if suffix in OUTPUT_FORMATS:
        return suffix
    if suffix == "ndjson":
        return "jsonl"
    return input_format if input_format in ("csv", "tsv", "jsonl") else "csv"


def output_dialect(format: str, input_format: str, dialect: Dialect) -> Dialect:
    """The input's dialect for CSV out of CSV; plain UTF-8 otherwise (tabs for TSV).

    A file in a legacy encoding (e.g. cp1252) is answered in UTF-8 with a BOM, which Excel
    reads, since the grades may hold characters the old encoding lacks.
    """
    if format == "tsv":
        return Dialect(delimiter="\t", lineterminator=dialect.lineterminator, bom=dialect.bom)
    if format != "csv":
        return Dialect()
    if input_format not in ("csv", "tsv"):
        return Dialect()
    legacy = not dialect.encoding.startswith("utf")
    return Dialect(dialect.delimiter, dialect.lineterminator, "utf-8", dialect.bom or legacy)


def cell_text(value: object) -> str:
    """How a typed value is written in CSV: true/false, numbers as Python prints them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):  # nested values of a JSON lines input
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


class Writer:
    """Writes records partition by partition; `close` finishes the file."""

    spreadsheet = True
    """Whether spreadsheets open this format: then formulas are escaped, long cells cut."""

    def __init__(self, columns: list[str], text_columns: list[str], escape: bool):
        self.columns = columns
        # Only cells that hold the input's text can carry a formula or run long; grades never.
        self.text = set(text_columns) if self.spreadsheet else set()
        self.escape = escape

    def _cells(self, record: dict[str, object]) -> list[object]:
        return [self._cell(c, record.get(c)) for c in self.columns]

    def _cell(self, column: str, value: object) -> object:
        if column not in self.text:
            return value
        return cut(neutralise(value) if self.escape else value)

    def write(self, records: list[dict[str, object]]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file."""


class TextWriter(Writer):
    """CSV/TSV or JSON lines to a text stream, flushed after every write."""

    def __init__(
        self,
        stream: IO[str],
        format: str,
        columns: list[str],
        text_columns: list[str],
        dialect: Dialect,
        escape: bool = True,
        header: bool = True,
    ):
        # JSON is not read by spreadsheets: its text is kept as it was.
        self.spreadsheet = format != "jsonl"
        super().__init__(columns, text_columns, escape)
        self.stream, self.format, self.dialect = stream, format, dialect
        if header and format != "jsonl":
            self._send([columns])

    def write(self, records: list[dict[str, object]]) -> None:
        if self.format == "jsonl":
            lines = (
                json.dumps(dict(zip(self.columns, self._cells(r))), ensure_ascii=False, default=str)
                + "\n"
                for r in records
            )
            self.stream.write("".join(lines))
            self.stream.flush()
        else:
            self._send([[cell_text(c) for c in self._cells(r)] for r in records])

    def _send(self, rows: list[list[object]]) -> None:
        # One write per partition, so a kill tears at most its last row.
        buffer = io.StringIO()
        d = self.dialect
        csv.writer(buffer, delimiter=d.delimiter, lineterminator=d.lineterminator).writerows(rows)
        self.stream.write(buffer.getvalue())
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not sys.stdout:
            self.stream.close()


class XlsxWriter(Writer):
    """An Excel workbook (openpyxl's write-only mode keeps memory flat); saved on close."""

    def __init__(self, path: Path, columns: list[str], text_columns: list[str], escape: bool):
        import openpyxl

        super().__init__(columns, text_columns, escape)
        self.path = path
        self.book = openpyxl.Workbook(write_only=True)
        self.sheet = self.book.create_sheet("graded")
        self.sheet.append(columns)

    def write(self, records: list[dict[str, object]]) -> None:
        for record in records:
            # openpyxl would store "=..." as a formula: the escape above prevents it.
            self.sheet.append([_excel(c) for c in self._cells(record)])

    def close(self) -> None:
        self.book.save(self.path)


def _excel(value: object) -> object:
    """A value openpyxl can store: numbers, booleans, dates and text as they are."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool, datetime.date, datetime.time)):
        return value
    return cell_text(value)


class ParquetWriter(Writer):
    """A Parquet file with a row group per partition: grades typed, the input's text as text."""

    def __init__(self, path: Path, columns: list[str]):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.spreadsheet = False
        super().__init__(columns, [], False)
        self.pa = pa
        kinds = {c: pa.float64() for c in NUMBER_COLUMNS} | {c: pa.bool_() for c in BOOLEAN_COLUMNS}
        self.schema = pa.schema([(c, kinds.get(c, pa.string())) for c in columns])
        self.writer = pq.ParquetWriter(path, self.schema)

    def write(self, records: list[dict[str, object]]) -> None:
        if not records:
            return
        data = {}
        for c in self.columns:
            values = [r.get(c) for r in records]
            if self.schema.field(c).type == self.pa.string():
                values = [None if v is None else cell_text(v) for v in values]
            else:
                values = [None if v in ("", None) else v for v in values]
            data[c] = values
        self.writer.write_table(self.pa.table(data, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


# ---------------------------------------------------------------- planning and resuming


@dataclass
class OutputPlan:
    """Where and how the grades go: format, dialect, columns, escaping."""

    output: str
    format: str
    dialect: Dialect
    columns: list[str]
    text_columns: list[str]
    escape: bool

    @classmethod
    def of(
        cls,
        answers: AnswerFile,
        output: str,
        format: str | None,
        escape: bool,
        calibrated: bool,
        judged: bool = False,
    ) -> OutputPlan:
        kind = output_format(output, format, answers.format)
        dialect = output_dialect(kind, answers.format, answers.dialect)
        columns = answers.output_columns(calibrated, judged)
        return cls(output, kind, dialect, columns, answers.columns, escape)

    def remaining(self, rows: list[Row]) -> tuple[list[Row], Resumed]:
        """The rows a partial output file does not hold yet, and what it holds (`--resume`).

        A row is recognised by its answer_id (as many times as the file holds it), else by
        its position, since rows are written in input order.
        """
        if self.output == "-":
            raise InputError("--resume needs an output file (-o FILE)")
        done = resume(self.output, self.format, self.columns, self.dialect)
        escaped = self.escape and self.format in ("csv", "tsv") and "answer_id" in self.text_columns
        left, seen = [], done.keys.copy()
        for position, row in enumerate(rows):
            record = {"answer_id": row.fields.get("answer_id")}
            if escaped:
                record["answer_id"] = neutralise(record["answer_id"])
            key = row_key(record, done.by_id, position)
            if seen[key] > 0:
                seen[key] -= 1
            else:
                left.append(row)
        return left, done

    def open(self, append: bool = False) -> Writer:
        """The writer (to stdout for -); `append` continues a resumed file."""
        output, kind = self.output, self.format
        if kind in ("xlsx", "parquet"):
            if output == "-":
                raise InputError(f"{kind} output needs a file: give -o FILE.{kind}")
            if kind == "xlsx":
                return XlsxWriter(Path(output), self.columns, self.text_columns, self.escape)
            return ParquetWriter(Path(output), self.columns)
        if output == "-":
            stream, append = sys.stdout, False
        else:
            encoding = "utf-8-sig" if self.dialect.bom else "utf-8"
            stream = open(output, "a" if append else "w", encoding=encoding, newline="")  # noqa: SIM115
        return TextWriter(
            stream, kind, self.columns, self.text_columns, self.dialect, self.escape,
            header=not append,
        )  # fmt: skip


@dataclass
class Resumed:
    """What a partial output file already holds: the keys of its rows and how many failed."""

    rows: int = 0
    failed: int = 0
    keys: Counter = field(default_factory=Counter)
    by_id: bool = False


def row_key(record: dict[str, object], by_id: bool, position: int) -> str:
    """How a row is recognised in a resumed file: its answer_id, else its position."""
    return cell_text(record.get("answer_id")) if by_id else str(position)


def resume(path: str, format: str, columns: list[str], dialect: Dialect) -> Resumed:
    """Read the rows a killed run wrote to `path`, drop a torn last row, and say what is done.

    The file must have been written for the same input (the same columns); InputError if not.
    """
    if format not in RESUMABLE:
        raise InputError(f"--resume works with CSV, TSV and JSON lines output, not {format}")
    target = Path(path)
    if not target.exists() or target.stat().st_size == 0:
        return Resumed(by_id="answer_id" in columns)
    text = target.read_bytes().decode("utf-8-sig", errors="replace")
    if format == "jsonl":
        records, complete = _jsonl_records(text)
    else:
        records, complete = _csv_records(text, path, columns, dialect)
    if complete < len(text):
        # Cut the torn row away, so the rows appended next start on a line of their own.
        _truncate(target, text[:complete], "utf-8-sig" if dialect.bom else "utf-8")
    by_id = "answer_id" in columns
    done = Resumed(rows=len(records), by_id=by_id)
    for position, record in enumerate(records):
        done.keys[row_key(record, by_id, position)] += 1
        done.failed += bool(record.get("error"))
    return done


def _jsonl_records(text: str) -> tuple[list[dict], int]:
    records, complete = [], 0
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            break
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            break
        complete += len(line)
    return records, complete


def _csv_records(
    text: str, path: str, columns: list[str], dialect: Dialect
) -> tuple[list[dict], int]:
    """The complete records of a partial CSV and where they end (in characters)."""
    # Lines as csv sees them (\n, \r\n or \r), not str.splitlines's wider set.
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, delimiter=dialect.delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], 0
    if [c.strip() for c in header] != columns:
        raise InputError(
            f"{path}: its columns are not the ones this run writes; grade to a new file,"
            " or leave out --resume to start over"
        )
    records, complete = [], len(lines[0]) if lines else 0
    consumed = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            break
        chunk = "".join(lines[consumed : reader.line_num])
        consumed = reader.line_num
        if not chunk.endswith(("\n", "\r")) or len(values) != len(columns):
            break  # the last row, torn by a kill
        records.append(dict(zip(columns, values)))
        complete += len(chunk)
    return records, complete


def _truncate(target: Path, kept: str, encoding: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding=encoding, newline="") as file:
        file.write(kept)
    os.replace(temporary, target)
