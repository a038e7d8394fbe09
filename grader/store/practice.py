"""The practice history: graded attempts, unsent drafts and spaced-repetition cards."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from grader.models import Result
from grader.store.database import Database, parse, stamp


@dataclass(frozen=True)
class Attempt:
    """One graded answer as stored."""

    id: int
    question_id: str
    topic: str
    level: str
    answer: str
    score: float
    passed: bool
    pass_mark: float
    result_json: str
    model: str
    bank_version: str
    rating: int | None
    created_at: datetime

    def result(self) -> Result:
        """The full result this attempt was graded with (read only when asked: lists of
        attempts need their scores, not their explanations)."""
        return Result.from_dict(json.loads(self.result_json))


@dataclass(frozen=True)
class QuestionStats:
    """A question's record: how often it was answered, its best and its last score."""

    attempts: int
    best: float
    last: float
    last_passed: bool
    last_at: datetime


@dataclass(frozen=True)
class Draft:
    """Text typed for a question and not graded yet."""

    question_id: str
    text: str
    updated_at: datetime


class PracticeHistory(Database):
    """The practice tables of the history file."""

    # ------------------------------------------------------------ attempts

    def add_attempt(
        self,
        result: Result,
        *,
        topic: str = "",
        level: str = "",
        rating: int | None = None,
        now: datetime | None = None,
    ) -> int:
        """Record a graded answer; return its id."""
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO attempts (question_id, topic, level, answer, score, passed,"
                " pass_mark, result_json, model, bank_version, rating, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    result.question_id,
                    topic,
                    level,
                    result.answer,
                    result.score,
                    int(result.passed),
                    result.pass_mark,
                    json.dumps(result.to_dict()),
                    result.model,
                    result.bank_version,
                    rating,
                    stamp(now),
                ),
            )
        return int(cursor.lastrowid)

    def attempts(self, question_id: str | None = None) -> list[Attempt]:
        """Attempts, oldest first: all of them, or one question's."""
        sql = "SELECT * FROM attempts"
        args: tuple = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            args = (question_id,)
        rows = self._db.execute(sql + " ORDER BY created_at, id", args).fetchall()
        return [_attempt(row) for row in rows]

    def attempt(self, attempt_id: int) -> Attempt | None:
        """One attempt by id."""
        row = self._db.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        return _attempt(row) if row else None

    def previous_attempt(self, question_id: str, before: int) -> Attempt | None:
        """The attempt at the same question made just before attempt `before`."""
        row = self._db.execute(
            "SELECT * FROM attempts WHERE question_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
            (question_id, before),
        ).fetchone()
        return _attempt(row) if row else None

    def stats(self) -> dict[str, QuestionStats]:
        """Each answered question's attempts count, best and last score."""
        rows = self._db.execute(
            """
            SELECT a.question_id, COUNT(*) AS n, MAX(a.score) AS best,
                   (SELECT l.score FROM attempts l WHERE l.question_id = a.question_id
                    ORDER BY l.id DESC LIMIT 1) AS last,
                   (SELECT l.passed FROM attempts l WHERE l.question_id = a.question_id
                    ORDER BY l.id DESC LIMIT 1) AS last_passed,
                   MAX(a.created_at) AS last_at
            FROM attempts a GROUP BY a.question_id
            """
        ).fetchall()
        return {
            r["question_id"]: QuestionStats(
                attempts=r["n"],
                best=r["best"],
                last=r["last"],
                last_passed=bool(r["last_passed"]),
                last_at=parse(r["last_at"]),
            )
            for r in rows
        }

    # ------------------------------------------------------------ drafts

    def save_draft(self, question_id: str, text: str, now: datetime | None = None) -> None:
        """Keep the text typed so far; empty text removes the draft."""
        with self.transaction():
            if not text.strip():
                self._db.execute("DELETE FROM drafts WHERE question_id = ?", (question_id,))
                return
            self._db.execute(
                "INSERT INTO drafts (question_id, text, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (question_id) DO UPDATE SET text = excluded.text,"
                " updated_at = excluded.updated_at",
                (question_id, text, stamp(now)),
            )

    def draft(self, question_id: str) -> Draft | None:
        """The unsent text for a question, if any."""
        row = self._db.execute(
            "SELECT * FROM drafts WHERE question_id = ?", (question_id,)
        ).fetchone()
        if row is None:
            return None
        return Draft(row["question_id"], row["text"], parse(row["updated_at"]))

    def drafts(self) -> set[str]:
        """Ids of the questions that have a draft."""
        return {r[0] for r in self._db.execute("SELECT question_id FROM drafts")}

    def delete_draft(self, question_id: str) -> None:
        """Forget a question's draft (once it has been graded, or when the user discards it)."""
        with self.transaction():
            self._db.execute("DELETE FROM drafts WHERE question_id = ?", (question_id,))

    # ------------------------------------------------------------ review cards

    def save_card(
        self, question_id: str, card_json: str, due: datetime, now: datetime | None = None
    ) -> None:
        """Store a question's scheduler card (as JSON) and when it is next due."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO review_cards (question_id, card_json, due, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (question_id) DO UPDATE SET"
                " card_json = excluded.card_json, due = excluded.due,"
                " updated_at = excluded.updated_at",
                (question_id, card_json, stamp(due), stamp(now)),
            )

    def card(self, question_id: str) -> str | None:
        """A question's scheduler card as JSON, or None if it was never reviewed."""
        row = self._db.execute(
            "SELECT card_json FROM review_cards WHERE question_id = ?", (question_id,)
        ).fetchone()
        return row[0] if row else None

    def due_dates(self) -> dict[str, datetime]:
        """When each reviewed question is next due."""
        rows = self._db.execute("SELECT question_id, due FROM review_cards")
        return {r[0]: parse(r[1]) for r in rows}

    def due(self, now: datetime | None = None) -> list[str]:
        """Ids of the questions due for review at `now`, the most overdue first."""
        rows = self._db.execute(
            "SELECT question_id FROM review_cards WHERE due <= ? ORDER BY due, question_id",
            (stamp(now),),
        )
        return [r[0] for r in rows]


def _attempt(row: sqlite3.Row) -> Attempt:
    return Attempt(
        id=row["id"],
        question_id=row["question_id"],
        topic=row["topic"],
        level=row["level"],
        answer=row["answer"],
        score=row["score"],
        passed=bool(row["passed"]),
        pass_mark=row["pass_mark"],
        result_json=row["result_json"],
        model=row["model"],
        bank_version=row["bank_version"],
        rating=row["rating"],
        created_at=parse(row["created_at"]),
    )
