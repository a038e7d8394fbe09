"""Interviewer mode without the interface: question sets, set files, finding sessions.

A set file is a small YAML file naming a set and listing question ids in the order to ask:

    name: ml-screen
    questions:
      - learning-rate
      - dropout
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.bank import Bank
from grader.models import Question
from grader.reports import Summary, compare, summarise
from grader.store import InterviewSession, Store


class SetFileError(ValueError):
    """A set file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class QuestionSet:
    """A named, ordered list of question ids."""

    name: str
    question_ids: list[str]


def load_question_set(path: Path | str, bank: Bank) -> QuestionSet:
    """Read and check a set file against `bank`; raise SetFileError naming file and problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SetFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SetFileError(f"{path}: cannot read it: {exc}") from None
    except yaml.YAMLError as exc:
        raise SetFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SetFileError(f"{path}: expected a mapping with 'name' and 'questions'")
    unknown_keys = sorted(set(data) - {"name", "questions"})
    if unknown_keys:
        raise SetFileError(f"{path}: unknown key(s): {', '.join(map(str, unknown_keys))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SetFileError(f"{path}: 'name' must be a non-empty text")
    ids = data.get("questions")
    if not isinstance(ids, list) or not ids:
        raise SetFileError(f"{path}: 'questions' must be a non-empty list of question ids")
    seen: set[str] = set()
    for position, qid in enumerate(ids, start=1):
        if not isinstance(qid, str):
            raise SetFileError(f"{path}: question {position}: {qid!r} is not a question id")
        if qid not in bank.questions:
            raise SetFileError(f"{path}: question {position}: unknown question id {qid!r}")
        if qid in seen:
            raise SetFileError(f"{path}: question {position}: {qid!r} is listed twice")
        seen.add(qid)
    return QuestionSet(name.strip(), list(ids))


def dump_question_set(question_set: QuestionSet) -> str:
    """A set as set-file YAML (to save a set chosen by hand)."""
    return yaml.safe_dump(
        {"name": question_set.name, "questions": question_set.question_ids}, sort_keys=False
    )


def pick_questions(bank: Bank, level: str | None = None, topic: str | None = None) -> list[str]:
    """The ids of the bank's questions at `level` and on `topic` (None: any), in bank order."""
    return [
        q.id
        for q in bank.questions.values()
        if (level is None or q.level == level) and (topic is None or q.topic == topic)
    ]


class UnknownTarget(LookupError):
    """No session or candidate by that name; the message lists the known ones."""


def find_session(store: Store, target: str) -> InterviewSession:
    """A session by id, or a candidate's latest session (name ignoring case).

    Raises UnknownTarget listing the known sessions when nothing matches.
    """
    text = target.strip()
    if text.isdigit():
        session = store.session(int(text))
        if session is not None:
            return session
    sessions = store.sessions(text)
    if sessions:
        return sessions[-1]
    known = store.sessions()
    if not known:
        raise UnknownTarget(f"no session or candidate {target!r}: no interviews are stored yet")
    listing = "\n".join(
        f"  {s.id}  {s.candidate}  ({s.set_name or 'chosen by hand'}, {s.created_at:%Y-%m-%d})"
        for s in known
    )
    raise UnknownTarget(f"no session or candidate {target!r}; known sessions:\n{listing}")


def session_summary(store: Store, session: InterviewSession, questions: Mapping[str, Question]):
    """The session's summary and the comparison with every session over the same questions."""
    summary = summarise(session, store.interview_answers(session.id), questions)
    peers = [s for s in store.sessions() if s.set_key == session.set_key]
    others: list[Summary] = [
        summary if s.id == session.id else summarise(s, store.interview_answers(s.id), questions)
        for s in peers
    ]
    return summary, compare(others)
