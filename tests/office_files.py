"""Office files read back through LibreOffice Calc: what a sheet's validations, protection and
open cells are, compared before and after (shared by the workbook and result-form tests)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vanban.review.previews import find_soffice

# A rule by each cell range it covers: (type, operator, first bound or list, second bound, stops
# wrong input).
Rule = tuple[str | None, str | None, str | None, str | None, bool]
# The sheet protection's switches as openpyxl reads them, in this order.
PROTECTION_FLAGS = (
    "sheet",
    "formatCells",
    "formatColumns",
    "formatRows",
    "insertColumns",
    "insertRows",
    "insertHyperlinks",
    "deleteColumns",
    "deleteRows",
    "selectLockedCells",
    "selectUnlockedCells",
    "sort",
    "autoFilter",
    "pivotTables",
    "objects",
    "scenarios",
)


def calc_round_trip(source: Path, work: Path) -> Path:
    """``source`` opened and saved again as .xlsx by LibreOffice Calc; the copy's path.

    A profile of its own under ``work``: another soffice running (a developer's, a parallel test)
    would otherwise take the conversion over or refuse it.
    """
    soffice = find_soffice()
    # Fail, never skip: without LibreOffice the round trip is simply not checked.
    assert soffice, "LibreOffice is missing: apt-get install libreoffice-calc-nogui"
    out = work / "calc"
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    saved = out / source.name
    assert proc.returncode == 0 and saved.is_file(), proc.stdout + proc.stderr
    return saved


def rule(dv: DataValidation) -> Rule:
    """What a validation allows, without what Calc adds that means nothing.

    Calc writes operator "between" on a list and a second bound "0" where one bound is all there
    is; neither changes what the cell accepts, so only a range's second bound is compared.
    """
    if dv.type == "list":
        return (dv.type, None, dv.formula1, None, bool(dv.showErrorMessage))
    operator = dv.operator or "between"  # the schema's default
    second = dv.formula2 if operator in ("between", "notBetween") else None
    return (dv.type, operator, dv.formula1, second, bool(dv.showErrorMessage))


def validations(ws: Worksheet) -> dict[str, Rule]:
    """Each validation's rule by every range of its sqref: a writer may merge or split sqrefs."""
    out: dict[str, Rule] = {}
    for dv in ws.data_validations.dataValidation:
        for ref in str(dv.sqref).split():
            assert ref not in out, f"{ws.title}!{ref} has two validations"
            out[ref] = rule(dv)
    return out


def protection(ws: Worksheet) -> tuple[bool | None, ...]:
    return tuple(getattr(ws.protection, flag) for flag in PROTECTION_FLAGS)


def unlocked(ws: Worksheet) -> set[str]:
    """The cells left open to typing once the sheet is protected."""
    return {c.coordinate for row in ws.iter_rows() for c in row if c.protection.locked is False}
