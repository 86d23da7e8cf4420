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

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from vanban.errors import InputError, Problem, ResultFormsError, WorkbookError
from vanban.forms import layout as L
from vanban.issuing.paths import unit_slugs
from vanban.model import DocumentRef, Opinions, Plan, Result, Signer, Unit
from vanban.text.formatting import group_digits, short_date, vnd
from vanban.text.names import match_key
from vanban.workbook import schema
from vanban.workbook.cells import read_value, shown
from vanban.workbook.reader import Cell, Problems, WorkbookFile


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


class _FileProblems(Problems):
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

    def receipt(self, unit_name: str | None) -> FormReceipt | None:
        return next((r for r in self.received if r.unit == unit_name), None)


@dataclass
class _Form:
    file: str
    unit: Unit
    sha256: str
    form_id: str
    result: Result
    coords: dict[str, str]


_SKIPPED_PREFIXES = ("~$", ".~lock", ".")  # Excel's and LibreOffice's lock files, hidden files
_RESULT_FIELDS = {f.key: f for f in schema.RESULTS.fields}
_OPINION_FIELDS = {f.key: f for f in schema.OPINIONS.fields}


def collect_forms(plan: Plan, folder: Path | str | None) -> tuple[Plan, FormIndex | None]:
    """The plan with the results of the forms in ``folder``, and which form fed which unit.

    ``folder`` None returns the plan as it is. Raises ResultFormsError with every problem of
    every form, or InputError when the folder itself cannot be read.
    """
    if folder is None:
        return plan, None
    root = Path(folder)
    if not root.is_dir():
        what = "không phải thư mục" if root.exists() else "không tìm thấy"
        raise InputError(f"Thư mục phiếu kết quả {root}: {what}.")
    problems = Problems()
    forms: list[_Form] = []
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise InputError(f"Không đọc được thư mục phiếu kết quả {root}: {exc.strerror}.") from exc
    for path in entries:
        name = path.name
        if name.startswith(_SKIPPED_PREFIXES):
            continue
        mine = _FileProblems(problems, name)
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
    _one_form_per_unit(forms, problems)
    for form in forms:
        _agrees_with_sheet(form, problems)
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


def _read_form(plan: Plan, path: Path, problems: _FileProblems) -> _Form | None:
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
    if all(c.value is None and c.formula is None and c.error is None
           for c in [*cells.values(), *(c for r in rows.values() for c in r.values())]):
        problems.warning(None, None, f"phiếu của {unit.name} chưa điền, bỏ qua")
        return None
    values = {key: read_value(problems, cell, _RESULT_FIELDS[key]) for key, cell in cells.items()}
    opinions = _opinions(rows, problems)
    _check_rules(plan, unit, values, cells, problems)
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
    return _Form(path.name, unit, wb.sha256, ident["form_id"], result, coords)


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
    plan: Plan, file: str, ident: dict[str, str], problems: _FileProblems
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


