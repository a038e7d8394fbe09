"""Read the files teams grade: CSV in any of Excel's dialects, TSV, XLSX, JSON lines, Parquet.

Every reader gives the same thing, a `Table`: the columns and the rows, each with its line
(or row) number and its fields, or the reason it could not be read. A broken row is a row
error, never a refused file; only a file that is not a table at all (not text, no header, a
missing column) is refused, as an `InputError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("csv", "tsv", "xlsx", "jsonl", "parquet")
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t", "|": "|"}
"""What --delimiter accepts, and the character each stands for."""

# Python's csv module refuses a field over 131,072 characters and stops the whole file there;
# a long field is a problem of its row (the answer length check names it), not of the file.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class InputError(Exception):
    """The whole file cannot be read (not text, not a table, missing columns)."""


@dataclass
class Dialect:
    """How a CSV file is written, so the output can be written the same way."""

    delimiter: str = ","
    lineterminator: str = "\n"
    encoding: str = "utf-8"
    bom: bool = False


@dataclass
class RawRow:
    """One row as read: where it is, its fields (column -> value) or why it cannot be read."""

    line: int
    fields: dict[str, object]
    error: str | None = None


@dataclass
class Table:
    """A file's columns, its format and dialect, and its rows (read lazily where possible)."""

    name: str
    format: str
    columns: list[str]
    rows: Iterator[RawRow]
    dialect: Dialect = field(default_factory=Dialect)
    unit: str = "line"
    """What a row's number counts: "line" in text files, "row" in spreadsheets and Parquet."""


def format_of(path: str, given: str | None = None) -> str:
    """The format named by `given`, else by the file's extension; CSV when it says nothing."""
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"tsv": "tsv", "tab": "tsv", "xlsx": "xlsx", "jsonl": "jsonl", "ndjson": "jsonl"}.get(
        suffix, "parquet" if suffix in ("parquet", "pq") else "csv"
    )


