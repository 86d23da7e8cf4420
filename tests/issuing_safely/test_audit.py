from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vanban.errors import InputError
from vanban.files import sha256_bytes
from vanban.issuing.audit import GENESIS, AuditLog, canonical_line
from vanban.issuing.storage import OutputFolder
from vanban.issuing.verifying import history_rows, verify

RUN_ID = "5f1c2d4e-0000-4000-8000-000000000001"

DOCUMENTS = {
    "01-ke-hoach.docx": ("ke-hoach", None),
    "02-phu-luc-phan-bo-kinh-phi.docx": ("phu-luc", None),
    "03-giay-moi/xa-my-quy.docx": ("giay-moi", "Xã Mỹ Quý"),
    "03-giay-moi/xa-lang-bien.docx": ("giay-moi", "Xã Láng Biển"),
    "05-bao-cao-tong-hop.docx": ("bao-cao-tong-hop", None),
}


def _issue(folder: OutputFolder, log: AuditLog, relpath: str, data: bytes) -> dict[str, Any]:
    issued = log.latest_issued().get(relpath)
    outcome = folder.write_document(
        relpath, data, issued_sha256=issued["sha256"] if issued else None
    )
    kind, unit = DOCUMENTS[relpath]
    return log.append(
        {
            "flow_run_id": RUN_ID,
            "event": "issued",
            "kind": kind,
            "unit": unit,
            "path": outcome.relpath,
            "sha256": outcome.sha256,
            "template": f"{kind}.docx",
            "template_sha256": "a" * 64,
            "workbook_sha256": "b" * 64,
            "attempts": 1,
            "status": outcome.status,
        }
    )


@pytest.fixture
def issued_folder(tmp_path: Path) -> Path:
    """A folder where every document was issued, one re-issued, as a run leaves it."""
    folder = OutputFolder(tmp_path)
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append({"flow_run_id": RUN_ID, "event": "run", "units": 2, "documents": 5})
    for relpath in DOCUMENTS:
        _issue(folder, log, relpath, f"PK {relpath} v1".encode())
    _issue(folder, log, "01-ke-hoach.docx", b"PK ke hoach v2")
    return tmp_path


def _lines(root: Path) -> list[bytes]:
    return (root / "audit.jsonl").read_bytes().splitlines()


