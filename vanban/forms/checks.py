"""The rules a returned form must keep, as the workbook's "Kết quả" and "Ý kiến" sheets do.

Attendance not above the number invited, money not above the allocation, a report dated within
the unit's reporting window, opinions that add up; one form per unit, and a form that says the
same as the unit's row in "Kết quả" when both exist. Each finding is named at the cell to change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vanban.forms import layout as L
from vanban.forms.receipts import FileProblems, FormProblem, ReadForm
from vanban.model import Opinions, Plan, Result, Signer, Unit
from vanban.text.formatting import group_digits, short_date, vnd
from vanban.workbook import schema
from vanban.workbook.cells import read_value, shown
from vanban.workbook.reader import Cell, Problems

_OPINION_FIELDS = {f.key: f for f in schema.OPINIONS.fields}


def blank(cell: Cell) -> bool:
    return cell.value is None and cell.formula is None and cell.error is None


def read_opinions(
    rows: dict[int, dict[str, Cell]], problems: FileProblems
) -> tuple[Opinions, ...] | None:
    """Each topic's opinions; a topic whose row is left blank had none. None after an error."""
    out: list[Opinions] = []
    complete = True
    for topic, cells in rows.items():
        if all(blank(c) for c in cells.values()):
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
        out.append(Opinions(topic, raised, answered, passed, v["content"] or ""))
    return tuple(out) if complete else None


def check_rules(
    plan: Plan, unit: Unit, values: dict[str, Any], cells: dict[str, Cell], problems: FileProblems
) -> None:
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


def one_form_per_unit(forms: list[ReadForm], problems: Problems) -> None:
    seen: dict[int, ReadForm] = {}
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
        if not value:
            return "không có ý kiến"
        return "; ".join(f"chủ đề {o.topic}: {o.raised}/{o.answered}/{o.passed_up}" for o in value)
    return shown(value)


def agrees_with_sheet(form: ReadForm, problems: Problems, sheet_cells: dict[str, str]) -> None:
    """A unit with both a form and a "Kết quả" row: both must say the same.

    ``sheet_cells`` is where the unit's row of "Kết quả" holds each field (empty if unknown).
    """
    sheet = form.unit.result
    if sheet is None or sheet == form.result:
        return
    for key, label in _COMPARED:
        mine, theirs = _field(form.result, key), _field(sheet, key)
        if mine == theirs:
            continue
        column = "signer_name" if key == "signer" else key
        if key == "opinions":
            there = f'sheet "{schema.OPINIONS.name}"'
        elif column in sheet_cells:
            there = f'sheet "{schema.RESULTS.name}", ô {sheet_cells[column]}'
        else:
            there = f'sheet "{schema.RESULTS.name}"'
        problems.items.append(FormProblem(
            L.FORM_SHEET, form.coords[column],
            f"{form.unit.name} có cả phiếu này và dòng ở sheet \"{schema.RESULTS.name}\" của "
            f"bảng tính, với {label} khác nhau: phiếu ghi {_said(mine)}, bảng tính ({there}) "
            f"ghi {_said(theirs)}; hãy xóa dòng ở bảng tính hoặc sửa cho khớp",
            "error", file=form.file,
        ))
