"""What every hostile case checks: the exit code, the message, no traceback, and that nothing
outside the output folder was created or changed (a canary folder next to it, compared before
and after, bytes and all).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from tests.conftest import EXAMPLE, TEMPLATES
from tests.workbook_mutations import Mutation, flat, mutated, run_main

# Words Rich and Python print when something broke inside rather than being refused.
BROKEN = ("Traceback", "MarkupError", "Error:", "Exception", "File name too long")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return flat(self.out + " " + self.err)

    def assert_clean(self) -> None:
        """No traceback and no English OS error: everything was said on purpose."""
        for word in BROKEN:
            assert word not in self.out + self.err, (word, self.out, self.err)


@contextmanager
def _as_a_clerk_sees_it() -> Iterator[None]:
    # Rich folds long lines at 80 columns in a captured stream; a path must stay in one piece.
    from vanban.cli import app

    saved = app.console.width, app.err_console.width
    app.console.width = app.err_console.width = 2000
    # Without --verbose the CLI sets PREFECT_LOGGING_LEVEL to CRITICAL, but only if unset, and
    # the test session has set it (tests/conftest.py); Prefect re-applies its logging setup at
    # each flow run, so a clerk's terminal is emulated by muting log records below CRITICAL.
    # vanban itself never logs to the terminal: everything it says goes through Rich.
    logging.disable(logging.ERROR)
    try:
        yield
    finally:
        app.console.width, app.err_console.width = saved
        logging.disable(logging.NOTSET)


def cli(*args: str | Path) -> Result:
    """``vanban ARGS`` through ``vanban.cli.app.main`` in this process."""
    with _as_a_clerk_sees_it():
        code, out, err = run_main([str(a) for a in args])
    return Result(code, out, err)


def run(workbook: Path, out: Path, *extra: str | Path) -> Result:
    return cli("run", workbook, "--out", out, "--templates", TEMPLATES, *extra)


def snapshot(folder: Path) -> dict[str, tuple[str, bytes | str]]:
    """Every entry under ``folder`` (links as links, never followed) with its bytes or target."""
    found: dict[str, tuple[str, bytes | str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir", "")
            else:
                found[rel] = ("file", path.read_bytes())
    return found


class Canary:
    """A folder outside the output folder that no run may touch."""

    def __init__(self, base: Path) -> None:
        self.root = base / "canary"
        (self.root / "inside").mkdir(parents=True)
        (self.root / "secret.txt").write_bytes(b"khong duoc doc hay ghi\n")
        (self.root / "inside" / "note.docx").write_bytes(b"not a document of the run")
        self.before = snapshot(self.root)

    def assert_untouched(self) -> None:
        assert snapshot(self.root) == self.before


def documents(folder: Path) -> list[Path]:
    """The .docx files under ``folder``, links not followed."""
    if not folder.exists():
        return []
    return [
        Path(d) / n for d, _, files in os.walk(folder) for n in files if n.endswith(".docx")
    ]


def workbook(tmp: Path, *mutations: Mutation) -> Path:
    """The example workbook with ``mutations`` applied, saved under ``tmp``."""
    if not mutations:
        target = tmp / EXAMPLE.name
        shutil.copy(EXAMPLE, target)
        return target

    def change(wb: Workbook) -> None:
        for m in mutations:
            m(wb)

    return mutated(change, tmp / "plan.xlsx")


def rename_unit(old: str, new: str, kind: str = "Xã") -> Mutation:
    """Rename a unit everywhere the workbook names it: its own row and every other sheet."""

    def change(wb: Workbook) -> None:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value == f"{kind} {old}":
                        cell.value = f"{kind} {new}"
                    elif ws.title == "Đơn vị" and cell.value == old:
                        cell.value = new

    return change
