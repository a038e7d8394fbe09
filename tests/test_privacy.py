"""Candidates' data: a private history file, and forgetting a candidate for good."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from grader.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

SECRET_ANSWER = "Zanzibar quokka gradients answer"
SECRET_NOTE = "Marmalade interviewer remark"
OTHER_ANSWER = "Kept answer of another candidate"


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("GRADER_DATA_DIR", str(folder))
    return folder


def test_the_history_is_created_owner_only(data_dir):
    old = os.umask(0o022)  # the usual umask, which would make both world-readable
    try:
        store = Store.connect()
        store.save_draft("q", "typed")
    finally:
        os.umask(old)
    try:
        assert mode(data_dir) == 0o700
        for file in data_dir.iterdir():  # history.sqlite and its -wal and -shm
            assert mode(file) == 0o600, file.name
    finally:
        store.close()


def test_every_open_tightens_a_loose_history(data_dir):
    Store.connect().close()
    data_dir.chmod(0o755)
    (data_dir / "history.sqlite").chmod(0o644)
    Store.connect().close()
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "history.sqlite") == 0o600


def test_a_folder_chosen_by_the_caller_keeps_its_mode(tmp_path):
    tmp_path.chmod(0o755)
    Store.connect(tmp_path / "h.sqlite").close()
    assert mode(tmp_path) == 0o755
    assert mode(tmp_path / "h.sqlite") == 0o600


def fill(store: Store) -> None:
    for candidate in ("Carol Quince", "carol quince"):  # one person, names ignoring case
        session = store.add_session(candidate, ["q1", "q2"], "set")
        store.save_interview_answer(session.id, "q1", SECRET_ANSWER)
        store.save_decision(session.id, "q1", 42.0, overridden=True, note=SECRET_NOTE)
    other = store.add_session("Dan", ["q1"], "set")
    store.save_interview_answer(other.id, "q1", OTHER_ANSWER)


def on_disk(folder) -> bytes:
    return b"".join(file.read_bytes() for file in sorted(folder.iterdir()))


def test_forgetting_a_candidate_removes_their_text_from_disk(data_dir):
    store = Store.connect()
    fill(store)
    assert SECRET_ANSWER.encode() in on_disk(data_dir)  # the check below can fail
    assert store.forget_candidate("CAROL QUINCE") == 2
    assert store.sessions("carol quince") == []
    kept = store.sessions("Dan")
    assert [a.answer for a in store.interview_answers(kept[0].id).values()] == [OTHER_ANSWER]
    # Gone at once, while the file is still open (an app may hold it open for hours), from
    # the file and from its write-ahead log.
    raw = on_disk(data_dir)
    store.close()
    for text in (SECRET_ANSWER, SECRET_NOTE, "Carol Quince", "carol quince"):
        assert text.encode() not in raw, text
    assert OTHER_ANSWER.encode() in raw


def test_forget_asks_first(cli, data_dir):
    store = Store.connect()
    fill(store)
    store.close()
    refused = cli("forget", "Carol Quince", input="n\n")
    assert refused.exit_code == 1 and "nothing deleted" in refused.output
    assert "Delete 2 session(s) of Carol Quince, carol quince" in refused.output
    asked = cli("forget", "carol quince", input="y\n")
    assert asked.exit_code == 0
    assert "deleted 2 session(s)" in asked.output
    assert SECRET_NOTE.encode() not in on_disk(data_dir)


def test_forget_with_yes_and_an_unknown_candidate(cli, data_dir):
    store = Store.connect()
    fill(store)
    store.close()
    assert cli("forget", "Dan", "--yes").exit_code == 0
    unknown = cli("forget", "Dan", "--yes")
    assert unknown.exit_code == 2
    assert "no interview of 'Dan' is stored" in unknown.output
