"""The rules between cells and sheets: sums, funding tiers, dates and results.

Each rule reports at the cell a clerk must change, in Vietnamese, saying what was expected and
what was found.
"""

from __future__ import annotations

from typing import Any

from vanban import schema
from vanban.formatting import group_digits, short_date, vnd
from vanban.model import Plan
from vanban.unitref import UnitIndex
from vanban.workbook import Problems


def check_plan(
    plan: Plan,
    problems: Problems,
    meta_cells: dict[str, str],
    index: UnitIndex,
    stated_unit_totals: dict[str, tuple[Any, str]],
) -> None:
    _check_totals(plan, problems, meta_cells, index, stated_unit_totals)
    _check_tiers(plan, problems, index)
    _check_dates(plan, problems, meta_cells, index)
    _check_results(plan, problems, index)


def _check_totals(
    plan: Plan,
    problems: Problems,
    meta_cells: dict[str, str],
    index: UnitIndex,
    stated: dict[str, tuple[Any, str]],
) -> None:
    computed = {"poor": plan.poor, "near_poor": plan.near_poor, "total": plan.households}
    words = {"poor": "tổng số hộ nghèo", "near_poor": "tổng số hộ cận nghèo", "total": "tổng số hộ"}
    for key, (value, coord) in stated.items():
        if value is not None and value != computed[key]:
            problems.error(
                schema.UNITS.name, coord,
                f"{words[key]} ghi {group_digits(value)}, nhưng cộng các đơn vị được "
                f"{group_digits(computed[key])}",
            )
    if plan.funding_total != plan.budget:
        problems.error(
            schema.PLAN.name, meta_cells.get("budget"),
            f"tổng kinh phí ghi {vnd(plan.budget)}, nhưng cộng sheet \"{schema.FUNDING.name}\" "
            f"được {vnd(plan.funding_total)}",
        )
    if index.stated_funding_total is not None:
        value, coord = index.stated_funding_total
        if value is not None and value != plan.funding_total:
            problems.error(
                schema.FUNDING.name, coord,
                f"dòng tổng cộng ghi {vnd(value)}, nhưng cộng các đơn vị được "
                f"{vnd(plan.funding_total)}",
            )


def _check_tiers(plan: Plan, problems: Problems, index: UnitIndex) -> None:
    if not plan.funding_tiers:
        return
    for line in plan.funding:
        applicable = [t for t in plan.funding_tiers if line.unit.households >= t.min_households]
        if not applicable:
            continue
        expected = applicable[-1].amount
        if line.amount != expected:
            problems.error(
                schema.FUNDING.name, index.funding_cells.get(line.unit.row),
                f"theo định mức, {line.unit.name} ({group_digits(line.unit.households)} hộ) được "
                f"{vnd(expected)}, nhận được {vnd(line.amount)}",
            )


def _cell(index: UnitIndex, unit_row: int, what: str, key: str) -> str | None:
    row = index.rows.get((unit_row, what))
    if row is None or key not in row.cells:
        return None
    return row.cells[key].coord


def _check_dates(
    plan: Plan, problems: Problems, meta_cells: dict[str, str], index: UnitIndex
) -> None:
    start, end = plan.period_start, plan.period_end
    if end < start:
        problems.error(
            schema.PLAN.name, meta_cells.get("period_end"),
            f"ngày kết thúc {short_date(end)} trước ngày bắt đầu {short_date(start)}",
        )
    if plan.ref.date is not None and plan.ref.date > start:
        problems.error(
            schema.PLAN.name, meta_cells.get("date"),
            f"kế hoạch ban hành ngày {short_date(plan.ref.date)}, sau khi đợt đối thoại bắt đầu "
            f"({short_date(start)})",
        )
    for u in plan.units:
        s = u.schedule
        if s is None:
            continue
        if not start <= s.day <= end:
            problems.error(
                schema.SCHEDULE.name, _cell(index, u.row, "schedule", "day"),
                f"{u.name} đối thoại ngày {short_date(s.day)}, ngoài thời gian của kế hoạch "
                f"({short_date(start)} – {short_date(end)})",
            )
        if s.invitation.date is not None and s.invitation.date > s.day:
            problems.error(
                schema.SCHEDULE.name, _cell(index, u.row, "schedule", "date"),
                f"giấy mời của {u.name} ghi ngày {short_date(s.invitation.date)}, sau ngày đối "
                f"thoại {short_date(s.day)}",
            )
        if plan.ref.date is not None and s.invitation.date is not None and (
            s.invitation.date < plan.ref.date
        ):
            problems.error(
                schema.SCHEDULE.name, _cell(index, u.row, "schedule", "date"),
                f"giấy mời của {u.name} ghi ngày {short_date(s.invitation.date)}, trước ngày ban "
                f"hành kế hoạch {short_date(plan.ref.date)}",
            )


def _check_results(plan: Plan, problems: Problems, index: UnitIndex) -> None:
    p = plan.participants
    known_topics = {t.number for t in plan.topics}
    for u in plan.units:
        r = u.result
        if r is None:
            continue
        sheet = schema.RESULTS.name
        limits = (
            ("poor", r.poor, u.poor, "hộ nghèo"),
            ("near_poor", r.near_poor, u.near_poor, "hộ cận nghèo"),
            ("steering", r.steering, p.steering_count, "người Ban Chỉ đạo"),
            ("officials", r.officials, p.officials_count, "cán bộ ấp, khóm"),
        )
        for key, came, invited, what in limits:
            if came > invited:
                problems.error(
                    sheet, _cell(index, u.row, "result", key),
                    f"{u.name}: {came} {what} tham dự, nhiều hơn số được mời ({invited})",
                )
        allocated = plan.funding_for(u)
        if allocated is not None and r.spent > allocated:
            problems.error(
                sheet, _cell(index, u.row, "result", "spent"),
                f"{u.name} đã chi {vnd(r.spent)}, vượt số được phân bổ {vnd(allocated)}",
            )
        if u.schedule is not None and r.report.date is not None and r.report.date < u.schedule.day:
            problems.error(
                sheet, _cell(index, u.row, "result", "date"),
                f"báo cáo của {u.name} ghi ngày {short_date(r.report.date)}, trước ngày đối thoại "
                f"{short_date(u.schedule.day)}",
            )
    for unit_row, row in index.opinion_rows:
        cells = row.cells
        values = {k: cells[k].value for k in ("topic", "raised", "answered", "passed_up") if k in cells}
        if not all(isinstance(values.get(k), int) for k in values):
            continue
        unit = index.by_row(unit_row)
        if values.get("topic") not in known_topics:
            problems.error(
                schema.OPINIONS.name, cells["topic"].coord,
                f"nhóm chủ đề {values.get('topic')} không có; kế hoạch có các chủ đề "
                f"{', '.join(str(n) for n in sorted(known_topics))}",
            )
        if values["answered"] + values["passed_up"] != values["raised"]:
            problems.error(
                schema.OPINIONS.name, cells["raised"].coord,
                f"{unit.name}: {values['answered']} trả lời tại chỗ + {values['passed_up']} chuyển "
                f"cấp trên phải bằng {values['raised']} ý kiến",
            )
