"""The compiled template gives the documents docxtpl's own path gives, for every kind of both plans.

The two paths are compared by extracted text (body, tables, headers and footers), never by zip
bytes; every compiled document is a sound zip, renders to the same bytes twice, and passes the
Decree 30 checker. A context holding docxtpl's own objects (pictures, subdocuments, rich text, listings) takes
the stock path.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docxtpl import Listing

from tests.conftest import EXAMPLE_ISSUED, TEMPLATES
from tests.plans import commune_2026
from tools.example_workbook import write_workbook
from vanban.decree30.checker import check_document
from vanban.documents.kinds import default_registry
from vanban.errors import TemplateError
from vanban.model import Plan
from vanban.rendering import render
from vanban.rendering.compiled import CompiledTemplate, is_plain
from vanban.rendering.sandbox import make_environment
from vanban.rendering.xmlshape import always_balanced, static_tables, well_formed
from vanban.review.docxtext import blocks
from vanban.workbook.loader import load_plan

Job = tuple[str, str, dict[str, Any]]  # (name, template, context)


def _jobs(plan: Plan, label: str) -> Iterator[Job]:
    for kind in default_registry().kinds:
        for unit in [None] if kind.scope == "plan" else list(plan.units):
            if kind.unmet(plan, unit) is None:
                name = f"{label}-{kind.key}-{unit.name if unit else 'plan'}"
                yield name, kind.template, kind.build_context(plan, unit)


@pytest.fixture(scope="module")
def jobs(example_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> list[Job]:
    tmp = tmp_path_factory.mktemp("commune")
    commune = load_plan(write_workbook(tmp / "phong-hoa-2026.xlsx", commune_2026()))
    return [*_jobs(example_plan, "example"), *_jobs(commune, "commune")]


def _text(data: bytes) -> list[str]:
    doc = Document(BytesIO(data))
    out = list(blocks(doc))
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.footer):
            out += [f"[{type(part).__name__}] {p.text}" for p in part.paragraphs]
    return out


def test_every_kind_of_both_plans_is_covered(jobs: list[Job]) -> None:
    assert {template for _, template, _ in jobs} == {k.template for k in default_registry().kinds}
    assert len(jobs) >= EXAMPLE_ISSUED + 9


def test_the_compiled_path_gives_the_stock_paths_text(jobs: list[Job], tmp_path: Path) -> None:
    for name, template, context in jobs:
        path = TEMPLATES / template
        compiled = render.compiled_template(path)
        assert compiled.stock_reason is None and is_plain(context), name
        fast = compiled.render(context)
        assert render.render_docx(path, context) == fast, f"{name}: not deterministic"
        stock = render.render_docx_stock(path, context)
        assert _text(fast) == _text(stock), name
        with zipfile.ZipFile(BytesIO(fast)) as archive:
            assert archive.testzip() is None
            assert archive.namelist() == zipfile.ZipFile(path).namelist()
        out = tmp_path / f"{name}.docx"
        out.write_bytes(fast)
        findings = [f"{f.rule}: {f.message}" for f in check_document(out)]
        assert findings == [], name


def test_unchanged_members_are_the_templates_compressed_bytes(example_plan: Plan) -> None:
    path = TEMPLATES / "ke-hoach.docx"
    template = zipfile.ZipFile(path)
    data = render.render_docx(path, default_registry().kinds[0].build_context(example_plan, None))
    output = zipfile.ZipFile(BytesIO(data))
    for info in template.infolist():
        if info.filename == "word/document.xml":
            continue
        out = output.getinfo(info.filename)
        assert (out.CRC, out.compress_size) == (info.CRC, info.compress_size), info.filename


def test_threads_share_one_compiled_template(jobs: list[Job]) -> None:
    invitations = [(TEMPLATES / t, c) for _, t, c in jobs if t == "giay-moi.docx"]
    alone = [render.render_docx(p, c) for p, c in invitations]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda job: render.render_docx(*job), invitations * 3))
    assert together == alone * 3


def test_docxtpl_objects_take_the_stock_path(
    jobs: list[Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    name, template, context = next(j for j in jobs if j[1] == "ke-hoach.docx")
    rich = dict(context, plan=dict(context["plan"], intro=Listing("Lời mở đầu\ncó hai dòng")))
    assert not is_plain(rich)

    def refuse(self: CompiledTemplate, context: dict[str, Any]) -> bytes:
        raise AssertionError("the compiled path cannot write what docxtpl objects add")

    monkeypatch.setattr(CompiledTemplate, "render", refuse)
    data = render.render_docx(TEMPLATES / template, rich)
    assert any("Lời mở đầu" in block and "có hai dòng" in block for block in _text(data))


def test_text_the_xml_cannot_hold_takes_docxtpls_repairing_parse(jobs: list[Job]) -> None:
    # A control character is no XML: the compiled path then parses and repairs the body as
    # docxtpl does, so both paths still agree (keeping such characters out is the reader's job).
    name, template, context = next(j for j in jobs if j[1] == "ke-hoach.docx")
    odd = dict(context, plan=dict(context["plan"], intro="Trước\x0bsau & <b>"))
    path = TEMPLATES / template
    assert _text(render.render_docx(path, odd)) == _text(render.render_docx_stock(path, odd))


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _table(rows: str, columns: int = 2) -> str:
    grid = "<w:gridCol/>" * columns
    return f"<w:body {_W}><w:tbl><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl></w:body>"


def _cell(text: str = "") -> str:
    return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


_NESTED = f"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr>{_cell()}</w:tr></w:tbl>"


@pytest.mark.parametrize(
    ("source", "static"),
    [
        (_table(f"<w:tr>{_cell('{{ a }}')}{_cell()}</w:tr>"), True),
        (
            _table(f"{{% for r in rows %}}<w:tr>{_cell('{{ r }}')}{_cell()}</w:tr>{{% endfor %}}"),
            True,
        ),
        (_table(f"<w:tr>{{% for c in cols %}}{_cell('{{ c }}')}{{% endfor %}}</w:tr>"), False),
        (_table(f"<w:tr>{_cell('{% if a %}')}{_cell('{% endif %}')}</w:tr>"), False),
        (_table(f"<w:tr>{_cell()}</w:tr>"), False),
        (_table(f"<w:tr><w:tc>{_NESTED}<w:p/></w:tc>{_cell()}</w:tr>"), False),
    ],
    ids=["fields", "row-loop", "cell-loop", "block-across-cells", "short-row", "nested"],
)
def test_which_tables_need_docxtpls_grid_fix(source: str, static: bool) -> None:
    assert static_tables(source) is static


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _body(inner: str) -> str:
    return f"<w:body {_W}>{inner}</w:body>"


@pytest.mark.parametrize(
    ("source", "balanced"),
    [
        (_body(f"{{% for x in xs %}}{_p('{{ x }}')}{{% endfor %}}"), True),
        (_body(f"{_p('{% if a %}x')}{_p('y{% else %}z')}{_p('{% endif %}')}"), True),
        (_body('<w:p><w:pPr><w:jc w:val="{{ side }}"/></w:pPr></w:p>'), True),
        (_body(_table(f"<w:tr>{_cell('{% if a %}')}</w:tr>") + _p("{% endif %}")), False),
        (_body('<w:p><w:pPr><w:jc w:val="{% if a %}left{% endif %}"/></w:pPr></w:p>'), False),
        (_body("<w:p {{ attrs }}></w:p>"), False),
        (_body(_p("{% raw %}{{ x }}{% endraw %}")), False),
        (_body(_p("{{ '\\x01' }}")), False),
        (_body(_p("{% if a %}x")), False),
    ],
    ids=[
        "loop-of-paragraphs",
        "branches-across-paragraphs",
        "value-in-an-attribute",
        "block-from-a-cell-to-the-body",
        "block-in-an-attribute",
        "value-among-attributes",
        "raw",
        "escape-in-a-string",
        "unclosed",
    ],
)
def test_which_templates_always_render_well_formed_xml(source: str, balanced: bool) -> None:
    assert always_balanced(source) is balanced


def test_a_control_character_is_not_well_formed_even_when_balanced() -> None:
    assert well_formed(b"<a>x</a>", balanced=True)
    assert not well_formed(b"<a>x\x0bx</a>", balanced=True)
    assert not well_formed("<a>x\ufffe</a>".encode(), balanced=True)
    assert not well_formed(b"<a><b></a>", balanced=False)


def _tagged_template(path: Path, body: list[str], header: str) -> Path:
    doc = Document()
    for text in body:
        doc.add_paragraph(text)
    doc.sections[0].header.paragraphs[0].text = header
    doc.save(str(path))
    return path


_UNDEFINED = "dùng biến không có dữ liệu"
_REFUSED = "bị từ chối"


@pytest.mark.parametrize(
    ("body", "header", "tag", "phrase"),
    [
        (["{{ a }}", "Đoạn {{ b }}", "Ngày {{ missing_day }}", "{{ a }}"], "Trang",
         "{{ missing_day }}", _UNDEFINED),
        (["{{ a }}", "{{ b }}"], "Đầu trang {{ missing_head }}", "{{ missing_head }}", _UNDEFINED),
        # Two tags name the variable and only the second fails: its line tells which it was.
        (["{{ a if a == 'một' else missing }}", "Ngày {{ missing }}"], "Trang",
         "{{ missing }}", _UNDEFINED),
        (["{{ a }}", "{{ b }}", "{% for i in range(99999999) %}x{% endfor %}"], "Trang",
         "{% for i in range(99999999) %}", _REFUSED),
    ],
)  # fmt: skip
def test_an_error_while_rendering_names_its_tag(
    tmp_path: Path, body: list[str], header: str, tag: str, phrase: str
) -> None:
    # Documents are rendered from sources without docxtpl's line per paragraph; the error must
    # still name the tag that failed, not the first tag of the body.
    path = _tagged_template(tmp_path / "mau.docx", body, header)
    with pytest.raises(TemplateError) as raised:
        render.render_docx(path, {"a": "một", "b": "hai"})
    message = str(raised.value)
    assert f"ở thẻ {tag}" in message, message
    assert phrase in message, message


def test_a_header_without_tags_is_rendered_once_and_kept(tmp_path: Path) -> None:
    path = _tagged_template(tmp_path / "mau.docx", ["{{ a }}"], "Đầu trang cố định")
    compiled = CompiledTemplate(path.read_bytes(), make_environment())
    assert [n for n in compiled._fixed if "header" in n]  # rendered once, when compiled
    first = compiled.render({"a": "một"})
    second = compiled.render({"a": "hai"})
    headers = [n for n in zipfile.ZipFile(BytesIO(first)).namelist() if "header" in n]
    assert headers
    for name in headers:
        assert zipfile.ZipFile(BytesIO(first)).read(name) == zipfile.ZipFile(BytesIO(second)).read(name)
    stock = render.render_docx_stock(path, {"a": "hai"})
    assert _text(second) == _text(stock)
    assert "Đầu trang cố định" in "\n".join(_text(second))
