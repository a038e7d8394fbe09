"""The practice history in SQLite: attempts, unsent drafts and spaced-repetition cards.

One file in the user's data folder (`GRADER_DATA_DIR` overrides). The schema is created and
upgraded on open by numbered migrations recorded in `PRAGMA user_version`; other features (an
interviewer mode's sessions and candidates) add their tables by appending a migration to
`MIGRATIONS`, never by editing an old one.

Pure sqlite3 on purpose: every write commits at once, so a crash or Ctrl-C loses nothing that
was already saved. A `Store` is used from one thread at a time (the app's event loop).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from grader.models import MisconceptionHit, PointResult, Result

DB_NAME = "history.sqlite"

MIGRATIONS: list[str] = [
    # 1: the practice app's tables.
    """
    CREATE TABLE attempts (
        id           INTEGER PRIMARY KEY,
        question_id  TEXT NOT NULL,
        topic        TEXT NOT NULL DEFAULT '',
        level        TEXT NOT NULL DEFAULT '',
        answer       TEXT NOT NULL,
        score        REAL NOT NULL,
        passed       INTEGER NOT NULL,
        pass_mark    REAL NOT NULL,
        result_json  TEXT NOT NULL,
        model        TEXT NOT NULL,
        bank_version TEXT NOT NULL,
        rating       INTEGER,
        created_at   TEXT NOT NULL
    );
    CREATE INDEX attempts_question ON attempts (question_id, created_at);
    CREATE TABLE drafts (
        question_id TEXT PRIMARY KEY,
        text        TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE review_cards (
        question_id TEXT PRIMARY KEY,
        card_json   TEXT NOT NULL,
        due         TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX review_cards_due ON review_cards (due);
    """,
    # 2: the interviewer mode's sessions and their answers (kept apart from practice history,
    # which drives a learner's own review schedule).
    """
    CREATE TABLE interview_sessions (
        id           INTEGER PRIMARY KEY,
        candidate    TEXT NOT NULL,
        set_name     TEXT NOT NULL,
        question_ids TEXT NOT NULL,
        created_at   TEXT NOT NULL
    );
    CREATE INDEX interview_sessions_candidate ON interview_sessions (candidate);
    CREATE TABLE interview_answers (
        id           INTEGER PRIMARY KEY,
        session_id   INTEGER NOT NULL REFERENCES interview_sessions (id),
        question_id  TEXT NOT NULL,
        answer       TEXT NOT NULL DEFAULT '',
        auto_score   REAL,
        result_json  TEXT,
        final_score  REAL,
        overridden   INTEGER NOT NULL DEFAULT 0,
        note         TEXT NOT NULL DEFAULT '',
        updated_at   TEXT NOT NULL,
        UNIQUE (session_id, question_id)
    );
    """,
]
"""Schema steps: entry i takes a database from user_version i to i + 1. Append only."""


def data_dir() -> Path:
    """The folder for the history (GRADER_DATA_DIR overrides the platform's data folder)."""
    return Path(os.environ.get("GRADER_DATA_DIR") or platformdirs.user_data_dir("grader"))


def default_path() -> Path:
    """Where the practice history lives by default."""
    return data_dir() / DB_NAME


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (what fsrs and the store expect)."""
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    # One fixed format in UTC, so that timestamps compare correctly as text in SQL.
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def result_from_dict(data: dict) -> Result:
    """Rebuild a Result from `Result.to_dict()` (nested points and misconceptions included)."""
    fields = dict(data)
    fields["points"] = [PointResult(**p) for p in data.get("points", [])]
    fields["misconceptions"] = [MisconceptionHit(**m) for m in data.get("misconceptions", [])]
    return Result(**fields)


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
        """The full result this attempt was graded with."""
        return result_from_dict(json.loads(self.result_json))


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
    """A candidate's answer to one question: typed text, automatic score, final decision.

    `final_score` is None until the interviewer accepts or overrides the automatic score; a
    question counts as answered only then.
    """

    id: int
    session_id: int
    question_id: str
    answer: str
    auto_score: float | None
    result_json: str | None
    final_score: float | None
    overridden: bool
    note: str
    updated_at: datetime

    @property
    def decided(self) -> bool:
        """Whether the interviewer has accepted or overridden the score."""
        return self.final_score is not None

    def result(self) -> Result | None:
        """The automatic grade, if the answer has been scored."""
        return result_from_dict(json.loads(self.result_json)) if self.result_json else None


class Store:
    """The practice history. Open it with `Store.connect(path)`."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection
        self._db.row_factory = sqlite3.Row
        self._depth = 0
        self.migrate()

    @classmethod
    def connect(cls, path: Path | str | None = None) -> Store:
        """Open (creating and upgrading as needed) the store at `path`, or the default one."""
        path = Path(path) if path is not None else default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        # The app touches the store only from its event loop, but that loop may not run on the
        # thread that opened the file (e.g. under a test harness), so don't pin the thread.
        connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        return cls(connection)

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    # ------------------------------------------------------------ schema

    @property
    def version(self) -> int:
        """The schema version of the open database."""
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply every migration the database has not seen, each in its own transaction."""
        current = self.version
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"the history database has schema version {current}, newer than this grader "
                f"({len(MIGRATIONS)}); upgrade grader"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            # executescript commits first; BEGIN ... COMMIT makes each step all-or-nothing.
            self._db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them are committed together, or none on an exception."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self._db:
                yield
        finally:
            self._depth = 0

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
                    _stamp(now or utc_now()),
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
                last_at=_parse(r["last_at"]),
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
                (question_id, text, _stamp(now or utc_now())),
            )

    def draft(self, question_id: str) -> Draft | None:
        """The unsent text for a question, if any."""
        row = self._db.execute(
            "SELECT * FROM drafts WHERE question_id = ?", (question_id,)
        ).fetchone()
        if row is None:
            return None
        return Draft(row["question_id"], row["text"], _parse(row["updated_at"]))

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
                (question_id, card_json, _stamp(due), _stamp(now or utc_now())),
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
        return {r[0]: _parse(r[1]) for r in rows}

    def due(self, now: datetime | None = None) -> list[str]:
        """Ids of the questions due for review at `now`, the most overdue first."""
        rows = self._db.execute(
            "SELECT question_id FROM review_cards WHERE due <= ? ORDER BY due, question_id",
            (_stamp(now or utc_now()),),
        )
        return [r[0] for r in rows]

    # ------------------------------------------------------------ interview sessions

    def start_session(
        self,
        candidate: str,
        question_ids: list[str],
        set_name: str = "",
        now: datetime | None = None,
    ) -> InterviewSession:
        """Create an interview session for `candidate` over `question_ids` (in that order)."""
        if not candidate.strip():
            raise ValueError("the candidate needs a name")
        if not question_ids:
            raise ValueError("an interview needs at least one question")
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO interview_sessions (candidate, set_name, question_ids, created_at)"
                " VALUES (?, ?, ?, ?)",
                (candidate.strip(), set_name, json.dumps(question_ids), _stamp(now or utc_now())),
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

    def open_session(self, candidate: str, question_ids: list[str]) -> InterviewSession | None:
        """The candidate's latest session over the same questions that is not finished yet."""
        wanted = sorted(question_ids)
        for session in reversed(self.sessions(candidate)):
            if sorted(session.question_ids) != wanted:
                continue
            answers = self.interview_answers(session.id)
            if sum(a.decided for a in answers.values()) < len(session.question_ids):
                return session
        return None

    def save_interview_answer(
        self, session_id: int, question_id: str, text: str, now: datetime | None = None
    ) -> None:
        """Keep the answer typed so far (before scoring, so nothing typed is lost)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO interview_answers (session_id, question_id, answer, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (session_id, question_id) DO UPDATE SET"
                " answer = excluded.answer, updated_at = excluded.updated_at",
                (session_id, question_id, text, _stamp(now or utc_now())),
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
                    _stamp(now or utc_now()),
                ),
            )
            row = self._db.execute(
                "SELECT id FROM interview_answers WHERE session_id = ? AND question_id = ?",
                (session_id, result.question_id),
            ).fetchone()
        return int(row[0])

    def decide(
        self,
        session_id: int,
        question_id: str,
        final_score: float | None = None,
        note: str = "",
        now: datetime | None = None,
    ) -> None:
        """Accept the automatic score (`final_score` None) or override it, with a note."""
        row = self._db.execute(
            "SELECT auto_score FROM interview_answers WHERE session_id = ? AND question_id = ?",
            (session_id, question_id),
        ).fetchone()
        if row is None or row[0] is None:
            raise ValueError(f"{question_id} has not been scored in session {session_id}")
        if final_score is not None and not 0 <= final_score <= 100:
            raise ValueError("a score is between 0 and 100")
        overridden = final_score is not None and final_score != row[0]
        with self.transaction():
            self._db.execute(
                "UPDATE interview_answers SET final_score = ?, overridden = ?, note = ?,"
                " updated_at = ? WHERE session_id = ? AND question_id = ?",
                (
                    row[0] if final_score is None else final_score,
                    int(overridden),
                    note.strip(),
                    _stamp(now or utc_now()),
                    session_id,
                    question_id,
                ),
            )

    def interview_answers(self, session_id: int) -> dict[str, InterviewAnswer]:
        """A session's answers by question id (questions never reached are absent)."""
        rows = self._db.execute(
            "SELECT * FROM interview_answers WHERE session_id = ? ORDER BY id", (session_id,)
        ).fetchall()
        return {row["question_id"]: _interview_answer(row) for row in rows}

    def next_unanswered(self, session: InterviewSession) -> str | None:
        """The first question of the session without a final score (None when all have one)."""
        answers = self.interview_answers(session.id)
        for question_id in session.question_ids:
            answer = answers.get(question_id)
            if answer is None or not answer.decided:
                return question_id
        return None


def _session(row: sqlite3.Row) -> InterviewSession:
    return InterviewSession(
        id=row["id"],
        candidate=row["candidate"],
        set_name=row["set_name"],
        question_ids=json.loads(row["question_ids"]),
        created_at=_parse(row["created_at"]),
    )


def _interview_answer(row: sqlite3.Row) -> InterviewAnswer:
    return InterviewAnswer(
        id=row["id"],
        session_id=row["session_id"],
        question_id=row["question_id"],
        answer=row["answer"],
        auto_score=row["auto_score"],
        result_json=row["result_json"],
        final_score=row["final_score"],
        overridden=bool(row["overridden"]),
        note=row["note"],
        updated_at=_parse(row["updated_at"]),
    )


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
        created_at=_parse(row["created_at"]),
    )
