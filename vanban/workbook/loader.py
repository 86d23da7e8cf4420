"""Building the :class:`~vanban.model.Plan` from a workbook, or every reason it cannot be built.

``load_plan`` reads every sheet into a :class:`~vanban.workbook.draft.Draft`, resolves the units that
other sheets name, and runs the rules of :mod:`vanban.workbook.rules` on whatever could be read. It raises
one :class:`~vanban.errors.WorkbookError` holding all the problems of the workbook, or returns
the plan with its warnings. One mistake gives one message: a row whose unit or values cannot be
read still counts as that unit's row, so it is not also reported as missing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vanban.errors import Problem, WorkbookError
from vanban.metadata import FIELD as METADATA_FIELD
from vanban.model import Place, Plan, Unit, no_cycle_collection
from vanban.text.names import match_key
from vanban.workbook import archive, schema
from vanban.workbook.assemble import assemble
from vanban.workbook.cells import read_value
from vanban.workbook.draft import Draft, Record, Texts
from vanban.workbook.grid import DEFAULT_ENGINE, Engine
from vanban.workbook.reader import Problems, Row, Table, WorkbookFile
from vanban.workbook.roster import read_roster
from vanban.workbook.rules import check_rules
from vanban.workbook.unitref import UnitIndex, unit_label

_TOTAL_KEYS = frozenset(match_key(t) for t in (schema.TOTAL_LABEL, "Tổng", "Cộng", "Tổng số"))


def load_plan(path: Path | str, engine: Engine = DEFAULT_ENGINE) -> Plan:
    """Read and validate a plan workbook; raise WorkbookError with every problem found.

    ``engine`` reads the sheets' XML (:mod:`vanban.workbook.grid`); both give the same plan.
    """
    plan, problems = _load(Path(path), engine)
    if plan is None:
        raise WorkbookError(problems, str(path))
    return plan


def collect_problems(
    path: Path | str, engine: Engine = DEFAULT_ENGINE
) -> tuple[Plan | None, list[Problem]]:
    """The plan (None when it has errors) and every problem found, warnings included."""
    return _load(Path(path), engine)


def _load(path: Path, engine: Engine) -> tuple[Plan | None, list[Problem]]:
    # Reading makes several objects per cell and keeps nearly all of them: measured, the
    # collector took a fifth of the time.
    with no_cycle_collection():
        return _read(path, engine)


def _read(path: Path, engine: Engine) -> tuple[Plan | None, list[Problem]]:
    problems = Problems()
    try:
        data = archive.read_regular_file(path)
    except WorkbookError as exc:
        return None, list(exc.problems)
    try:
        wb = WorkbookFile(path, problems, data, engine, keep_cells=False)
    except WorkbookError as exc:
        return None, list(exc.problems)
    draft = read_draft(wb, problems)
    check_rules(draft, problems)
    if problems.has_errors:
        return None, problems.items
    plan = assemble(draft)
    warnings = tuple(str(w) for w in problems.warnings)
    plan = replace(plan, workbook_sha256=wb.sha256, warnings=warnings)
    return plan, problems.items


def read_draft(wb: WorkbookFile, problems: Problems) -> Draft:
    # The roster is read on its own (vanban.workbook.roster), so that no message about it quotes a name.
    tables = {
        spec.name: wb.read_table(spec) for spec in schema.SHEETS if spec is not schema.ROSTER
    }
    for spec in schema.SHEETS:
        table = tables.get(spec.name)
        if table is not None and not table.rows and spec.required:
            problems.error(
                spec.name, f"A{table.header_row + 1}",
                f"sheet chưa có dòng dữ liệu nào dưới dòng tiêu đề {table.header_row}",
            )
    meta = _read_meta(problems, tables[schema.PLAN.name])
    units, unit_totals, index = _read_units(problems, tables[schema.UNITS.name])
    funding, funding_total = _unit_rows(problems, tables[schema.FUNDING.name], index, total=True)
    schedules, _ = _unit_rows(problems, tables[schema.SCHEDULE.name], index)
    results, _ = _unit_rows(problems, tables[schema.RESULTS.name], index)
    opinions, _ = _unit_rows(problems, tables[schema.OPINIONS.name], index)
    tiers = [_record(problems, schema.TIERS, row) for row in _rows(tables, schema.TIERS)]
    documents = _read_documents(problems, tables)
    codes = _read_codes(problems, tables)
    kind_tables = {
        str(spec.context_key): [_record(problems, spec, row) for row in _rows(tables, spec)]
        for spec in schema.TABLE_SHEETS
    }
    roster = read_roster(wb, problems, index, _group_names(meta))
    index.report_unknown()
    _one_row_per_unit(problems, funding, "được phân bổ hai lần")
    _one_row_per_unit(problems, schedules, "có hai dòng lịch đối thoại")
    _one_row_per_unit(problems, results, "có hai dòng kết quả")
    _one_opinion_per_topic(problems, opinions)
    for records, table, missing in (
        (funding, tables[schema.FUNDING.name], "chưa được phân bổ kinh phí"),
        (schedules, tables[schema.SCHEDULE.name], "chưa có lịch đối thoại"),
    ):
        if table is not None:
            _every_unit_has(problems, index, table.sheet.name, records, missing)
    with_results = {r.unit.row for r in results if r.unit is not None}
    for unit_row in sorted({r.unit.row for r in opinions if r.unit is not None} - with_results):
        problems.warning(
            schema.OPINIONS.name, None,
            f'đơn vị "{unit_label(index.by_row(unit_row))}" có ý kiến nhưng chưa có dòng ở sheet '
            f'"{schema.RESULTS.name}"',
        )
    return Draft(
        meta=meta,
        units=units,
        unit_totals=unit_totals,
        funding=funding,
        funding_total=funding_total,
        tiers=tiers,
        schedules=schedules,
        results=results,
        opinions=opinions,
        texts=_read_texts(problems, tables[schema.TEXTS.name]),
        index=index,
        tiers_complete=all(t.ints("min_households", "amount") for t in tiers),
        roster=roster,
        documents=documents,
        tables=kind_tables,
        codes=codes,
    )


def _group_names(meta: Record) -> dict[str, str]:
    """The plan's names for the groups it invites, which a roster may use for its groups."""
    names = {"steering_name": "steering", "officials_name": "officials"}
    return {str(meta.get(k)): group for k, group in names.items() if meta.get(k)}


