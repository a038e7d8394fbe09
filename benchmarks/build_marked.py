"""Write the built-in bank's marked answers (`marked.csv`) from the two hand-written suites.

    python benchmarks/build_marked.py            # rewrites marked.csv in the repository root

Each answer carries the verdict its suite was written to earn, which is what a person marking
it would give: the answer suite's good answers pass and its wrong ones fail (its partial
answers are left out: whether one passes depends on which points it states, a judgement the
suite does not record); the adversarial suite's sound, terse and non-native answers pass, as
does the sound answer with a correct denial of a misconception appended, while its reversed
answers and its sound answers with the words shuffled fail. `grader bank test` with no file
tests the bank against this one.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.adversarial import build_answers, load_suite  # noqa: E402

ANSWER_SUITE = ROOT / "benchmarks" / "answer_suite"
MARKED = ROOT / "marked.csv"
VERDICTS = {
    "good": True,
    "wrong": False,
    "sound": True,
    "terse": True,
    "nonnative": True,
    "sound+denial": True,
    "reversed": False,
    "shuffled": False,
}
"""Each kind of answer and the verdict a person gives it; kinds not listed are left out."""


def marked_rows() -> list[dict[str, str]]:
    """question_id, answer, passed and source (suite:kind) of every marked answer."""
    rows = []
    for path in sorted(ANSWER_SUITE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        qid = data["question_id"]
        for answer in data["answers"]:
            if answer["kind"] in VERDICTS:
                rows.append(_row(qid, answer["text"], "answer_suite", answer["kind"]))
    for item in build_answers(load_suite()):
        if item.kind in VERDICTS:
            rows.append(_row(item.question_id, item.text, "adversarial_suite", item.kind))
    return sorted(rows, key=lambda r: r["question_id"])  # stable: each question's rows together


def _row(question_id: str, text: str, suite: str, kind: str) -> dict[str, str]:
    return {
        "question_id": question_id,
        "answer": " ".join(text.split()),
        "passed": "true" if VERDICTS[kind] else "false",
        "source": f"{suite}:{kind}",
    }


def main() -> None:
    rows = marked_rows()
    with MARKED.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{MARKED.relative_to(ROOT)}: {len(rows)} marked answers")


if __name__ == "__main__":
    main()
