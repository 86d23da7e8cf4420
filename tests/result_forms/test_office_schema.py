"""Result forms open in Excel without repair: held to the SpreadsheetML schema and read by Calc.

Every form ``vanban forms`` writes for the example plan is checked against the schema as the Open
XML SDK checks it (:mod:`vanban.rendering.schema`). One form is read back through LibreOffice
Calc: its validations, its sheet protection and the cells left open to the unit must survive.
The last tests prove the checker's one exemption (a font's children in any order) is what the
schema allows, and that the checker still finds a spreadsheet put out of order.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import rows_from_range
from openxml_audit import FileFormat, OpenXmlValidator

from tests.office_files import calc_round_trip, protection, unlocked, validations
from tests.workbook_mutations import run_main
from vanban.forms import layout as L
from vanban.model import Plan
from vanban.outdir import FORMS_DIR
from vanban.rendering.schema import FREE_ORDER, schema_findings

UNITS = 13  # the example plan's units, one form each
FORM = "xa-my-quy.xlsx"
STYLES = "xl/styles.xml"
FORM_PART = "xl/worksheets/sheet1.xml"  # the "Phiếu kết quả" sheet, openpyxl's first
_FONT = re.compile(r"<font>(.*?)</font>")
_EMPTY_ELEMENT = re.compile(r"<[^<>]+/>")


@pytest.fixture(scope="module")
def example_forms(example_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The forms of ``inputs/thap-muoi-2022.xlsx``, written by the command a clerk runs."""
    out = tmp_path_factory.mktemp("example-forms")
    code, stdout, stderr = run_main(["forms", str(example_workbook), "--out", str(out)])
    assert code == 0, stdout + stderr
    forms = out / FORMS_DIR
    assert len(list(forms.glob("*.xlsx"))) == UNITS
    return forms


@pytest.fixture(scope="module")
def form_through_calc(example_forms: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return calc_round_trip(example_forms / FORM, tmp_path_factory.mktemp("calc-form"))


def test_every_form_of_the_example_follows_the_schema(example_forms: Path) -> None:
    found = {
        form.name: [f"{f.part} {f.path}: {f.description}" for f in schema_findings(form)]
        for form in sorted(example_forms.glob("*.xlsx"))
    }
    assert len(found) == UNITS
    assert {name: f for name, f in found.items() if f} == {}


@pytest.mark.libreoffice
def test_calc_keeps_every_validation_of_a_form(
    example_forms: Path, form_through_calc: Path, example_plan: Plan
) -> None:
    ours, calcs = load_workbook(example_forms / FORM), load_workbook(form_through_calc)
    assert calcs.sheetnames == ours.sheetnames
    # Every input cell carries the bounds the collector enforces again, and nothing else does.
    lay = L.Layout(len(example_plan.topics))
    assert set(validations(ours[L.FORM_SHEET])) == set(lay.all_inputs())
    assert {ws.title: validations(ws) for ws in calcs} == {ws.title: validations(ws) for ws in ours}


@pytest.mark.libreoffice
def test_calc_keeps_a_form_s_protection_and_its_open_cells(
    example_forms: Path, form_through_calc: Path, example_plan: Plan
) -> None:
    ours, calcs = load_workbook(example_forms / FORM), load_workbook(form_through_calc)
    assert all(ws.protection.sheet for ws in ours)
    assert {ws.title: protection(ws) for ws in calcs} == {ws.title: protection(ws) for ws in ours}
    # The yellow cells the unit fills are open, and only they (a wide input with the cells merged
    # into it), before Calc and after.
    lay = L.Layout(len(example_plan.topics))
    form = ours[L.FORM_SHEET]
    wide = {c for r in form.merged_cells.ranges if r.start_cell.coordinate in lay.all_inputs()
            for c in _cells(r.coord)}  # fmt: skip
    assert unlocked(form) == set(lay.all_inputs()) | wide
    assert {ws.title: unlocked(ws) for ws in calcs} == {ws.title: unlocked(ws) for ws in ours}
    # Calc has no "very hidden": the identity sheet comes back merely hidden, never shown.
    assert ours[L.IDENTITY_SHEET].sheet_state == "veryHidden"
    assert calcs[L.IDENTITY_SHEET].sheet_state == "hidden"
    # Not compared: the workbook's structure lock, which LibreOffice 7.4 drops whatever the file
    # says (a password did not save it either); Excel, where units fill the form, keeps it.


def _cells(ref: str) -> set[str]:
    return {coord for row in rows_from_range(ref) for coord in row}


def _changed(form: Path, part: str, change: Callable[[str], str], out: Path) -> Path:
    """A copy of ``form`` with the XML of ``part`` changed; a change that changes nothing fails."""
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                xml = data.decode("utf-8")
                new = change(xml)
                assert new != xml, f"{part}: nothing changed"
                data = new.encode("utf-8")
            dst.writestr(info, data)
    return out


def _fonts_reversed(xml: str) -> str:
    """Every font with its children in the reverse of the order openpyxl writes them."""

    def reverse(font: re.Match[str]) -> str:
        children = _EMPTY_ELEMENT.findall(font.group(1))
        assert "".join(children) == font.group(1)  # openpyxl writes a font's children empty
        return "<font>" + "".join(reversed(children)) + "</font>"

    return _FONT.sub(reverse, xml)


def test_a_font_s_children_in_any_order_are_no_finding(example_forms: Path, tmp_path: Path) -> None:
    """The exemption is the schema's own rule, and it is exercised.

    ECMA-376 Part 1 declares CT_Font (a font in xl/styles.xml) as an ``xsd:choice`` with
    ``maxOccurs="unbounded"``: its children (``b``, ``sz``, ``color``, ``name``...) may come in any
    order, and Excel reads them so. The Open XML SDK checks them as a sequence in one fixed order,
    which openpyxl's order (``name`` first) already breaks; :data:`FREE_ORDER` sets those findings
    apart. Here the SDK must still flag every reordered font, and the wrapper report none.
    """
    assert (f"/{STYLES}", "font") in FREE_ORDER
    path = _changed(example_forms / FORM, STYLES, _fonts_reversed, tmp_path / "fonts.xlsx")
    sdk = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0).validate(path)
    flagged = {
        e.path
        for e in sdk.errors
        if getattr(e.severity, "value", e.severity) == "error"
        and e.description.startswith("Unexpected element")
    }
    assert flagged and all(
        re.fullmatch(r"/styleSheet\[1\]/fonts\[1\]/font\[\d+\]", p) for p in flagged
    ), flagged
    assert schema_findings(path) == []