def _rows(tables: dict[str, Table | None], spec: schema.Sheet) -> list[Row]:
    table = tables.get(spec.name)
    return table.rows if table is not None else []


def _record(problems: Problems, spec: schema.Sheet, row: Row) -> Record:
    rec = Record(spec.name, row.number)
    for f in spec.fields:
        cell = row.cells.get(f.key)
        if cell is not None:
            rec.coords[f.key] = cell.coord
            rec.values[f.key] = read_value(problems, cell, f)
    return rec


def _read_documents(problems: Problems, tables: dict[str, Table | None]) -> list[Record]:
    """Sheet "Văn bản": one row per kind (whether it names a kind is the run's to check)."""
    records = [_record(problems, schema.DOCUMENTS, row) for row in _rows(tables, schema.DOCUMENTS)]
    _once_each(problems, records, "kind", "loại văn bản")
    for rec in records:
        if rec.get("kind") is None:
            continue
        coord = rec.coords["kind"]
        authority, head = rec.get("authority"), rec.get("head")
        if authority in ("KT.", "TL.", "TUQ.") and head is None:
            field = schema.DOCUMENTS.field("head")
            problems.error(
                rec.sheet, rec.coord("head") or coord,
                f'cột "{field.label}" không được để trống khi thẩm quyền ký là "{authority}"',
            )
        if rec.get("signer_name") is None and any(
            rec.get(k) is not None for k in ("collective", "authority", "head", "signer_title")
        ):
            problems.error(
                rec.sheet, rec.coord("signer_name") or coord,
                'có thẩm quyền hoặc chức vụ người ký nhưng thiếu "Người ký"',
            )
    return records