def _write_lines(root: Path, lines: list[bytes]) -> None:
    (root / "audit.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))


# --- AuditLog ------------------------------------------------------------------------------------


def test_append_and_entries_round_trip(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    first = log.append({"flow_run_id": RUN_ID, "event": "run", "documents": 3})
    second = log.append(
        {
            "flow_run_id": RUN_ID,
            "event": "failed",
            "kind": "giay-moi",
            "unit": "Xã Láng Biển",
            "path": "03-giay-moi/xa-lang-bien.docx",
            "attempts": 3,
            "error": "Không ghi được tệp: ổ đĩa đã đầy",
        }
    )
    assert first["prev"] == GENESIS
    assert second["prev"] == sha256_bytes(_lines(tmp_path)[0])
    assert isinstance(first["time"], str) and first["time"].endswith("+00:00")
    assert log.entries() == [first, second]
    assert log.entries()[1]["unit"] == "Xã Láng Biển"
    assert log.entries()[1]["error"] == "Không ghi được tệp: ổ đĩa đã đầy"


def test_lines_are_canonical_utf8(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    entry = log.append(
        {
            "flow_run_id": RUN_ID,
            "event": "issued",
            "unit": "Xã Mỹ Quý",
            "time": "2022-11-02T01:00:00+00:00",
        }
    )
    raw = (tmp_path / "audit.jsonl").read_bytes()
    assert raw == canonical_line(entry) + b"\n"
    assert "Xã Mỹ Quý".encode() in raw  # not \\u escapes
    assert b": " not in raw and b", " not in raw
    keys = list(json.loads(raw))
    assert keys == sorted(keys)
    assert entry["time"] == "2022-11-02T01:00:00+00:00"  # a given time is kept


def test_append_after_a_line_without_newline_keeps_lines_apart(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    log.append({"flow_run_id": RUN_ID, "event": "run"})
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    last = path.read_bytes()
    entry = log.append({"flow_run_id": RUN_ID, "event": "run"})
    assert entry["prev"] == sha256_bytes(last)
    assert len(log.entries()) == 2
    assert verify(tmp_path).ok


def test_append_refuses_free_text_fields(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    with pytest.raises(ValueError, match="free text"):
        log.append({"flow_run_id": RUN_ID, "event": "run", "signer": "Nguyễn Văn Hiệp"})
    with pytest.raises(ValueError, match="event"):
        log.append({"flow_run_id": RUN_ID})
    assert not (tmp_path / "audit.jsonl").exists()


def test_concurrent_appends_keep_the_chain(tmp_path: Path) -> None:
    def worker(n: int) -> None:
        log = AuditLog(tmp_path / "audit.jsonl")  # one instance per task, as a task runner would
        for i in range(20):
            log.append({"flow_run_id": RUN_ID, "event": "run", "worker": n, "i": i})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify(tmp_path)
    assert report.problems == []
    assert report.checked_entries == 80


def test_entries_on_a_garbled_line_raises_input_error(issued_folder: Path) -> None:
    lines = _lines(issued_folder)
    lines[2] = lines[2][:40]
    _write_lines(issued_folder, lines)
    with pytest.raises(InputError, match="dòng 3"):
        AuditLog(issued_folder / "audit.jsonl").entries()


def test_entries_of_a_missing_log_is_empty(tmp_path: Path) -> None:
    assert AuditLog(tmp_path / "audit.jsonl").entries() == []
    assert AuditLog(tmp_path / "audit.jsonl").latest_issued() == {}


def test_latest_issued_is_the_last_issue_per_path(issued_folder: Path) -> None:
    latest = AuditLog(issued_folder / "audit.jsonl").latest_issued()
    assert set(latest) == set(DOCUMENTS)
    assert latest["01-ke-hoach.docx"]["sha256"] == sha256_bytes(b"PK ke hoach v2")
    assert latest["01-ke-hoach.docx"]["status"] == "replaced"


# --- verify --------------------------------------------------------------------------------------


def test_verify_passes_on_a_good_folder(issued_folder: Path) -> None:
    ignored_files = [
        ".history/khac.docx",
        "review/01-ke-hoach.pdf",
        "review/ban-xem.docx",
        "~$-ke-hoach.docx",
        ".tmp-01-ke-hoach.docx.abc",
        "03-giay-moi/~$xa-my-quy.docx",
    ]
    for ignored in ignored_files:
        path = issued_folder / ignored
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    report = verify(issued_folder)
    assert report.problems == []
    assert report.ok
    assert report.checked_entries == 1 + len(DOCUMENTS) + 1
    assert report.checked_files == len(DOCUMENTS)


def _edit_file(root: Path) -> None:
    (root / "03-giay-moi" / "xa-my-quy.docx").write_bytes(b"PK sua tay")


def _delete_file(root: Path) -> None:
    (root / "05-bao-cao-tong-hop.docx").unlink()


def _unlogged_docx(root: Path) -> None:
    (root / "04-bao-cao-ket-qua").mkdir()
    (root / "04-bao-cao-ket-qua" / "xa-my-quy.docx").write_bytes(b"PK tu tao")


def _edit_hash_in_middle_line(root: Path) -> None:
    lines = _lines(root)
    entry = json.loads(lines[3])
    entry["sha256"] = "f" * 64
    lines[3] = canonical_line(entry)
    _write_lines(root, lines)


def _edit_hash_in_last_line(root: Path) -> None:
    lines = _lines(root)
    entry = json.loads(lines[-1])
    entry["sha256"] = "f" * 64
    lines[-1] = canonical_line(entry)
    _write_lines(root, lines)


def _remove_middle_line(root: Path) -> None:
    lines = _lines(root)
    del lines[2]
    _write_lines(root, lines)


def _remove_first_line(root: Path) -> None:
    _write_lines(root, _lines(root)[1:])


def _garble_line(root: Path) -> None:
    lines = _lines(root)
    lines[4] = b"{not json"
    _write_lines(root, lines)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_edit_file, ["Tệp 03-giay-moi/xa-my-quy.docx đã bị sửa sau khi phát hành"]),
        (_delete_file, ["Tệp 05-bao-cao-tong-hop.docx có trong sổ nhật ký", "không còn"]),
        (_unlogged_docx, ["Tệp 04-bao-cao-ket-qua/xa-my-quy.docx không có trong sổ nhật ký"]),
        (_edit_hash_in_middle_line, ["audit.jsonl dòng 5: chuỗi liên kết bị đứt", "dòng 4"]),
        (_edit_hash_in_last_line, ["Tệp 01-ke-hoach.docx đã bị sửa sau khi phát hành", "dòng 7"]),
        (_remove_middle_line, ["audit.jsonl dòng 3: chuỗi liên kết bị đứt"]),
        (_remove_first_line, ["audit.jsonl dòng 1: chuỗi liên kết bị đứt", "phần đầu sổ"]),
        (_garble_line, ["audit.jsonl dòng 5: không phải bản ghi JSON hợp lệ"]),
    ],
    ids=[
        "edited-file",
        "deleted-file",
        "unlogged-docx",
        "edited-log-line",
        "edited-last-line",
        "removed-log-line",
        "removed-first-line",
        "garbled-line",
    ],
)
def test_verify_catches(
    issued_folder: Path, damage: Callable[[Path], None], expected: list[str]
) -> None:
    assert verify(issued_folder).ok
    damage(issued_folder)
    report = verify(issued_folder)
    assert not report.ok
    assert any(all(fragment in problem for fragment in expected) for problem in report.problems), (
        report.problems
    )


def test_verify_reports_each_problem(issued_folder: Path) -> None:
    _edit_file(issued_folder)
    _delete_file(issued_folder)
    _remove_middle_line(issued_folder)  # the only issue of the annex: it becomes unlogged too
    problems = verify(issued_folder).problems
    assert [problem.split(":")[0].split(" (")[0] for problem in problems] == [
        "audit.jsonl dòng 3",
        "Tệp 03-giay-moi/xa-my-quy.docx đã bị sửa sau khi phát hành",
        "Tệp 05-bao-cao-tong-hop.docx có trong sổ nhật ký",
        "Tệp 02-phu-luc-phan-bo-kinh-phi.docx không có trong sổ nhật ký phát hành.",
    ]


def test_verify_without_log_lists_documents_as_unlogged(tmp_path: Path) -> None:
    (tmp_path / "01-ke-hoach.docx").write_bytes(b"PK")
    report = verify(tmp_path)
    assert report.problems == ["Tệp 01-ke-hoach.docx không có trong sổ nhật ký phát hành."]
    assert report.checked_entries == 0


def test_verify_does_not_follow_paths_outside_the_folder(tmp_path: Path) -> None:
    AuditLog(tmp_path / "audit.jsonl").append(
        {"flow_run_id": RUN_ID, "event": "issued", "path": "../ngoai.docx", "sha256": "0" * 64}
    )
    report = verify(tmp_path)
    assert report.problems == ["audit.jsonl dòng 1: đường dẫn tệp không hợp lệ (../ngoai.docx)."]


# --- history_rows --------------------------------------------------------------------------------


def test_history_rows_in_log_order(issued_folder: Path) -> None:
    rows = history_rows(issued_folder)
    assert [row["event"] for row in rows] == ["run"] + ["issued"] * (len(DOCUMENTS) + 1)
    assert [row["path"] for row in rows[1:]] == list(DOCUMENTS) + ["01-ke-hoach.docx"]
    last = rows[-1]
    assert last["hash"] == sha256_bytes(b"PK ke hoach v2")[:12]
    assert last["status"] == "replaced" and last["attempts"] == 1 and last["kind"] == "ke-hoach"
    assert set(last) == {"time", "event", "kind", "unit", "path", "hash", "status", "attempts"}


@pytest.mark.parametrize("unit", ["Xã Mỹ Quý", "xã mỹ quý", "Xa\u0303 My\u0303 Quy\u0301"])
def test_history_rows_for_one_unit(issued_folder: Path, unit: str) -> None:
    rows = history_rows(issued_folder, unit=unit)
    assert [row["path"] for row in rows] == ["03-giay-moi/xa-my-quy.docx"]
    assert rows[0]["unit"] == "Xã Mỹ Quý"


_APPENDER = """
import sys
from pathlib import Path
from vanban.issuing.audit import AuditLog

log = AuditLog(Path(sys.argv[1]))
for i in range(40):
    log.append({"flow_run_id": "p", "event": "run", "worker": int(sys.argv[2]), "i": i})
"""


def test_appends_from_several_processes_keep_the_chain(tmp_path: Path) -> None:
    workers = [
        subprocess.Popen([sys.executable, "-c", _APPENDER, str(tmp_path / "audit.jsonl"), str(n)])
        for n in range(4)
    ]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    report = verify(tmp_path)
    assert report.problems == []
    assert report.checked_entries == 160


def test_reading_while_other_threads_append_never_sees_a_torn_line(tmp_path: Path) -> None:
    # Tasks of one run append and read the log at the same time; a reader must never take a
    # line being written for a broken log.
    import threading

    log = AuditLog(tmp_path / "audit.jsonl")
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        for i in range(150):
            log.append(
                {"event": "prepare", "path": f"03-giay-moi/u{n}-{i}.docx", "sha256": "a" * 64}
            )

    def reader() -> None:
        while not stop.is_set():
            try:
                log.entries()
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)
                return

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    assert len(log.entries()) == 450
