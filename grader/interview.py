"""Interviewer mode without the interface: question sets, set files, sessions and decisions.

A set file is a small YAML file naming a set and listing question ids in the order to ask:

    name: ml-screen
    questions:
      - learning-rate
      - dropout
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from grader.bank import Bank
from grader.models import Question
from grader.practice import questions_matching
from grader.reports import Summary, compare, num, summarise
from grader.store import InterviewAnswer, InterviewSession, Store


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


def pick_questions(bank: Bank, level: str | None = None, topic: str | None = None) -> list[str]:
    """The ids of the bank's questions at `level` and on `topic` (None: any), in bank order."""
    return [q.id for q in questions_matching(bank.questions.values(), level, topic)]


# ---------------------------------------------------------------- sessions


def start_session(
    store: Store,
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
    return store.add_session(candidate.strip(), question_ids, set_name, now=now)


def next_unanswered(
    session: InterviewSession, answers: Mapping[str, InterviewAnswer]
) -> str | None:
    """The first question of the session without a final score (None when all have one)."""
    for question_id in session.question_ids:
        answer = answers.get(question_id)
        if answer is None or not answer.decided:
            return question_id
    return None


def decided_count(answers: Mapping[str, InterviewAnswer]) -> int:
    """How many of a session's answers have a final score."""
    return sum(answer.decided for answer in answers.values())


def is_finished(session: InterviewSession, answers: Mapping[str, InterviewAnswer]) -> bool:
    """Whether every question of the session has a final score."""
    return next_unanswered(session, answers) is None


def unfinished_session(
    store: Store, candidate: str, question_ids: list[str] | None = None
) -> InterviewSession | None:
    """The candidate's latest session that is not finished yet: over the same questions, or
    over any when `question_ids` is None."""
    wanted = sorted(question_ids) if question_ids is not None else None
    for session in reversed(store.sessions(candidate)):
        if wanted is not None and sorted(session.question_ids) != wanted:
            continue
        if not is_finished(session, store.interview_answers(session.id)):
            return session
    return None


def decide(
    store: Store,
    session_id: int,
    question_id: str,
    final_score: float | None = None,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Accept the automatic score (`final_score` None) or override it, with a note.

    A score equal to the automatic one is an acceptance, not an override.
    """
    answer = store.interview_answers(session_id).get(question_id)
    if answer is None or answer.auto_score is None:
        raise ValueError(f"{question_id} has not been scored in session {session_id}")
    if final_score is not None and not 0 <= final_score <= 100:
        raise ValueError("a score is between 0 and 100")
    overridden = final_score is not None and final_score != answer.auto_score
    final = answer.auto_score if final_score is None else final_score
    store.save_decision(session_id, question_id, final, overridden, note.strip(), now=now)


def decision_text(question_id: str, answer: InterviewAnswer) -> str:
    """One line saying how an answer was settled: 'dropout: overridden 55 → 70, with a note'."""
    if answer.overridden:
        text = f"{question_id}: overridden {num(answer.auto_score)} → {num(answer.final_score)}"
    else:
        text = f"{question_id}: accepted {num(answer.final_score)}"
    return text + (", with a note" if answer.note else "")


# ---------------------------------------------------------------- finding and summing up


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