def test_a_bad_value_inside_a_font_is_still_a_finding(example_forms: Path, tmp_path: Path) -> None:
    """The exemption frees the order of a font's children, not what they say."""
    path = _changed(example_forms / FORM, STYLES,
                    lambda xml: xml.replace('<b val="1"/>', '<b val="maybe"/>', 1),
                    tmp_path / "bold.xlsx")  # fmt: skip
    found = [(f.part, f.node, f.path.rsplit("/", 1)[-1]) for f in schema_findings(path)]
    assert found == [(STYLES, "val", "b[1]")]


def test_an_element_no_font_may_hold_is_still_a_finding(
    example_forms: Path, tmp_path: Path
) -> None:
    """Only a font child's place is free: an element the schema does not know there counts."""
    path = _changed(example_forms / FORM, STYLES,
                    lambda xml: xml.replace("<font>", "<font><bogus/>", 1),
                    tmp_path / "bogus.xlsx")  # fmt: skip
    found = [(f.part, f.node) for f in schema_findings(path)]
    assert (STYLES, "bogus") in found, found


def _before_sheet_data(tag: str) -> Callable[[str], str]:
    """A worksheet with its empty ``tag`` element moved to just before ``<sheetData>``."""

    def change(xml: str) -> str:
        element = re.search(rf"<{tag}\b[^>]*/>", xml)
        assert element, tag
        rest = xml.replace(element.group(0), "", 1)
        return rest.replace("<sheetData>", element.group(0) + "<sheetData>", 1)

    return change


@pytest.mark.parametrize(
    ("tag", "unexpected"),
    [("sheetFormatPr", "sheetFormatPr"), ("pageMargins", "sheetData")],
    ids=["sheetFormatPr-after-cols", "pageMargins-before-sheetData"],
)
def test_a_worksheet_out_of_order_is_a_finding_naming_its_part(
    example_forms: Path, tmp_path: Path, tag: str, unexpected: str
) -> None:
    """CT_Worksheet is a sequence: sheetFormatPr before cols, sheetData before pageMargins."""
    path = _changed(example_forms / FORM, FORM_PART, _before_sheet_data(tag),
                    tmp_path / f"{tag}.xlsx")  # fmt: skip
    found = schema_findings(path)
    assert {f.part for f in found} == {FORM_PART}  # the untouched parts stay clean
    assert unexpected in {f.node for f in found if f.description.startswith("Unexpected element")}
