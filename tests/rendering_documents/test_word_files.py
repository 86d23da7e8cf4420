"""Every .docx vanban writes is one Word 2013 and later open as their own: valid against the
WordprocessingML schema as the Open XML SDK applies it, not in compatibility mode, with its own
properties and none of python-docx's; and a template from elsewhere is put in order or refused."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import TEMPLATES, issue_all
from tests.plans import commune_2026
from tools.example_workbook import write_workbook
from vanban.documents.kinds import load_registry
from vanban.documents.skeleton import skeleton
from vanban.errors import TemplateError
from vanban.prepare import prepare_run
from vanban.rendering.render import compiled_template, render_docx, template_warnings
from vanban.rendering.schema import schema_findings, schema_findings_of
from vanban.rendering.wordfile import tidy_template
from vanban.workbook.loader import load_plan

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DCTERMS = "{http://purl.org/dc/terms/}"


def _replace_member(data: bytes, name: str, new: bytes) -> bytes:
    src = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, new if info.filename == name else src.read(info))
    return out.getvalue()


def _with_document(data: bytes, edit) -> bytes:  # type: ignore[no-untyped-def]
    root = etree.fromstring(zipfile.ZipFile(BytesIO(data)).read("word/document.xml"))
    edit(root)
    return _replace_member(data, "word/document.xml", etree.tostring(root))


@pytest.fixture(scope="module")
def commune_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("commune-word")
    plan = load_plan(write_workbook(tmp / "phong-hoa-2026.xlsx", commune_2026()))
    issue_all(plan, tmp / "out")
    return tmp / "out"


# --- the validator catches what it must ------------------------------------------------------


def _out_of_order(root: etree._Element) -> None:
    """The two faults Word met in every document: table properties and pgNumType misplaced."""
    tbl_pr = root.find(f".//{W}tblPr")
    assert tbl_pr is not None and len(tbl_pr) > 1
    first = tbl_pr[0]
    tbl_pr.remove(first)
    tbl_pr.append(first)  # the first property last: out of CT_TblPr's sequence
    sect_pr = root.find(f"{W}body/{W}sectPr")
    assert sect_pr is not None
    pg_num = sect_pr.find(f"{W}pgNumType")
    if pg_num is None:
        pg_num = etree.SubElement(sect_pr, f"{W}pgNumType")
    sect_pr.remove(pg_num)
    sect_pr.append(pg_num)  # after w:docGrid, where CT_SectPr has it before w:cols


def test_the_validator_reports_table_properties_and_pgnumtype_out_of_order(
    example_docs: Path,
) -> None:
    good = (example_docs / "05-bao-cao-tong-hop.docx").read_bytes()
    assert schema_findings_of(good) == []
    bad = _with_document(good, _out_of_order)
    found = schema_findings_of(bad)
    paths = [f.path for f in found]
    assert any("/tblPr[1]" in p for p in paths), found
    assert any(p.endswith("/sectPr[1]") and f.node == "pgNumType" for f, p in zip(found, paths, strict=True))
    assert all(f.part == "word/document.xml" for f in found)
    assert "không đúng chỗ theo lược đồ" in str(found[0])


# --- zero errors in everything written ---------------------------------------------------------


def test_every_document_of_the_example_is_schema_valid(example_docs: Path) -> None:
    docs = sorted(example_docs.rglob("*.docx"))
    assert len(docs) == 32
    bad = {p.name: schema_findings(p) for p in docs}
    assert {k: v for k, v in bad.items() if v} == {}


def test_every_document_of_a_2026_commune_is_schema_valid(commune_docs: Path) -> None:
    docs = sorted(commune_docs.rglob("*.docx"))
    assert docs
    assert {p.name: f for p in docs if (f := schema_findings(p))} == {}


def test_every_shipped_template_is_valid_and_already_tidy() -> None:
    templates = sorted(TEMPLATES.glob("*.docx"))
    assert len(templates) == 7
    for path in templates:
        data = path.read_bytes()
        assert schema_findings(path) == [], path.name
        # Tidy: Word's own file, pruned, neutral properties; nothing left to put in order.
        assert tidy_template(data) == data, f"{path.name}: python -m vanban.rendering.wordfile"
        assert compiled_template(path).reordered == (), path.name


@pytest.mark.parametrize("scope", ["plan", "unit"])
def test_a_fresh_skeleton_is_valid_and_tidy(scope: str) -> None:
    data = skeleton(scope)
    assert schema_findings_of(data) == []
    assert tidy_template(data) == data


# --- Word's own file, with its own properties --------------------------------------------------


def _core(path: Path) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read("docProps/core.xml"))


def test_documents_carry_their_own_properties_and_no_python_docx(example_docs: Path) -> None:
    plan = example_docs / "01-ke-hoach.docx"
    core = _core(plan)
    assert core.findtext(f"{DC}title", "").startswith("Kế hoạch thực hiện đối thoại")
    assert core.findtext(f"{DC}creator") == "Ủy ban nhân dân huyện Tháp Mười"
    assert core.findtext(f"{CP}lastModifiedBy") == "Ủy ban nhân dân huyện Tháp Mười"
    assert core.findtext(f"{DC}identifier") == "6662/KH-UBND"
    assert core.findtext(f"{DC}language") == "vi-VN"
    assert core.findtext(f"{DCTERMS}created", "").startswith("2022-11-02")
    invitation = _core(example_docs / "03-giay-moi" / "xa-my-quy.docx")
    assert invitation.findtext(f"{DC}creator") == "Ủy ban nhân dân xã Mỹ Quý"
    assert invitation.findtext(f"{DC}title", "").startswith("Giấy mời dự đối thoại")
    assert invitation.find(f"{DC}identifier") is None  # its number is left to the records office
    summary = _core(example_docs / "05-bao-cao-tong-hop.docx")
    assert summary.findtext(f"{DC}creator", "").startswith("Phòng Lao động")

    for path in sorted(example_docs.rglob("*.docx")):
        z = zipfile.ZipFile(path)
        names = z.namelist()
        assert not [n for n in names if "thumbnail" in n or n.startswith("customXml/")], path
        core_text = z.read("docProps/core.xml").decode()
        assert "python-docx" not in core_text and "2013-12-23" not in core_text, path
        assert _core(path).findtext(f"{DC}title"), path
        app = z.read("docProps/app.xml").decode()
        assert "Microsoft" not in app and "<Pages>" not in app and "<Words>" not in app, path
        settings = z.read("word/settings.xml").decode()
        assert "savePreviewPicture" not in settings, path
        mode = 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"'
        assert mode in settings, path
        assert "/metadata/thumbnail" not in z.read("_rels/.rels").decode(), path


def test_the_same_inputs_give_the_same_bytes_with_the_documents_date(tmp_path: Path) -> None:
    from vanban.documents.properties import document_properties
    from vanban.workbook.loader import load_plan as load

    plan = load(Path(__file__).resolve().parents[2] / "inputs" / "thap-muoi-2022.xlsx")
    kind = load_registry(TEMPLATES).kind("giay_moi")
    context = kind.build_context(plan, plan.units[0])
    props = document_properties(kind.label, context, plan)
    assert props.created == date(2022, 11, 7)
    first = render_docx(TEMPLATES / kind.template, context, props)
    again = render_docx(TEMPLATES / kind.template, context, props)
    assert first == again


# --- a template from elsewhere ------------------------------------------------------------------


def _sect_pr_first(root: etree._Element) -> None:
    """What LibreOffice writes when it saves a .docx: the section break first in its w:pPr."""
    for p_pr in root.iter(f"{W}pPr"):
        sect = p_pr.find(f"{W}sectPr")
        if sect is not None and len(p_pr) > 1:
            p_pr.remove(sect)
            p_pr.insert(0, sect)
            return
    raise AssertionError("no section break in a paragraph")


def _templates_with(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for path in TEMPLATES.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / name).write_bytes(data)
    return folder


def test_a_template_out_of_order_is_put_in_order_and_said(tmp_path: Path) -> None:
    data = _with_document((TEMPLATES / "giay-moi.docx").read_bytes(), _sect_pr_first)
    template = tmp_path / "giay-moi.docx"
    template.write_bytes(data)
    assert schema_findings(template)  # as it came
    warnings = template_warnings(template)
    assert any("w:pPr" in w and "xếp lại" in w for w in warnings), warnings
    plan = load_plan(Path(__file__).resolve().parents[2] / "inputs" / "thap-muoi-2022.xlsx")
    kind = load_registry(TEMPLATES).kind("giay_moi")
    out = render_docx(template, kind.build_context(plan, plan.units[0]))
    assert schema_findings_of(out) == []


def _unknown_table_property(root: etree._Element) -> None:
    tbl_pr = root.find(f".//{W}tblPr")
    assert tbl_pr is not None
    etree.SubElement(tbl_pr, f"{W}tblFancyLook")  # no such element in any schema


def test_a_template_vanban_cannot_put_right_is_refused_naming_part_and_element(
    tmp_path: Path,
) -> None:
    data = _with_document((TEMPLATES / "ke-hoach.docx").read_bytes(), _unknown_table_property)
    folder = _templates_with(tmp_path, "ke-hoach.docx", data)
    with pytest.raises(TemplateError) as caught:
        compiled_template(folder / "ke-hoach.docx")
    message = str(caught.value)
    assert caught.value.exit_code == 3
    assert "ke-hoach.docx" in message and "lược đồ" in message
    assert "word/document.xml" in message and "tblFancyLook" in message

    out = tmp_path / "out"
    prepared = prepare_run(
        Path(__file__).resolve().parents[2] / "inputs" / "thap-muoi-2022.xlsx",
        out_dir=out,
        templates_dir=folder,
    )
    assert not prepared.ok
    assert any("tblFancyLook" in str(e) for e in prepared.errors)
    assert not out.exists()  # nothing written

    from vanban.documents.lint import lint_templates

    findings = [f for f in lint_templates(folder) if not f.warning]
    assert [f.template for f in findings] == ["ke-hoach.docx"]
    assert "tblFancyLook" in findings[0].message and findings[0].around == "word/document.xml"


def test_schema_order_sorts_known_children_and_keeps_an_unknown_in_its_slot() -> None:
    from vanban.wordml import insert_at, order_children

    sect = etree.fromstring(
        f'<w:sectPr xmlns:w="{W[1:-1]}"><w:footerReference/><w:pgSz/><w:docGrid/>'
        "<w:headerReference/><w:pgNumType/><w:titlePg/></w:sectPr>"
    )
    assert order_children(sect) == ["sectPr"]
    names = [etree.QName(c).localname for c in sect]
    # Header and footer references share the first rank: their own order is kept.
    assert names == ["footerReference", "headerReference", "pgSz", "pgNumType", "titlePg", "docGrid"]
    assert order_children(sect) == []  # a second pass finds nothing to do

    tbl_pr = etree.fromstring(
        f'<w:tblPr xmlns:w="{W[1:-1]}"><w:tblLook/><w:odd/><w:tblBorders/><w:tblW/></w:tblPr>'
    )
    order_children(tbl_pr)
    assert [etree.QName(c).localname for c in tbl_pr] == ["tblW", "odd", "tblBorders", "tblLook"]

    p_pr = etree.fromstring(f'<w:pPr xmlns:w="{W[1:-1]}"><w:jc/><w:rPr/></w:pPr>')
    insert_at(p_pr, etree.Element(f"{W}spacing"))
    insert_at(p_pr, etree.Element(f"{W}pStyle"))
    assert [etree.QName(c).localname for c in p_pr] == ["pStyle", "spacing", "jc", "rPr"]


def test_a_unit_re_issued_with_force_over_a_hand_edit_is_still_valid(tmp_path: Path) -> None:
    from vanban.issuing.run import run_issue

    example = Path(__file__).resolve().parents[2] / "inputs" / "thap-muoi-2022.xlsx"
    out = tmp_path / "out"
    run_issue(example, out_dir=out, templates_dir=TEMPLATES, units=["Xã Mỹ Quý"])
    letter = out / "03-giay-moi" / "xa-my-quy.docx"
    edited = _with_document(letter.read_bytes(), lambda root: None)  # re-zipped: another file
    letter.write_bytes(edited)
    report = run_issue(
        example, out_dir=out, templates_dir=TEMPLATES, units=["Xã Mỹ Quý"], force=True
    )
    statuses = {s.job.relpath: s.status for s in report.statuses}
    assert statuses["03-giay-moi/xa-my-quy.docx"] == "issued"
    assert letter.read_bytes() != edited
    assert schema_findings(letter) == []
    assert list((out / ".history").rglob("*.docx"))  # the edited copy was kept


def test_templates_that_passed_are_remembered_and_failures_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from vanban.rendering import schema

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    good = (TEMPLATES / "giay-moi.docx").read_bytes()
    bad = _with_document(good, _unknown_table_property)
    assert schema.valid_package(good) == []
    assert schema.valid_package(bad)  # refused, and refused again next time
    records = sorted(p.name for p in schema.cache_dir().iterdir())
    assert len(records) == 1 and hashlib.sha256(good).hexdigest() in records[0], records
    calls: list[bytes] = []
    monkeypatch.setattr(
        schema, "schema_findings_of", lambda data, suffix=".docx": calls.append(data) or []
    )
    assert schema.valid_package(good) == [] and calls == []  # remembered: not read again
    schema.valid_package(bad)
    assert calls == [bad]  # a failure is never remembered


_OFFICE_CORE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/metadata/core-properties"
_PKG_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def test_core_properties_under_the_other_type_give_one_core_part_on_either_path(
    tmp_path: Path,
) -> None:
    from vanban.rendering.render import render_docx_stock
    from vanban.rendering.wordfile import DocumentProperties

    data = (TEMPLATES / "giay-moi.docx").read_bytes()
    rels = zipfile.ZipFile(BytesIO(data)).read("_rels/.rels").decode()
    assert _PKG_CORE in rels
    template = tmp_path / "giay-moi.docx"
    template.write_bytes(_replace_member(data, "_rels/.rels", rels.replace(_PKG_CORE, _OFFICE_CORE).encode()))
    plan = load_plan(Path(__file__).resolve().parents[2] / "inputs" / "thap-muoi-2022.xlsx")
    kind = load_registry(TEMPLATES).kind("giay_moi")
    props = DocumentProperties("Giấy mời", "Dự đối thoại", "Ủy ban nhân dân xã Mỹ Quý", date(2022, 11, 7))
    context = kind.build_context(plan, plan.units[0])
    for out in (render_docx(template, context, props), render_docx_stock(template, context, props)):
        names = zipfile.ZipFile(BytesIO(out)).namelist()
        assert len(names) == len(set(names)), names  # no second docProps/core.xml
        assert [n for n in names if n.endswith("core.xml")] == ["docProps/core.xml"]
        core = etree.fromstring(zipfile.ZipFile(BytesIO(out)).read("docProps/core.xml"))
        assert core.findtext(f"{DC}creator") == "Ủy ban nhân dân xã Mỹ Quý"
        assert schema_findings_of(out) == []


def test_a_relationship_to_drop_that_points_at_a_needed_part_drops_nothing_needed(
    tmp_path: Path,
) -> None:
    data = (TEMPLATES / "giay-moi.docx").read_bytes()
    rels = zipfile.ZipFile(BytesIO(data)).read("_rels/.rels").decode()
    thumbnail = (
        '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/thumbnail" Target="word/document.xml"/></Relationships>'
    )
    template = tmp_path / "giay-moi.docx"
    template.write_bytes(
        _replace_member(data, "_rels/.rels", rels.replace("</Relationships>", thumbnail).encode())
    )
    compiled = compiled_template(template)  # not refused: the body is kept
    names = zipfile.ZipFile(BytesIO(compiled.package)).namelist()
    assert "word/document.xml" in names
    assert "metadata/thumbnail" not in zipfile.ZipFile(BytesIO(compiled.package)).read(
        "_rels/.rels"
    ).decode()


def test_a_thumbnail_and_core_properties_of_the_other_type_are_mended_together() -> None:
    from vanban.decree30.layout import Decree30Document
    from vanban.rendering.parts import inflate
    from vanban.rendering.wordfile import made_word_file
    from vanban.rendering.zipcopy import read_members

    buffer = BytesIO()
    Decree30Document().document.save(buffer)  # python-docx's package: it has a thumbnail
    data = buffer.getvalue()
    rels = zipfile.ZipFile(BytesIO(data)).read("_rels/.rels").decode()
    assert "metadata/thumbnail" in rels and _PKG_CORE in rels
    data = _replace_member(data, "_rels/.rels", rels.replace(_PKG_CORE, _OFFICE_CORE).encode())
    members, _ = made_word_file(read_members(data))
    mended = inflate(next(m for m in members if m.name == "_rels/.rels")).decode()
    assert "metadata/thumbnail" not in mended  # the first step's change is kept
    assert _PKG_CORE in mended and _OFFICE_CORE not in mended
    assert "docProps/thumbnail.jpeg" not in [m.name for m in members]
