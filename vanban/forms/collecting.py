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

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from vanban.errors import InputError, ResultFormsError, WorkbookError
from vanban.forms import layout as L
from vanban.forms.checks import (
    agrees_with_sheet,
    blank,
    check_rules,
    disagrees_with_sheet,
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
from vanban.workbook.unitref import UnitIndex

_SKIPPED_PREFIXES = ("~$", ".~lock", ".")  # Excel's and LibreOffice's lock files, hidden files
_RESULT_FIELDS = {f.key: f for f in schema.RESULTS.fields}


def collect_forms(
    plan: Plan, folder: Path | str | None, workbook: Path | str | None = None
) -> tuple[Plan, FormIndex | None]:
    """The plan with the results of the forms in ``folder``, and which form fed which unit.

    ``folder`` None returns the plan as it is. ``workbook``, the plan's file, lets a form that
    disagrees with the "Kết quả" sheet name the sheet's cell too. Raises ResultFormsError with every problem of
    every form, or InputError when the folder itself cannot be read.
    """
    if folder is None:
        return plan, None
    root = Path(folder)
    if not root.is_dir():
        what = "không phải thư mục" if root.exists() else "không tìm thấy"
        raise InputError(f"Thư mục phiếu kết quả {root}: {what}.")
    problems = Problems()
    forms: list[ReadForm] = []
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise InputError(f"Không đọc được thư mục phiếu kết quả {root}: {exc.strerror}.") from exc
    for path in entries:
        name = path.name
        if name.startswith(_SKIPPED_PREFIXES):
            continue
        mine = FileProblems(problems, name)
        if path.suffix.lower() != ".xlsx":
            if path.is_file():
                mine.warning(None, None, "không phải tệp .xlsx, bỏ qua")
            continue
        if path.is_symlink() or not path.is_file():
            mine.warning(None, None, "không phải tệp thường (liên kết hoặc thư mục), bỏ qua")
            continue
        form = _read_form(plan, path, mine)
        if form is not None:
            forms.append(form)
    if not forms and not problems.has_errors:
        problems.warning(None, None, f"thư mục {root} chưa có phiếu kết quả nào đã điền")
    one_form_per_unit(forms, problems)
    rows = _sheet_rows(plan, workbook) if any(disagrees_with_sheet(f) for f in forms) else {}
    for form in forms:
        agrees_with_sheet(form, problems, rows.get(form.unit.row, {}))
    if problems.has_errors:
        raise ResultFormsError(problems.items, str(root))
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
    )
    # The funding lines point at the units they fund (``Plan.funding_for`` compares identity).
    new = {u.row: u for u in units}
    funding = tuple(replace(line, unit=new[line.unit.row]) for line in plan.funding)
    return replace(plan, units=units, funding=funding, warnings=warnings), index


def _sheet_rows(plan: Plan, workbook: Path | str | None) -> dict[int, dict[str, str]]:
    """Unit row -> field -> the cell of that unit's row in "Kết quả" (read again, only read)."""
    if workbook is None:
        return {}
    try:
        table = WorkbookFile(Path(workbook), Problems()).read_table(schema.RESULTS)
    except WorkbookError:
        return {}
    index = UnitIndex(plan.units, None, schema.UNITS.name)
    out: dict[int, dict[str, str]] = {}
    for row in table.rows if table is not None else []:
        named = row.cells.get("unit")
        found = index.find(named.value) if named and isinstance(named.value, str) else []
        if len(found) == 1:
            out.setdefault(found[0].row, {k: c.coord for k, c in row.cells.items()})
    return out


