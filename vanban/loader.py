"""Building the :class:`~vanban.model.Plan` from a workbook, or every reason it cannot be built.

``load_plan`` reads every sheet, resolves the units that other sheets name, and runs the rules
of :mod:`vanban.rules`. It raises one :class:`~vanban.errors.WorkbookError` holding all the
problems of the workbook, or returns the plan with its warnings.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from vanban import schema
from vanban.errors import WorkbookError
from vanban.formatting import Dialect
from vanban.model import (
    Body,
    DocumentRef,
    FundingLine,
    FundingTier,
    Opinions,
    OrganisationItem,
    Participants,
    Place,
    Plan,
    Result,
    Schedule,
    Signer,
    SummaryReport,
    Topic,
    Unit,
)
from vanban.names import match_key
from vanban.rules import check_plan
from vanban.unitref import UnitIndex
from vanban.workbook import Problems, Row, Table, WorkbookFile, read_value


def load_plan(path: Path | str) -> Plan:
    """Read and validate a plan workbook; raise WorkbookError with every error found."""
    path = Path(path)
    problems = Problems()
    wb = WorkbookFile(path, problems)
    tables = {spec.name: wb.read_table(spec) for spec in schema.SHEETS}
    for name, table in tables.items():
        spec = next(s for s in schema.SHEETS if s.name == name)
        if table is not None and not table.rows and spec.required:
            problems.error(name, None, "sheet không có dòng dữ liệu nào")
    meta = _read_key_values(problems, tables[schema.PLAN.name])
    built = _build(problems, meta, tables) if not problems.has_errors else None
    plan = None
    if built is not None:
        plan, index, stated_unit_totals = built
        check_plan(plan, problems, meta.cells, index, stated_unit_totals)
    if plan is None or problems.has_errors:
        raise WorkbookError(problems.items, str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return replace(plan, workbook_sha256=digest, warnings=tuple(str(w) for w in problems.warnings))


def collect_problems(path: Path | str) -> tuple[Plan | None, list[Any]]:
    """For ``vanban check``: the plan (if good) and every problem, warnings included."""
    try:
        plan = load_plan(path)
    except WorkbookError as exc:
        return None, list(exc.problems)
    return plan, list(plan.warnings)


class Meta:
    """The plan sheet's values by field key, and the cell each came from."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.cells: dict[str, str] = {}

    def get(self, key: str, default: Any = None) -> Any:
        v = self.values.get(key)
        return default if v is None else v


def _read_key_values(problems: Problems, table: Table | None) -> Meta:
    meta = Meta()
    if table is None:
        return meta
    spec = schema.PLAN
    by_label = {match_key(f.label): f for f in spec.fields}
    seen: dict[str, str] = {}
    for row in table.rows:
        label_cell = row.cells.get("Mục")
        value_cell = row.cells.get("Giá trị")
        if label_cell is None or value_cell is None or not isinstance(label_cell.value, str):
            continue
        f = by_label.get(match_key(label_cell.value))
        if f is None:
            problems.warning(spec.name, label_cell.coord, f'mục "{label_cell.value}" không thuộc mẫu, bỏ qua')
            continue
        if f.key in seen:
            problems.error(
                spec.name, label_cell.coord,
                f'mục "{f.label}" ghi hai lần (đã có ở ô {seen[f.key]})',
            )
            continue
        seen[f.key] = label_cell.coord
        meta.cells[f.key] = value_cell.coord
        meta.values[f.key] = read_value(problems, value_cell, f)
    for f in spec.fields:
        if f.required and f.key not in seen:
            problems.error(spec.name, None, f'thiếu mục "{f.label}" ở cột "Mục"')
    return meta


def _rows(tables: dict[str, Table | None], spec: schema.Sheet) -> list[Row]:
    table = tables.get(spec.name)
    return table.rows if table is not None else []


