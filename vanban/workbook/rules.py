"""The rules between cells and sheets: sums, funding tiers, dates, results and the roster.

They run on the :class:`~vanban.workbook.draft.Draft`, before there is a plan, so they are checked even
when other cells are wrong; a rule whose inputs could not be read is skipped (the unreadable cell
is already reported). Each rule reports at the cell a clerk must change, in Vietnamese, saying
what was expected and what was found.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from vanban.text.formatting import group_digits, short_date, vnd
from vanban.workbook import schema
from vanban.workbook.cells import what
from vanban.workbook.draft import Draft, Record, one_per_unit
from vanban.workbook.reader import Problems
from vanban.workbook.registration import check_registration
from vanban.workbook.roster import check_roster
from vanban.workbook.unitref import unit_label


def check_rules(draft: Draft, problems: Problems) -> None:
    _check_unit_totals(draft, problems)
    _check_funding_sums(draft, problems)
    _check_tiers(draft, problems)
    _check_dates(draft, problems)
    _check_plausible_dates(draft, problems)
    _check_results(draft, problems)
    _check_opinions(draft, problems)
    _check_signers(draft, problems)
    _check_unit_issuer(draft, problems)
    check_roster(draft, problems)
    check_registration(draft, problems)


def _households(rec: Record | None) -> int | None:
    if rec is None or not rec.ints("poor", "near_poor"):
        return None
    return int(rec.get("poor")) + int(rec.get("near_poor"))


def _check_unit_totals(d: Draft, problems: Problems) -> None:
    sheet = schema.UNITS.name
    for rec in d.units:
        total, households = rec.get("total"), _households(rec)
        if isinstance(total, int) and households is not None and total != households:
            problems.error(
                sheet, rec.coord("total"),
                f"tổng số hộ phải bằng hộ nghèo + hộ cận nghèo = {group_digits(households)}, "
                f"nhận được {group_digits(total)}",
            )
    stated = d.unit_totals
    if stated is None or not d.units or not all(r.ints("poor", "near_poor") for r in d.units):
        return
    poor = sum(int(r.get("poor")) for r in d.units)
    near = sum(int(r.get("near_poor")) for r in d.units)
    computed = {"poor": poor, "near_poor": near, "total": poor + near}
    words = {"poor": "tổng số hộ nghèo", "near_poor": "tổng số hộ cận nghèo", "total": "tổng số hộ"}
    for key, value in stated.values.items():
        if isinstance(value, int) and value != computed[key]:
            problems.error(
                sheet, stated.coord(key),
                f'dòng "{schema.TOTAL_LABEL}": {words[key]} phải bằng cộng các đơn vị '
                f"({group_digits(computed[key])}), nhận được {group_digits(value)}",
            )


def _check_funding_sums(d: Draft, problems: Problems) -> None:
    if not d.funding or not all(r.ints("amount") for r in d.funding):
        return
    total = sum(int(r.get("amount")) for r in d.funding)
    budget = d.meta.get("budget")
    if isinstance(budget, int) and budget != total:
        problems.error(
            schema.PLAN.name, d.meta.coord("budget"),
            f'tổng kinh phí phải bằng cộng các dòng sheet "{schema.FUNDING.name}" ({vnd(total)}), '
            f"nhận được {vnd(budget)}",
        )
    stated = d.funding_total
    written = stated.get("amount") if stated is not None else None
    if stated is not None and isinstance(written, int) and written != total:
        problems.error(
            schema.FUNDING.name, stated.coord("amount"),
            f'dòng "{schema.TOTAL_LABEL}" phải bằng cộng các đơn vị ({vnd(total)}), nhận được '
            f"{vnd(written)}",
        )


def _check_tiers(d: Draft, problems: Problems) -> None:
    if not d.tiers or not d.tiers_complete:
        return
    tiers = sorted((int(t.get("min_households")), int(t.get("amount"))) for t in d.tiers)
    for line in d.funding:
        if line.unit is None or not line.ints("amount"):
            continue
        households = _households(d.unit_record(line.unit))
        if households is None:
            continue
        applicable = [amount for least, amount in tiers if households >= least]
        if applicable and line.get("amount") != applicable[-1]:
            problems.error(
                schema.FUNDING.name, line.coord("amount"),
                f'theo sheet "{schema.TIERS.name}", {unit_label(line.unit)} '
                f"({group_digits(households)} hộ) được {vnd(applicable[-1])}, nhận được "
                f"{vnd(line.get('amount'))}",
            )


def _date(rec: Record | None, key: str) -> date | None:
    value = rec.get(key) if rec is not None else None
    return value if isinstance(value, date) else None


def _name(rec: Record) -> str:
    return unit_label(rec.unit) if rec.unit is not None else str(rec.get("unit") or "")


def _check_dates(d: Draft, problems: Problems) -> None:
    plan_sheet = schema.PLAN.name
    start, end, issued = _date(d.meta, "period_start"), _date(d.meta, "period_end"), _date(
        d.meta, "date"
    )
    if start is not None and end is not None and end < start:
        problems.error(
            plan_sheet, d.meta.coord("period_end"),
            f"ngày kết thúc phải từ ngày bắt đầu {short_date(start)} trở đi, nhận được "
            f"{short_date(end)}",
        )
        start = end = None  # which end is wrong is unknown: no dialogue is judged against them
    if issued is not None and start is not None and issued > start:
        problems.error(
            plan_sheet, d.meta.coord("date"),
            f"ngày ban hành kế hoạch phải trước ngày bắt đầu đối thoại {short_date(start)}, nhận "
            f"được {short_date(issued)}",
        )
        issued = None  # the plan's own date is wrong: invitations are not judged against it
    sheet = schema.SCHEDULE.name
    for rec in d.schedules:
        day, invited = _date(rec, "day"), _date(rec, "date")
        if day is not None and start is not None and end is not None and not start <= day <= end:
            problems.error(
                sheet, rec.coord("day"),
                f"ngày đối thoại của {_name(rec)} phải trong thời gian của kế hoạch "
                f"({short_date(start)} – {short_date(end)}), nhận được {short_date(day)}",
            )
        if day is not None and invited is not None and invited > day:
            problems.error(
                sheet, rec.coord("date"),
                f"giấy mời của {_name(rec)} phải ghi ngày không sau ngày đối thoại "
                f"{short_date(day)}, nhận được {short_date(invited)}",
            )
        elif issued is not None and invited is not None and invited < issued:
            problems.error(
                sheet, rec.coord("date"),
                f"giấy mời của {_name(rec)} phải ghi ngày từ ngày ban hành kế hoạch "
                f"{short_date(issued)} trở đi, nhận được {short_date(invited)}",
            )


# A dialogue round, its invitations and its reports fall within weeks of the plan; two years either
# side leaves room for a plan issued a year ahead or reported late, and catches a mistyped year
# (2099 for 2022, or 1900 from a date Excel read as a small number).
PLAUSIBLE_SPAN = timedelta(days=2 * 366)
# No plan under Decree 30/2020 predates 2000; a plan dated years ahead of today is a typing slip.
EARLIEST_PLAN = date(2000, 1, 1)


def _check_plausible_dates(d: Draft, problems: Problems) -> None:
    """Every date of the workbook near the plan's date: a warning at each one that is not."""
    issued = _date(d.meta, "date")
    latest = date.today() + PLAUSIBLE_SPAN
    if issued is not None and not EARLIEST_PLAN <= issued <= latest:
        problems.warning(
            schema.PLAN.name, d.meta.coord("date"),
            f"ngày ban hành kế hoạch {short_date(issued)} khó có thật (trước năm "
            f"{EARLIEST_PLAN.year} hoặc sau hôm nay hơn 2 năm): hãy kiểm tra lại năm",
        )
        issued = None
    reference = issued or _date(d.meta, "period_start")
    if reference is None:
        return
    # Only the date fields of each sheet (the roster, a province's largest sheet, has none).
    date_fields = {s.name: [f for f in s.fields if f.type == "date"] for s in schema.SHEETS}
    records = [d.meta, *d.units, *d.funding, *d.tiers, *d.schedules, *d.results, *d.opinions,
               *d.roster]  # fmt: skip
    for rec in records:
        for f in date_fields.get(rec.sheet, ()):
            value = _date(rec, f.key)
            if value is None or (rec is d.meta and f.key == "date"):
                continue  # the plan's own date is judged above
            if abs(value - reference) > PLAUSIBLE_SPAN:
                since = "ngày ban hành kế hoạch" if issued is not None else "ngày bắt đầu đối thoại"
                problems.warning(
                    rec.sheet, rec.coord(f.key),
                    f"{what(f)} {short_date(value)} cách {since} {short_date(reference)} hơn 2 "
                    "năm: hãy kiểm tra lại năm",
                )


