from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vanban.errors import (
    EditedOutputError,
    InputError,
    OutputConflictError,
    TransientIOError,
    VanbanError,
)
from vanban.files import atomic_write, clean_stray_temps, sha256_bytes, sha256_file
from vanban.issuing.storage import OutputFolder
from vanban.outdir import history_name

OLD_MTIME_NS = 1_600_000_000 * 10**9


def _temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob(".tmp-*"))


def _age(path: Path) -> int:
    """Backdate ``path`` so that any rewrite, however quick, shows in st_mtime_ns."""
    os.utime(path, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    return path.stat().st_mtime_ns


# --- hashing -------------------------------------------------------------------------------------


def test_sha256_file_matches_sha256_bytes(tmp_path: Path) -> None:
    data = os.urandom(3 * (1 << 20) + 17)  # spans several read chunks
    path = tmp_path / "a.bin"
    path.write_bytes(data)
    assert sha256_file(path) == sha256_bytes(data)
    assert sha256_bytes(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_sha256_file_missing_is_a_vanban_error(tmp_path: Path) -> None:
    with pytest.raises(VanbanError, match="không tìm thấy"):
        sha256_file(tmp_path / "khong-co.docx")


# --- atomic_write --------------------------------------------------------------------------------


def test_atomic_write_creates_parents_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "01-ke-hoach.docx"
    atomic_write(target, b"noi dung")
    assert target.read_bytes() == b"noi dung"
    atomic_write(target, b"ban moi")
    assert target.read_bytes() == b"ban moi"
    assert _temps(tmp_path) == []


def _fail_replace(src: Any, dst: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _fail_fsync(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


_real_write = os.write


def _fail_half_way(fd: int, data: Any) -> int:
    # Some bytes reach the temp file before the disk fills up, as in real life.
    _real_write(fd, bytes(data[: len(data) // 2]))
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("attribute", "fake"),
    [("write", _fail_half_way), ("fsync", _fail_fsync), ("replace", _fail_replace)],
    ids=["write", "fsync", "replace"],
)
@pytest.mark.parametrize("existing", [None, b"ban da phat hanh"], ids=["new", "existing"])
def test_atomic_write_failure_leaves_nothing_partial(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    attribute: str,
    fake: Callable[..., Any],
    existing: bytes | None,
) -> None:
    target = tmp_path / "03-giay-moi" / "xa-my-quy.docx"
    if existing is not None:
        target.parent.mkdir()
        target.write_bytes(existing)
    monkeypatch.setattr(os, attribute, fake)
    with pytest.raises(TransientIOError) as caught:
        atomic_write(target, b"x" * 100_000)
    monkeypatch.undo()
    assert "xa-my-quy.docx" in str(caught.value)
    assert "ổ đĩa đã đầy" in str(caught.value)
    if existing is None:
        assert not target.exists()
    else:
        assert target.read_bytes() == existing
    assert _temps(tmp_path) == []


def test_atomic_write_permanent_error_is_not_transient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(src: Any, dst: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    with pytest.raises(VanbanError) as caught:
        atomic_write(tmp_path / "a.docx", b"abc")
    assert not isinstance(caught.value, TransientIOError)
    assert "chỉ cho phép đọc" in str(caught.value)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_onto_a_directory_is_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "01-ke-hoach.docx").mkdir()
    with pytest.raises(OutputConflictError):
        atomic_write(tmp_path / "01-ke-hoach.docx", b"abc")
    assert _temps(tmp_path) == []


_WRITER = """
import sys
from pathlib import Path
from vanban.files import atomic_write

target, size = Path(sys.argv[1]), int(sys.argv[2])
version = 0
while True:
    atomic_write(target, bytes([version % 251]) * size)
    if version == 0:
        print("ready", flush=True)
    version += 1
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2])
def test_atomic_write_killed_mid_write_never_leaves_a_partial_target(
    tmp_path: Path, delay: float
) -> None:
    size = 4 * (1 << 20)
    target = tmp_path / "out" / "05-bao-cao-tong-hop.docx"
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target), str(size)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)  # lets the kill land at different points of the loop
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    data = target.read_bytes()
    assert len(data) == size
    assert data == data[:1] * size  # one complete version, not a mix of two
    removed = clean_stray_temps(tmp_path)
    assert all(p.name.startswith(".tmp-") for p in removed)
    assert _temps(tmp_path) == []
    assert target.read_bytes() == data


def test_clean_stray_temps_removes_only_temps(tmp_path: Path) -> None:
    keep = [tmp_path / "01-ke-hoach.docx", tmp_path / "03-giay-moi" / "xa-my-quy.docx"]
    stray = [
        tmp_path / ".tmp-01-ke-hoach.docx.abc",
        tmp_path / "03-giay-moi" / ".tmp-xa-my-quy.docx.def",
        tmp_path / ".history" / ".tmp-old.docx.123",
    ]
    # A folder of another tool (a review in progress) is not the run's to clean.
    foreign = [tmp_path / ".tmp-review-1" / ".tmp-page.html", tmp_path / ".tmp-review-1" / "a.png"]
    for path in keep + stray + foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    assert clean_stray_temps(tmp_path) == sorted(stray)
    assert all(p.exists() for p in keep + foreign)
    assert not any(p.exists() for p in stray)
    assert clean_stray_temps(tmp_path / "khong-co") == []


# --- OutputFolder.write_document -----------------------------------------------------------------

V1 = b"PK ban 1 - K\xe1\xba\xbf ho\xe1\xba\xa1ch"
V2 = b"PK ban 2"
EDITED = b"PK ban 1 da sua tay"


def test_write_document_new_file_is_written(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    outcome = folder.write_document("03-giay-moi/xa-my-quy.docx", V1, issued_sha256=None)
    assert outcome.status == "written"
    assert outcome.path == tmp_path / "03-giay-moi" / "xa-my-quy.docx"
    assert outcome.relpath == "03-giay-moi/xa-my-quy.docx"
    assert outcome.sha256 == sha256_bytes(V1)
    assert outcome.previous_sha256 is None and outcome.history_path is None
    assert outcome.path.read_bytes() == V1
    assert not folder.history_dir.exists()


def test_write_document_same_bytes_is_unchanged_and_untouched(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    first = folder.write_document("01-ke-hoach.docx", V1, issued_sha256=None)
    before = _age(first.path)
    outcome = folder.write_document("01-ke-hoach.docx", V1, issued_sha256=first.sha256)
    assert outcome.status == "unchanged"
    assert outcome.path.stat().st_mtime_ns == before
    assert outcome.history_path is None
    assert _temps(tmp_path) == []


def test_write_document_unedited_old_version_is_replaced_into_history(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    first = folder.write_document("03-giay-moi/xa-my-quy.docx", V1, issued_sha256=None)
    outcome = folder.write_document("03-giay-moi/xa-my-quy.docx", V2, issued_sha256=first.sha256)
    assert outcome.status == "replaced"
    assert outcome.path.read_bytes() == V2
    assert outcome.previous_sha256 == first.sha256
    expected = tmp_path / ".history" / f"03-giay-moi__xa-my-quy.{first.sha256[:16]}.docx"
    assert outcome.history_path == expected
    assert expected.read_bytes() == V1
    assert _temps(tmp_path) == []


def test_write_document_edited_file_is_refused_untouched(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    first = folder.write_document("01-ke-hoach.docx", V1, issued_sha256=None)
    first.path.write_bytes(EDITED)
    before = _age(first.path)
    with pytest.raises(EditedOutputError) as caught:
        folder.write_document("01-ke-hoach.docx", V2, issued_sha256=first.sha256)
    message = str(caught.value)
    assert "01-ke-hoach.docx" in message
    assert "đã bị sửa sau khi phát hành" in message
    assert "--force" in message and "đổi tên" in message
    assert first.path.read_bytes() == EDITED
    assert first.path.stat().st_mtime_ns == before
    assert not folder.history_dir.exists()


def test_write_document_unlogged_existing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "01-ke-hoach.docx").write_bytes(EDITED)
    with pytest.raises(EditedOutputError, match="không có trong sổ nhật ký"):
        OutputFolder(tmp_path).write_document("01-ke-hoach.docx", V2, issued_sha256=None)
    assert (tmp_path / "01-ke-hoach.docx").read_bytes() == EDITED


def test_write_document_forced_keeps_the_edited_file_in_history(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    first = folder.write_document("04-bao-cao-ket-qua/xa-my-quy.docx", V1, issued_sha256=None)
    first.path.write_bytes(EDITED)
    outcome = folder.write_document(
        "04-bao-cao-ket-qua/xa-my-quy.docx", V2, issued_sha256=first.sha256, force=True
    )
    assert outcome.status == "forced"
    assert outcome.path.read_bytes() == V2
    assert outcome.previous_sha256 == sha256_bytes(EDITED)
    assert outcome.history_path is not None
    assert outcome.history_path.read_bytes() == EDITED
    assert outcome.history_path.name == history_name(
        "04-bao-cao-ket-qua/xa-my-quy.docx", sha256_bytes(EDITED)
    )
    assert str(outcome.history_path) in outcome.message


def test_write_document_never_overwrites_a_history_file(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    first = folder.write_document("01-ke-hoach.docx", V1, issued_sha256=None)
    second = folder.write_document("01-ke-hoach.docx", V2, issued_sha256=first.sha256)
    assert second.history_path is not None
    kept = _age(second.history_path)
    third = folder.write_document("01-ke-hoach.docx", V1, issued_sha256=second.sha256)
    fourth = folder.write_document("01-ke-hoach.docx", V2, issued_sha256=third.sha256)
    assert fourth.status == "replaced" and fourth.history_path == second.history_path
    assert second.history_path.stat().st_mtime_ns == kept
    assert sorted(p.read_bytes() for p in folder.history_dir.iterdir()) == sorted([V1, V2])


def test_write_document_history_name_clash_uses_full_hash(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    first = folder.write_document("01-ke-hoach.docx", V1, issued_sha256=None)
    squatter = folder.history_dir / history_name("01-ke-hoach.docx", first.sha256)
    squatter.parent.mkdir()
    squatter.write_bytes(b"something else")
    outcome = folder.write_document("01-ke-hoach.docx", V2, issued_sha256=first.sha256)
    assert squatter.read_bytes() == b"something else"
    assert outcome.history_path is not None
    assert outcome.history_path.name == f"01-ke-hoach.{first.sha256}.docx"
    assert outcome.history_path.read_bytes() == V1


@pytest.mark.parametrize(
    "relpath",
    ["", "/etc/passwd", "../ngoai.docx", "a/../../b.docx", ".history/x.docx", "a\\b.docx",
     "03-giay-moi//x.docx", ".tmp-x.docx", "x\n.docx"],
)
def test_write_document_rejects_unsafe_paths(tmp_path: Path, relpath: str) -> None:
    with pytest.raises(InputError):
        OutputFolder(tmp_path / "out").write_document(relpath, V1, issued_sha256=None)
    assert not (tmp_path / "ngoai.docx").exists()


def test_relpath_is_posix_and_relative(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    assert folder.history_dir == tmp_path / ".history"
    nested = tmp_path / "03-giay-moi" / "xa-my-quy.docx"
    assert folder.relpath(nested) == "03-giay-moi/xa-my-quy.docx"
    with pytest.raises(InputError):
        folder.relpath(tmp_path.parent / "khac.docx")


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        ("01-ke-hoach.docx", "01-ke-hoach.0123456789abcdef.docx"),
        ("03-giay-moi/xa-my-quy.docx", "03-giay-moi__xa-my-quy.0123456789abcdef.docx"),
        ("ghi-chu", "ghi-chu.0123456789abcdef"),
    ],
)
def test_history_name(relpath: str, expected: str) -> None:
    assert history_name(relpath, "0123456789abcdef" * 4) == expected
