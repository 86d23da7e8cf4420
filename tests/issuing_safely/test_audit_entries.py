"""Every audit entry vanban writes is built by one function from the declared fields, and an
issued document's entry keeps the shape existing logs were written with."""

from __future__ import annotations

from pathlib import Path

import pytest

from vanban.issuing.audit import FIELDS, AuditLog, audit_entry
from vanban.outdir import LOG_NAME

# What an "issued" entry of a document carries whatever its kind; logs written before this
# function existed have these keys, and verifying them must not depend on who wrote them.
ISSUED_KEYS = {
    "event", "flow_run_id", "kind", "unit", "path", "sha256", "template", "template_sha256",
    "workbook_sha256", "attempts", "status", "time", "prev",
}


def test_an_entry_holds_what_it_was_given_none_included() -> None:
    entry = audit_entry("issued", unit=None, path="01-ke-hoach.docx", invitees=3)
    assert entry == {"event": "issued", "unit": None, "path": "01-ke-hoach.docx", "invitees": 3}


def test_an_undeclared_field_is_refused() -> None:
    with pytest.raises(ValueError, match="undeclared audit fields: signer"):
        audit_entry("issued", path="01-ke-hoach.docx", signer="Nguyễn Văn A")


def test_every_entry_of_a_run_holds_declared_fields_only(example_docs: Path) -> None:
    entries = AuditLog(example_docs / LOG_NAME).entries()
    assert {e["event"] for e in entries} >= {"prepare", "issued"}
    assert {key for e in entries for key in e} <= FIELDS


def test_an_issued_document_entry_keeps_its_shape(example_docs: Path) -> None:
    issued = AuditLog(example_docs / LOG_NAME).latest_issued()
    assert set(issued["01-ke-hoach.docx"]) == ISSUED_KEYS
    # A roster is counted, never named: only documents that print one carry the count.
    rosters = {p for p, e in issued.items() if "invitees" in e}
    assert rosters and all(set(issued[p]) == ISSUED_KEYS | {"invitees"} for p in rosters)
    assert all(p.startswith("03-giay-moi/") for p in rosters)
