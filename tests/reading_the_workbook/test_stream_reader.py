"""The streaming reader reads every workbook as the reference reader (openpyxl) does.

Each workbook the tests build or ship, and hand-made ones for what openpyxl never writes (shared
strings with rich text and phonetic guides, shared, array and data-table formulas, error cells,
the 1904 date system, cells and rows without their place, namespace prefixes), is read by both
engines: the plan must be equal and the problems the same, sheet, cell, message, severity and
order. The streaming reader must also keep to its own promises: no document type declaration is
read, and a sheet's rows are dropped as they are read.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from bench.roster_bench import synthetic_workbook
from tests.conftest import ROOT
from tests.hostile.hostile_workbooks import (
    MAIN,
    example_with,
    rezip,
    sheet_part,
    with_formula,
    with_inline_text,
    with_sheet_name,
    with_sheet_state,
)
from tests.office_files import calc_round_trip
from tests.plans import commune_2026
from tests.reading_the_workbook import test_roster_validation as roster_cases
from tests.reading_the_workbook import test_workbook_corpus as corpus
from tests.reading_the_workbook import test_workbook_legacy as legacy
from tests.rosters import small_roster_workbook, without_roster_workbook
from tests.workbook_mutations import (
    FUNDING,
    RAW_FILES,
    RESULTS,
    SCHEDULE,
    UNITS,
    Mutation,
    both,
    example_data,
    in_font,
    mutated,
    put,
)
from tools.example_workbook import many_units, write_workbook
from vanban.errors import Problem
from vanban.model import Plan
from vanban.text.legacy import unicode_to_tcvn3
from vanban.workbook import stream
from vanban.workbook.loader import collect_problems

ROSTER = "Danh sách mời"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_TYPE_NAME = re.compile(r"\(\w+\)$")


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def read_alike(path: Path) -> tuple[Plan | None, list[Problem]]:
    """Both engines' reading of ``path``, asserted equal; the streaming reader's."""
    reference = collect_problems(path, engine="openpyxl")
    streamed = collect_problems(path, engine="stream")
    assert [str(p) for p in streamed[1]] == [str(p) for p in reference[1]]
    assert streamed[1] == reference[1]
    assert streamed[0] == reference[0]
    return streamed


def says(problems: list[Problem], sheet: str | None, cell: str | None, fragment: str) -> bool:
    return any(p.sheet == sheet and p.cell == cell and fragment in p.message for p in problems)


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(data)
    return path


# --- what the test suite builds and ships ---------------------------------------------------


@pytest.mark.parametrize("name", ["thap-muoi-2022.xlsx", "thap-muoi-2026.xlsx"])
def test_the_shipped_workbooks(name: str) -> None:
    plan, problems = read_alike(ROOT / "inputs" / name)
    assert plan is not None, problems


SYNTHETIC: dict[str, Callable[[Path], Path]] = {
    "many-units-with-rosters": lambda p: write_workbook(p, many_units(20, 10)),
    "many-units": lambda p: write_workbook(p, many_units(20)),
    "one-large-roster": lambda p: synthetic_workbook(p, 60),
    "commune-2026": lambda p: write_workbook(p, commune_2026()),
    "small-roster": small_roster_workbook,
    "without-roster": without_roster_workbook,
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_the_synthetic_workbooks(name: str, tmp_path: Path) -> None:
    plan, problems = read_alike(SYNTHETIC[name](tmp_path / "ke-hoach.xlsx"))
    assert plan is not None, problems


MUTATIONS: dict[str, Mutation] = {
    **{f"broken-{c.id}": c.mutation for c in corpus.BROKEN},
    **{f"passing-{c.id}": c.mutation for c in corpus.PASSING},
    **{f"roster-{c.id}": c.mutation for c in roster_cases.CASES},
    **{f"legacy-{c[0]}": c[1] for c in legacy.CASES},
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_the_corpus_of_changed_examples(name: str, tmp_path: Path) -> None:
    read_alike(mutated(MUTATIONS[name], tmp_path / "ke-hoach.xlsx"))


@pytest.mark.parametrize("name", sorted(RAW_FILES))
def test_files_that_are_no_workbook(name: str, tmp_path: Path) -> None:
    plan, problems = read_alike(_write(tmp_path, RAW_FILES[name]()))
    assert plan is None and len(problems) == 1


@pytest.mark.libreoffice
def test_the_example_saved_by_libreoffice_calc(tmp_path: Path) -> None:
    # Another application's file: shared strings, its own styles and dimensions.
    saved = calc_round_trip(_write(tmp_path, example_data()), tmp_path)
    with zipfile.ZipFile(saved) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    read_alike(saved)


# --- hand-made: what openpyxl does not write ------------------------------------------------


def shared_strings(data: bytes, runs: dict[str, str] | None = None) -> bytes:
    """The workbook with its inline strings moved to a shared string table, as Excel keeps them.

    ``runs`` gives, for some strings, the XML inside their <si> (rich text, phonetic guides).
    """
    table: dict[str, int] = {}
    with zipfile.ZipFile(BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]

    def change(name: str, body: bytes) -> bytes:
        if name in sheets:
            root = etree.fromstring(body)
            for cell in root.iter(_q("c")):
                inline = cell.find(_q("is"))
                if cell.get("t") != "inlineStr" or inline is None:
                    continue
                text = "".join(inline.itertext())
                cell.remove(inline)
                cell.set("t", "s")
                etree.SubElement(cell, _q("v")).text = str(table.setdefault(text, len(table)))
            return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        if name == "[Content_Types].xml":
            root = etree.fromstring(body)
            etree.SubElement(root, f"{{{CT}}}Override", PartName="/xl/sharedStrings.xml",
                             ContentType=SST_TYPE)  # fmt: skip
            return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        if name == "xl/_rels/workbook.xml.rels":
            root = etree.fromstring(body)
            etree.SubElement(root, f"{{{PKG}}}Relationship", Id="rIdSst", Type=SST_REL,
                             Target="sharedStrings.xml")  # fmt: skip
            return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        return body

    moved = rezip(data, change)
    items = []
    for text in table:
        inner = (runs or {}).get(text)
        if inner is None:
            t = etree.Element(_q("t"))
            t.text = text
            inner = etree.tostring(t).decode()
        items.append(f"<si>{inner}</si>")
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(table)}" '
        f'uniqueCount="{len(table)}">{"".join(items)}</sst>'
    )
    return rezip(moved, add={"xl/sharedStrings.xml": sst.encode()})


def change_sheet(data: bytes, title: str, edit: Callable[[Any], None]) -> bytes:
    """The workbook with one sheet's XML tree changed by ``edit``."""
    part = sheet_part(data, title)

    def change(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        root = etree.fromstring(body)
        edit(root)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    return rezip(data, change)


def cell_of(root: Any, coord: str) -> Any:
    """The <c> at ``coord``, emptied of its value (made when the sheet stores none there)."""
    found = next((c for c in root.iter(_q("c")) if c.get("r") == coord), None)
    if found is None:
        row_number = re.sub(r"^[A-Z]+", "", coord)
        row = next(r for r in root.iter(_q("row")) if r.get("r") == row_number)
        found = etree.SubElement(row, _q("c"), r=coord)
    for child in list(found):
        found.remove(child)
    found.attrib.pop("t", None)
    return found


def stored(data: bytes, title: str, cells: dict[str, str]) -> bytes:
    """Cells given as the XML inside their <c>, with ``t`` as an attribute: ``"t=e|<v>..</v>"``."""

    def edit(root: Any) -> None:
        for coord, spec in cells.items():
            c = cell_of(root, coord)
            kind, _, inner = spec.rpartition("|")
            if kind:
                c.set("t", kind.removeprefix("t="))
            for child in etree.fromstring(f'<c xmlns="{MAIN}">{inner}</c>'):
                c.append(child)

    return change_sheet(data, title, edit)


def prefixed(xml: bytes) -> bytes:
    """The same XML with every element of the main namespace written with the prefix "x"."""
    source = etree.fromstring(xml)

    def copy(el: Any, parent: Any) -> Any:
        new = (
            etree.Element(el.tag, dict(el.attrib), nsmap={"x": MAIN})
            if parent is None
            else etree.SubElement(parent, el.tag, dict(el.attrib))
        )
        new.text, new.tail = el.text, el.tail
        for child in el:
            copy(child, new)
        return new

    return bytes(etree.tostring(copy(source, None), xml_declaration=True, encoding="UTF-8"))


def _serial_date(sheet: str, coord: str, serial: float, fmt: str = "dd/mm/yyyy") -> Mutation:
    def change(wb: Workbook) -> None:
        cell = wb[sheet][coord]
        cell.value = serial
        cell.number_format = fmt

    return change


def _hide(wb: Workbook) -> None:
    wb[UNITS].column_dimensions["D"].hidden = True
    wb[UNITS].row_dimensions[3].hidden = True
    wb[ROSTER].row_dimensions[2].hidden = True


def _zero_sized(data: bytes) -> bytes:
    """Units' column E zero wide and row 5 zero high, as Excel writes them (not hidden)."""

    def edit(root: Any) -> None:
        cols = root.find(_q("cols"))
        for col in list(cols):
            if col.get("min") == "5":
                cols.remove(col)
        etree.SubElement(cols, _q("col"), min="5", max="5", width="0", customWidth="1")
        row = next(r for r in root.iter(_q("row")) if r.get("r") == "5")
        row.set("ht", "0")
        row.set("customHeight", "1")

    return change_sheet(data, UNITS, edit)


def _without_places(data: bytes) -> bytes:
    """Funding's cells and rows without their ``r``: each is where the one before it ends."""

    def edit(root: Any) -> None:
        for c in root.iter(_q("c")):
            c.attrib.pop("r", None)
        for r in root.iter(_q("row")):
            if r.get("r") not in ("1", "5"):
                r.attrib.pop("r", None)

    return change_sheet(data, FUNDING, edit)


def _twice(data: bytes) -> bytes:
    """A cell stored twice in its row: openpyxl keeps the later one (here an empty one)."""

    def edit(root: Any) -> None:
        row = next(r for r in root.iter(_q("row")) if r.get("r") == "4")
        etree.SubElement(row, _q("c"), r="D4", s="0")
        row = next(r for r in root.iter(_q("row")) if r.get("r") == "6")
        first = next(c for c in row if c.get("r") == "E6")
        second = etree.SubElement(row, _q("c"), r="E6")
        etree.SubElement(second, _q("v")).text = "47"
        assert first is not None

    return change_sheet(data, UNITS, edit)


def _chart_sheet(wb: Workbook) -> None:
    del wb["Mã định danh"]
    chart = BarChart()
    chart.add_data(Reference(wb[UNITS], min_col=4, min_row=1, max_row=5), titles_from_data=True)
    wb.create_chartsheet("Mã định danh").add_chart(chart)


def _named_range(wb: Workbook) -> None:
    wb.defined_names["DinhMuc"] = DefinedName("DinhMuc", attr_text="[1]Sheet1!$C$2")


def _date_1904(data: bytes) -> bytes:
    def change(name: str, body: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return body
        root = etree.fromstring(body)
        pr = root.find(_q("workbookPr"))
        if pr is None:
            pr = etree.Element(_q("workbookPr"))
            root.insert(0, pr)
        pr.set("date1904", "1")
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    return rezip(data, change)


def _prefixed_parts(data: bytes) -> bytes:
    units = sheet_part(data, UNITS)
    return rezip(data, lambda n, b: prefixed(b) if n in (units, "xl/sharedStrings.xml") else b)


RICH = (
    '<r><rPr><b val="1"/><sz val="11"/></rPr><t xml:space="preserve">Mỹ </t></r><r><t>Quý</t></r>'
)
PHONETIC = (
    '<t>Mỹ An</t><rPh sb="0" eb="2"><t>ミアン</t></rPh><phoneticPr fontId="1" type="noConversion"/>'
)


# (id, the workbook's bytes, what the streaming reader must find: (sheet, cell, fragment))
HAND_MADE: list[tuple[str, Callable[[], bytes], list[tuple[str | None, str | None, str]]]] = [
    ("shared-strings", lambda: shared_strings(example_data()), []),
    ("shared-strings-rich-text", lambda: shared_strings(example_data(), {"Mỹ Quý": RICH}), []),
    ("shared-strings-phonetic-guide",
     lambda: shared_strings(example_data(), {"Mỹ An": PHONETIC}), []),
    ("shared-string-escapes",
     lambda: shared_strings(example_with(put(RESULTS, "J2", "Mã hồ sơ _x005F_x000D_ bổ sung"))),
     [(RESULTS, "J2", "ký tự điều khiển (U+000D)")]),
    ("shared-formula-child-without-value",
     lambda: stored(example_data(), UNITS, {
         "F2": '<f t="shared" ref="F2:F4" si="0">D2+E2</f><v>87</v>',
         "F3": '<f t="shared" si="0"/>',
         "F4": '<f t="shared" si="0"/><v>90</v>'}),
     [(UNITS, "F3", "công thức =D3+E3 chưa được tính")]),
    ("array-formula",
     lambda: stored(example_data(), UNITS, {"D2": '<f t="array" ref="D2">SUM(40,1)</f>'}),
     [(UNITS, "D2", "chưa được tính")]),
    ("data-table-formula",
     lambda: stored(example_data(), UNITS, {"D4": '<f t="dataTable" ref="D4" dt2D="0" dtr="0" r1="A1"/>'}),
     [(UNITS, "D4", "chưa được tính")]),
    ("error-cells",
     lambda: stored(example_data(), FUNDING, {"C5": "t=e|<v>#DIV/0!</v>", "C6": "t=e|"}),
     [(FUNDING, "C5", "ô báo lỗi #DIV/0!"), (FUNDING, "C6", "ô báo lỗi")]),
    ("typed-cells",
     lambda: stored(example_data(), UNITS, {
         "C3": "t=str|<f>A1</f><v>Mỹ Đông</v>", "D4": "t=b|<v>1</v>",
         "D5": "t=d|<v>2022-11-02T00:00:00</v>", "D6": "<v>1.5E1</v>", "B7": "t=x|<v>?</v>"}),
     [(UNITS, "D4", "nhận được TRUE"), (UNITS, "D5", "nhận được 02/11/2022")]),
    ("dates-times-durations-and-the-phantom-day",
     lambda: example_with(both(
         _serial_date(SCHEDULE, "B3", 60), _serial_date(RESULTS, "C4", 60.5, "dd/mm/yyyy hh:mm"),
         _serial_date(SCHEDULE, "B4", 44876), _serial_date(SCHEDULE, "C5", 0.3125, "hh:mm"),
         _serial_date(SCHEDULE, "C6", 1.25, "[h]:mm"),
         _serial_date(SCHEDULE, "B7", 3_000_000))),
     [(SCHEDULE, "B3", "29/02/1900 không có thật"), (RESULTS, "C4", "29/02/1900")]),
    ("date-1904", lambda: _date_1904(example_with(_serial_date(SCHEDULE, "B3", 60))),
     [(SCHEDULE, "B3", "nhận được 01/3/1904")]),  # serial 60 of 1904, no phantom day
    ("hidden-and-zero-sized-rows-and-columns", lambda: _zero_sized(example_with(_hide)),
     [(UNITS, "D1", "bị ẩn"), (UNITS, "E1", "bị ẩn"), (UNITS, "A3", "dòng 3, 5 bị ẩn"),
      (ROSTER, "A2", "dòng 2 bị ẩn")]),
    ("legacy-fonts",
     lambda: example_with(both(
         in_font(UNITS, "C2", ".VnTime", unicode_to_tcvn3("Mỹ Quý")),
         in_font(ROSTER, "C3", ".VnTime", unicode_to_tcvn3("Nguyễn Văn Bình")),
         in_font(ROSTER, "C4", ".VnTime", unicode_to_tcvn3("Trần Thị Hoa")))),
     [(UNITS, "C2", 'ô dùng phông cũ ".VnTime"'), (ROSTER, "C3", "(và 1 ô khác, đến ô C4)")]),
    ("hiding-number-format",
     lambda: example_with(lambda wb: setattr(wb[FUNDING]["C4"], "number_format", ";;;")),
     [(FUNDING, "C4", 'định dạng số ";;;"')]),
    ("external-links",
     lambda: rezip(
         with_formula(with_formula(example_with(_named_range), UNITS, "D2", "[1]Sheet1!$D$2", "41"),
                      FUNDING, "C2", "DinhMuc", "850000"),
         add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
     [(UNITS, "D2", "liên kết tới tệp khác"), (FUNDING, "C2", "liên kết tới tệp khác"),
      (None, None, "(xl/externalLinks/externalLink1.xml)")]),
    ("dde-and-a-formula-within",
     lambda: with_formula(with_formula(example_data(), UNITS, "E3", "cmd|'/c calc'!A0", "46"),
                          UNITS, "F2", 'IF(D2>0,"a|b [1]",0)+D2+E2', "87"),
     [(UNITS, "E3", "liên kết tới tệp khác")]),
    ("text-that-looks-like-a-formula", lambda: example_with(put(RESULTS, "J2", "=[1]A1 nhé")), []),
    ("excel-escapes",
     lambda: example_with(both(put(RESULTS, "I2", "Chính sách tín dụng;_x000D_\nchính sách y tế"),
                               put(RESULTS, "J3", "Đề nghị _xD83D_ hỗ trợ"))),
     [(RESULTS, "I2", "(U+000D)"), (RESULTS, "J3", "(U+D83D)")]),
    ("over-long-cell",
     lambda: with_inline_text(example_data(), RESULTS, "I2", "Chính sách hỗ trợ " * 2500),
     [(RESULTS, "I2", "ô dài 45.000 ký tự")]),
    ("namespace-prefixes", lambda: _prefixed_parts(shared_strings(example_data())), []),
    ("cells-and-rows-without-places", lambda: _without_places(example_data()), []),
    ("a-cell-stored-twice", lambda: _twice(example_data()), [(UNITS, "D4", "ô đang trống")]),
    ("chart-sheet", lambda: example_with(_chart_sheet),
     [("Mã định danh", None, "sheet là biểu đồ")]),
    ("hidden-sheets",
     lambda: with_sheet_state(with_sheet_state(example_data(), RESULTS, "hidden"), FUNDING,
                              "veryHidden"),
     [(RESULTS, None, "đang ẩn"), (FUNDING, None, "ẩn sâu")]),
    ("shadow-sheet",
     lambda: with_sheet_name(example_with(lambda wb: setattr(wb.copy_worksheet(wb[UNITS]),
                                                             "title", "tam")), "tam", "ĐƠN VỊ"),
     [(UNITS, None, "có 2 sheet trùng tên")]),
]  # fmt: skip


@pytest.mark.parametrize("case", HAND_MADE, ids=[c[0] for c in HAND_MADE])
def test_hand_made_workbooks(
    case: tuple[str, Callable[[], bytes], list[tuple[str | None, str | None, str]]],
    tmp_path: Path,
) -> None:
    _, make, expected = case
    _, problems = read_alike(_write(tmp_path, make()))
    for sheet, cell, fragment in expected:
        assert says(problems, sheet, cell, fragment), (fragment, [str(p) for p in problems])


def test_rich_text_and_phonetic_guides_read_as_their_text(tmp_path: Path) -> None:
    runs = {"Mỹ Quý": RICH, "Mỹ An": PHONETIC}
    plan, problems = read_alike(_write(tmp_path, shared_strings(example_data(), runs)))
    assert plan is not None, problems
    names = {u.place.name for u in plan.units}
    assert {"Mỹ Quý", "Mỹ An"} <= names


def test_a_broken_sheet_is_refused_by_both(tmp_path: Path) -> None:
    data = example_data()
    part = sheet_part(data, UNITS)
    path = _write(tmp_path, rezip(data, lambda n, b: b[:-40] if n == part else b))
    messages = []
    for engine in ("openpyxl", "stream"):
        plan, problems = collect_problems(path, engine=engine)  # type: ignore[arg-type]
        assert plan is None and len(problems) == 1
        messages.append(_TYPE_NAME.sub("", problems[0].message))  # the parser's error type
    assert messages[0] == messages[1]
    assert "không đọc được tệp .xlsx: tệp hỏng hoặc sai định dạng" in messages[1]


def test_a_document_type_declaration_is_refused(tmp_path: Path) -> None:
    doctype = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def change(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", body)
        return doctype + body.replace(b"<v>41</v>", b"<v>&lol2;</v>", 1)

    data = example_data()
    part = sheet_part(data, UNITS)
    plan, problems = collect_problems(_write(tmp_path, rezip(data, change)), engine="stream")
    assert plan is None
    assert [p.message for p in problems] == [
        "không đọc được tệp .xlsx: tệp hỏng hoặc sai định dạng (ValueError)"
    ]


def test_rows_are_dropped_as_they_are_read() -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200))
    xml = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    before = []
    for element in stream._elements(BytesIO(xml), (_q("row"),), (_q("sheetData"),)):
        parent = element.getparent()
        # What the rows before this one hold: lxml parses ahead a buffer at a time, but of the
        # rows read, only the last is left, and emptied.
        before.append([len(row) for row in parent[: parent.index(element)]])
    assert len(before) == 199
    assert before[0] == [] and all(held == [0] for held in before[1:])


def test_the_grid_of_a_sheet_holds_openpyxls_values(tmp_path: Path) -> None:
    """Cell for cell, beyond what a plan takes: values, types, fonts and number formats."""
    data = example_with(both(
        _serial_date(SCHEDULE, "B3", 60), _serial_date(SCHEDULE, "C6", 1.25, "[h]:mm"),
        in_font(UNITS, "C2", ".VnTime", "M\xfc Qu\xfd"),
        lambda wb: setattr(wb[FUNDING]["C4"], "number_format", ";;;"),
    ))  # fmt: skip
    data = stored(shared_strings(data), UNITS, {"D2": '<f t="array" ref="D2">SUM(40,1)</f>',
                                                "D3": "t=e|<v>#N/A</v>"})  # fmt: skip
    from vanban.workbook.reference import open_reference

    reference, streamed = open_reference(data, True), stream.open_stream(data, True)
    assert reference.sheetnames == streamed.sheetnames
    for title in reference.sheetnames:
        ref, new = reference.grid(title), streamed.grid(title)
        assert ref is not None and new is not None
        assert (new.max_row, new.max_column) == (ref.max_row, ref.max_column)
        for r in range(1, ref.max_row + 1):
            for c in range(1, ref.max_column + 1):
                a, b = ref.cell(r, c), new.cell(r, c)
                if a.value is None and a.formula is None and a.data_type != "e":
                    assert b.value is None and b.formula is None, (title, r, c)
                    continue
                assert (b.value, b.data_type, b.font, b.number_format) == (
                    a.value, a.data_type, a.font, a.number_format), (title, r, c)  # fmt: skip
                if hasattr(a.formula, "ref"):  # an array formula: an object of its own
                    assert (type(b.formula), b.formula.text) == (type(a.formula), a.formula.text)
                else:
                    assert b.formula == a.formula
    values = streamed.grid(SCHEDULE)
    assert values is not None
    assert values.cell(6, 3).value == timedelta(days=1, hours=6)
    assert values.cell(3, 2).value == datetime(1900, 2, 28)
    assert isinstance(values.cell(2, 1).value, str)
