"""The Prefect flow end to end: stages, re-runs, edited files, retries, failures, the artifact."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, EXAMPLE_ISSUED
from vanban.errors import UnknownUnitError, WorkbookError
from vanban.issuing import storage
from vanban.issuing.audit import AuditLog
from vanban.issuing.verifying import verify

pytestmark = pytest.mark.usefixtures("prefect_harness")

# The example issues 32 documents: the plan, the decision establishing its working group, its
# annex, 13 invitations, the sign-in lists of the 2 units with a roster, 13 reports and the
# summary; the other 11 units' lists wait for a roster.
ISSUED = EXAMPLE_ISSUED
NOT_EXPECTED = 11  # the sign-in lists of the units without a roster


def run(workbook: Path, out: Path, **kwargs: Any) -> Any:
    from vanban_flows.issue import issue_documents

    return issue_documents(str(workbook), out_dir=str(out), **kwargs)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*.docx"))
        if ".history" not in p.parts
    }


def set_schedule_venue(workbook: Path, unit: str, venue: str) -> None:
    wb = load_workbook(workbook)
    ws = wb["Lịch đối thoại"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == unit:
            row[3].value = venue
            break
    else:
        raise AssertionError(unit)
    wb.save(workbook)


@pytest.fixture
def issued(tmp_path: Path) -> tuple[Path, Path]:
    wb = tmp_path / "plan.xlsx"
    shutil.copy(EXAMPLE, wb)
    out = tmp_path / "out"
    report = run(wb, out)
    assert report.count("issued") == ISSUED and report.count("not_expected") == NOT_EXPECTED
    assert report.count("pending") == 0
    assert report.exit_code == 0
    return wb, out


def test_first_run_issues_and_logs_every_document(issued: tuple[Path, Path]) -> None:
    _, out = issued
    entries = [e for e in AuditLog(out / "audit.jsonl").entries() if e["event"] == "issued"]
    assert len(entries) == ISSUED
    for e in entries:
        assert (out / e["path"]).is_file()
        assert len(e["sha256"]) == 64 and len(e["template_sha256"]) == 64
        assert len(e["workbook_sha256"]) == 64 and e["flow_run_id"]
        assert e["template"].endswith(".docx") and e["attempts"] == 1
    assert verify(out).ok
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    statuses = [d["status"] for d in manifest["documents"]]
    assert statuses.count("issued") == ISSUED and statuses.count("not_expected") == NOT_EXPECTED
    assert len(statuses) == ISSUED + NOT_EXPECTED


def test_same_inputs_rewrite_nothing(issued: tuple[Path, Path]) -> None:
    wb, out = issued
    before = snapshot(out)
    report = run(wb, out)
    assert report.count("unchanged") == ISSUED
    assert snapshot(out) == before


def test_same_inputs_give_identical_bytes_in_another_folder(
    issued: tuple[Path, Path], tmp_path: Path
) -> None:
    wb, out = issued
    run(wb, tmp_path / "again")
    first = {k: v[0] for k, v in snapshot(out).items()}
    second = {k: v[0] for k, v in snapshot(tmp_path / "again").items()}
    assert first == second


def test_unit_rerun_touches_only_that_unit(issued: tuple[Path, Path]) -> None:
    wb, out = issued
    before = snapshot(out)
    set_schedule_venue(wb, "Xã Mỹ Quý", "Nhà văn hóa ấp Mỹ Phước")
    report = run(wb, out, units=["Mỹ Quý"])
    after = snapshot(out)
    changed = sorted(k for k in after if after[k] != before[k])
    assert changed == ["03-giay-moi/xa-my-quy.docx", "04-bao-cao-ket-qua/xa-my-quy.docx"]
    assert {s.job.relpath for s in report.statuses} == {
        "03-giay-moi/xa-my-quy.docx",
        "03-giay-moi/xa-my-quy-danh-sach.docx",  # pending: Mỹ Quý has no roster
        "04-bao-cao-ket-qua/xa-my-quy.docx",
        "05-bao-cao-tong-hop.docx",
    }
    assert verify(out).ok
    assert len(list((out / ".history").iterdir())) == 2


def test_only_limits_the_stages(issued: tuple[Path, Path]) -> None:
    wb, out = issued
    report = run(wb, out, only=["annex"])
    assert [s.job.relpath for s in report.statuses] == ["02-phu-luc-phan-bo-kinh-phi.docx"]


def test_unknown_unit_names_the_closest(issued: tuple[Path, Path]) -> None:
    wb, out = issued
    with pytest.raises(UnknownUnitError) as err:
        run(wb, out, units=["Mỹ Qúy Tây"])
    assert "Xã Mỹ Quý" in str(err.value)
    with pytest.raises(UnknownUnitError) as ambiguous:
        run(wb, out, units=["Mỹ An"])
    assert "Thị trấn Mỹ An" in str(ambiguous.value) and "Xã Mỹ An" in str(ambiguous.value)


def test_an_edited_document_is_refused_then_kept_in_history_with_force(
    issued: tuple[Path, Path],
) -> None:
    wb, out = issued
    target = out / "03-giay-moi" / "xa-my-dong.docx"
    from docx import Document

    doc = Document(str(target))
    doc.add_paragraph("Sửa tay trước khi ký")
    doc.save(str(target))
    edited = target.read_bytes()
    set_schedule_venue(wb, "Xã Mỹ Đông", "Hội trường mới")
    report = run(wb, out, units=["Xã Mỹ Đông"])
    status = {s.job.relpath: s for s in report.statuses}["03-giay-moi/xa-my-dong.docx"]
    assert status.status == "refused" and "--force" in (status.reason or "")
    assert report.exit_code == 4
    assert target.read_bytes() == edited

    report = run(wb, out, units=["Xã Mỹ Đông"], force=True)
    status = {s.job.relpath: s for s in report.statuses}["03-giay-moi/xa-my-dong.docx"]
    assert status.status == "issued" and status.history
    assert (out / status.history).read_bytes() == edited
    assert target.read_bytes() != edited
    assert verify(out).ok


def _flaky_write(monkeypatch: pytest.MonkeyPatch, name: str, failures: int) -> list[int]:
    calls: list[int] = []
    real = storage.atomic_write

    def flaky(path: Path, data: bytes, **kwargs: Any) -> None:
        if Path(path).name == name and ".history" not in Path(path).parts:
            calls.append(1)
            if len(calls) <= failures:
                raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, **kwargs)

    monkeypatch.setattr(storage, "atomic_write", flaky)
    return calls


def test_a_transient_write_fault_is_retried_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _flaky_write(monkeypatch, "xa-thanh-my.docx", failures=2)
    report = run(EXAMPLE, tmp_path / "out", only=["invitations"])
    status = {s.job.relpath: s for s in report.statuses}["03-giay-moi/xa-thanh-my.docx"]
    assert status.status == "issued" and status.attempts == 3
    assert len(calls) == 3
    entry = AuditLog(tmp_path / "out" / "audit.jsonl").latest_issued()[
        "03-giay-moi/xa-thanh-my.docx"
    ]
    assert entry["attempts"] == 3


def test_a_write_that_always_fails_stops_later_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _flaky_write(monkeypatch, "xa-tan-kieu.docx", failures=99)
    out = tmp_path / "out"
    report = run(EXAMPLE, out)
    by_path = {s.job.relpath: s for s in report.statuses}
    failed = by_path["03-giay-moi/xa-tan-kieu.docx"]
    assert failed.status == "failed" and failed.attempts == 4
    assert "ổ đĩa đã đầy" in (failed.reason or ""), failed.reason
    assert by_path["05-bao-cao-tong-hop.docx"].status == "not_attempted"
    assert all(s.status == "not_attempted" for p, s in by_path.items() if p.startswith("04-"))
    assert report.exit_code == 75  # a transient fault that did not clear
    assert not (out / "03-giay-moi" / "xa-tan-kieu.docx").exists()
    assert not [p for p in out.rglob("*") if p.name.startswith(storage.TEMP_PREFIX)]
    failures = [e for e in AuditLog(out / "audit.jsonl").entries() if e["event"] == "failed"]
    assert len(failures) == 1 and failures[0]["attempts"] == 4
    # Re-running continues from what is missing.
    monkeypatch.undo()
    again = run(EXAMPLE, out)
    assert again.exit_code == 0
    assert {s.status for s in again.statuses} == {"issued", "unchanged", "not_expected"}
    assert verify(out).ok


def test_bad_input_runs_once_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vanban.prepare as preparing

    calls: list[str] = []
    real = preparing.collect_problems

    def counting(path: str) -> Any:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(preparing, "collect_problems", counting)
    wb = tmp_path / "bad.xlsx"
    book = load_workbook(EXAMPLE)
    book["Đơn vị"]["D7"] = "ba mươi"
    book.save(wb)
    with pytest.raises(WorkbookError) as err:
        run(wb, tmp_path / "out")
    assert 'Sheet "Đơn vị", ô D7' in str(err.value)
    assert len(calls) == 1
    assert not (tmp_path / "out").exists()


def test_each_run_publishes_a_markdown_artifact(issued: tuple[Path, Path]) -> None:
    from prefect.artifacts import Artifact

    artifact = Artifact.get("vanban-run")
    assert artifact is not None
    text = str(artifact.data)
    assert "01-ke-hoach.docx" in text and "05-bao-cao-tong-hop.docx" in text
    sha = AuditLog(issued[1] / "audit.jsonl").latest_issued()["01-ke-hoach.docx"]["sha256"]
    assert sha[:12] in text


def test_the_flow_module_is_thin() -> None:
    # Orchestration only: the flow file stays small and holds no rendering or workbook code.
    source = (Path(__file__).parents[2] / "flows" / "issue.py").read_text("utf-8")
    assert "docxtpl" not in source and "openpyxl" not in source
    assert len(source.splitlines()) < 200
    assert os.path.exists(Path(__file__).parents[2] / "flows" / "serve.py")