def _read_form(plan: Plan, path: Path, problems: FileProblems) -> ReadForm | None:
    try:
        wb = WorkbookFile(path, problems)
    except WorkbookError as exc:
        for p in exc.errors:
            problems.error(p.sheet, p.cell, p.message)
        return None
    ident = _identity(wb)
    if ident is None or L.FORM_SHEET not in wb.values.sheetnames:
        problems.error(None, None, "không phải phiếu kết quả do vanban lập (thiếu phần nhận dạng "
                                   "ẩn); hãy dùng phiếu của lệnh vanban forms")
        return None
    unit = _check_identity(plan, path.name, ident, problems)
    if unit is None or not _check_topics(plan, wb, ident, problems):
        return None
    lay = L.Layout(len(plan.topics))
    cells = {key: _cell(wb, coord) for key, coord in lay.cells.items()}
    rows = {n: {k: _cell(wb, c) for k, c in lay.opinion_cells(n).items()}
            for n in range(1, lay.topics + 1)}
    if all(blank(c) for c in [*cells.values(), *(c for r in rows.values() for c in r.values())]):
        problems.warning(None, None, f"phiếu của {unit.name} chưa điền, bỏ qua")
        return None
    values = {key: read_value(problems, cell, _RESULT_FIELDS[key]) for key, cell in cells.items()}
    opinions = read_opinions(rows, problems)
    check_rules(plan, unit, values, cells, problems)
    if problems.has_errors or opinions is None:
        return None
    result = Result(
        report=_ref(values, unit),
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


def _ref(values: dict[str, Any], unit: Unit) -> DocumentRef:
    return DocumentRef(values["number"], values["date"], unit.place.name)


def _signer(plan: Plan, values: dict[str, Any]) -> Signer:
    """As the "Kết quả" sheet's signer: TM. signs for the unit's body, others for its head."""
    authority, title, name = values["authority"], values["signer_title"], values["signer_name"]
    if authority == "TM.":
        return Signer(name, title, collective=plan.unit_body_kind)
    return Signer(name, title, authority=authority, head=plan.unit_head)


def _identity(wb: WorkbookFile) -> dict[str, str] | None:
    if L.IDENTITY_SHEET not in wb.values.sheetnames:
        return None
    ws = wb.values[L.IDENTITY_SHEET]
    out: dict[str, str] = {}
    for row in ws.iter_rows(min_row=1, max_row=len(L.IDENTITY_KEYS) + 5, max_col=2,
                            values_only=True):
        if row and isinstance(row[0], str) and row[0] in L.IDENTITY_KEYS:
            out[row[0]] = "" if row[1] is None else str(row[1]).strip()
    if out.get("format") != L.FORMAT or any(k not in out for k in L.IDENTITY_KEYS):
        return None
    return out


def _check_identity(
    plan: Plan, file: str, ident: dict[str, str], problems: FileProblems
) -> Unit | None:
    if ident["version"] != str(L.VERSION):
        problems.error(None, None, f"phiếu mẫu phiên bản {ident['version']}, vanban này đọc phiên "
                                   f"bản {L.VERSION}; hãy dùng phiếu mới của lệnh vanban forms")
        return None
    issued = plan.ref.date.isoformat() if plan.ref.date else ""
    same_symbol = ident["plan_symbol"] == plan.symbol or ident["plan_symbol"].startswith("/")
    if (match_key(ident["plan_issuer"]) != match_key(plan.issuer.name)
            or ident["plan_date"] != issued or not same_symbol):
        problems.error(
            None, None,
            f"phiếu của kế hoạch khác (Kế hoạch số {ident['plan_symbol']}, "
            f"{ident['plan_issuer']}, ngày {_iso_to_short(ident['plan_date'])}), không phải "
            f"Kế hoạch số {plan.symbol} ngày {short_date(plan.ref.date) if plan.ref.date else ''}"
            f"; không nhận phiếu này",
        )
        return None
    unit = next((u for u in plan.units if match_key(u.place.text) == match_key(ident["unit"])),
                None)
    if unit is None:
        problems.error(None, None, f'phiếu của đơn vị "{ident["unit"]}", không có trong kế hoạch '
                                   f"{plan.symbol}; không nhận phiếu này")
        return None
    if ident["form_id"] != L.form_id(plan, unit):
        problems.error(None, None, f"mã phiếu không khớp với kế hoạch {plan.symbol} và "
                                   f"{unit.name}: phiếu đã bị sửa phần nhận dạng; hãy dùng phiếu "
                                   "của lệnh vanban forms")
        return None
    slugs = unit_slugs(plan)
    by_slug = {slugs[u.row]: u for u in plan.units}
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
    ws = wb.values[L.FORM_SHEET]
    texts = [ws[f"B{lay.topic_row(t.number)}"].value for t in plan.topics]
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
    c = wb.values[L.FORM_SHEET][coord]
    raw, formula, error = c.value, None, None
    if c.data_type == "e":
        error, raw = str(raw), None
    elif raw is None and wb.formulas is not None:
        f = wb.formulas[L.FORM_SHEET][coord].value
        if isinstance(f, str) and f.startswith("="):
            formula = f
    font = getattr(getattr(c, "font", None), "name", None)
    value = wb._clean(L.FORM_SHEET, coord, raw, font if isinstance(font, str) else None)
    return Cell(L.FORM_SHEET, coord, value, formula, error)
