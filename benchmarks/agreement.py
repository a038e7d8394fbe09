"""Do two versions of the scorer agree? Verdicts, scores and explanations, answer by answer.

    python benchmarks/agreement.py dump before.jsonl     # with one version checked out
    python benchmarks/agreement.py dump after.jsonl      # with the other
    python benchmarks/agreement.py compare before.jsonl after.jsonl [--details]

The answers are the hand-written answer suite, every answer the adversarial benchmark builds
(sound, shuffled, terse, non-native, reversed, denials) and 500 generated answers
(benchmarks/answers.py), all graded on the default backend. `compare` counts what moved: the
pass/fail verdict, the score, each key point's status, the misconceptions charged and the
flags.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.adversarial import build_answers, load_suite  # noqa: E402
from benchmarks.answers import SUITE, make_answers  # noqa: E402

GENERATED = 500


def answers(bank) -> list[tuple[str, str, str]]:
    """(set, question_id, answer) for every answer graded."""
    found = []
    for path in sorted(SUITE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [("answers", data["question_id"], a["text"]) for a in data["answers"]]
    found += [("adversarial", i.question_id, i.text) for i in build_answers(load_suite())]
    found += [("generated", qid, text) for qid, text in make_answers(bank, GENERATED)]
    return found


def dump(path: Path) -> None:
    from grader.bank import load_bank
    from grader.startup import load_scorer

    bank = load_bank()
    items = answers(bank)
    results = load_scorer(bank, None).score_many([(qid, text) for _, qid, text in items])
    with path.open("w", encoding="utf-8") as out:
        for (kind, qid, text), r in zip(items, results):
            record = {
                "set": kind,
                "question_id": qid,
                "answer": text,
                "score": r.score,
                "passed": r.passed,
                "similarity": r.similarity,
                "points": {p.id: p.status for p in r.points},
                "misconceptions": sorted(m.id for m in r.misconceptions),
                "flags": sorted(r.flags),
            }
            out.write(json.dumps(record) + "\n")


def compare(before: Path, after: Path, details: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    old = [json.loads(line) for line in before.open(encoding="utf-8")]
    new = [json.loads(line) for line in after.open(encoding="utf-8")]
    if [(o["question_id"], o["answer"]) for o in old] != [
        (n["question_id"], n["answer"]) for n in new
    ]:
        sys.exit("the two files grade different answers")
    table = Table(title=f"Agreement of {after.name} with {before.name}")
    for column in (
        "set",
        "answers",
        "same verdict",
        "median |Δ score|",
        "max |Δ score|",
        "point statuses moved",
        "misconceptions moved",
        "flags moved",
    ):
        table.add_column(column, justify="left" if column == "set" else "right")
    moved = []
    for kind in ("answers", "adversarial", "generated"):
        pairs = [(o, n) for o, n in zip(old, new) if o["set"] == kind]
        deltas = [abs(o["score"] - n["score"]) for o, n in pairs]
        points = sum(o["points"][k] != n["points"][k] for o, n in pairs for k in o["points"])
        table.add_row(
            kind,
            str(len(pairs)),
            f"{sum(o['passed'] == n['passed'] for o, n in pairs)}/{len(pairs)}",
            f"{statistics.median(deltas):.2f}",
            f"{max(deltas):.1f}",
            f"{points}/{sum(len(o['points']) for o, _ in pairs)}",
            str(sum(o["misconceptions"] != n["misconceptions"] for o, n in pairs)),
            str(sum(o["flags"] != n["flags"] for o, n in pairs)),
        )
        moved += [
            (o, n)
            for o, n in pairs
            if o["passed"] != n["passed"]
            or o["misconceptions"] != n["misconceptions"]
            or o["flags"] != n["flags"]
        ]
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(table)
    if details:
        for o, n in moved:
            console.print(
                f"[bold]{o['set']} {o['question_id']}[/]: {o['score']} -> {n['score']}, "
                f"passed {o['passed']} -> {n['passed']}, misconceptions {o['misconceptions']} -> "
                f"{n['misconceptions']}, flags {o['flags']} -> {n['flags']}\n  {o['answer']}",
                highlight=False,
                markup=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump", help="grade every answer, one JSON line each").add_argument(
        "out", type=Path
    )
    cmp = sub.add_parser("compare", help="what moved between two dumps")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    cmp.add_argument("--details", action="store_true", help="list every answer that moved")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out)
    else:
        compare(args.before, args.after, args.details)


if __name__ == "__main__":
    main()
