"""The history file itself: opening it, its schema and its upgrades, and transactions.

The schema is created and upgraded on open by numbered migrations recorded in `PRAGMA
user_version`; a feature that needs tables appends a migration to `MIGRATIONS`, never edits an
old one. Pure sqlite3 on purpose: every write commits at once, so a crash or Ctrl-C loses
nothing that was already saved.

The file holds candidates' names, answers and interviewers' notes, so it is private, as ssh and
gpg keep theirs: the file 0600 (SQLite gives its -wal and -shm files the same mode) in a data
folder 0700, set when created and again on every open.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from grader import locations

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

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (what fsrs and the store expect)."""
    return datetime.now(UTC)


def stamp(moment: datetime | None) -> str:
    """A moment (now when None) as stored: one fixed format in UTC, so that timestamps
    compare correctly as text in SQL."""
    return (moment or utc_now()).astimezone(UTC).isoformat(timespec="seconds")


def parse(text: str) -> datetime:
    """A stored timestamp back as a datetime."""
    return datetime.fromisoformat(text)


class Database:
    """An open history file, at the newest schema. Open it with `connect(path)`.

    Used from one thread at a time (the app's event loop).
    """

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection
        self._db.row_factory = sqlite3.Row
        self._depth = 0
        self.migrate()

    @classmethod
    def connect(cls, path: Path | str | None = None) -> Self:
        """Open (creating and upgrading as needed) the file at `path`, or the default one."""
        path = Path(path) if path is not None else locations.history_path()
        make_private(path)
        # The app touches the store only from its event loop, but that loop may not run on the
        # thread that opened the file (e.g. under a test harness), so don't pin the thread.
        connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        return cls(connection)

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    def compact(self) -> None:
        """Rewrite the file without its free pages and empty the write-ahead log, so that
        deleted rows are gone from disk and not only from queries."""
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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


def make_private(path: Path) -> None:
    """Create the database file at `path` owner-only (0600), and its folder (0700) when it is
    created or is grader's data folder; tighten them if they are already there.

    A folder the caller chose and that already exists (say, /tmp) keeps its mode.
    """
    folder = path.parent
    if not folder.is_dir() or folder == locations.data_folder():
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        folder.chmod(PRIVATE_FOLDER)  # mkdir's mode is masked by the umask
    # Created here, not by sqlite3, so that it never exists with the umask's mode.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
    for file in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
        if file.exists():
            file.chmod(PRIVATE_FILE)
