"""An issuer and its batches in the form an executor sends to other processes, many times.

An executor that runs batches in worker processes (Prefect's tasks on Dask) sends the issuer
with every batch. As an object the issuer is the whole plan, every unit's roster included, and
each batch's jobs hold their units too: Prefect walks every parameter looking for futures, Dask
pickles every argument to name the task, and a worker unpickles the plan again for each batch.
At a hundred units that cost several times the rendering itself.

So the issuer travels as a :class:`IssuerParcel`, its pickle made once per run and named by a
digest that Prefect and Dask treat as one opaque value; a worker unpickles it once and keeps it
for the run's later batches. Jobs travel as their ids, and statuses come back as plain records
(:func:`record_of`), which the sending side turns back into statuses of its own jobs.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import DocState, DocStatus, Job, plan_jobs
from vanban.model import no_cycle_collection

StatusRecord = tuple[str, DocState, str | None, str | None, str | None, int, int, str | None]
"""A status as it comes back from a worker: job id, status, reason, sha256, history, attempts,
exit code, metadata (as JSON text). Plain values only, so nothing of the plan is walked or
pickled on the way back, and the metadata is one string Prefect does not walk into."""

_KEEP = 4  # issuers a worker keeps: a few runs may share one long-lived cluster
_received: OrderedDict[str, tuple[Issuer, dict[str, Job]]] = OrderedDict()
_received_lock = threading.Lock()
_made_lock = threading.Lock()


class IssuerParcel:
    """One run's issuer, pickled at most once and unpickled at most once per process."""

    def __init__(self, issuer: Issuer) -> None:
        self._issuer: Issuer | None = issuer
        self._jobs: dict[str, Job] | None = None
        self._blob: bytes | None = None  # made when first sent: a thread pool never sends it
        self._digest = ""
        self._lock = threading.Lock()
        # Its copy on a cluster's workers (a Dask future), made and kept by the executor for
        # the run; never pickled with it.
        self.remote: Any = None

    def _pack(self) -> tuple[bytes, str]:
        with self._lock:
            if self._blob is None:
                self._blob = pickle.dumps(self._issuer, protocol=pickle.HIGHEST_PROTOCOL)
                # A nonce besides the bytes: two runs with equal inputs are still two runs, and
                # a worker must not hand one run's issuer (its log cache) to the other.
                self._digest = hashlib.sha256(os.urandom(16) + self._blob).hexdigest()
            return self._blob, self._digest

    def __getstate__(self) -> dict[str, Any]:
        blob, digest = self._pack()
        return {"blob": blob, "digest": digest}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._blob, self._digest = state["blob"], state["digest"]
        self._issuer, self._jobs = None, None
        self._lock = threading.Lock()
        self.remote = None

    def __dask_tokenize__(self) -> tuple[str, str]:
        # Dask names a task by hashing its arguments; this spares it pickling the plan to do so.
        return ("vanban-issuer", self._pack()[1])

    def __repr__(self) -> str:  # what Prefect may print of a task's parameters: never the plan
        return "IssuerParcel()"

    def open(self) -> tuple[Issuer, dict[str, Job]]:
        """The issuer, and every job it may issue by id: unpickled once in this process."""
        if self._issuer is not None:
            if self._jobs is None:
                self._jobs = _index(self._issuer)
            return self._issuer, self._jobs
        with _received_lock:
            found = _received.get(self._digest)
            if found is None:
                assert self._blob is not None
                issuer = _unpickled(self._blob)
                found = (issuer, _index(issuer))
                _received[self._digest] = found
                while len(_received) > _KEEP:
                    _received.popitem(last=False)
            else:
                _received.move_to_end(self._digest)
        self._issuer, self._jobs = found
        return found

    def jobs(self, ids: Sequence[str]) -> list[Job]:
        index = self.open()[1]
        return [index[i] for i in ids]


def _unpickled(blob: bytes) -> Issuer:
    """The issuer of our own run's pickle, made with the cycle collector paused: a province's
    plan is a million objects that all stay, and the collector, run again and again while they
    were made, found nothing to free and took two thirds of the time (measured 0.4 s → 0.1 s)."""
    with no_cycle_collection():
        issuer: Issuer = pickle.loads(blob)  # noqa: S301 - our own run's pickle
    return issuer


def _index(issuer: Issuer) -> dict[str, Job]:
    # The sender's jobs are among these: the same plan and registry plan the same documents.
    return {job.id: job for job in plan_jobs(issuer.plan, issuer.registry)}


def parcel_of(issuer: Issuer) -> IssuerParcel:
    """The parcel of ``issuer``: one per issuer, so the plan is pickled once per run.

    It is kept on the issuer itself (never pickled with it), so it goes when the run's issuer
    goes; a table of parcels by issuer would keep every run's plan for the life of the process.
    """
    with _made_lock:
        parcel = issuer.parcel
        if not isinstance(parcel, IssuerParcel):
            parcel = IssuerParcel(issuer)
            issuer.parcel = parcel
        return parcel


def record_of(status: DocStatus) -> StatusRecord:
    s = status
    metadata = json.dumps(s.metadata, ensure_ascii=False) if s.metadata is not None else None
    return (s.job.id, s.status, s.reason, s.sha256, s.history, s.attempts, s.exit_code, metadata)


def status_of(record: StatusRecord, jobs: dict[str, Job]) -> DocStatus:
    """The status a record stands for, with the sender's own job."""
    job_id, status, reason, sha256, history, attempts, exit_code, metadata = record
    meta = json.loads(metadata) if metadata is not None else None
    return DocStatus(jobs[job_id], status, reason, sha256, history, attempts, exit_code, meta)


__all__ = ["IssuerParcel", "StatusRecord", "parcel_of", "record_of", "status_of"]
