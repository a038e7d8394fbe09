"""Gaming answers for every question of the bank, and how often each kind passes.

    python benchmarks/gaming.py

The kinds follow the adversarial studies of automatic scorers (Kumar et al. 2020; Filighera et
al. 2020): keyword lists, the reference's words shuffled, the question pasted back, a fluent
answer to another question, evasive filler, gibberish, a weak answer padded with filler, and
rubric words appended to a wrong answer as triggers. None may pass. For contrast the table also
shows the hand-written sound answers of the answer suite, which should, and a sound answer
padded with filler, whose score should not rise.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.bank import Bank  # noqa: E402

SUITE = Path(__file__).resolve().parent / "answer_suite"

EVASIONS = [
    "That is a great question. It really depends on many factors, and in practice there are "
    "lots of things to consider, so every situation is a bit different.",
    "I have worked with this a lot in my previous projects and it was always very important "
    "for the results. The team relied on it and we got good outcomes overall.",
    "Well, as with most things in deep learning, the honest answer is that it depends on the "
    "data, the model and the problem you are trying to solve.",
]
FILLER = (
    " In my experience this comes up a lot in real projects. There are many factors to keep in "
    "mind and it is always good to think carefully about the problem. Different teams do it in "
    "different ways and that is fine. Overall it is an interesting topic that I enjoy."
)
GIBBERISH = "asdkj qwepoi zxcmvn lkjasd poiqwe mnbzxc ertyu vbnmq"

GAMING_KINDS = (
    "keyword_list",
    "keywords_run_together",
    "shuffled_reference",
    "copied_question",
    "other_question",
    "evasive",
    "gibberish",
    "padded_partial",
    "wrong_with_triggers",
)


def suite_answers(question_id: str) -> dict[str, list[str]]:
    """The answer suite's texts for a question, by kind (good, partial, wrong)."""
    path = SUITE / f"{question_id}.yaml"
    found: dict[str, list[str]] = defaultdict(list)
    if path.exists():
        for answer in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]:
            found[answer["kind"]].append(answer["text"])
    return found


def gaming_answers(bank: Bank, seed: int = 7) -> list[tuple[str, str, str]]:
    """(kind, question_id, answer) for every gaming kind and every free-text question."""
    rng = random.Random(seed)
    free = bank.free_text()
    items = []
    for i, question in enumerate(free):
        other = free[(i + len(free) // 2) % len(free)]
        shuffled = question.references[0].split()
        rng.shuffle(shuffled)
        keywords = [s for p in question.rubric.key_points for s in p.synonyms]
        suite = suite_answers(question.id)
        candidates = {
            "keyword_list": ", ".join(keywords),
            "keywords_run_together": " ".join(keywords),
            "shuffled_reference": " ".join(shuffled),
            "copied_question": question.question,
            "other_question": other.references[0],
            "evasive": EVASIONS[i % len(EVASIONS)],
            "gibberish": GIBBERISH,
            "padded_partial": (suite["partial"] or [""])[0] + FILLER,
            "wrong_with_triggers": (suite["wrong"] or [""])[0]
            + " "
            + " ".join(rng.sample(keywords, 3)),
        }
        items += [
            (kind, question.id, text.strip()) for kind, text in candidates.items() if text.strip()
        ]
    return items


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from grader.bank import load_bank
    from grader.embedding import Embedder
    from grader.scoring import Scorer

    bank = load_bank()
    scorer = Scorer(bank, Embedder())
    items = gaming_answers(bank)
    for question in bank.free_text():
        for text in suite_answers(question.id)["good"]:
            items += [("sound", question.id, text), ("sound_padded", question.id, text + FILLER)]
    results = scorer.score_many([(qid, text) for _, qid, text in items])

    by_kind: dict[str, list] = defaultdict(list)
    for (kind, _, _), result in zip(items, results):
        by_kind[kind].append(result)
    table = Table(title=f"Gaming answers over {len(bank.free_text())} questions")
    for column in ("kind", "answers", "passed", "flagged", "median score", "max score"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    for kind in (*GAMING_KINDS, "sound", "sound_padded"):
        rs = by_kind[kind]
        scores = sorted(r.score for r in rs)
        table.add_row(
            kind,
            str(len(rs)),
            f"{sum(r.passed for r in rs) / len(rs):.0%}",
            f"{sum(bool(r.flags) for r in rs) / len(rs):.0%}",
            f"{scores[len(scores) // 2]:.1f}",
            f"{scores[-1]:.1f}",
        )
    Console().print(table)
    pairs = zip(by_kind["sound"], by_kind["sound_padded"])
    rises = [padded.score - plain.score for plain, padded in pairs]
    print(
        f"padding a sound answer: score change median {sorted(rises)[len(rises) // 2]:+.1f}, "
        f"max {max(rises):+.1f}"
    )


if __name__ == "__main__":
    main()
