"""Interview records: sessions (a candidate over an ordered set of questions) and answers.

Only reading and writing: what a valid session or decision is, and when a session is finished,
are the interviewer mode's rules (grader/interview.py).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from grader.models import Result
from grader.store.database import Database, parse, stamp


@dataclass(frozen=True)
class InterviewSession:
    """One candidate's interview over a fixed, ordered list of questions."""

    id: int
    candidate: str
    set_name: str
    question_ids: list[str]
    created_at: datetime

    @property
    def set_key(self) -> tuple[str, ...]:
        """What makes two sessions comparable: the same questions, in any order."""
        return tuple(sorted(self.question_ids))


@dataclass(frozen=True)
class InterviewAnswer:
    """A candidate's answer to one question: typed text, automatic grade, final decision.

    `final_score` is None until the interviewer accepts or overrides the automatic score; a
    question counts as answered only then.
    """

    id: int
    session_id: int
    question_id: str
    answer: str
    auto_score: float | None
    result: Result | None
    """The automatic grade, once the answer has been scored."""
    final_score: float | None
    overridden: bool
    note: str
    updated_at: datetime

    @property
    def decided(self) -> bool:
        """Whether the interviewer has accepted or overridden the score."""
        return self.final_score is not None


class InterviewRecords(Database):
    """The interview tables of the history file (never the practice history's)."""

    def add_session(
        self,
        candidate: str,
        question_ids: list[str],
        set_name: str = "",
        now: datetime | None = None,
    ) -> InterviewSession:
        """Store a new session for `candidate` over `question_ids` (in that order)."""
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO interview_sessions (candidate, set_name, question_ids, created_at)"
                " VALUES (?, ?, ?, ?)",
                (candidate, set_name, json.dumps(question_ids), stamp(now)),
            )
        session = self.session(int(cursor.lastrowid))
        assert session is not None
        return session

    def session(self, session_id: int) -> InterviewSession | None:
        """One interview session by id."""
        row = self._db.execute(
            "SELECT * FROM interview_sessions WHERE id = ?", (session_id,)
        ).fetchone()
        return _session(row) if row else None

    def sessions(self, candidate: str | None = None) -> list[InterviewSession]:
        """Interview sessions, oldest first: all, or one candidate's (name ignoring case)."""
        sql = "SELECT * FROM interview_sessions"
        args: tuple = ()
        if candidate is not None:
            sql += " WHERE lower(candidate) = lower(?)"
            args = (candidate.strip(),)
        rows = self._db.execute(sql + " ORDER BY created_at, id", args).fetchall()
        return [_session(row) for row in rows]

    def forget_candidate(self, candidate: str) -> int:
        """Delete every session of `candidate` (name ignoring case) with its answers, scores,
        overrides and notes, then compact the file so their text is gone from disk too.

        Returns the number of sessions deleted.
        """
        sessions = [s.id for s in self.sessions(candidate)]
        if not sessions:
            return 0
        marks = ", ".join("?" * len(sessions))
        with self.transaction():
            self._db.execute(
                f"DELETE FROM interview_answers WHERE session_id IN ({marks})", sessions
            )
            self._db.execute(f"DELETE FROM interview_sessions WHERE id IN ({marks})", sessions)
        self.compact()
        return len(sessions)

    def save_interview_answer(
        self, session_id: int, question_id: str, text: str, now: datetime | None = None
    ) -> None:
        """Keep the answer typed so far (before scoring, so nothing typed is lost)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO interview_answers (session_id, question_id, answer, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (session_id, question_id) DO UPDATE SET"
                " answer = excluded.answer, updated_at = excluded.updated_at",
                (session_id, question_id, text, stamp(now)),
            )

    def save_interview_result(
        self, session_id: int, result: Result, now: datetime | None = None
    ) -> int:
        """Store the automatic grade of an answer (its text included); return the row id.

        A new grade clears an earlier decision: the interviewer decides on what was scored.
        """
        with self.transaction():
            self._db.execute(
                "INSERT INTO interview_answers (session_id, question_id, answer, auto_score,"
                " result_json, final_score, overridden, updated_at)"
                " VALUES (?, ?, ?, ?, ?, NULL, 0, ?) ON CONFLICT (session_id, question_id)"
                " DO UPDATE SET answer = excluded.answer, auto_score = excluded.auto_score,"
                " result_json = excluded.result_json, final_score = NULL, overridden = 0,"
                " updated_at = excluded.updated_at",
                (
                    session_id,
                    result.question_id,
                    result.answer,
                    result.score,
                    json.dumps(result.to_dict()),
                    stamp(now),
                ),
            )
            row = self._db.execute(
                "SELECT id FROM interview_answers WHERE session_id = ? AND question_id = ?",
                (session_id, result.question_id),
            ).fetchone()
        return int(row[0])

    def save_decision(
        self,
        session_id: int,
        question_id: str,
        final_score: float,
        overridden: bool,
        note: str = "",
        now: datetime | None = None,
    ) -> None:
        """Store the interviewer's final score for an answer, and whether it overrode."""
        with self.transaction():
            self._db.execute(
                "UPDATE interview_answers SET final_score = ?, overridden = ?, note = ?,"
                " updated_at = ? WHERE session_id = ? AND question_id = ?",
                (final_score, int(overridden), note, stamp(now), session_id, question_id),
            )

    def interview_answers(self, session_id: int) -> dict[str, InterviewAnswer]:
        """A session's answers by question id (questions never reached are absent)."""
        rows = self._db.execute(
            "SELECT * FROM interview_answers WHERE session_id = ? ORDER BY id", (session_id,)
        ).fetchall()
        return {row["question_id"]: _interview_answer(row) for row in rows}


def _session(row: sqlite3.Row) -> InterviewSession:
    return InterviewSession(
        id=row["id"],
        candidate=row["candidate"],
        set_name=row["set_name"],
        question_ids=json.loads(row["question_ids"]),
        created_at=parse(row["created_at"]),
    )


def _interview_answer(row: sqlite3.Row) -> InterviewAnswer:
    result_json = row["result_json"]
    return InterviewAnswer(
        id=row["id"],
        session_id=row["session_id"],
        question_id=row["question_id"],
        answer=row["answer"],
        auto_score=row["auto_score"],
        result=Result.from_dict(json.loads(result_json)) if result_json else None,
        final_score=row["final_score"],
        overridden=bool(row["overridden"]),
        note=row["note"],
        updated_at=parse(row["updated_at"]),
    )
