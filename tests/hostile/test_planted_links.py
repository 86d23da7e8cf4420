"""Links planted inside the output folder: nothing is read or written through one.

A subfolder, a document, the audit log, the manifest, the history or the lock file that is a
link is refused with exit 4 and named; the file it points to, outside the folder, is neither
read into the folder nor changed. ``audit verify`` and ``audit show`` do not follow one either.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.hostile.support import Canary, cli, documents, run, snapshot, workbook
from vanban.errors import LinkInOutputError
from vanban.files import atomic_write
from vanban.issuing.audit import AuditLog
from vanban.issuing.locking import folder_lock
from vanban.issuing.storage import OutputFolder

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _assert_refused(result_code: int, text: str, name: str) -> None:
    assert result_code == 4, text
    assert name in text and "liên kết" in text, text


def test_a_subfolder_that_links_outside_receives_nothing(tmp_path: Path, canary: Canary) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(canary.root, out / "03-giay-moi")
    result = run(workbook(tmp_path), out)
    result.assert_clean()
    _assert_refused(result.code, result.text, "03-giay-moi")
    canary.assert_untouched()
    assert documents(out) == []  # refused before the first document


def test_a_dangling_audit_log_link_creates_nothing_outside(tmp_path: Path, canary: Canary) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(canary.root / "new-audit.jsonl", out / "audit.jsonl")
    result = run(workbook(tmp_path), out)
    result.assert_clean()
    _assert_refused(result.code, result.text, "audit.jsonl")
    assert not (canary.root / "new-audit.jsonl").exists()
    canary.assert_untouched()
    assert documents(out) == []


def test_a_document_that_links_outside_is_not_copied_into_history(
    tmp_path: Path, canary: Canary, issued: Path
) -> None:
    plan = issued / "01-ke-hoach.docx"
    plan.unlink()
    os.symlink(canary.root / "secret.txt", plan)
    before = snapshot(issued)
    result = run(workbook(tmp_path), issued, "--force")
    result.assert_clean()
    _assert_refused(result.code, result.text, "01-ke-hoach.docx")
    canary.assert_untouched()
    secret = (canary.root / "secret.txt").read_bytes()
    assert not any(p.read_bytes() == secret for p in (issued / ".history").glob("*"))
    assert snapshot(issued) == before  # refused before anything was written


def test_a_history_folder_that_links_outside_receives_nothing(
    tmp_path: Path, canary: Canary, issued: Path
) -> None:
    shutil.rmtree(issued / ".history", ignore_errors=True)
    os.symlink(canary.root / "inside", issued / ".history")
    edited = issued / "03-giay-moi" / "xa-my-quy.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")
    result = run(workbook(tmp_path), issued, "--force")
    result.assert_clean()
    _assert_refused(result.code, result.text, ".history")
    canary.assert_untouched()


@pytest.mark.parametrize("name", ["manifest.json", ".vanban.lock", "04-bao-cao-ket-qua"])
def test_the_manifest_the_lock_or_a_report_folder_as_a_link(
    tmp_path: Path, canary: Canary, issued: Path, name: str
) -> None:
    planted = issued / name
    if planted.is_dir():
        for doc in planted.iterdir():
            doc.unlink()
        planted.rmdir()
        os.symlink(canary.root / "inside", planted)
    else:
        planted.unlink(missing_ok=True)
        os.symlink(canary.root / "secret.txt", planted)
    result = run(workbook(tmp_path), issued, "--force")
    result.assert_clean()
    _assert_refused(result.code, result.text, name)
    canary.assert_untouched()


def test_the_output_folder_itself_may_be_a_link_the_clerk_chose(
    tmp_path: Path, canary: Canary
) -> None:
    real = tmp_path / "real-out"
    real.mkdir()
    os.symlink(real, tmp_path / "out")
    result = run(workbook(tmp_path), tmp_path / "out")
    result.assert_clean()
    assert result.code == 0, result.text
    assert (real / "01-ke-hoach.docx").is_file()
    canary.assert_untouched()


def test_verify_names_linked_documents_and_folders_without_following(
    tmp_path: Path, canary: Canary, issued: Path
) -> None:
    # The links point at true copies: following them would make the folder look intact.
    reports = issued / "04-bao-cao-ket-qua"
    copy = canary.root / "reports"
    reports.rename(copy)
    os.symlink(copy, reports)
    plan = issued / "01-ke-hoach.docx"
    plan.rename(canary.root / "plan.docx")
    os.symlink(canary.root / "plan.docx", plan)
    canary.before = snapshot(canary.root)
    result = cli("audit", "verify", issued)
    result.assert_clean()
    assert result.code == 1, result.text
    assert "04-bao-cao-ket-qua là một liên kết" in result.text
    assert "01-ke-hoach.docx là một liên kết" in result.text
    canary.assert_untouched()


def test_an_audit_log_that_is_a_link_is_named_by_verify_and_show(
    tmp_path: Path, canary: Canary, issued: Path
) -> None:
    log = issued / "audit.jsonl"
    log.rename(canary.root / "audit.jsonl")
    os.symlink(canary.root / "audit.jsonl", log)
    canary.before = snapshot(canary.root)
    verify = cli("audit", "verify", issued)
    verify.assert_clean()
    assert verify.code == 1 and "audit.jsonl" in verify.text and "liên kết" in verify.text
    show = cli("audit", "show", issued)
    show.assert_clean()
    _assert_refused(show.code, show.text, "audit.jsonl")
    canary.assert_untouched()


def test_each_write_refuses_a_link_on_its_own_not_only_the_run_check(
    tmp_path: Path, canary: Canary
) -> None:
    # The run checks the folder before it starts; a link planted after that check is still
    # refused by the write itself.
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(canary.root / "inside", out / "03-giay-moi")
    os.symlink(canary.root / "log.jsonl", out / "audit.jsonl")
    os.symlink(canary.root / "secret.txt", out / ".vanban.lock")
    with pytest.raises(LinkInOutputError, match="03-giay-moi"):
        OutputFolder(out).write_document("03-giay-moi/xa-my-quy.docx", b"x", issued_sha256=None)
    with pytest.raises(LinkInOutputError, match="03-giay-moi"):
        atomic_write(out / "03-giay-moi" / "moi" / "a.docx", b"x", root=out)
    with pytest.raises(LinkInOutputError, match="audit.jsonl"):
        AuditLog(out / "audit.jsonl").append({"event": "issued", "path": "a.docx"})
    with pytest.raises(LinkInOutputError, match="audit.jsonl"):
        AuditLog(out / "audit.jsonl").entries()
    with pytest.raises(LinkInOutputError, match=r"\.vanban\.lock"), folder_lock(out, timeout=0):
        pass
    canary.assert_untouched()


def test_recovery_never_looks_through_a_logged_path_outside_or_through_a_link(
    tmp_path: Path, canary: Canary, issued: Path
) -> None:
    # "prepare" entries as a killed run leaves them, but naming files outside the folder with
    # their true hashes: recovering them would read them and log them as issued.
    from vanban.files import sha256_file

    os.symlink(canary.root / "inside", issued / "lien-ket")
    secret = sha256_file(canary.root / "secret.txt")
    note = sha256_file(canary.root / "inside" / "note.docx")
    hostile = {
        "../canary/secret.txt": secret,
        str(canary.root / "secret.txt"): secret,
        "lien-ket/note.docx": note,
        "x" * 300 + ".docx": "0" * 64,
    }
    log = AuditLog(issued / "audit.jsonl")
    for path, sha in hostile.items():
        log.append({"event": "prepare", "path": path, "sha256": sha})
    result = run(workbook(tmp_path), issued)
    result.assert_clean()
    assert result.code == 0, result.text
    issued_paths = {e.get("path") for e in log.entries() if e.get("event") == "issued"}
    assert not issued_paths & set(hostile)
    canary.assert_untouched()