def _values(problems: Problems, spec: schema.Sheet, row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in spec.fields:
        cell = row.cells.get(f.key)
        out[f.key] = read_value(problems, cell, f) if cell is not None else None
    return out


def _is_total_row(row: Row, *keys: str) -> bool:
    return any(
        isinstance(row.cells[k].value, str)
        and match_key(row.cells[k].value) == match_key(schema.TOTAL_LABEL)
        for k in keys
        if k in row.cells
    )


def _build(
    problems: Problems, meta: Meta, tables: dict[str, Table | None]
) -> tuple[Plan, UnitIndex, dict[str, tuple[Any, str]]] | None:
    units_spec = schema.UNITS
    units: list[Unit] = []
    stated_unit_totals: dict[str, tuple[Any, str]] = {}
    for row in _rows(tables, units_spec):
        if _is_total_row(row, "no", "kind", "name"):
            for key in ("poor", "near_poor", "total"):
                cell = row.cells.get(key)
                if cell is not None and cell.value is not None:
                    f = units_spec.field(key)
                    stated_unit_totals[key] = (read_value(problems, cell, f), cell.coord)
            continue
        v = _values(problems, units_spec, row)
        if v["kind"] is None or v["name"] is None or v["poor"] is None or v["near_poor"] is None:
            continue
        if v["total"] is not None and v["total"] != v["poor"] + v["near_poor"]:
            problems.error(
                units_spec.name, row.cells["total"].coord,
                f"tổng số hộ ghi {v['total']}, nhưng hộ nghèo + cận nghèo = "
                f"{v['poor'] + v['near_poor']}",
            )
        units.append(Unit(Place(v["kind"], v["name"]), v["poor"], v["near_poor"], row.number))
    index = UnitIndex(units, problems, units_spec.name)
    index.report_duplicates()

    schedules = _read_schedules(problems, tables, index, meta)
    results = _read_results(problems, tables, index, meta)
    units = [
        replace(u, schedule=schedules.get(u.row), result=results.get(u.row)) for u in units
    ]
    index.update(units)
    for u in units:
        if u.schedule is None:
            problems.error(
                schema.SCHEDULE.name, None,
                f'đơn vị "{u.name}" (sheet "{units_spec.name}", dòng {u.row}) chưa có lịch đối thoại',
            )

    funding = _read_funding(problems, tables, index)
    texts = _read_texts(problems, tables)
    tiers = []
    for row in _rows(tables, schema.TIERS):
        v = _values(problems, schema.TIERS, row)
        if v["min_households"] is not None and v["amount"] is not None:
            tiers.append(FundingTier(v["min_households"], v["amount"]))
    if problems.has_errors:
        return None
    return _assemble(meta, units, funding, texts, tiers), index, stated_unit_totals


def _signer(meta: Meta, prefix: str, collective: bool) -> Signer | None:
    name = meta.get(f"{prefix}_name")
    if not name:
        return None
    return Signer(
        name=name,
        title=meta.get(f"{prefix}_title"),
        collective=meta.get(f"{prefix}_collective") if collective else None,
        authority=meta.get(f"{prefix}_authority"),
        head=meta.get(f"{prefix}_head"),
    )


def _unit_signer(v: dict[str, Any], meta: Meta) -> Signer:
    authority = v.get("authority")
    if authority == "TM.":
        return Signer(v["signer_name"], v.get("signer_title"), collective=meta.get("unit_body_kind"))
    return Signer(
        v["signer_name"], v.get("signer_title"), authority=authority, head=meta.get("unit_head")
    )


def _read_schedules(
    problems: Problems, tables: dict[str, Table | None], index: UnitIndex, meta: Meta
) -> dict[int, Schedule]:
    spec = schema.SCHEDULE
    out: dict[int, Schedule] = {}
    for row in _rows(tables, spec):
        v = _values(problems, spec, row)
        unit = index.resolve(row.cells["unit"], spec.name) if "unit" in row.cells else None
        if unit is None or any(v[k] is None for k in ("day", "venue", "date", "signer_name")):
            continue
        if unit.row in out:
            problems.error(spec.name, row.cells["unit"].coord, f'đơn vị "{unit.name}" có hai dòng lịch')
            continue
        out[unit.row] = Schedule(
            day=v["day"],
            start=v["start"],
            venue=v["venue"],
            chair_name=v["chair_name"] or "",
            chair_title=v["chair_title"] or "",
            invitation=DocumentRef(v["number"], v["date"], unit.place.name),
            signer=_unit_signer(v, meta),
        )
        index.remember(unit, "schedule", row)
    return out


def _read_results(
    problems: Problems, tables: dict[str, Table | None], index: UnitIndex, meta: Meta
) -> dict[int, Result]:
    spec = schema.RESULTS
    opinions: dict[int, list[Opinions]] = {}
    for row in _rows(tables, schema.OPINIONS):
        v = _values(problems, schema.OPINIONS, row)
        unit = index.resolve(row.cells["unit"], schema.OPINIONS.name) if "unit" in row.cells else None
        if unit is None or any(v[k] is None for k in ("topic", "raised", "answered", "passed_up")):
            continue
        index.opinion_rows.append((unit.row, row))
        opinions.setdefault(unit.row, []).append(
            Opinions(v["topic"], v["raised"], v["answered"], v["passed_up"], v["summary"] or "")
        )
    out: dict[int, Result] = {}
    for row in _rows(tables, spec):
        v = _values(problems, spec, row)
        unit = index.resolve(row.cells["unit"], spec.name) if "unit" in row.cells else None
        needed = ("date", "steering", "officials", "poor", "near_poor", "policies", "spent", "signer_name")
        if unit is None or any(v[k] is None for k in needed):
            continue
        if unit.row in out:
            problems.error(spec.name, row.cells["unit"].coord, f'đơn vị "{unit.name}" có hai dòng kết quả')
            continue
        index.remember(unit, "result", row)
        out[unit.row] = Result(
            report=DocumentRef(v["number"], v["date"], unit.place.name),
            steering=v["steering"],
            officials=v["officials"],
            poor=v["poor"],
            near_poor=v["near_poor"],
            issuer_delegates=v["issuer_delegates"] or 0,
            policies=v["policies"],
            proposals=v["proposals"] or "",
            spent=v["spent"],
            signer=_unit_signer(v, meta),
            opinions=tuple(sorted(opinions.get(unit.row, []), key=lambda o: o.topic)),
        )
    for unit_row in opinions:
        if unit_row not in out:
            unit = index.by_row(unit_row)
            problems.warning(
                schema.OPINIONS.name, None,
                f'đơn vị "{unit.name}" có ý kiến nhưng chưa có dòng ở sheet "{spec.name}"',
            )
    return out


def _read_funding(
    problems: Problems, tables: dict[str, Table | None], index: UnitIndex
) -> list[FundingLine]:
    spec = schema.FUNDING
    out: list[FundingLine] = []
    seen: dict[int, str] = {}
    for row in _rows(tables, spec):
        if _is_total_row(row, "no", "unit"):
            cell = row.cells.get("amount")
            if cell is not None and cell.value is not None:
                index.stated_funding_total = (read_value(problems, cell, spec.field("amount")), cell.coord)
            continue
        v = _values(problems, spec, row)
        unit = index.resolve(row.cells["unit"], spec.name) if "unit" in row.cells else None
        if unit is None or v["amount"] is None:
            continue
        if unit.row in seen:
            problems.error(
                spec.name, row.cells["unit"].coord,
                f'đơn vị "{unit.name}" được phân bổ hai lần (đã có ở ô {seen[unit.row]})',
            )
            continue
        seen[unit.row] = row.cells["unit"].coord
        index.remember(unit, "funding", row)
        out.append(FundingLine(unit, v["amount"], v["note"] or ""))
        index.funding_cells[unit.row] = row.cells["amount"].coord
    for unit in index.units:
        if unit.row not in seen:
            problems.error(spec.name, None, f'đơn vị "{unit.name}" chưa được phân bổ kinh phí')
    return out


class Texts:
    def __init__(self) -> None:
        self.sections: dict[str, list[str]] = {s: [] for s in schema.SECTIONS}
        self.organisation: list[OrganisationItem] = []


def _read_texts(problems: Problems, tables: dict[str, Table | None]) -> Texts:
    spec = schema.TEXTS
    texts = Texts()
    org: list[tuple[str, list[str]]] = []
    for row in _rows(tables, spec):
        v = _values(problems, spec, row)
        if v["section"] is None or v["text"] is None:
            continue
        if v["section"] == "Tổ chức thực hiện":
            if v["heading"]:
                org.append((v["heading"], [v["text"]]))
            elif org:
                org[-1][1].append(v["text"])
            else:
                problems.error(
                    spec.name, row.cells["heading"].coord if "heading" in row.cells else None,
                    'đoạn đầu tiên của "Tổ chức thực hiện" phải có đề mục',
                )
        else:
            texts.sections[v["section"]].append(v["text"])
    texts.organisation = [OrganisationItem(h, tuple(ps)) for h, ps in org]
    for section in ("Mục đích", "Chủ đề", "Nơi nhận kế hoạch"):
        if not texts.sections[section]:
            problems.error(spec.name, None, f'chưa có dòng nào cho phần "{section}"')
    if not org:
        problems.error(spec.name, None, 'chưa có dòng nào cho phần "Tổ chức thực hiện"')
    return texts


def _assemble(
    meta: Meta,
    units: list[Unit],
    funding: list[FundingLine],
    texts: Texts,
    tiers: list[FundingTier],
) -> Plan:
    issuer = Body(
        kind=meta.get("issuer_kind"),
        abbr=meta.get("issuer_abbr"),
        place=Place(meta.get("place_kind"), meta.get("place_name")),
        governing=meta.get("governing"),
    )
    summary_date: date | None = meta.get("summary_date")
    summary = SummaryReport(
        body=Body(
            kind=meta.get("summary_body"),
            abbr=meta.get("summary_abbr"),
            place=issuer.place,
            governing=meta.get("summary_governing"),
        ),
        ref=DocumentRef(meta.get("summary_number"), summary_date, meta.get("date_place")),
        addressee=meta.get("summary_addressee"),
        signer=_signer(meta, "summary_signer", collective=False),
        recipients=tuple(texts.sections["Nơi nhận báo cáo tổng hợp"]),
    )
    signer = _signer(meta, "signer", collective=True)
    assert signer is not None  # signer_name is required
    return Plan(
        issuer=issuer,
        ref=DocumentRef(meta.get("number"), meta.get("date"), meta.get("date_place")),
        summary_line=meta.get("summary_line"),
        legal_basis=meta.get("legal_basis"),
        intro=meta.get("intro"),
        dialogue_name=meta.get("dialogue_name"),
        content_intro=meta.get("content_intro"),
        topics=tuple(Topic(i, t) for i, t in enumerate(texts.sections["Chủ đề"], start=1)),
        purposes=tuple(texts.sections["Mục đích"]),
        period_start=meta.get("period_start"),
        period_end=meta.get("period_end"),
        venue=meta.get("venue"),
        participants=Participants(
            issuer_level=meta.get("issuer_level"),
            issuer_group=meta.get("issuer_group"),
            unit_level=meta.get("unit_level"),
            steering_name=meta.get("steering_name"),
            steering_count=meta.get("steering_count"),
            officials_name=meta.get("officials_name"),
            officials_count=meta.get("officials_count"),
        ),
        budget=meta.get("budget"),
        funding_source=meta.get("funding_source"),
        organisation=tuple(texts.organisation),
        contact_office=meta.get("contact_office"),
        phone=meta.get("phone"),
        recipients=tuple(texts.sections["Nơi nhận kế hoạch"]),
        archive=meta.get("archive"),
        signer=signer,
        annex_title=tuple(
            line.strip() for line in str(meta.get("annex_title", "")).split("\n") if line.strip()
        ),
        annex_note=meta.get("annex_note", ""),
        dialect=Dialect(
            thousand=meta.get("thousand", "ngàn"),
            zero_tens=meta.get("zero_tens", "lẻ"),
            four=meta.get("four", "tư"),
        ),
        unit_body_kind=meta.get("unit_body_kind"),
        unit_body_abbr=meta.get("unit_body_abbr"),
        unit_governing=meta.get("unit_governing"),
        unit_head=meta.get("unit_head"),
        unit_report_addressee=meta.get("unit_report_addressee"),
        unit_recipients=tuple(texts.sections["Nơi nhận báo cáo đơn vị"]),
        invitation_recipients=tuple(texts.sections["Nơi nhận giấy mời"]),
        summary=summary,
        units=tuple(units),
        funding=tuple(funding),
        funding_tiers=tuple(sorted(tiers, key=lambda t: t.min_households)),
    )
