"""Collecting returned result forms into the plan: every form checked the workbook's way.

Each ``.xlsx`` of the folder is opened as the workbook is (:class:`~vanban.workbook.reader.WorkbookFile`),
its hidden identity checked against the plan (its plan, its unit, its form id), and its inputs
typed with the workbook's own cell readers and the rules of the "Kết quả" sheet. Every problem
of every form is gathered and named by file, sheet and cell; one error stops the whole collection
(:class:`~vanban.errors.ResultFormsError`, exit 2) before anything is issued. The forms and the
plan workbook are only read.

The result is the plan with each reporting unit's ``result`` taken from its form, so documents
and readiness follow unchanged, and an index of which form fed which unit.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import coordinate_to_tuple

from vanban.documents.kinds import Registry
from vanban.errors import InputError, ResultFormsError, WorkbookError
from vanban.forms import layout as L
from vanban.forms.checks import (
    agrees_with_sheet,
    blank,
    check_rules,
    one_form_per_unit,
    read_opinions,
)
from vanban.forms.receipts import FileProblems, FormIndex, FormReceipt, ReadForm
from vanban.issuing.paths import unit_slugs
from vanban.model import DocumentRef, Plan, Result, Signer, Unit
from vanban.text.formatting import short_date
from vanban.text.names import match_key
from vanban.workbook import schema
from vanban.workbook.cells import read_value, shown
from vanban.workbook.reader import Cell, Problems, WorkbookFile

_SKIPPED_PREFIXES = ("~$", ".~lock", ".")  # Excel's and LibreOffice's lock files, hidden files
_RESULT_FIELDS = {f.key: f for f in schema.RESULTS.fields}


@dataclass(frozen=True)
class _Names:
    """How the run's registry names the plan ("6662/KH-UBND") and each unit's files."""

    symbol: str
    slugs: dict[int, str]


def collect_forms(
    plan: Plan, folder: Path | str | None, registry: Registry
) -> tuple[Plan, FormIndex | None]:
    """The plan with the results of the forms in ``folder``, and which form fed which unit.

    ``folder`` None returns the plan as it is; ``registry`` is the run's, whose output patterns
    name each unit's file (a form named after another unit is refused). A form that disagrees
    with the "Kết quả" sheet names the sheet's cell too (the plan keeps where each result was
    read). Raises ResultFormsError with every problem of every form, or InputError when the
    folder itself cannot be read.
    """
    if folder is None:
        return plan, None
    root = Path(folder)
    problems = Problems()
    names = _Names(registry.plan_symbol(plan), unit_slugs(plan, registry))
    forms, skipped = _read_folder(plan, root, names, problems)
    if not forms and not problems.has_errors:
        problems.warning(None, None, f"thư mục {root} chưa có phiếu kết quả nào đã điền")
    one_form_per_unit(forms, problems)
    for form in forms:
        sheet = form.unit.result
        agrees_with_sheet(form, problems, dict(sheet.cells) if sheet is not None else {})
    if problems.has_errors:
        raise ResultFormsError(problems.items, str(root))
    return _with_results(plan, root, forms, skipped, problems)


def _entries(root: Path) -> list[Path]:
    """The folder's entries by name; InputError when it is no folder or cannot be read."""
    if not root.is_dir():
        what = "không phải thư mục" if root.exists() else "không tìm thấy"
        raise InputError(f"Thư mục phiếu kết quả {root}: {what}.")
    try:
        return sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise InputError(f"Không đọc được thư mục phiếu kết quả {root}: {exc.strerror}.") from exc


def _read_folder(
    plan: Plan, root: Path, names: _Names, problems: Problems
) -> tuple[list[ReadForm], list[tuple[str, str]]]:
    """Every form of the folder read, and the (unit, file) of each returned blank."""
    forms: list[ReadForm] = []
    skipped: list[tuple[str, str]] = []
    for path in _entries(root):
        name = path.name
        if name.startswith(_SKIPPED_PREFIXES):
            continue
        mine = FileProblems(problems, name)
        if path.suffix.lower() != ".xlsx":
            if path.is_file():
                mine.warning(None, None, "không phải tệp .xlsx, bỏ qua")
            continue
        odd = _not_a_file(path)
        if odd is not None:
            mine.warning(None, None, f"{odd}, không phải tệp phiếu; bỏ qua")
            continue
        form = _read_form(plan, path, mine, names)
        if isinstance(form, ReadForm):
            forms.append(form)
        elif form is not None:
            skipped.append((form.name, name))
    return forms, skipped


