"""An issuer goes to worker processes as a parcel: pickled once, unpickled once per process.

Jobs go as ids and statuses come back as plain records, so nothing of the plan is walked or
pickled once per batch; the worker's issuer and jobs are the sender's, and a run's documents
are the same whichever way they were issued.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest
from dask.base import tokenize

from tests.conftest import EXAMPLE_ISSUED
from vanban.documents.kinds import default_templates_dir
from vanban.issuing import parcel as parcels
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import DocStatus, Job, plan_jobs
from vanban.issuing.parcel import IssuerParcel, parcel_of, record_of, status_of
from vanban.issuing.run import (
    BATCH_SIZE,
    BATCHES_PER_WORKER,
    MAX_BATCH,
    batches_of,
    issue_batch,
    run_issue,
)
from vanban.model import Plan


@pytest.fixture
def issuer(example_plan: Plan, tmp_path: Path) -> Issuer:
    return Issuer(example_plan, tmp_path / "out", default_templates_dir(), flow_run_id="run-1")


def _sent(parcel: IssuerParcel) -> IssuerParcel:
    """The parcel as a worker process receives it."""
    received = pickle.loads(pickle.dumps(parcel))
    assert isinstance(received, IssuerParcel)
    return received


def test_the_plan_is_pickled_once_however_many_batches_are_sent(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pickled = []
    real_dumps = pickle.dumps

    def counting_dumps(obj: object, *args: object, **kwargs: object) -> bytes:
        if isinstance(obj, Issuer):
            pickled.append(obj)
        return real_dumps(obj, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pickle, "dumps", counting_dumps)
    parcel = parcel_of(issuer)
    assert parcel_of(issuer) is parcel
    for _ in range(5):
        real_dumps(parcel)
    assert pickled == [issuer]


def test_a_worker_unpickles_the_issuer_once_and_keeps_it(issuer: Issuer) -> None:
    parcel = IssuerParcel(issuer)
    first, second = _sent(parcel), _sent(parcel)
    received, jobs = first.open()
    assert received is not issuer  # another process's copy, not the sender's object
    assert second.open()[0] is received  # unpickled once in this process
    assert received.plan == issuer.plan and received.flow_run_id == "run-1"
    assert received._issued is None  # it reads the log itself
    sender_jobs = plan_jobs(issuer.plan, issuer.registry)
    assert [jobs[j.id].relpath for j in sender_jobs] == [j.relpath for j in sender_jobs]
    assert [j.kind.key for j in first.jobs([j.id for j in sender_jobs])] == [
        j.kind.key for j in sender_jobs
    ]


def test_two_runs_with_the_same_inputs_are_two_parcels(issuer: Issuer) -> None:
    # A worker must never hand one run's issuer, and its reading of the log, to another run.
    one, two = IssuerParcel(issuer), IssuerParcel(issuer)
    assert tokenize(one) == tokenize(one)  # Dask's name for the task's argument
    assert tokenize(one) != tokenize(two)
    assert _sent(one).open()[0] is not _sent(two).open()[0]


def test_a_worker_keeps_only_the_last_few_runs(issuer: Issuer) -> None:
    parcels_sent = [_sent(IssuerParcel(issuer)) for _ in range(parcels._KEEP + 2)]
    for p in parcels_sent:
        p.open()
    assert len(parcels._received) <= parcels._KEEP


def test_statuses_come_back_as_records_of_plain_values(issuer: Issuer) -> None:
    jobs = {j.id: j for j in plan_jobs(issuer.plan, issuer.registry)}
    ready = [j for j in jobs.values() if j.pending is None][:3]
    statuses = issue_batch(_sent(IssuerParcel(issuer)).open()[0], ready)
    assert [s.status for s in statuses] == ["issued"] * 3
    for status in statuses:
        record = record_of(status)
        assert all(v is None or type(v) in (str, int) for v in record)
        back = status_of(pickle.loads(pickle.dumps(record)), jobs)
        assert back == status
        assert back.job is jobs[status.job.id] and back.sha256 == status.sha256


def test_documents_issued_through_a_parcel_are_the_librarys(
    example_plan: Plan, tmp_path: Path
) -> None:
    def through_parcels(issuer: Issuer, batches: Sequence[Sequence[Job]]) -> list[DocStatus]:
        parcel = parcel_of(issuer)
        jobs = {j.id: j for batch in batches for j in batch}
        out = []
        for batch in batches:
            received = _sent(parcel)
            done = issue_batch(received.open()[0], received.jobs([j.id for j in batch]))
            out += [status_of(record_of(s), jobs) for s in done]
        return out

    sent = run_issue(example_plan, out_dir=tmp_path / "sent", execute=through_parcels, workers=2)
    here = run_issue(example_plan, out_dir=tmp_path / "here")
    assert sent.count("issued") == here.count("issued") == EXAMPLE_ISSUED
    for s in here.statuses:
        if s.status == "issued":
            assert (tmp_path / "sent" / s.job.relpath).read_bytes() == (
                tmp_path / "here" / s.job.relpath
            ).read_bytes()


@pytest.mark.parametrize(
    ("jobs", "workers", "count"),
    [
        (5, 2, 1),
        (40, 2, -(-40 // BATCH_SIZE)),  # a small stage: batches of about BATCH_SIZE
        (800, 2, 2 * BATCHES_PER_WORKER),
        (100_000, 2, -(-100_000 // MAX_BATCH)),
    ],
)
def test_a_large_stage_goes_in_few_batches_per_worker(
    issuer: Issuer, jobs: int, workers: int, count: int
) -> None:
    job = plan_jobs(issuer.plan, issuer.registry)[0]
    batches = batches_of([job] * jobs, workers)
    sizes = [len(b) for b in batches]
    assert len(batches) == count and sum(sizes) == jobs
    assert max(sizes) - min(sizes) <= 1 and max(sizes) <= MAX_BATCH


def test_a_stage_is_dealt_out_so_each_batch_holds_every_kind(issuer: Issuer) -> None:
    # A stage lists its documents kind by kind: cut in order, one batch got all the long ones.
    jobs = plan_jobs(issuer.plan, issuer.registry)
    stage = [jobs[0]] * 100 + [jobs[1]] * 100
    batches = batches_of(stage, 2)
    assert len(batches) == 2 * BATCHES_PER_WORKER
    for batch in batches:
        assert batch.count(jobs[0]) == batch.count(jobs[1])
    # Every job once, each batch in the stage's order (positions stand in for the jobs).
    dealt = batches_of(cast(list[Job], list(range(200))), 2)
    assert sorted(p for b in dealt for p in cast(list[int], b)) == list(range(200))
    assert all(b == sorted(cast(list[int], b)) for b in dealt)
