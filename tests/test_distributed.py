"""Grading on a real Dask cluster: a LocalCluster of 2 worker processes, started once here.

Few and small on purpose (a handful of answers): each worker loads the model once, and that is
most of the time these tests take.
"""

from __future__ import annotations

import csv
import io
import os
import signal

import pytest

from grader.batch import GradingJob, grade_partition, in_order, load_answers, partitions
from grader.distributed import DaskRunner

pytestmark = pytest.mark.dask

ANSWERS = [
    ("dropout", "Dropout zeroes a random subset of units during training to reduce overfitting."),
    ("tensor", "A tensor is a multi-dimensional array; a matrix is a rank-2 tensor."),
    ("epoch", "An epoch is one full pass of the training data through the network."),
    ("learning-rate", "The learning rate is the step size of each gradient descent update."),
    ("nope", "An answer to a question the bank does not have."),
    ("mcq-softmax-output", "b"),
]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture(scope="module")
def answers(bank):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["answer_id", "question_id", "answer"])
    for copy in range(2):
        for i, (qid, text) in enumerate(ANSWERS):
            writer.writerow([f"{qid}-{copy}", qid, f"{text} Case {copy}{i}."])
    return load_answers(buffer.getvalue().encode(), "answers.csv", bank)


@pytest.mark.model
def test_two_workers_give_what_one_process_gives(cluster, bank, answers):
    job = GradingJob(bank)
    parts = partitions(answers.rows, 3)
    alone = [record for part in parts for record in grade_partition(job, part)]
    with DaskRunner(cluster.scheduler_address) as runner:
        assert runner.worker_count == 2
        spread = [r for _, records in in_order(runner.run(job, parts)) for r in records]
    assert spread == alone
    assert [r["answer_id"] for r in spread] == [r.fields["answer_id"] for r in answers.rows]


@pytest.mark.model
def test_cli_dask_address_writes_what_one_process_writes(cli, cluster, tmp_path, answers):
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(answers.columns)
        writer.writerows([list(r.fields.values()) for r in answers.rows])
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert cli("grade", str(source), "-o", str(one)).exit_code == 1  # the unknown question
    result = cli(
        "grade", str(source), "-o", str(two), "--dask", cluster.scheduler_address,
        "--partition-size", "4",
    )  # fmt: skip
    assert result.exit_code == 1 and "line 6: unknown question_id 'nope'" in result.output
    assert two.read_text(encoding="utf-8") == one.read_text(encoding="utf-8")


@pytest.mark.model
def test_a_worker_killed_mid_job_loses_nothing(cluster, bank, answers):
    """Kill a worker process once the first partition is back: its partitions run again."""
    job = GradingJob(bank)
    parts = partitions(answers.rows, 1)
    expected = [record for part in parts for record in grade_partition(job, part)]
    with DaskRunner(cluster.scheduler_address) as runner:
        pids = runner.client.run(os.getpid)
        finished = []
        for index, records in runner.run(job, parts):
            if not finished:
                os.kill(next(iter(pids.values())), signal.SIGKILL)
            finished.append((index, records))
    ordered = [r for _, records in in_order(finished) for r in records]
    assert ordered == expected
    assert sorted(i for i, _ in finished) == list(range(len(parts)))  # each once
