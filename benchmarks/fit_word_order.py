"""Fit the word-order model (grader/data/word_order.json) on English prose found offline.

    python benchmarks/fit_word_order.py [--data ../shared/datasets] [--check]

The prose: docstrings of Python's standard library, scikit-learn, PyTorch, transformers and
sentence-transformers (technical English; the last three write about layers, gradients and
training, the grader's subject, and are installed with it), the
questions and reference answers of both public data sets, the student answers of Beetle's train
split only (short answers in the register the grader sees, misspellings included), and the
bank's own reference answers. No grade is used: the model learns word order, not correctness.
`--check` prints how well it separates held-out sentences from their shuffles.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import random
import re
import sysconfig
from pathlib import Path

from grader.bank import DEFAULT_BANK, load_bank
from grader.word_order import MODEL_FILE, fit

_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")
_CODE = re.compile(r">>>|::|`|==|\w\(|\[\w|\w_\w|\{|\}|\w\.\w|=|\*|\\|/|\|")


def prose_sentences(text: str) -> list[str]:
    """Sentences of a paragraph that read as prose: 5-45 words, no code."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in paragraph.splitlines()]
        # Parameter lists and headings ("x : int", "Returns", "-------") are not prose.
        if any(re.fullmatch(r"-{3,}|=+|\w+ : .*", line) for line in lines):
            continue
        joined = " ".join(lines)
        for sentence in _SENTENCE_END.split(joined):
            n = len(sentence.split())
            if 5 <= n <= 45 and not _CODE.search(sentence) and sentence[:1].isupper():
                found.append(sentence)
    return found


def docstring_sentences(folder: Path, limit: int) -> list[str]:
    found: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        if "test" in path.parts or len(found) >= limit:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    found += prose_sentences(doc)
    return found[:limit]


def dataset_sentences(data: Path) -> list[str]:
    found: list[str] = []
    for name in ("mohler2011.csv", "semeval2013_beetle.csv"):
        path = data / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found += [row["question"], row["reference_answer"]]
                # Student answers only from a train split: nothing measured is fitted on.
                if row.get("split") == "train":
                    found.append(row["answer"])
    return sorted(set(found))


def bank_sentences() -> list[str]:
    bank = load_bank(DEFAULT_BANK)
    return [r for q in bank.free_text() for r in q.references]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_BANK.parent / "shared" / "datasets")
    parser.add_argument("--check", action="store_true", help="measure on held-out sentences")
    args = parser.parse_args()

    import sentence_transformers
    import sklearn
    import torch
    import transformers

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    corpus = (
        docstring_sentences(stdlib, 60_000)
        + docstring_sentences(Path(sklearn.__file__).parent, 40_000)
        + docstring_sentences(Path(torch.__file__).parent, 40_000)
        + docstring_sentences(Path(transformers.__file__).parent, 40_000)
        + docstring_sentences(Path(sentence_transformers.__file__).parent, 10_000)
        + dataset_sentences(args.data)
        + bank_sentences()
    )
    rng = random.Random(0)
    rng.shuffle(corpus)
    held_out, train = corpus[:2000], corpus[2000:]
    model = fit(train if args.check else corpus)
    print(f"{len(corpus):,} sentences, {len(model.trigrams):,} trigrams")
    if args.check:
        real = [s for s in (model.order_score(t) for t in held_out) if s is not None]
        scrambled = []
        for text in held_out:
            words = text.split()
            rng.shuffle(words)
            score = model.order_score(" ".join(words))
            if score is not None:
                scrambled.append(score)
        for cut in (0.5, 1.0, 1.5, 2.0):
            print(
                f"cut {cut}: real below {sum(s < cut for s in real) / len(real):.1%}, "
                f"scrambled at or above {sum(s >= cut for s in scrambled) / len(scrambled):.1%}"
            )
        return
    MODEL_FILE.parent.mkdir(exist_ok=True)
    MODEL_FILE.write_text(json.dumps(model.to_json(), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
