"""What collecting yields and says: which form fed each unit, and problems named by file.

Kept apart from the reading so that issuing (the audit log) and the terminal can name a form
without importing the collector.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vanban.errors import Problem
from vanban.model import Result, Unit
from vanban.workbook.reader import Problems


@dataclass(frozen=True)
class FormProblem(Problem):
    """A problem of one returned form: the file's name leads the line."""

    file: str = ""

    def __str__(self) -> str:
        where = [f'Tệp "{self.file}"'] if self.file else []
        if self.sheet is not None:
            where.append(f'sheet "{self.sheet}"')
        if self.cell is not None:
            where.append(f"ô {self.cell}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FileProblems(Problems):
    """Problems of one file, added to the folder's list."""

    def __init__(self, into: Problems, file: str) -> None:
        super().__init__()
        self.items = into.items
        self.file = file
        self._start = len(into.items)

    def error(self, sheet: str | None, cell: str | None, message: str) -> None:
        self.items.append(FormProblem(sheet, cell, message, "error", file=self.file))

    def warning(self, sheet: str | None, cell: str | None, message: str) -> None:
        self.items.append(FormProblem(sheet, cell, message, "warning", file=self.file))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.items[self._start :])


@dataclass(frozen=True)
class FormReceipt:
    """Which form fed a unit's result: for the audit log and the run summary."""

    unit: str
    file: str  # its name in the folder
    path: str  # the folder as given, joined with the name
    sha256: str
    report_date: date | None
    form_id: str


@dataclass(frozen=True)
class FormIndex:
    folder: str
    received: tuple[FormReceipt, ...]
    from_sheet: tuple[str, ...]  # units whose results come from the "Kết quả" sheet only
    awaited: tuple[str, ...]  # units with no result yet
    skipped: tuple[tuple[str, str], ...] = ()  # (unit, file) of each form returned blank

    def receipt(self, unit_name: str | None) -> FormReceipt | None:
        return next((r for r in self.received if r.unit == unit_name), None)

    def why_missing(self, unit_name: str | None) -> str | None:
        """Why a unit has no result although forms were collected: its form, or no form."""
        if unit_name not in self.awaited:
            return None
        blank = [file for unit, file in self.skipped if unit == unit_name]
        if blank:
            return f'phiếu kết quả "{blank[0]}" của đơn vị chưa điền nên bị bỏ qua'
        return (
            f"chưa nhận phiếu kết quả của đơn vị (thư mục {self.folder}) và chưa có dòng ở sheet "
            '"Kết quả"'
        )


@dataclass
class ReadForm:
    """One form read without error: its unit, its result, where each input stands."""

    file: str
    unit: Unit
    sha256: str
    form_id: str
    result: Result
    coords: dict[str, str]
