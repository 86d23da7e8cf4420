"""The desk's workspace: one folder per plan, each holding its workbook, returned forms and
documents, under names the desk chooses.

::

    ~/vanban/                      the workspace (``vanban ui --workspace DIR``)
      6662-kh-ubnd-2022/           one plan: its id, from the plan's own symbol
        ke-hoach.xlsx              the workbook, as uploaded (replaced by a corrected upload)
        phieu-tra-ve/phieu-01.xlsx the returned result forms, numbered as they arrive
        van-ban/                   the output folder of ``vanban run``

Nothing a request carries becomes a path: a plan is found by an id that must match
:data:`PLAN_ID` and name a folder of the workspace, a file of a plan's output folder by a path
that must stay inside it and cross no link.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from vanban.errors import InputError
from vanban.files import atomic_write, links_below, read_nofollow

__all__ = ["PLAN_ID", "Plan", "Workspace"]

PLAN_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
WORKBOOK = "ke-hoach.xlsx"
FORMS = "phieu-tra-ve"
OUTPUT = "van-ban"
SIGNED_INBOX = "ban-ky-nhan-ve"
_FORM_NAME = re.compile(r"phieu-\d{2,4}\.xlsx")
_SIGNED_NAME = re.compile(r"ky-\d{2,4}\.pdf")


@dataclass(frozen=True)
class Plan:
    """One plan's folder."""

    id: str
    root: Path

    @property
    def workbook(self) -> Path:
        return self.root / WORKBOOK

    @property
    def forms(self) -> Path:
        return self.root / FORMS

    @property
    def out(self) -> Path:
        return self.root / OUTPUT

    @property
    def signed_inbox(self) -> Path:
        return self.root / SIGNED_INBOX

    def signed_files(self) -> list[Path]:
        """The signed PDFs handed in and not yet recorded."""
        return _handed_in(self.signed_inbox, "*.pdf")

    def add_signed(self, data: bytes) -> Path:
        """Keep a signed PDF under the next free number, as :meth:`add_form` keeps a form."""
        return self._numbered(self.signed_inbox, "ky", ".pdf", data)

    def remove_signed(self, name: str) -> None:
        self._remove(self.signed_inbox, _SIGNED_NAME, name, "bản ký")

    def returned_forms(self) -> list[Path]:
        return _handed_in(self.forms, "*.xlsx")

    def add_form(self, data: bytes) -> Path:
        """Keep a returned form under the next free number; never the sender's file name."""
        return self._numbered(self.forms, "phieu", ".xlsx", data)

    def _numbered(self, folder: Path, stem: str, suffix: str, data: bytes) -> Path:
        """``data`` as ``<stem>-NN<suffix>`` in ``folder``. The number is taken by creating the
        file exclusively: two uploads at once never share one."""
        _no_link(folder)
        folder.mkdir(exist_ok=True)
        for number in range(1, 10000):
            target = folder / f"{stem}-{number:02d}{suffix}"
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            os.close(fd)
            atomic_write(target, data, root=self.root)
            return target
        raise InputError(f"Đã có quá nhiều tệp trong thư mục {folder.name}.")

    def keep(self, path: Path) -> None:
        """Move a file the clerk replaces or removes into the plan's history, never delete it."""
        from vanban.files import sha256_file
        from vanban.outdir import HISTORY_DIR, history_name

        history = self.root / HISTORY_DIR
        _no_link(history)
        history.mkdir(exist_ok=True)
        target = history / history_name(path.relative_to(self.root).as_posix(), sha256_file(path))
        os.replace(path, target)

    def remove_form(self, name: str) -> None:
        """Remove a returned form (one sent by mistake), by the name the desk gave it."""
        self._remove(self.forms, _FORM_NAME, name, "phiếu")

    def _remove(self, folder: Path, pattern: re.Pattern[str], name: str, what: str) -> None:
        """Move a file handed in by mistake to the history, by the name the desk gave it."""
        _no_link(folder)
        path = folder / name
        if not pattern.fullmatch(name) or path.is_symlink() or not path.is_file():
            raise InputError(f"Không có {what} {name[:80]} trong các {what} đã nhận.")
        self.keep(path)

    def has_output(self, relpath: str) -> bool:
        """Whether :meth:`output_file` would serve ``relpath``."""
        try:
            self._output_path(relpath)
        except InputError:
            return False
        return True

    def output_file(self, relpath: str) -> bytes:
        """A file of the output folder, by a path relative to it; InputError for anything that
        leaves the folder, crosses a link or is no regular file."""
        path = self._output_path(relpath)
        try:
            return read_nofollow(path)
        except (OSError, ValueError):
            raise InputError(f"Không có tệp: {relpath}") from None

    def _output_path(self, relpath: str) -> Path:
        pure = PurePosixPath(relpath)
        if (
            not relpath
            or "\\" in relpath
            or pure.is_absolute()
            or any(part in ("", ".", "..") for part in relpath.split("/"))
        ):
            raise InputError(f"Đường dẫn không hợp lệ: {relpath}")
        _no_link(self.out)
        path = self.out / relpath
        try:
            if links_below(self.out, path) is not None:
                raise InputError(f"Không mở tệp qua liên kết: {relpath}")
            if not stat.S_ISREG(os.lstat(path).st_mode):
                raise InputError(f"Không phải tệp: {relpath}")
        except (OSError, ValueError):
            raise InputError(f"Không có tệp: {relpath}") from None
        return path


