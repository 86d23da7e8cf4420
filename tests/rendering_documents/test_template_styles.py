"""Templates carry the styles they use: pruned styles, no stylesWithEffects.xml, still opened.

Every style a part names is still defined, with its chain; pruning keeps what a fresh document
uses and drops what it does not; LibreOffice converts every template and every document the
example issues from them.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from tests.conftest import EXAMPLE_ISSUED, TEMPLATES
from vanban.rendering.styles import W, prune_styles

TEMPLATE_PATHS = sorted(TEMPLATES.glob("*.docx"))


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _style_ids(archive: zipfile.ZipFile) -> set[str]:
    root = etree.fromstring(archive.read("word/styles.xml"))
    return {s.get(_w("styleId")) for s in root.iter(_w("style"))}


def _named_styles(archive: zipfile.ZipFile) -> set[str]:
    """Every style id a part of the package names, styles.xml's own chains included."""
    names = set()
    for name in archive.namelist():
        if not (name.startswith("word/") and name.endswith(".xml")):
            continue
        root = etree.fromstring(archive.read(name))
        for tag in ("pStyle", "rStyle", "tblStyle", "basedOn", "link", "next", "numStyleLink"):
            names |= {el.get(_w("val")) for el in root.iter(_w(tag))}
    return names


def test_every_kind_s_template_is_checked_here() -> None:
    from vanban.documents.kinds import default_registry

    assert {p.name for p in TEMPLATE_PATHS} == {k.template for k in default_registry().kinds}


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=lambda p: p.name)
def test_a_template_carries_only_the_styles_it_uses(path: Path) -> None:
    data = path.read_bytes()
    assert len(data) < 20_000, f"{path.name} is {len(data):,} bytes"
    archive = zipfile.ZipFile(BytesIO(data))
    assert "word/stylesWithEffects.xml" not in archive.namelist()
    assert b"stylesWithEffects" not in archive.read("word/_rels/document.xml.rels")
    assert b"stylesWithEffects" not in archive.read("[Content_Types].xml")
    assert len(archive.read("word/styles.xml")) < 10_000
    missing = _named_styles(archive) - _style_ids(archive)
    assert not missing, f"{path.name} names undefined styles {missing}"
    assert {"Normal", "DefaultParagraphFont", "TableNormal"} <= _style_ids(archive)
    assert prune_styles(data) == data, "the committed template is not pruned"


def test_pruning_keeps_a_used_style_and_its_chain_and_drops_the_rest() -> None:
    doc = Document()
    doc.add_paragraph("Mục một", style="Heading 1")
    doc.add_paragraph("Trích dẫn", style="Quote")
    buf = BytesIO()
    doc.save(buf)
    before = buf.getvalue()
    after = prune_styles(before)
    assert len(after) < len(before) / 2
    ids = _style_ids(zipfile.ZipFile(BytesIO(after)))
    assert {"Heading1", "Heading1Char", "Quote", "QuoteChar", "Normal"} <= ids
    assert "Title" not in ids and "Heading9" not in ids and "Caption" not in ids
    reopened = Document(BytesIO(after))
    assert [p.style.name for p in reopened.paragraphs] == ["Heading 1", "Quote"]
    assert reopened.paragraphs[0].style.base_style.name == "Normal"


@pytest.mark.libreoffice
def test_libreoffice_converts_every_template_and_document(
    example_docs: Path, tmp_path: Path
) -> None:
    from vanban.review.previews import convert_jobs, find_soffice

    assert find_soffice(), "LibreOffice is missing: apt-get install libreoffice-writer-nogui"
    sources = [*TEMPLATE_PATHS, *sorted(example_docs.rglob("*.docx"))]
    # One soffice process for all of them; the library stages the files under unique names.
    jobs = [(s, tmp_path / "pdf" / f"{i:02d}-{s.stem}.pdf") for i, s in enumerate(sources)]
    assert convert_jobs(jobs, timeout=600, processes=1) == {}
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    # Every template and every document of the example.
    assert len(pdfs) == len(sources) == len(TEMPLATE_PATHS) + EXAMPLE_ISSUED
    assert all(p.stat().st_size > 1000 for p in pdfs)