def _check_topics(plan: Plan, wb: WorkbookFile, ident: dict[str, str], problems: _FileProblems
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


def _blank(cell: Cell) -> bool:
    return cell.value is None and cell.formula is None and cell.error is None


def _opinions(rows: dict[int, dict[str, Cell]], problems: _FileProblems
              ) -> tuple[Opinions, ...] | None:
    out: list[Opinions] = []
    complete = True
    for topic, cells in rows.items():
        if all(_blank(c) for c in cells.values()):
            continue  # no opinion on this topic
        v = {k: read_value(problems, c, _OPINION_FIELDS[k]) for k, c in cells.items()}
        raised, answered, passed = v["raised"], v["answered"], v["passed_up"]
        if not all(isinstance(x, int) for x in (raised, answered, passed)):
            complete = False
            continue
        if answered + passed != raised:
            problems.error(
                L.FORM_SHEET, cells["raised"].coord,
                f"chủ đề {topic}: số ý kiến phải bằng trả lời tại chỗ ({answered}) + chuyển cấp "
                f"trên ({passed}) = {answered + passed}, nhận được {raised}",
            )
            complete = False
            continue
        out.append(Opinions(topic, raised, answered, passed, v["summary"] or ""))
    return tuple(out) if complete else None


def _check_rules(plan: Plan, unit: Unit, values: dict[str, Any], cells: dict[str, Cell],
                 problems: _FileProblems) -> None:
    p = plan.participants
    for key, invited, what in (
        ("steering", p.steering_count, "người Ban Chỉ đạo"),
        ("officials", p.officials_count, "cán bộ ấp, khóm"),
        ("poor", unit.poor, "hộ nghèo"),
        ("near_poor", unit.near_poor, "hộ cận nghèo"),
    ):
        came = values[key]
        if isinstance(came, int) and came > invited:
            problems.error(
                L.FORM_SHEET, cells[key].coord,
                f"{unit.name}: số {what} tham dự không được nhiều hơn số được mời ({invited}), "
                f"nhận được {came}",
            )
    allocated, spent = plan.funding_for(unit) or 0, values["spent"]
    if isinstance(spent, int) and spent > allocated:
        problems.error(
            L.FORM_SHEET, cells["spent"].coord,
            f"{unit.name}: kinh phí đã chi không được vượt số được phân bổ ({vnd(allocated)}), "
            f"nhận được {vnd(spent)}",
        )
    first, last = L.report_window(plan, unit)
    reported = values["date"]
    if isinstance(reported, date) and not first <= reported <= last:
        problems.error(
            L.FORM_SHEET, cells["date"].coord,
            f"ngày báo cáo của {unit.name} phải từ ngày đối thoại {short_date(first)} đến "
            f"{short_date(last)}, nhận được {short_date(reported)}",
        )


def _one_form_per_unit(forms: list[_Form], problems: Problems) -> None:
    seen: dict[int, _Form] = {}
    for form in list(forms):
        first = seen.get(form.unit.row)
        if first is None:
            seen[form.unit.row] = form
            continue
        problems.items.append(FormProblem(
            None, None, f'hai phiếu cho {form.unit.name}: tệp "{first.file}" và tệp '
                        f'"{form.file}"; chỉ giữ một phiếu trong thư mục', "error", file=form.file,
        ))


_COMPARED = (
    ("number", "số báo cáo"), ("date", "ngày báo cáo"), ("steering", "Ban Chỉ đạo tham dự"),
    ("officials", "cán bộ ấp, khóm tham dự"), ("poor", "hộ nghèo tham dự"),
    ("near_poor", "hộ cận nghèo tham dự"), ("issuer_delegates", "đại biểu cấp ban hành tham dự"),
    ("policies", "chính sách đã thông tin"), ("proposals", "đề xuất, kiến nghị"),
    ("spent", "kinh phí đã chi"), ("signer", "người ký"), ("opinions", "ý kiến theo chủ đề"),
)


def _field(result: Result, key: str) -> Any:
    if key == "number":
        return result.report.number
    if key == "date":
        return result.report.date
    return getattr(result, key)


def _said(value: Any) -> str:
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, bool) or value is None:
        return "trống"
    if isinstance(value, int):
        return group_digits(value)
    if isinstance(value, Signer):
        return " ".join(x for x in (value.authority, value.title, value.name) if x)
    if isinstance(value, tuple):
        return "; ".join(f"chủ đề {o.topic}: {o.raised}/{o.answered}/{o.passed_up}" for o in value)
    return shown(value)


def _agrees_with_sheet(form: _Form, problems: Problems) -> None:
    """A unit with both a form and a "Kết quả" row: both must say the same."""
    sheet = form.unit.result
    if sheet is None or sheet == form.result:
        return
    for key, label in _COMPARED:
        mine, theirs = _field(form.result, key), _field(sheet, key)
        if mine != theirs:
            cell = form.coords["signer_name" if key == "signer" else key]
            problems.items.append(FormProblem(
                L.FORM_SHEET, cell,
                f"{form.unit.name} có cả phiếu này và dòng ở sheet \"{schema.RESULTS.name}\" của "
                f"bảng tính, với {label} khác nhau: phiếu ghi {_said(mine)}, bảng tính ghi "
                f"{_said(theirs)}; hãy xóa dòng ở bảng tính hoặc sửa cho khớp",
                "error", file=form.file,
            ))
