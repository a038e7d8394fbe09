"""Answers nobody tuned the grader for: how each kind fares against its target.

    python benchmarks/adversarial.py                      # benchmarks/adversarial_suite
    python benchmarks/adversarial.py --suite /work/holdout --details

The suite (one YAML file per free-text question) was written without looking at the rubrics'
key points, synonyms or patterns, nor at the reference answers, so it measures the grader on
wording it has never been fitted to. Per question it holds a sound answer, a terse one-sentence
pass, a correct answer in non-native English with misspellings, a fluent answer that uses the
right words but reverses the claims, and for each misconception of the rubric a correct
sentence that denies it. From these the benchmark grades:

    sound           the sound answer                          should pass
    shuffled        its words shuffled within each sentence   should never pass
    terse           the one-sentence answer                   should pass
    nonnative       the non-native answer                     should pass
    reversed        the reversed answer                       should fail
    denial          each denial alone                         should not be fined for it
    sound+denial    each denial appended to the sound answer  should not be fined for it

A suite may also hold, per question, a second sound answer (`sound2`, should pass), a wrong one
(`wrong`, should fail) and a bare list of the right terms (`keywords`, should fail). The AUC
line ranks every score of the kinds that should pass above those that should fail.

"fined" is a charged misconception; for the two denial kinds, only the misconception that the
sentence denies counts.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.backends import Backend  # noqa: E402
from grader.models import Result  # noqa: E402
from grader.text import split_sentences  # noqa: E402

SUITE = Path(__file__).resolve().parent / "adversarial_suite"
TEXT_FIELDS = ("sound", "terse", "nonnative", "reversed")
OPTIONAL_FIELDS = ("sound2", "wrong", "keywords")
KINDS = (
    "sound",
    "sound2",
    "shuffled",
    "terse",
    "nonnative",
    "reversed",
    "wrong",
    "keywords",
    "denial",
    "sound+denial",
)
SHOULD_PASS = ("sound", "sound2", "terse", "nonnative")
SHOULD_FAIL = ("shuffled", "reversed", "wrong", "keywords")
# kind -> (measure, comparison, percent): what the kind should reach
TARGETS: dict[str, tuple[str, str, float]] = {
    "sound": ("passed", ">=", 95),
    "sound2": ("passed", ">=", 95),
    "wrong": ("passed", "<=", 3),
    "keywords": ("passed", "<=", 3),
    "shuffled": ("passed", "<=", 0),
    "terse": ("passed", ">=", 90),
    "nonnative": ("passed", ">=", 95),
    "reversed": ("passed", "<=", 3),
    "denial": ("fined", "<=", 0),
    "sound+denial": ("fined", "<=", 0),
}


@dataclass(frozen=True)
class Item:
    """One answer to grade: its kind, question, text and (for denials) the denied misconception."""

    kind: str
    question_id: str
    text: str
    misconception: str | None = None


def load_suite(folder: Path = SUITE) -> list[dict]:
    """Every question file of `folder`, sorted by question id, checked for the fields it needs."""
    suite = []
    for path in sorted(Path(folder).glob("*.yaml")):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = [k for k in ("question_id", *TEXT_FIELDS, "denials") if k not in entry]
        if missing:
            raise ValueError(f"{path}: missing {', '.join(missing)}")
        for denial in entry["denials"]:
            if not {"misconception", "text"} <= set(denial):
                raise ValueError(f"{path}: a denial needs misconception and text")
        suite.append(entry)
    if not suite:
        raise ValueError(f"{folder}: no suite files")
    return sorted(suite, key=lambda e: e["question_id"])


def shuffle_sentences(text: str, rng: random.Random) -> str:
    """`text` with its words shuffled within each sentence, as a student gaming a scorer would.

    Each sentence keeps its closing punctuation at the end, and its first word is capitalised as
    the original first word was (which, moved inside, is lowercased unless it is an acronym).
    """
    shuffled = []
    for sentence in split_sentences(text):
        match = re.fullmatch(r"(.*?)([.!?:;]*)", sentence.strip(), re.S)
        body, end = match.group(1), match.group(2)
        tokens = body.split()
        if len(tokens) < 2:
            shuffled.append(sentence)
            continue
        first = tokens[0]
        if first[:1].isupper() and not first[1:2].isupper():
            tokens[0] = first[0].lower() + first[1:]
        rng.shuffle(tokens)
        if first[:1].isupper():
            tokens[0] = tokens[0][0].upper() + tokens[0][1:]
        tokens[-1] = tokens[-1].rstrip(",;:") or tokens[-1]
        shuffled.append(" ".join(tokens) + end)
    return " ".join(shuffled)


def build_answers(suite: list[dict], seed: int = 11) -> list[Item]:
    """The answers of every kind for every question of `suite`, in a fixed order."""
    rng = random.Random(seed)
    items = []
    for entry in suite:
        qid = entry["question_id"]
        sound = entry["sound"].strip()
        items += [
            Item("sound", qid, sound),
            Item("shuffled", qid, shuffle_sentences(sound, rng)),
            Item("terse", qid, entry["terse"].strip()),
            Item("nonnative", qid, entry["nonnative"].strip()),
            Item("reversed", qid, entry["reversed"].strip()),
        ]
        items += [Item(kind, qid, entry[kind].strip()) for kind in OPTIONAL_FIELDS if kind in entry]
        for denial in entry["denials"]:
            text = denial["text"].strip()
            items += [
                Item("denial", qid, text, denial["misconception"]),
                Item("sound+denial", qid, f"{sound} {text}", denial["misconception"]),
            ]
    return items


def coverage_problems(entry: dict, question) -> list[str]:
    """Misconceptions of the question's rubric that `entry` does not deny, and denials of ids
    that the rubric does not have."""
    rubric = question.rubric
    known = [m.id for m in rubric.misconceptions] if rubric else []
    denied = [d["misconception"] for d in entry["denials"]]
    qid = entry["question_id"]
    return [f"{qid}: no denial of {m}" for m in known if m not in denied] + [
        f"{qid}: denial of {m}, which the rubric does not have" for m in denied if m not in known
    ]


def fined(item: Item, result: Result) -> bool:
    """Whether the grade charged a misconception: for a denial, the one it denies."""
    charged = {m.id for m in result.misconceptions}
    return item.misconception in charged if item.misconception else bool(charged)


def score_auc(by_kind: dict[str, list[tuple[Item, Result]]]) -> float | None:
    """How often a score of a kind that should pass ranks above one of a kind that should fail
    (ROC AUC; None when either side is empty)."""
    from sklearn.metrics import roc_auc_score

    good = [r.score for kind in SHOULD_PASS for _, r in by_kind.get(kind, [])]
    bad = [r.score for kind in SHOULD_FAIL for _, r in by_kind.get(kind, [])]
    if not good or not bad:
        return None
    return float(roc_auc_score([1] * len(good) + [0] * len(bad), good + bad))


def met(kind: str, measures: dict[str, float]) -> bool:
    measure, comparison, percent = TARGETS[kind]
    value = 100 * measures[measure]
    return value >= percent if comparison == ">=" else value <= percent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", type=Path, default=SUITE, help="folder of question files")
    parser.add_argument(
        "--backend", type=Backend, default=Backend.auto, choices=list(Backend), help="embedder"
    )
    parser.add_argument("--seed", type=int, default=11, help="seed of the word shuffles")
    parser.add_argument(
        "--details",
        action="store_true",
        help="list each answer that misses its kind's target, and each that should pass but was "
        "fined",
    )
    args = parser.parse_args()

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from grader.bank import load_bank
    from grader.startup import load_scorer

    suite = load_suite(args.suite)
    bank = load_bank()
    free = {q.id for q in bank.free_text()}
    unknown = [e["question_id"] for e in suite if e["question_id"] not in free]
    if unknown:
        sys.exit(f"not free-text questions of the bank: {', '.join(unknown)}")
    for entry in suite:
        for line in coverage_problems(entry, bank.questions[entry["question_id"]]):
            print(f"warning: {line}", file=sys.stderr)
    scorer = load_scorer(bank, None, args.backend)
    items = build_answers(suite, args.seed)
    results = scorer.score_many([(item.question_id, item.text) for item in items])

    by_kind: dict[str, list[tuple[Item, Result]]] = defaultdict(list)
    for item, result in zip(items, results):
        by_kind[item.kind].append((item, result))

    console = Console(width=None if sys.stdout.isatty() else 100)  # files get the whole table
    table = Table(
        title=f"Adversarial suite {args.suite.name}: {len(suite)} questions, "
        f"{scorer.embedder.backend} backend"
    )
    for column in ("kind", "answers", "passed", "flagged", "fined", "median", "target", "met"):
        table.add_column(column, justify="left" if column in ("kind", "target") else "right")
    notes = []
    for kind in KINDS:
        graded = by_kind[kind]
        if not graded:
            continue
        measures = {
            "passed": sum(r.passed for _, r in graded) / len(graded),
            "flagged": sum(bool(r.flags) for _, r in graded) / len(graded),
            "fined": sum(fined(i, r) for i, r in graded) / len(graded),
        }
        measure, comparison, percent = TARGETS[kind]
        table.add_row(
            kind,
            str(len(graded)),
            *(f"{100 * measures[m]:.1f}%" for m in ("passed", "flagged", "fined")),
            f"{statistics.median(r.score for _, r in graded):.1f}",
            f"{'≥' if comparison == '>=' else '≤'}{percent:g}% {measure}",
            "[green]yes" if met(kind, measures) else "[red]no",
        )
        wanted = comparison == ">="  # a pass (or a fine) is wanted, else unwanted
        for item, result in graded:
            value = result.passed if measure == "passed" else fined(item, result)
            # Answers that should pass are listed when charged a misconception too.
            if value != wanted or (measure == "passed" and wanted and fined(item, result)):
                notes.append((item, result))
    console.print(table)
    auc = score_auc(by_kind)
    if auc is not None:
        console.print(f"score AUC, {' '.join(SHOULD_PASS)} vs {' '.join(SHOULD_FAIL)}: {auc:.3f}")
    if args.details:
        for item, result in notes:
            what = f" ({item.misconception})" if item.misconception else ""
            verdict = "passed" if result.passed else "failed"
            extra = ", ".join(result.flags + [m.id for m in result.misconceptions])
            console.print(
                f"[bold]{item.kind}[/] {item.question_id}{what}: {result.score:.1f} {verdict}"
                + escape(f" [{extra}]" if extra else ""),
                highlight=False,
            )


if __name__ == "__main__":
    main()