def _with_results(
    plan: Plan,
    root: Path,
    forms: list[ReadForm],
    skipped: list[tuple[str, str]],
    problems: Problems,
) -> tuple[Plan, FormIndex]:
    """The plan with each form's result in its unit, and the index of what fed which unit."""
    by_row = {f.unit.row: f for f in forms}
    units = tuple(
        replace(u, result=by_row[u.row].result) if u.row in by_row else u for u in plan.units
    )
    warnings = plan.warnings + tuple(str(p) for p in problems.warnings)
    index = FormIndex(
        folder=str(root),
        received=tuple(
            FormReceipt(f.unit.name, f.file, (root / f.file).as_posix(), f.sha256,
                        f.result.report.date, f.form_id)
            for u in plan.units if (f := by_row.get(u.row)) is not None
        ),
        from_sheet=tuple(u.name for u in plan.units if u.row not in by_row and u.result),
        awaited=tuple(u.name for u in units if u.result is None),
        skipped=tuple(skipped),
    )
    # The funding lines point at the units they fund (``Plan.funding_for`` compares identity).
    new = {u.row: u for u in units}
    funding = tuple(replace(line, unit=new[line.unit.row]) for line in plan.funding)
    return replace(plan, units=units, funding=funding, warnings=warnings), index


def _not_a_file(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (never followed, never opened)."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "không đọc được"
    if stat.S_ISLNK(mode):
        return "là liên kết"
    if stat.S_ISDIR(mode):
        return "là thư mục"
    if not stat.S_ISREG(mode):
        return "là ống dẫn, thiết bị hoặc tệp đặc biệt"
    return None


def _read_form(
    plan: Plan, path: Path, problems: FileProblems, names: _Names
) -> ReadForm | Unit | None:
    """The form read; its unit alone when the form was returned blank; None on an error."""
    try:
        wb = WorkbookFile(path, problems)
    except WorkbookError as exc:
        for p in exc.errors:
            problems.error(p.sheet, p.cell, p.message)
        return None
    ident = _identity(wb)
    if ident is None or wb.sheet(L.FORM_SHEET) is None:
        problems.error(None, None, "không phải phiếu kết quả do vanban lập (thiếu phần nhận dạng "
                                   "ẩn); hãy dùng phiếu của lệnh vanban forms")
        return None
    unit = _check_identity(plan, path.name, ident, problems, names)
    if unit is None or not _check_topics(plan, wb, ident, problems):
        return None
    lay = L.Layout(len(plan.topics))
    cells = {key: _cell(wb, coord) for key, coord in lay.cells.items()}
    rows = {n: {k: _cell(wb, c) for k, c in lay.opinion_cells(n).items()}
            for n in range(1, lay.topics + 1)}
    if all(blank(c) for c in [*cells.values(), *(c for r in rows.values() for c in r.values())]):
        problems.warning(None, None, f"phiếu của {unit.name} chưa điền, bỏ qua")
        return unit
    values = {key: read_value(problems, cell, _RESULT_FIELDS[key]) for key, cell in cells.items()}
    opinions = read_opinions(rows, problems)
    check_rules(plan, unit, values, cells, problems)
    if problems.has_errors or opinions is None:
        return None
    result = Result(
        report=_ref(plan, values, unit),
        steering=values["steering"],
        officials=values["officials"],
        poor=values["poor"],
        near_poor=values["near_poor"],
        issuer_delegates=values["issuer_delegates"] or 0,
        policies=values["policies"],
        proposals=values["proposals"] or "",
        spent=values["spent"],
        signer=_signer(plan, values),
        opinions=opinions,
    )
    coords = {key: cell.coord for key, cell in cells.items()}
    coords["opinions"] = f"A{lay.opinions_header}"
    return ReadForm(path.name, unit, wb.sha256, ident["form_id"], result, coords)


def _ref(plan: Plan, values: dict[str, Any], unit: Unit) -> DocumentRef:
    return plan.unit_ref(unit, values["number"], values["date"])


def _signer(plan: Plan, values: dict[str, Any]) -> Signer:
    """As the "Kết quả" sheet's signer (``Plan.unit_signer``, one definition for both)."""
    return plan.unit_signer(values["signer_name"], values["signer_title"], values["authority"])


def _identity(wb: WorkbookFile) -> dict[str, str] | None:
    ws = wb.sheet(L.IDENTITY_SHEET)
    if ws is None:
        return None
    out: dict[str, str] = {}
    for r in range(1, len(L.IDENTITY_KEYS) + 6):
        key, value = ws.cell(r, 1).value, ws.cell(r, 2).value
        if isinstance(key, str) and key in L.IDENTITY_KEYS:
            out[key] = "" if value is None else str(value).strip()
    if out.get("format") != L.FORMAT or any(k not in out for k in L.IDENTITY_KEYS):
        return None
    return out


def _check_identity(
    plan: Plan, file: str, ident: dict[str, str], problems: FileProblems, names: _Names
) -> Unit | None:
    if ident["version"] != str(L.VERSION):
        problems.error(None, None, f"phiếu mẫu phiên bản {ident['version']}, vanban này đọc phiên "
                                   f"bản {L.VERSION}; hãy dùng phiếu mới của lệnh vanban forms")
        return None
    issued = plan.ref.date.isoformat() if plan.ref.date else ""
    symbol = names.symbol
    same_symbol = ident["plan_symbol"] == symbol or ident["plan_symbol"].startswith("/")
    if (match_key(ident["plan_issuer"]) != match_key(plan.issuer.name)
            or ident["plan_date"] != issued or not same_symbol):
        problems.error(
            None, None,
            f"phiếu của kế hoạch khác (Kế hoạch số {ident['plan_symbol']}, "
            f"{ident['plan_issuer']}, ngày {_iso_to_short(ident['plan_date'])}), không phải "
            f"Kế hoạch số {symbol} ngày {short_date(plan.ref.date) if plan.ref.date else ''}"
            f"; không nhận phiếu này",
        )
        return None
    unit = next((u for u in plan.units if match_key(u.place.text) == match_key(ident["unit"])),
                None)
    if unit is None:
        problems.error(None, None, f'phiếu của đơn vị "{ident["unit"]}", không có trong kế hoạch '
                                   f"{symbol}; không nhận phiếu này")
        return None
    if ident["form_id"] != L.form_id(plan, unit):
        problems.error(None, None, f"mã phiếu không khớp với kế hoạch {symbol} và "
                                   f"{unit.name}: phiếu đã bị sửa phần nhận dạng; hãy dùng phiếu "
                                   "của lệnh vanban forms")
        return None
    by_slug = {names.slugs[u.row]: u for u in plan.units}
    named = by_slug.get(Path(file).stem.lower())
    if named is not None and named is not unit:
        problems.error(None, None, f"tệp mang tên của {named.name} nhưng là phiếu của "
                                   f"{unit.name}; không nhận phiếu này, hãy kiểm tra lại tệp")
        return None
    return unit


def _iso_to_short(text: str) -> str:
    try:
        return short_date(date.fromisoformat(text))
    except ValueError:
        return shown(text)


def _check_topics(plan: Plan, wb: WorkbookFile, ident: dict[str, str], problems: FileProblems
                  ) -> bool:
    lay = L.Layout(len(plan.topics))
    ws = wb.sheet(L.FORM_SHEET)
    assert ws is not None  # _read_form checked
    texts = [ws.cell(lay.topic_row(t.number), 2).value for t in plan.topics]
    if ident["topics"] != str(len(plan.topics)) or any(
        not isinstance(text, str) or match_key(text) != match_key(t.text)
        for text, t in zip(texts, plan.topics, strict=True)
    ):
        problems.error(L.FORM_SHEET, f"B{lay.topic_row(1)}",
                       "các chủ đề của phiếu khác với sheet \"Nội dung\" của kế hoạch hiện tại; "
                       "hãy gửi lại phiếu mới của lệnh vanban forms")
        return False
    return True


def _cell(wb: WorkbookFile, coord: str) -> Cell:
    """An input cell of the form, read as the workbook's cells are, with the same warnings."""
    row, column = coordinate_to_tuple(coord)
    ws = wb.sheet(L.FORM_SHEET)
    assert ws is not None  # _read_form checked
    return wb.read_cell(ws, L.FORM_SHEET, row, column)
