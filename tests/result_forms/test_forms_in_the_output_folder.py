"""The library's forms writer goes through the output folder's owner, as documents do: it takes
the folder's lock, refuses a planted link, keeps what it replaces in the history and logs every
form it writes in an audit log that still verifies."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.result_forms.filling import fill
from tests.workbook_mutations import mutated, put_plan
from vanban.documents.kinds import default_registry
from vanban.errors import LinkInOutputError, OutputConflictError, OutputLockedError
from vanban.files import sha256_file
from vanban.forms import writing
from vanban.forms.writing import FORM_EVENT, FORM_KIND, write_forms
from vanban.issuing import locking
from vanban.issuing.audit import AuditLog
from vanban.issuing.verifying import verify
from vanban.model import Plan
from vanban.outdir import FORMS_DIR, HISTORY_DIR, LOCK_NAME, LOG_NAME
from vanban.workbook.loader import load_plan


def _files(root: Path) -> list[str]:
    """Every file and link below ``root`` (links not followed), relative."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if os.path.islink(Path(dirpath) / d)]:
            found.append((Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(found)


@pytest.fixture
def quick_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's own lock, waiting a fraction of a second instead of half a minute."""
    monkeypatch.setattr(
        writing, "folder_lock", functools.partial(locking.folder_lock, timeout=0.2, poll=0.05)
    )


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """An output folder whose lock another thread holds for the whole test."""
    out = tmp_path / "out"
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locking.folder_lock(out, timeout=5):
            taken.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(30)
    try:
        yield out
    finally:
        release.set()
        holder.join(30)


@pytest.mark.usefixtures("quick_lock")
def test_the_writer_waits_for_the_folder_lock_and_writes_nothing_without_it(
    bare_plan: Plan, held: Path
) -> None:
    with pytest.raises(OutputLockedError, match="đang được một lần chạy khác sử dụng"):
        write_forms(bare_plan, held, default_registry())
    assert not (held / FORMS_DIR).exists()
    assert not (held / LOG_NAME).exists()


def test_the_writer_releases_the_lock_it_took(bare_plan: Plan, tmp_path: Path) -> None:
    write_forms(bare_plan, tmp_path, default_registry())
    with locking.folder_lock(tmp_path, timeout=0):  # free again at once
        assert (tmp_path / FORMS_DIR / "xa-my-quy.xlsx").is_file()


@pytest.mark.parametrize("planted", ["a form", "the forms' folder"])
def test_a_link_planted_in_the_forms_folder_is_refused_before_anything_is_written(
    bare_plan: Plan, tmp_path: Path, planted: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.xlsx").write_bytes(b"not yours")
    out = tmp_path / "out"
    if planted == "a form":
        (out / FORMS_DIR).mkdir(parents=True)
        os.symlink(outside / "victim.xlsx", out / FORMS_DIR / "xa-my-quy.xlsx")
    else:
        out.mkdir()
        os.symlink(outside, out / FORMS_DIR)
    before = _files(out)

    with pytest.raises(LinkInOutputError, match="liên kết") as refused:
        write_forms(bare_plan, out, default_registry(), force=True)
    assert refused.value.exit_code == 4
    assert _files(outside) == ["victim.xlsx"]
    assert (outside / "victim.xlsx").read_bytes() == b"not yours"
    # Not one form, no log: only the lock's file, which the lock leaves behind by design.
    assert [f for f in _files(out) if f != LOCK_NAME] == before


def test_a_forced_filled_form_is_kept_in_the_history(
    bare: Path, bare_plan: Plan, example_plan: Plan, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    write_forms(bare_plan, out, default_registry())
    form = out / FORMS_DIR / "xa-my-quy.xlsx"
    quy = next(u for u in example_plan.units if u.name == "Xã Mỹ Quý")
    assert quy.result is not None
    filled = fill(form, example_plan, quy.result, form).read_bytes()
    changed = load_plan(mutated(put_plan("Đầu mối liên hệ", "Phòng Nội vụ"), tmp_path / "b.xlsx"))

    with pytest.raises(OutputConflictError, match="phiếu đã được điền"):
        write_forms(changed, out, default_registry())
    assert form.read_bytes() == filled

    written = {w.unit: w for w in write_forms(changed, out, default_registry(), force=True)}
    forced = written["Xã Mỹ Quý"]
    assert forced.status == "forced" and forced.history is not None
    assert forced.history.parent == out / HISTORY_DIR
    assert forced.history.read_bytes() == filled
    assert form.read_bytes() != filled
    assert {w.status for name, w in written.items() if name != "Xã Mỹ Quý"} == {"replaced"}
    logged = [e for e in AuditLog(out / LOG_NAME).entries() if e["status"] == "forced"]
    assert [(e["path"], e["history"]) for e in logged] == [
        (f"{FORMS_DIR}/xa-my-quy.xlsx", forced.history.relative_to(out).as_posix())
    ]


def test_every_form_written_is_logged_and_the_log_verifies(
    bare_plan: Plan, example_plan: Plan, tmp_path: Path
) -> None:
    written = write_forms(bare_plan, tmp_path, default_registry())
    entries = AuditLog(tmp_path / LOG_NAME).entries()
    assert [(e["event"], e["kind"], e["status"]) for e in entries] == [
        (FORM_EVENT, FORM_KIND, "written")
    ] * len(bare_plan.units)
    assert [(e["unit"], e["path"], e["sha256"]) for e in entries] == [
        (w.unit, w.path.relative_to(tmp_path).as_posix(), sha256_file(w.path)) for w in written
    ]
    assert all(e["workbook_sha256"] == bare_plan.workbook_sha256 for e in entries)

    write_forms(bare_plan, tmp_path, default_registry())  # nothing changes, nothing is logged
    assert len(AuditLog(tmp_path / LOG_NAME).entries()) == len(bare_plan.units)

    # A form is meant to be filled in: one filled where it was written is no tampering.
    quy = next(u for u in example_plan.units if u.name == "Xã Mỹ Quý")
    assert quy.result is not None
    form = tmp_path / FORMS_DIR / "xa-my-quy.xlsx"
    fill(form, example_plan, quy.result, form)
    report = verify(tmp_path)
    assert report.ok, report.problems
    assert report.checked_entries == len(bare_plan.units)
