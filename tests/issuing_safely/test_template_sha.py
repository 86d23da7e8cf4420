"""The "issued" entry names the template bytes its document was rendered from.

A clerk may save a template in Word while a run goes on: the log must still say which bytes
made each document, and a template broken in the meantime must not fail a document already
written from the version before.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from vanban.documents.kinds import default_templates_dir
from vanban.issuing.audit import AuditLog
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import Job, plan_jobs
from vanban.model import Plan
from vanban.outdir import LOG_NAME


def _issuer(plan: Plan, tmp_path: Path) -> tuple[Issuer, Job]:
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    out = tmp_path / "out"
    out.mkdir()
    issuer = Issuer(plan, out, templates)
    job = next(j for j in plan_jobs(plan, issuer.registry) if j.pending is None)
    return issuer, job


def _replaced_after_the_write(
    monkeypatch: pytest.MonkeyPatch, issuer: Issuer, path: Path, data: bytes
) -> None:
    """The template at ``path`` becomes ``data`` once the document is written, before its
    "issued" entry is."""
    write = issuer.folder.write_document

    def writing(*args: Any, **kwargs: Any) -> Any:
        outcome = write(*args, **kwargs)
        path.write_bytes(data)
        return outcome

    monkeypatch.setattr(issuer.folder, "write_document", writing)


@pytest.mark.parametrize("edit", ["another template", "a broken file"])
def test_the_log_names_the_template_bytes_the_document_was_made_from(
    example_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    issuer, job = _issuer(example_plan, tmp_path)
    path = issuer.template_path(job)
    used = path.read_bytes()
    other = next(p for p in sorted(path.parent.glob("*.docx")) if p != path)
    _replaced_after_the_write(
        monkeypatch, issuer, path, other.read_bytes() if edit == "another template" else b"PK"
    )
    status = issuer.issue(job)
    assert status.status == "issued"
    entries = [
        e for e in AuditLog(issuer.folder.root / LOG_NAME).entries() if e["event"] == "issued"
    ]
    assert [e["path"] for e in entries] == [job.relpath]
    assert entries[0]["template_sha256"] == hashlib.sha256(used).hexdigest()