def _read_codes(problems: Problems, tables: dict[str, Table | None]) -> list[Record]:
    """Sheet "Mã định danh": one row per recipient; a name given twice is an error at its cell."""
    records = [_record(problems, schema.CODES, row) for row in _rows(tables, schema.CODES)]
    _once_each(problems, records, "name", "cơ quan")
    return records


def _once_each(problems: Problems, records: list[Record], key: str, what: str) -> None:
    """A name (of a kind, of a body) written on two rows is an error at the second one."""
    seen: dict[str, str] = {}
    for rec in records:
        value = rec.get(key)
        if value is None:
            continue
        coord = rec.coords[key]
        if match_key(value) in seen:
            problems.error(
                rec.sheet, coord, f'{what} "{value}" ghi hai lần (đã có ở ô {seen[match_key(value)]})'
            )
        else:
            seen[match_key(value)] = coord


def _is_total_row(row: Row, *keys: str) -> bool:
    return any(
        isinstance(row.cells[k].value, str) and match_key(row.cells[k].value) in _TOTAL_KEYS
        for k in keys
        if k in row.cells
    )


def _read_meta(problems: Problems, table: Table | None) -> Record:
    spec = schema.PLAN
    meta = Record(spec.name, 0)
    if table is None or not (table.has("Mục") and table.has("Giá trị")):
        return meta  # the missing sheet or column is reported; its items are not
    by_label = {match_key(f.label): f for f in spec.fields}
    seen: dict[str, str] = {}
    for row in table.rows:
        label_cell = row.cells.get("Mục")
        value_cell = row.cells.get("Giá trị")
        if label_cell is None or value_cell is None:
            continue
        label = label_cell.value
        f = by_label.get(match_key(label)) if isinstance(label, str) else None
        if f is None:
            if label is not None or value_cell.value is not None:
                named = f'mục "{label}"' if label is not None else "dòng không ghi mục"
                problems.warning(
                    spec.name, label_cell.coord, f"{named} không thuộc mẫu, bỏ qua dòng này"
                )
            continue
        if f.key in seen:
            problems.error(
                spec.name, label_cell.coord,
                f'mục "{f.label}" ghi hai lần (đã có ở ô {seen[f.key]})',
            )
            continue
        seen[f.key] = label_cell.coord
        meta.coords[f.key] = value_cell.coord
        meta.values[f.key] = read_value(problems, value_cell, f)
    for f in spec.fields:
        if f.required and f.key not in seen:
            problems.error(spec.name, None, f'thiếu mục "{f.label}" ở cột "Mục"')
    return meta


def _read_units(
    problems: Problems, table: Table | None
) -> tuple[list[Record], Record | None, UnitIndex]:
    spec = schema.UNITS
    records: list[Record] = []
    totals: Record | None = None
    for row in table.rows if table is not None else []:
        if _is_total_row(row, "no", "kind", "name"):
            totals = Record(spec.name, row.number)
            for key in ("poor", "near_poor", "total"):
                cell = row.cells.get(key)
                if cell is not None and (cell.value is not None or cell.formula or cell.error):
                    totals.coords[key] = cell.coord
                    totals.values[key] = read_value(problems, cell, spec.field(key))
            continue
        rec = _record(problems, spec, row)
        records.append(rec)  # its counts go into the sums even when its name is missing
        name = rec.get("name")
        if name is None:
            continue
        # A unit whose counts or kind are wrong still has a name other sheets may use; its
        # placeholder counts never reach a plan, since its errors stop the load.
        kind = rec.get("kind") or ""
        counts = (rec.get("poor") or 0, rec.get("near_poor") or 0)
        rec.unit = Unit(Place(kind, name), *counts, row.number)
    index = UnitIndex(
        [r.unit for r in records if r.unit is not None], problems, spec.name,
        name_cells={r.row: r.coords["name"] for r in records if r.unit is not None},
        available=table is not None and table.has("name"),
    )
    index.report_duplicates()
    return records, totals, index


