"""What reaches the disk when: each document's bytes, its "prepare" entry and its rename before
its "issued" entry; the "issued" entries together, once a batch, at its end.

A power cut can then lose only what the next run restores: an "issued" entry, whose "prepare"
entry and file (both durably in place) let the run recover it. The calls to fsync and rename are
recorded as they happen (the files an fsync reaches are read through Linux's /proc, as on the
machines the tests run on).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vanban.documents.kinds import default_templates_dir
from vanban.issuing.audit import AuditLog
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import plan_jobs
from vanban.issuing.run import issue_batch
from vanban.issuing.verifying import verify
from vanban.model import Plan
from vanban.outdir import LOG_NAME


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    recorded: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        recorded.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        recorded.append(("replace", os.path.abspath(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return recorded


def _batch(plan: Plan, out: Path, count: int) -> list[Path]:
    issuer = Issuer(plan, out, default_templates_dir())
    jobs = [j for j in plan_jobs(plan, issuer.registry) if j.pending is None][:count]
    statuses = issue_batch(issuer, jobs)
    assert [s.status for s in statuses] == ["issued"] * count
    return [(out / j.relpath).absolute() for j in jobs]


def test_each_rename_is_durable_before_its_issued_entry_which_waits_for_the_batch(
    example_plan: Plan, tmp_path: Path, calls: list[tuple[str, str]]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    docs = _batch(example_plan, out, 5)
    log = str((out / LOG_NAME).absolute())
    renames = [i for i, (what, path) in enumerate(calls) if what == "replace"]
    assert [calls[i][1] for i in renames] == [str(d) for d in docs]
    previous = 0
    for i, doc in zip(renames, docs, strict=True):
        before = calls[previous:i]
        # The document's own bytes (its temporary file, in its folder) and the log's "prepare".
        assert any(
            w == "fsync" and Path(p).parent == doc.parent and Path(p).name.startswith(".tmp-")
            for w, p in before
        ), before
        assert ("fsync", log) in before, before
        # Then its folder, so that the rename is on disk before anything else is.
        assert calls[i + 1] == ("fsync", str(doc.parent)), calls[i : i + 2]
        previous = i + 1
    # The "issued" entries are synced once, at the end of the batch: one sync of the log for
    # each "prepare" and one more.
    assert calls[-1] == ("fsync", log)
    assert calls.count(("fsync", log)) == len(docs) + 1
    created = {d.parent for d in docs} - {out.absolute()}  # a new folder's entry is synced too
    assert sum(1 for w, _ in calls if w == "fsync") == 3 * len(docs) + 1 + len(created)


def test_a_batch_leaves_a_log_that_verifies_and_names_every_document(
    example_plan: Plan, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    docs = _batch(example_plan, out, 4)
    assert verify(out).ok
    issued = AuditLog(out / LOG_NAME).latest_issued()
    assert {str((out / p).absolute()) for p in issued} == {str(d) for d in docs}
