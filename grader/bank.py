"""Load a question bank from YAML files and validate it, naming file, line and field."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader import models, verdict
from grader.locations import PROJECT
from grader.models import FieldError, Question, Rubric

if TYPE_CHECKING:
    import pydantic
    import yaml

DEFAULT_BANK = PROJECT
"""The built-in bank lives beside the package: reference_answers/ and rubrics/."""

QUESTIONS_DIR = "reference_answers"
RUBRICS_DIR = "rubrics"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank file."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class BankError(Exception):
    """The bank has problems; each is listed in `problems`."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Bank:
    """A validated bank: questions by id (in a stable order) and a version hash of its files."""

    root: Path
    questions: dict[str, Question]
    version: str

    def get(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(f"unknown question id {question_id!r}") from None

    def find_by_text(self, text: str) -> Question | None:
        """The question whose text matches, ignoring case, spacing and punctuation."""
        wanted = normalise_question(text)
        for question in self.questions.values():
            if normalise_question(question.question) == wanted:
                return question
        return None

    def free_text(self) -> list[Question]:
        return [q for q in self.questions.values() if q.type == "free_text"]


def normalise_question(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _line_of(node: yaml.Node | None, loc: Iterable[str | int]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a line number."""
    import yaml

    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[dict | None, yaml.Node | None]:
    # Imported here: a start that finds the bank in its cache never parses YAML.
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        # One parse gives both the nodes (for line numbers) and the data; libyaml when present.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except UnicodeDecodeError:
        problems.append(Problem(path, None, "", "not UTF-8 text"))
        return None, None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problems.append(Problem(path, line, "", f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None, None
    if not isinstance(data, dict):
        problems.append(Problem(path, 1, "", "expected a mapping of fields at the top level"))
        return None, None
    return data, node


@functools.cache
def _validator(model: type) -> pydantic.TypeAdapter:
    # Imported here, like yaml: a start that finds the bank in its cache validates nothing.
    import pydantic

    return pydantic.TypeAdapter(model)


def _validate(model: type, path: Path, problems: list[Problem]):
    import pydantic

    data, node = _read_yaml(path, problems)
    if data is None:
        return None
    try:
        return _validator(model).validate_python(data)
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            loc, message = list(err["loc"]), err["msg"]
            broken = err.get("ctx", {}).get("error")
            if isinstance(broken, FieldError):  # a model's own check: it names the field
                loc, message = [*loc, broken.field], broken.message
            elif err["type"] == "unexpected_keyword_argument":
                message = "unknown key: keys outside the bank format are not permitted"
            field = ".".join(str(part) for part in loc)
            problems.append(Problem(path, _line_of(node, loc), field, message))
        return None


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def check_bank(root: Path) -> tuple[Bank | None, list[Problem]]:
    """Validate every file under `root`; return the bank (None if any problem) and the problems."""
    root = Path(root)
    problems: list[Problem] = []
    qdir, rdir = root / QUESTIONS_DIR, root / RUBRICS_DIR
    if not qdir.is_dir():
        return None, [Problem(qdir, None, "", "folder not found: a bank needs reference_answers/")]

    questions: dict[str, Question] = {}
    origin: dict[str, Path] = {}
    for path in _yaml_files(qdir):
        question = _validate(Question, path, problems)
        if question is None:
            continue
        if question.id in questions:
            problems.append(Problem(path, 1, "id", f"duplicate id, also in {origin[question.id]}"))
            continue
        questions[question.id] = question
        origin[question.id] = path

    rubrics: dict[str, Rubric] = {}
    for path in _yaml_files(rdir) if rdir.is_dir() else []:
        rubric = _validate(Rubric, path, problems)
        if rubric is None:
            continue
        if rubric.question_id not in questions and rubric.question_id not in origin:
            problems.append(Problem(path, 1, "question_id", f"no question {rubric.question_id!r}"))
        elif rubric.question_id in rubrics:
            problems.append(Problem(path, 1, "question_id", "a second rubric for this question"))
        else:
            rubrics[rubric.question_id] = rubric

    for qid, question in questions.items():
        if question.type == "free_text" and qid not in rubrics:
            problems.append(
                Problem(origin[qid], 1, "id", f"no rubric in {RUBRICS_DIR}/ for {qid!r}")
            )
        if question.type == "choice" and qid in rubrics:
            problems.append(Problem(origin[qid], 1, "type", "choice questions take no rubric"))

    if problems:
        return None, problems
    if not questions:
        return None, [Problem(qdir, None, "", "no question files (*.yaml) found")]

    attached = {
        qid: dataclasses.replace(q, rubric=rubrics.get(qid)) for qid, q in questions.items()
    }
    ordered = dict(sorted(attached.items(), key=lambda kv: _order(kv[1])))
    return Bank(root=root, questions=ordered, version=_version(root)), []


def load_bank(root: Path | None = None, cache_folder: Path | None = None) -> Bank:
    """Load and validate a bank; raise BankError listing every problem.

    Given a `cache_folder`, the validated bank is kept there and reused for as long as neither
    its files nor grader's schema change: that skips parsing and validating the YAML, the
    largest part of a start. The cache may be deleted at any time.
    """
    root = Path(root) if root else DEFAULT_BANK
    if cache_folder is not None:
        cached = _BankCache(Path(cache_folder), root)
        bank = cached.load()
        if bank is not None:
            return bank
    bank, problems = check_bank(root)
    if bank is None:
        raise BankError(problems)
    if cache_folder is not None:
        cached.store(bank)
    return bank


class _BankCache:
    """One pickled, validated bank per bank folder, tagged with what it was built from.

    Pickle, because it rebuilds the models as they were, without running their checks or
    importing pydantic again. The file sits in the user's own cache folder, which is trusted
    like the installed code.
    """

    def __init__(self, folder: Path, root: Path):
        where = str(root.resolve())
        self.path = folder / "banks" / f"{hashlib.sha256(where.encode()).hexdigest()[:16]}.pickle"
        self.key = _fingerprint(where, _version(root), sys.version)

    def load(self) -> Bank | None:
        try:
            with self.path.open("rb") as file:
                if pickle.load(file) != self.key:
                    return None
                bank = pickle.load(file)
        except Exception:  # missing, torn or foreign: no worse than no file, so rebuild it
            return None
        return bank if isinstance(bank, Bank) else None

    def store(self, bank: Bank) -> None:
        # Written aside and renamed into place, so a process that reads it at the same time
        # sees the old file or the new one, never half of one.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        except OSError:
            return  # a read-only cache folder only costs the next start its speed
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(self.key, file)
                pickle.dump(bank, file)
            os.replace(temporary, self.path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)


def _fingerprint(*parts: str) -> str:
    """What a cached bank depends on: the given parts and the code of its models (and of the
    verdict, whose pass mark is the rubrics' default)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    for module in (models, verdict, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def bank_from_questions(questions: list[Question], root: Path = Path("<memory>")) -> Bank:
    """A bank built in memory, e.g. from a graded CSV file (no rubric files)."""
    digest = hashlib.sha256()
    for q in questions:
        digest.update(json.dumps(dataclasses.asdict(q), sort_keys=True).encode())
    return Bank(root=root, questions={q.id: q for q in questions}, version=digest.hexdigest()[:12])


_LEVEL_ORDER = {"fresher": 0, "experienced": 1}


def _order(q: Question) -> tuple:
    return (q.type == "choice", _LEVEL_ORDER[q.level], q.number or 10_000, q.id)


def _version(root: Path) -> str:
    """A short hash of every bank file's path and content: changes whenever the bank does."""
    digest = hashlib.sha256()
    for folder in (QUESTIONS_DIR, RUBRICS_DIR):
        base = root / folder
        for path in _yaml_files(base) if base.is_dir() else []:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
