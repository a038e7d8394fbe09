"""Answer clusters: group the answers to each question by meaning, so a person marks an idea
once, and apply the grades people give to clusters to every member.

Answers are compared by the embeddings grading already computed (the model's vector of the
whole answer, with its component along the question removed, as the scorer does, so that
merely being about the question does not make answers alike) and grouped by scikit-learn's
agglomerative clustering with average linkage under a cosine distance threshold: every
cluster's members are, on average, within that distance of each other, so exact and
near-identical copies always fall together and similar wordings of one idea mostly do. Answers
the grader passed and answers it failed are never put together.

Cluster ids are `<question_id>#<rank>`, rank 1 being the question's largest cluster.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from grader.batch import Row, row_record
from grader.models import Result
from grader.tables import read_table
from grader.templating import environment
from grader.verdict import passed as passes

if TYPE_CHECKING:
    from grader.scoring import Scorer

DISTANCE = 0.2
"""Average cosine distance (1 - cosine of question-demoted vectors) under which answers join.
On the built-in bank's marked answers, the largest that never put answers people marked
differently together (benchmarks/clusters.py)."""
SEPARATE = 2.0
"""The distance between a passed and a failed answer: the most two unit vectors can have, so
under average linkage no cluster holding both kinds ever forms."""
NEAR_IDENTICAL = 0.05
"""A cluster whose members are all this close to each other holds copies of one answer."""
CLUSTER_COLUMNS = ["cluster", "cluster_size", "representative"]
OVERRIDE_COLUMNS = ["override_score", "override_passed", "override_note"]
DECISION_COLUMNS = ("cluster", "score")


class AnswerCluster(BaseModel):
    """Answers to one question that say much the same thing."""

    id: str
    question_id: str
    members: list[int]
    """Positions of the members in the graded rows, the representative first."""
    representative_answer: str
    scores: list[float]
    """The members' scores, in the order of `members`."""
    passed: int
    shared_points: list[str]
    """Key points every member states (covered or partly)."""
    near_identical: bool

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def spread(self) -> tuple[float, float, float]:
        """The lowest, median and highest score of the members."""
        return min(self.scores), statistics.median(self.scores), max(self.scores)


def cluster_answers(
    scorer: Scorer, results: Sequence[Result], distance: float = DISTANCE
) -> list[AnswerCluster]:
    """The clusters of graded answers (`results`), question by question in order of first
    appearance, each question's clusters largest first (ties: the earliest answer first)."""
    from sklearn.cluster import AgglomerativeClustering

    from grader.scoring import demote

    by_question: dict[str, list[int]] = {}
    for position, result in enumerate(results):
        by_question.setdefault(result.question_id, []).append(position)
    clusters = []
    for qid, positions in by_question.items():
        question = scorer.bank.questions[qid]
        vectors = scorer.embedder.encode([results[p].answer for p in positions])
        vectors = demote(vectors, scorer.embedder.encode([question.question])[0])
        if len(positions) > 1:
            labels = AgglomerativeClustering(
                n_clusters=None,
                distance_threshold=distance,
                metric="precomputed",
                linkage="average",
            ).fit_predict(_distances(vectors, [results[p].passed for p in positions]))
        else:
            labels = np.zeros(1, dtype=int)
        groups = [np.flatnonzero(labels == label) for label in np.unique(labels)]
        groups.sort(key=lambda g: (-len(g), g[0]))
        for rank, group in enumerate(groups, start=1):
            clusters.append(_cluster(f"{qid}#{rank}", qid, group, positions, vectors, results))
    return clusters


def _distances(vectors: np.ndarray, passed: list[bool]) -> np.ndarray:
    """Cosine distances, except that a pass and a fail are never close.

    Wording alone would put an answer that reverses every claim with the sound answer it
    copies the words of; a person marking the cluster once would pass both.
    """
    distances = np.clip(1 - vectors @ vectors.T, 0, 2)
    verdicts = np.array(passed)
    distances[verdicts[:, None] != verdicts[None, :]] = SEPARATE
    np.fill_diagonal(distances, 0)
    return distances


def _cluster(
    cid: str,
    qid: str,
    group: np.ndarray,
    positions: list[int],
    vectors: np.ndarray,
    results: Sequence[Result],
) -> AnswerCluster:
    cosines = vectors[group] @ vectors[group].T
    # The medoid: the member closest on average to the others (the earliest among equals).
    centre = int(np.argmax(cosines.mean(axis=1)))
    order = [int(group[centre])] + [int(i) for i in group if i != group[centre]]
    members = [positions[i] for i in order]
    graded = [results[p] for p in members]
    shared = set.intersection(*({p.id for p in r.covered_points} for r in graded))
    return AnswerCluster(
        id=cid,
        question_id=qid,
        members=members,
        representative_answer=graded[0].answer,
        scores=[r.score for r in graded],
        passed=sum(r.passed for r in graded),
        shared_points=[p.id for p in graded[0].points if p.id in shared],
        near_identical=bool(cosines.min() >= 1 - NEAR_IDENTICAL),
    )