def _handed_in(folder: Path, pattern: str) -> list[Path]:
    """The regular files of one of the desk's own folders; none read through a link."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.is_symlink())


def _no_link(folder: Path) -> None:
    """A folder the desk names itself is never a link: what it holds is read and written."""
    if folder.is_symlink():
        raise InputError(f"Thư mục {folder.name} là một liên kết (symlink); không đọc theo liên kết.")


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def plans(self) -> list[Plan]:
        if not self.root.is_dir():
            return []
        found = []
        for entry in sorted(self.root.iterdir()):
            if PLAN_ID.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
                found.append(Plan(entry.name, entry))
        return found

    def loose_workbooks(self) -> list[str]:
        """The .xlsx files lying in the workspace itself (put there by hand), to add as plans."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.glob("*.xlsx")
            if not p.is_symlink() and p.is_file() and not p.name.startswith(("~$", "."))
        )

    def loose_workbook(self, name: str) -> bytes:
        """One of :meth:`loose_workbooks`, by name; InputError for any other name."""
        if name not in self.loose_workbooks():
            raise InputError(f"Không có bảng tính {name[:120]} trong thư mục làm việc.")
        return read_nofollow(self.root / name)

    def plan(self, plan_id: str) -> Plan:
        """The plan of this id; InputError when no such folder is in the workspace."""
        if not PLAN_ID.fullmatch(plan_id):
            raise InputError(f"Mã kế hoạch không hợp lệ: {plan_id[:80]}")
        root = self.root / plan_id
        if root.is_symlink() or not root.is_dir():
            raise InputError(f"Không có kế hoạch {plan_id} trong thư mục làm việc.")
        return Plan(plan_id, root)

    def add(self, data: bytes, wanted_id: str) -> Plan:
        """A new plan folder for the workbook ``data``: ``wanted_id``, or it with a number."""
        self.ensure()
        base = wanted_id if PLAN_ID.fullmatch(wanted_id) else "ke-hoach"
        for number in range(1, 1000):
            plan_id = base if number == 1 else f"{base}-{number}"
            root = self.root / plan_id
            try:
                root.mkdir()  # exclusive: two uploads at once get two folders
            except FileExistsError:
                continue
            atomic_write(root / WORKBOOK, data, root=root)
            return Plan(plan_id, root)
        raise InputError(f"Đã có quá nhiều kế hoạch tên {base} trong thư mục làm việc.")

    def replace_workbook(self, plan: Plan, data: bytes) -> None:
        """Put a corrected workbook in place; the one it replaces goes to the plan's history."""
        if plan.workbook.is_file() and not plan.workbook.is_symlink():
            plan.keep(plan.workbook)
        atomic_write(plan.workbook, data, root=plan.root)