def _limit(
    problems: Problems, rec: Record, key: str, invited: Any, what: str
) -> None:
    came = rec.get(key)
    if isinstance(came, int) and isinstance(invited, int) and came > invited:
        problems.error(
            rec.sheet, rec.coord(key),
            f"{_name(rec)}: số {what} tham dự không được nhiều hơn số được mời ({invited}), nhận "
            f"được {came}",
        )


def _check_results(d: Draft, problems: Problems) -> None:
    schedules, funding = one_per_unit(d.schedules), one_per_unit(d.funding)
    for rec in d.results:
        unit = rec.unit
        if unit is None:
            continue
        unit_rec = d.unit_record(unit)
        if unit_rec is not None:
            _limit(problems, rec, "poor", unit_rec.get("poor"), "hộ nghèo")
            _limit(problems, rec, "near_poor", unit_rec.get("near_poor"), "hộ cận nghèo")
        _limit(problems, rec, "steering", d.meta.get("steering_count"), "người Ban Chỉ đạo")
        _limit(problems, rec, "officials", d.meta.get("officials_count"), "cán bộ ấp, khóm")
        _check_spent(problems, rec, funding.get(unit.row))
        day, reported = _date(schedules.get(unit.row), "day"), _date(rec, "date")
        if day is not None and reported is not None and reported < day:
            problems.error(
                rec.sheet, rec.coord("date"),
                f"báo cáo của {_name(rec)} phải ghi ngày từ ngày đối thoại {short_date(day)} trở "
                f"đi, nhận được {short_date(reported)}",
            )