def _unit_rows(
    problems: Problems, table: Table | None, index: UnitIndex, *, total: bool = False
) -> tuple[list[Record], Record | None]:
    """Rows of a sheet whose first column names a unit, each resolved to its unit."""
    if table is None:
        return [], None
    spec = table.sheet
    records: list[Record] = []
    total_row: Record | None = None
    for row in table.rows:
        if total and _is_total_row(row, "no", "unit"):
            total_row = Record(spec.name, row.number)
            cell = row.cells.get("amount")
            if cell is not None and (cell.value is not None or cell.formula or cell.error):
                total_row.coords["amount"] = cell.coord
                total_row.values["amount"] = read_value(problems, cell, spec.field("amount"))
            continue
        rec = _record(problems, spec, row)
        text = rec.get("unit")
        if text is not None:
            rec.unit = index.resolve(text, rec.coords["unit"], spec.name)
        records.append(rec)
    return records, total_row


def _one_row_per_unit(problems: Problems, records: list[Record], what: str) -> None:
    seen: dict[int, str] = {}
    for rec in records:
        if rec.unit is None:
            continue
        coord = rec.coords["unit"]
        if rec.unit.row in seen:
            problems.error(
                rec.sheet, coord,
                f'đơn vị "{unit_label(rec.unit)}" {what} (đã có ở ô {seen[rec.unit.row]})',
            )
        else:
            seen[rec.unit.row] = coord


def _one_opinion_per_topic(problems: Problems, records: list[Record]) -> None:
    seen: dict[tuple[int, int], str] = {}
    for rec in records:
        topic = rec.get("topic")
        if rec.unit is None or not isinstance(topic, int):
            continue
        key = (rec.unit.row, topic)
        coord = rec.coords["topic"]
        if key in seen:
            problems.error(
                rec.sheet, coord,
                f'đơn vị "{unit_label(rec.unit)}", nhóm chủ đề {topic} ghi hai lần '
                f"(đã có ở ô {seen[key]})",
            )
        else:
            seen[key] = coord


def _every_unit_has(
    problems: Problems, index: UnitIndex, sheet: str, records: list[Record], missing: str
) -> None:
    if not index.available:
        return
    covered = {r.unit.row for r in records if r.unit is not None}
    # A unit offered as "có phải ...?" for a misspelt row of this sheet is that row's unit.
    covered |= index.suggested.get(sheet, set())
    for unit in index.units:
        if unit.row not in covered and unit.row not in index.duplicates:
            problems.error(
                sheet, None,
                f'đơn vị "{unit_label(unit)}" (sheet "{index.units_sheet}", ô '
                f"{index.cell_of(unit)}) {missing}",
            )


_RECIPIENT_LENGTH = METADATA_FIELD["ToOrganName"].max_length


def _read_texts(problems: Problems, table: Table | None) -> Texts:
    spec = schema.TEXTS
    texts = Texts()
    if table is None or not table.rows or not (table.has("section") and table.has("text")):
        return texts  # the missing sheet, column or rows are reported already
    for row in table.rows:
        rec = _record(problems, spec, row)
        section, heading, text = rec.get("section"), rec.get("heading"), rec.get("text")
        if section is None or text is None:
            continue
        if section.startswith("Nơi nhận") and len(text) > _RECIPIENT_LENGTH:
            # Each recipient is one "To" of the document's metadata (annex VI: 200 characters).
            problems.error(
                spec.name, rec.coord("text"),
                f"nơi nhận dài {len(text)} ký tự, tối đa {_RECIPIENT_LENGTH} (dữ liệu đặc tả văn "
                "bản, Nghị định 30, Phụ lục VI: ToOrganName)",
            )
        elif section != "Tổ chức thực hiện":
            texts.sections[section].append(text)
        elif heading:
            texts.organisation.append((heading, [text]))
        elif texts.organisation:
            texts.organisation[-1][1].append(text)
        else:
            problems.error(
                spec.name, rec.coord("heading") or rec.coord("section"),
                'đoạn đầu tiên của "Tổ chức thực hiện" phải có đề mục',
            )
    for section in ("Mục đích", "Chủ đề", "Nơi nhận kế hoạch"):
        if not texts.sections[section]:
            problems.error(spec.name, None, f'chưa có dòng nào cho phần "{section}"')
    if not texts.organisation:
        problems.error(spec.name, None, 'chưa có dòng nào cho phần "Tổ chức thực hiện"')
    return texts
