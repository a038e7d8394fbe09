"""Batch grading with the files teams have, written here: dialects, encodings, spreadsheets,
JSON lines, Parquet, huge and broken rows, formula escaping, and resuming a killed run."""

from __future__ import annotations

import csv
import io
import json

import pytest

from grader.batch import GradingJob, grade_rows, load_answers, partitions
from grader.outputs import OutputPlan, neutralise, resume
from grader.tables import InputError

GOOD = (
    "Dropout switches off a random subset of units at each training step so the network "
    "cannot rely on any single unit, which reduces overfitting; at inference every unit is kept."
)
TENSOR = (
    "A tensor is an n-dimensional array of numbers of one type; scalars, vectors and matrices "
    "are tensors of rank 0, 1 and 2."
)


def csv_bytes(rows: list[list[str]], delimiter=",", newline="\n", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode(encoding)


def read_rows(path, delimiter=",", encoding="utf-8") -> list[dict[str, str]]:
    text = path.read_text(encoding=encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


# ---------------------------------------------------------------- the library, no CLI


def test_huge_field_is_a_row_error_with_its_true_line(bank):
    data = csv_bytes(
        [
            ["answer_id", "question_id", "answer"],
            ["a", "dropout", "two\nlines"],  # a record over lines 2-3
            ["big", "dropout", "dropout " * 25_000],
            ["b", "dropout", GOOD],
        ]
    )
    answers = load_answers(data, "huge.csv", bank)
    assert [r.line for r in answers.rows] == [2, 4, 5]
    assert answers.rows[1].error == "line 4: the answer has 200,000 characters; the limit is 10,000"
    assert answers.rows[0].error is None and answers.rows[2].error is None


def test_broken_rows_do_not_sink_the_file(bank):
    data = b'answer_id,question_id,answer\n1,dropout,ok answer here\n2,dropout\n3,tensor,"x","y"\n'
    rows = load_answers(data, "f.csv", bank).rows
    assert [r.error for r in rows] == [
        None,
        "line 3: fewer fields than the header has columns",
        "line 4: 1 more field(s) than the header has columns",
    ]


def test_excel_dialect_is_sniffed(bank):
    data = b"\xef\xbb\xbf" + csv_bytes(
        [["answer_id", "question_id", "answer"], ["x1", "dropout", GOOD]], ";", "\r\n"
    )
    answers = load_answers(data, "excel.csv", bank)
    assert answers.dialect.delimiter == ";" and answers.dialect.lineterminator == "\r\n"
    assert answers.dialect.bom and answers.rows[0].question_id == "dropout"


def test_legacy_encoding_needs_encoding_and_says_so(bank):
    data = csv_bytes([["question_id", "answer"], ["dropout", "Café " + GOOD]], encoding="cp1252")
    with pytest.raises(InputError, match=r"not UTF-8 text \(line 2.*--encoding"):
        load_answers(data, "old.csv", bank)
    answers = load_answers(data, "old.csv", bank, encoding="cp1252")
    assert answers.rows[0].fields["answer"].startswith("Café")


def test_jsonl_broken_lines_are_row_errors(bank):
    data = (
        json.dumps({"answer_id": 1, "question_id": "dropout", "answer": GOOD})
        + "\n{not json\n[1, 2]\n"
    ).encode()
    rows = load_answers(data, "a.jsonl", bank).rows
    assert rows[0].error is None and rows[0].fields["answer_id"] == 1
    assert rows[1].error.startswith("line 2: not valid JSON")
    assert rows[2].error == "line 3: expected a JSON object ({...}) on each line"


def test_grade_rows_records_are_typed_and_in_order(scorer, bank):
    data = csv_bytes(
        [["question", "answer"], ["What is dropout?", GOOD], ["What is a sandwich?", GOOD]]
    )
    rows = load_answers(data, "q.csv", bank).rows
    records = grade_rows(scorer, rows)
    assert records[0]["question_id"] == "dropout" and records[0]["matched_by"] == "fuzzy 1.00"
    assert records[0]["passed"] is True and isinstance(records[0]["score"], float)
    assert records[1]["score"] is None and "line 3: no bank question" in records[1]["error"]


def test_partitions_keep_order():
    assert partitions(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    sizes = [len(p) for p in partitions(list(range(200)), 64)]
    assert sizes == [8, 16, 32, 64, 64, 16]


def test_formula_cells_are_neutralised():
    assert neutralise("=1+1") == "'=1+1" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("-5") == "-5" and neutralise("fine") == "fine" and neutralise(3) == 3


@pytest.mark.model
def test_resume_drops_a_torn_row_and_counts_the_rest(tmp_path):
    from grader.tables import Dialect

    path = tmp_path / "out.csv"
    columns = ["answer_id", "answer", "score", "error"]
    plan = OutputPlan(str(path), "csv", Dialect(), columns, ["answer_id", "answer"], True)
    writer = plan.open()
    writer.write([{"answer_id": "1", "answer": "a", "score": 1.0}])
    writer.write([{"answer_id": "2", "answer": "b\nc", "score": None, "error": "line 3: x"}])
    writer.close()
    with path.open("a", encoding="utf-8") as file:
        file.write('3,"torn in the mid')  # what a kill can leave
    done = resume(str(path), "csv", columns, Dialect())
    assert done.rows == 2 and done.failed == 1 and done.keys == {"1": 1, "2": 1}
    assert path.read_text(encoding="utf-8").endswith("line 3: x\n")


@pytest.mark.model
def test_job_is_picklable(bank):
    import pickle

    job = GradingJob(bank)
    assert pickle.loads(pickle.dumps(job)).key == job.key


# ---------------------------------------------------------------- the command, with real files


def grade(cli, source, *args):
    return cli("grade", str(source), *args)


def test_cli_huge_row_is_one_row_error(cli, tmp_path):
    source = tmp_path / "huge.csv"
    source.write_bytes(
        csv_bytes(
            [
                ["answer_id", "question_id", "answer"],
                ["a", "dropout", GOOD],
                ["big", "dropout", "dropout " * 25_000],
                ["b", "dropout", GOOD],
            ]
        )
    )
    target = tmp_path / "out.csv"
    result = grade(cli, source, "-o", str(target))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "huge.csv: line 3: the answer has 200,000 characters" in result.output
    rows = read_rows(target)  # readable with the csv module's default field limit
    assert rows[0]["score"] and rows[2]["score"] and rows[1]["error"]
    assert "[cut: 200,000 characters]" in rows[1]["answer"]


def test_cli_excel_file_keeps_its_dialect(cli, tmp_path):
    source = tmp_path / "excel.csv"
    source.write_bytes(
        b"\xef\xbb\xbf"
        + csv_bytes(
            [
                ["answer_id", "question_id", "answer"],
                ["x1", "dropout", GOOD],
                ["x2", "tensor", TENSOR],
            ],
            ";",
            "\r\n",
        )
    )
    target = tmp_path / "out.csv"
    assert grade(cli, source, "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfanswer_id;question;"[:13]) and b"\r\n" in raw
    rows = read_rows(target, ";", "utf-8-sig")
    assert [r["answer_id"] for r in rows] == ["x1", "x2"] and all(r["score"] for r in rows)


def test_cli_tsv_and_delimiter_override(cli, tmp_path):
    tsv = tmp_path / "tabs.tsv"
    tsv.write_bytes(csv_bytes([["question_id", "answer"], ["dropout", GOOD]], "\t"))
    out = tmp_path / "tabs.out.tsv"
    assert grade(cli, tsv, "-o", str(out)).exit_code == 0
    assert read_rows(out, "\t")[0]["score"]
    piped = tmp_path / "pipes.txt"
    piped.write_bytes(csv_bytes([["question_id", "answer"], ["dropout", GOOD]], "|"))
    result = grade(cli, piped, "--delimiter", "|", "-o", str(tmp_path / "p.csv"))
    assert result.exit_code == 0 and read_rows(tmp_path / "p.csv", "|")[0]["score"]


def test_cli_cp1252_with_encoding(cli, tmp_path):
    source = tmp_path / "old.csv"
    source.write_bytes(
        csv_bytes([["question_id", "answer"], ["dropout", "Café. " + GOOD]], ";", encoding="cp1252")
    )
    refused = grade(cli, source, "-o", str(tmp_path / "x.csv"))
    assert refused.exit_code == 2 and "--encoding" in refused.output
    target = tmp_path / "out.csv"
    assert grade(cli, source, "--encoding", "cp1252", "-o", str(target)).exit_code == 0
    assert read_rows(target, ";", "utf-8-sig")[0]["answer"].startswith("Café")


def test_cli_jsonl_output_is_typed(cli, tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_bytes([["question_id", "answer"], ["dropout", GOOD], ["nope", GOOD]]))
    result = grade(cli, source, "--format", "jsonl")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["passed"] is True and isinstance(first["score"], float) and first["error"] is None
    assert second["score"] is None and second["passed"] is None
    assert second["error"] == "line 3: unknown question_id 'nope'; see 'grader questions list'"


def test_cli_jsonl_input(cli, tmp_path):
    source = tmp_path / "a.jsonl"
    lines = [{"answer_id": 7, "question": "What is a tensor?", "answer": TENSOR}]
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n{oops\n", encoding="utf-8")
    result = grade(cli, source, "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and "a.jsonl: line 2: not valid JSON" in result.output
    records = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert records[0]["answer_id"] == 7 and records[0]["question_id"] == "tensor"


def test_cli_xlsx_in_and_out_escapes_formulas(cli, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["answer_id", "question_id", "answer"])
    sheet.append([1, "dropout", GOOD])
    sheet.append([2, "dropout", '=HYPERLINK("http://example.com","click")'])
    sheet.append([None, None, None])
    sheet.append([3, "dropout", None])
    book.save(tmp_path / "a.xlsx")
    result = grade(cli, tmp_path / "a.xlsx", "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1 and "a.xlsx: row 5: the answer is empty" in result.output
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.values)
    header = rows[0]
    records = [dict(zip(header, r)) for r in rows[1:]]
    assert records[0]["answer_id"] == 1 and records[0]["passed"] is True
    assert records[1]["answer"].startswith("'=HYPERLINK")  # text, not a formula


def test_cli_csv_formula_escaping_and_switch_off(cli, tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(
        csv_bytes([["question_id", "answer"], ["dropout", "@SUM(1+1)*cmd|' /C calc'!A0"]])
    )
    grade(cli, source, "-o", str(tmp_path / "safe.csv"))
    grade(cli, source, "--no-escape-formulas", "-o", str(tmp_path / "raw.csv"))
    assert read_rows(tmp_path / "safe.csv")[0]["answer"].startswith("'@SUM")
    assert read_rows(tmp_path / "raw.csv")[0]["answer"].startswith("@SUM")


def test_cli_parquet_in_and_out(cli, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {"answer_id": ["p1", "p2"], "question_id": ["dropout", "tensor"], "answer": [GOOD, TENSOR]}
    )
    pq.write_table(table, tmp_path / "a.parquet")
    result = grade(cli, tmp_path / "a.parquet", "-o", str(tmp_path / "out.parquet"))
    assert result.exit_code == 0
    out = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["answer_id"] for r in out] == ["p1", "p2"]
    assert out[0]["passed"] is True and isinstance(out[0]["score"], float)


def test_cli_resume_grades_only_what_is_missing(cli, tmp_path):
    source = tmp_path / "a.csv"
    rows = [["answer_id", "question_id", "answer"]]
    rows += [[f"r{i}", "dropout", f"{GOOD} ({i})"] for i in range(5)]
    source.write_bytes(csv_bytes(rows))
    full = tmp_path / "full.csv"
    assert grade(cli, source, "-o", str(full)).exit_code == 0
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    partial = tmp_path / "partial.csv"
    partial.write_text("".join(lines[:3]) + lines[3][:20], encoding="utf-8")  # a torn row 3
    result = grade(cli, source, "-o", str(partial), "--resume", "--partition-size", "2")
    assert result.exit_code == 0
    assert "2 row(s) already graded, skipped; grading the other 3" in result.output
    assert partial.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")


def test_cli_resume_without_answer_id_goes_by_row_number(cli, tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_bytes([["question_id", "answer"]] + [["dropout", GOOD]] * 3))
    full = tmp_path / "full.jsonl"
    assert grade(cli, source, "-o", str(full)).exit_code == 0
    partial = tmp_path / "partial.jsonl"
    partial.write_text(full.read_text().splitlines(keepends=True)[0], encoding="utf-8")
    result = grade(cli, source, "-o", str(partial), "--resume")
    assert "1 row(s) already graded, skipped; grading the other 2" in result.output
    assert partial.read_text() == full.read_text()


def test_cli_resume_refuses_another_files_output(cli, tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_bytes([["question_id", "answer"], ["dropout", GOOD]]))
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    result = grade(cli, source, "-o", str(other), "--resume")
    assert result.exit_code == 2 and "its columns are not the ones this run writes" in result.output


def test_cli_nested_json_values_are_written_as_json(cli, tmp_path):
    source = tmp_path / "a.jsonl"
    record = {"question_id": "dropout", "answer": GOOD, "meta": {"team": "b", "tags": [1, 2]}}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert grade(cli, source, "-o", str(tmp_path / "out.csv")).exit_code == 0
    assert json.loads(read_rows(tmp_path / "out.csv")[0]["meta"]) == record["meta"]
    assert grade(cli, source, "-o", str(tmp_path / "out.xlsx")).exit_code == 0