def _check_spent(problems: Problems, rec: Record, line: Record | None) -> None:
    """``line``: the unit's one row of sheet "Kinh phí" (None when it has none, or several)."""
    allocated, spent = line.get("amount") if line is not None else None, rec.get("spent")
    if isinstance(allocated, int) and isinstance(spent, int) and spent > allocated:
        problems.error(
            rec.sheet, rec.coord("spent"),
            f"{_name(rec)}: kinh phí đã chi không được vượt số được phân bổ ({vnd(allocated)}, "
            f'sheet "{schema.FUNDING.name}" ô {line.coord("amount") if line else ""}), nhận được '
            f"{vnd(spent)}",
        )


def _check_opinions(d: Draft, problems: Problems) -> None:
    topics = len(d.texts.sections["Chủ đề"])
    for rec in d.opinions:
        topic = rec.get("topic")
        if isinstance(topic, int) and topics and not 1 <= topic <= topics:
            problems.error(
                rec.sheet, rec.coord("topic"),
                f'nhóm chủ đề phải là số thứ tự một chủ đề ở sheet "{schema.TEXTS.name}" '
                f"(1 đến {topics}), nhận được {topic}",
            )
        if rec.ints("raised", "answered", "passed_up"):
            raised, answered, passed = rec.get("raised"), rec.get("answered"), rec.get("passed_up")
            if answered + passed != raised:
                problems.error(
                    rec.sheet, rec.coord("raised"),
                    f"{_name(rec)}, nhóm chủ đề {topic}: số ý kiến phải bằng trả lời tại chỗ "
                    f"({answered}) + chuyển cấp trên ({passed}) = {answered + passed}, nhận được "
                    f"{raised}",
                )


def _check_signers(d: Draft, problems: Problems) -> None:
    """A signer "KT.", "TL.", "TUQ." or "Q." signs for a head whose title the block must print."""
    for prefix in ("signer", "summary_signer"):
        authority = d.meta.get(f"{prefix}_authority")
        if authority is None or d.meta.get(f"{prefix}_name") is None:
            continue
        head_key = f"{prefix}_head"
        acting = authority == "Q." and d.meta.get(f"{prefix}_title") is not None
        if d.meta.get(head_key) is None and not acting:
            head, auth = schema.PLAN.field(head_key), schema.PLAN.field(f"{prefix}_authority")
            problems.error(
                schema.PLAN.name, d.meta.coord(head_key),
                f'{what(head)} không được để trống khi mục "{auth.label}" là "{authority}"',
            )


def _check_unit_issuer(d: Draft, problems: Problems) -> None:
    """Units that issue their own documents need their body named: its kind, abbreviation and
    (for a KT. signer) its head; a plan whose issuer issues for each unit needs none of these."""
    issuer = schema.PLAN.field("unit_issuer")
    coord = d.meta.coord("unit_issuer")
    if any(p.is_error and p.sheet == schema.PLAN.name and p.cell == coord for p in problems.items):
        return  # a value off the list is reported already; what it meant is unknown
    if schema.UNIT_ISSUER_OF.get(d.meta.get("unit_issuer") or "đơn vị") != "unit":
        _check_deputies_have_a_head(d, problems)
        return
    for key in ("unit_body_kind", "unit_body_abbr", "unit_head"):
        if d.meta.get(key) is None:
            problems.error(
                schema.PLAN.name, d.meta.coord(key),
                f'{what(schema.PLAN.field(key))} không được để trống khi mục "{issuer.label}" '
                'là "đơn vị" (mỗi đơn vị tự ban hành văn bản của mình)',
            )


def _check_deputies_have_a_head(d: Draft, problems: Problems) -> None:
    """Issued by the plan's issuer, a unit document signed KT., TL. or TUQ. prints its head's
    title ("KT. CHỦ TỊCH"): from "Đơn vị: chức danh thủ trưởng", else the plan signer's."""
    if d.meta.get("unit_head") is not None or d.meta.get("signer_head") is not None:
        return
    for sheet, rows in ((schema.SCHEDULE, d.schedules), (schema.RESULTS, d.results)):
        for rec in rows:
            authority = rec.get("authority")
            if authority in ("KT.", "TL.", "TUQ."):
                head = schema.PLAN.field("unit_head")
                problems.error(
                    sheet.name, rec.coord("authority"),
                    f'thẩm quyền ký "{authority}" cần chức danh thủ trưởng: hãy ghi mục '
                    f'"{head.label}" ở sheet "{schema.PLAN.name}"',
                )