def read_table(
    data: bytes,
    name: str,
    required: Sequence[str] = (),
    format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Table:
    """Parse `data` (the bytes of file `name`) as a table.

    `required` names the columns needed; "a|b" is met by either. `format` defaults to the
    extension of `name`; a CSV's delimiter and encoding are sniffed unless given.
    """
    kind = format_of(name, format)
    if kind == "xlsx":
        table = _read_xlsx(data, name)
    elif kind == "parquet":
        table = _read_parquet(data, name)
    elif kind == "jsonl":
        table = _read_jsonl(decode(data, name, encoding)[0], name)
    else:
        text, dialect = decode(data, name, encoding)
        forced = DELIMITERS.get(delimiter, delimiter) if delimiter else None
        if forced is not None and len(forced) != 1:
            raise InputError(f"--delimiter {delimiter!r}: give one character, or tab")
        if forced is None and kind == "tsv":
            forced = "\t"
        table = _read_csv(text, name, required, dialect, forced)
    check_columns(table, required)
    return table


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, Dialect]:
    """The text of a file and its encoding: a BOM decides, else UTF-8, else `encoding`."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if data.startswith(bom) and encoding in (None, codec, "utf-8-sig"):
            try:
                return data[len(bom) :].decode(codec), Dialect(encoding=codec, bom=True)
            except UnicodeDecodeError as exc:
                raise _not_text(data, exc, name, codec) from None
    codec = encoding or "utf-8"
    try:
        return data.decode(codec), Dialect(encoding=codec)
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}; try cp1252 or latin-1") from None
    except UnicodeDecodeError as exc:
        raise _not_text(data, exc, name, codec) from None


def _not_text(data: bytes, exc: UnicodeDecodeError, name: str, codec: str) -> InputError:
    line = data[: exc.start].count(b"\n") + 1
    codec = codec.upper() if codec.startswith("utf") else codec
    hint = "save it as UTF-8, or name its encoding with --encoding (e.g. cp1252 from Excel)"
    return InputError(f"{name}: not {codec} text (line {line}, byte {exc.start}); {hint}")


def check_columns(table: Table, required: Sequence[str]) -> None:
    if not table.columns:
        raise InputError(f"{table.name}: the file is empty; expected a header row")
    missing = [
        need.replace("|", " or ")
        for need in required
        if not any(option in table.columns for option in need.split("|"))
    ]
    if missing:
        raise InputError(
            f"{table.name}: {table.unit} 1: missing column(s) {', '.join(missing)}; "
            f"found columns: {', '.join(table.columns)}"
        )


# ---------------------------------------------------------------- CSV and TSV


def _read_csv(
    text: str, name: str, required: Sequence[str], dialect: Dialect, delimiter: str | None
) -> Table:
    if "\x00" in text:
        raise InputError(f"{name}: not a CSV file (it contains NUL bytes)")
    first = text.split("\n", 1)[0]
    dialect.lineterminator = "\r\n" if first.endswith("\r") else "\n"
    dialect.delimiter = delimiter or _sniff(first, required)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError(f"{name}: line 1: not valid CSV: {exc}") from None
    columns = [c.strip() for c in header]
    return Table(name, "csv", columns, _csv_rows(reader, columns), dialect)


def _sniff(header: str, required: Sequence[str]) -> str:
    """The delimiter that splits the header into the needed columns, else the most frequent.

    Excel writes `;` where the decimal mark is a comma, and tabs for "Unicode text"; the header
    line tells them apart better than csv.Sniffer, which guesses from every character.
    """
    candidates = [",", ";", "\t", "|"]
    needed = [n.split("|") for n in required]
    for candidate in candidates:
        names = [c.strip() for c in next(csv.reader([header], delimiter=candidate), [])]
        if needed and all(any(o in names for o in options) for options in needed):
            return candidate
    return max(candidates, key=lambda c: (header.count(c), c == ","))


def _csv_rows(reader, columns: list[str]) -> Iterator[RawRow]:
    end = 1  # the line the previous record ended on: a record starts on the next one
    while True:
        start = end + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num
            yield RawRow(start, {}, f"not valid CSV: {exc}")
            continue
        end = reader.line_num
        if not values or values == [""]:
            continue  # a blank line, e.g. at the end of a file written by hand
        fields: dict[str, object] = dict(zip(columns, values))
        if len(values) > len(columns):
            error = f"{len(values) - len(columns)} more field(s) than the header has columns"
            yield RawRow(start, fields, error)
        elif len(values) < len(columns):
            yield RawRow(start, fields, "fewer fields than the header has columns")
        else:
            yield RawRow(start, fields)


# ---------------------------------------------------------------- JSON lines


def _read_jsonl(text: str, name: str) -> Table:
    rows: list[RawRow] = []
    columns: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(RawRow(number, {}, f"not valid JSON: {exc.msg} (column {exc.colno})"))
            continue
        if not isinstance(value, dict):
            rows.append(RawRow(number, {}, "expected a JSON object ({...}) on each line"))
            continue
        columns.update(dict.fromkeys(str(k) for k in value))
        rows.append(RawRow(number, {str(k): v for k, v in value.items()}))
    return Table(name, "jsonl", list(columns), iter(rows), Dialect())


# ---------------------------------------------------------------- spreadsheets and Parquet


def _cell(value: object) -> object:
    """A spreadsheet cell as text, except numbers: 12.0 stays a number, shown as 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _read_xlsx(data: bytes, name: str) -> Table:
    try:
        import openpyxl

        # A formula's own text, not its last computed value: an answer typed as "- a point" or
        # "= b" becomes a formula in Excel, and files written by tools hold no computed values.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(f"{name}: not an Excel workbook (.xlsx): {exc}") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = [str(c).strip() if c is not None else "" for c in header]
    while columns and not columns[-1]:
        columns.pop()  # Excel often reports formatted but empty columns at the right

    def records() -> Iterator[RawRow]:
        for number, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values]
            if not any(c != "" for c in cells):
                continue
            fields = dict(zip(columns, cells))
            extra = [c for c in cells[len(columns) :] if c != ""]
            error = f"{len(extra)} value(s) right of the last column" if extra else None
            yield RawRow(number, fields, error)

    return Table(name, "xlsx", columns, records(), unit="row")


def _read_parquet(data: bytes, name: str) -> Table:
    try:
        import pyarrow.parquet as pq

        source = pq.ParquetFile(io.BytesIO(data))
    except Exception as exc:  # pyarrow's errors for a file that is not Parquet vary
        raise InputError(f"{name}: not a Parquet file: {exc}") from None
    columns = list(source.schema_arrow.names)

    def records() -> Iterator[RawRow]:
        number = 0
        for batch in source.iter_batches(batch_size=4096):
            for record in batch.to_pylist():
                number += 1
                fields = {k: ("" if v is None else v) for k, v in record.items()}
                yield RawRow(number, fields)

    return Table(name, "parquet", columns, records(), unit="row")