def cluster_records(
    rows: Sequence[Row], results: Sequence[Result], clusters: Sequence[AnswerCluster]
) -> list[dict[str, object]]:
    """Output records of every row, cluster by cluster (representative first), then the rows
    that could not be graded. `results` belong to the rows without an error, in order."""
    graded = [row for row in rows if not row.error]
    records = []
    for cluster in clusters:
        for position in cluster.members:
            record = row_record(graded[position], results[position])
            record.update(
                cluster=cluster.id,
                cluster_size=cluster.size,
                representative=position == cluster.members[0],
            )
            records.append(record)
    for row in rows:
        if row.error:
            records.append(row_record(row, None) | dict.fromkeys(CLUSTER_COLUMNS))
    return records


def render_html(name: str, clusters: Sequence[AnswerCluster], results: Sequence[Result]) -> str:
    """An overview page of the clusters to read before deciding grades (self-contained)."""
    env = environment()
    by_question: dict[str, list[AnswerCluster]] = {}
    for cluster in clusters:
        by_question.setdefault(cluster.question_id, []).append(cluster)
    return env.get_template("clusters.html.j2").render(
        name=name, by_question=by_question, results=results, score=lambda v: f"{v:g}"
    )


# ---------------------------------------------------------------- grades given to clusters


class Decision(BaseModel):
    """A person's grade for every member of a cluster."""

    where: str
    """Its row in the decisions file: "line 3" (or "row 3" in a spreadsheet)."""
    score: float
    note: str = ""


class Decisions(BaseModel):
    """A file of cluster decisions: each cluster's grade, and a message per bad row."""

    name: str
    by_cluster: dict[str, Decision]
    problems: list[str]


def read_decisions(data: bytes, name: str) -> Decisions:
    """Read a decisions file: columns `cluster` and `score` (0-100), optional `note`.

    Raises InputError when the file as a whole cannot be read; a bad row (no cluster, a score
    that is not a number from 0 to 100, a cluster decided twice) is a problem naming its line.
    """
    table = read_table(data, name, DECISION_COLUMNS)
    found = Decisions(name=name, by_cluster={}, problems=[])
    for raw in table.rows:
        where = f"{name}: {table.unit} {raw.line}"
        cluster = str(raw.fields.get("cluster") or "").strip()
        text = str(raw.fields.get("score") if raw.fields.get("score") is not None else "").strip()
        try:
            score = float(text)
        except ValueError:
            score = math.nan
        if raw.error:
            found.problems.append(f"{where}: {raw.error}")
        elif not cluster:
            found.problems.append(f"{where}: cluster: empty")
        elif not 0 <= score <= 100:  # NaN fails too
            found.problems.append(f"{where}: score: {text!r} is not a number from 0 to 100")
        elif cluster in found.by_cluster:
            first = found.by_cluster[cluster].where
            found.problems.append(f"{where}: cluster {cluster!r} is decided on {first} too")
        else:
            note = str(raw.fields.get("note") or "").strip()
            found.by_cluster[cluster] = Decision(
                where=f"{table.unit} {raw.line}", score=score, note=note
            )
    return found


def unknown_clusters(decisions: Decisions, clusters: set[str]) -> list[str]:
    """A problem for each decision naming a cluster that no answer belongs to."""
    return [
        f"{decisions.name}: {d.where}: no answer is in cluster {cid!r}"
        for cid, d in decisions.by_cluster.items()
        if cid not in clusters
    ]


def apply_decisions(
    records: list[dict[str, object]], decisions: Decisions
) -> list[dict[str, object]]:
    """`records` with the override columns: the grade decided for the row's cluster, if any.

    The automatic `score` and `passed` are left as they are, as an interviewer's override is
    kept beside the automatic score; a row that could not be graded takes no override.
    """
    for record in records:
        decision = decisions.by_cluster.get(str(record.get("cluster") or "").strip())
        if decision is None or record.get("error"):
            record.update(dict.fromkeys(OVERRIDE_COLUMNS))
            continue
        record.update(
            override_score=decision.score,
            override_passed=passes(decision.score, float(record["pass_mark"])),
            override_note=decision.note,
        )
    return records
