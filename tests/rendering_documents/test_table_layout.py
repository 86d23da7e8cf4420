"""Tables read as a clerk expects (issue 19, point 4): in every kind of document no table row
splits across pages, a body table's header row repeats on each page, the line that introduces a
table stays with it, and the paragraph after a table keeps a space from it. Checked in the files
(every document of the example and of a 2026 commune) and on the page (LibreOffice's PDF of the
summary and the sign-in lists)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import EXAMPLE_ISSUED, issue_all
from tests.docfactory import build_plan, build_template
from tests.plans import commune_2026
from tools.example_workbook import write_workbook
from vanban.decree30.layout import set_row_flag
from vanban.decree30.ooxml import element, is_control
from vanban.workbook.loader import load_plan

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# At least 6 pt, in twentieths of a point as w:spacing writes it.
MIN_SPACE_TWIPS = 120
# The 2026 commune issues 3 plan-level documents, 3 invitations, 3 reports and the summary.
COMMUNE_ISSUED = 10
_OFF = ("0", "false", "off")


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(_w("t")))


def _flag(props: etree._Element | None, name: str) -> bool:
    """An OOXML on/off property: present and not switched off by its val."""
    el = props.find(_w(name)) if props is not None else None
    return el is not None and el.get(_w("val"), "true") not in _OFF


def _is_body_table(tbl: etree._Element) -> bool:
    """A bordered table; the header and signature blocks are laid out with borders nil (or
    none at all) and have no header row to repeat."""
    box = tbl.find(f"{_w('tblPr')}/{_w('tblBorders')}")
    return box is not None and any(edge.get(_w("val")) not in ("nil", "none") for edge in box)


class _Styles:
    """What a paragraph's style chain (then the document defaults) says of its properties."""

    def __init__(self, xml: bytes) -> None:
        root = etree.fromstring(xml)
        self._by_id = {s.get(_w("styleId")): s for s in root.iter(_w("style"))}
        self._default = next(
            (
                s.get(_w("styleId"))
                for s in root.iter(_w("style"))
                if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true")
            ),
            None,
        )
        self._doc_ppr = root.find(f"{_w('docDefaults')}/{_w('pPrDefault')}/{_w('pPr')}")

    def chain(self, p: etree._Element) -> list[etree._Element]:
        """The pPr elements that apply to ``p``, nearest first: its own, its styles', defaults'."""
        own = p.find(_w("pPr"))
        out = [own] if own is not None else []
        style_ref = own.find(_w("pStyle")) if own is not None else None
        style_id = style_ref.get(_w("val")) if style_ref is not None else self._default
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            if (ppr := style.find(_w("pPr"))) is not None:
                out.append(ppr)
            based = style.find(_w("basedOn"))
            style_id = based.get(_w("val")) if based is not None else None
        if self._doc_ppr is not None:
            out.append(self._doc_ppr)
        return out

    def space_before(self, p: etree._Element) -> int:
        for ppr in self.chain(p):
            spacing = ppr.find(_w("spacing"))
            if spacing is not None and spacing.get(_w("before")) is not None:
                return int(spacing.get(_w("before"), "0"))
        return 0

    def keep_next(self, p: etree._Element) -> bool:
        for ppr in self.chain(p):
            if ppr.find(_w("keepNext")) is not None:
                return _flag(ppr, "keepNext")
        return False


def _faults(path: Path) -> tuple[list[str], int]:
    """What ``path`` gets wrong in its tables, and how many body tables it has."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        styles = _Styles(z.read("word/styles.xml"))
    faults: list[str] = []
    tables = list(root.iter(_w("tbl")))
    for n, tbl in enumerate(tables):
        rows = tbl.findall(_w("tr"))
        for r, tr in enumerate(rows):
            if not _flag(tr.find(_w("trPr")), "cantSplit"):
                faults.append(f"table {n} row {r} may split across pages: {_text(tr)[:50]!r}")
        if not _is_body_table(tbl):
            continue
        if not rows or not _flag(rows[0].find(_w("trPr")), "tblHeader"):
            faults.append(f"table {n}: its first row does not repeat on each page")
        nxt = tbl.getnext()
        # Exempt: the end of a cell (nothing follows), and a section-break paragraph, whose
        # section ends there (what follows starts a new page).
        if nxt is not None and nxt.tag == _w("p"):
            ppr = nxt.find(_w("pPr"))
            breaks = ppr is not None and ppr.find(_w("sectPr")) is not None
            if not breaks and styles.space_before(nxt) < MIN_SPACE_TWIPS:
                faults.append(
                    f"table {n}: {_text(nxt)[:40]!r} after it has "
                    f"{styles.space_before(nxt) / 20:g} pt before it"
                )
        elif nxt is not None and nxt.tag == _w("tbl"):
            faults.append(f"table {n}: another table follows it with no space between")
        prev = tbl.getprevious()
        if (
            prev is not None
            and prev.tag == _w("p")
            and _text(prev).strip()
            and not styles.keep_next(prev)
        ):
            faults.append(f"table {n}: {_text(prev)[-40:]!r} before it does not keep with it")
    return faults, sum(_is_body_table(t) for t in tables)


@pytest.fixture(scope="module")
def commune_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("commune-tables")
    plan = load_plan(write_workbook(tmp / "phong-hoa-2026.xlsx", commune_2026()))
    issue_all(plan, tmp / "out")
    return tmp / "out"


@pytest.mark.parametrize(
    ("docs", "issued", "body_tables"),
    # Body tables: the plan's, the annex's, the summary's two, one per unit report, and one per
    # sign-in list (the example's 2 units with a roster; the commune lists none).
    [("example_docs", EXAMPLE_ISSUED, 1 + 1 + 2 + 13 + 2), ("commune_docs", COMMUNE_ISSUED, 7)],
)
def test_every_row_stays_whole_and_every_body_table_reads_apart(
    request: pytest.FixtureRequest, docs: str, issued: int, body_tables: int
) -> None:
    folder: Path = request.getfixturevalue(docs)
    paths = sorted(folder.rglob("*.docx"))
    assert len(paths) == issued
    faults: list[str] = []
    found = 0
    for path in paths:
        mine, count = _faults(path)
        faults += [f"{path.relative_to(folder)}: {fault}" for fault in mine]
        found += count
    assert found == body_tables  # the checks above ran over every table that should be there
    assert faults == []


def test_the_builder_lays_its_tables_out_the_same_way(tmp_path: Path) -> None:
    """A plan built with the builder: its header and signature blocks, the plan's table (after
    "... như sau:", before "III. KINH PHÍ THỰC HIỆN") and the annex's (after "(Kèm theo ...)",
    before "* Phụ chú")."""
    faults, body_tables = _faults(build_plan(tmp_path / "plan.docx"))
    assert (faults, body_tables) == ([], 2)


def test_the_builder_keeps_no_loop_with_a_table(tmp_path: Path) -> None:
    """After a ``{%p endfor %}`` the line before the table is the loop's; keeping it with the
    next would chain every paragraph the loop prints into one block."""
    root = etree.fromstring(
        zipfile.ZipFile(build_template(tmp_path / "t.docx")).read("word/document.xml")
    )
    tbl = next(t for t in root.iter(_w("tbl")) if _is_body_table(t))
    assert is_control(_text(tbl.getprevious()))
    assert [
        p for p in root.iter(_w("p")) if p.find(f"{_w('pPr')}/{_w('keepNext')}") is not None
    ] == []
    assert all(_flag(tr.find(_w("trPr")), "cantSplit") for tr in tbl.iter(_w("tr")))


def test_row_flags_go_at_their_schema_place() -> None:
    tr = element("w:tr")
    tr.append(element("w:tblPrEx"))
    tr.append(element("w:tc"))
    set_row_flag(tr, "cantSplit")
    # A new trPr comes after the row's exceptions and before its first cell.
    assert [etree.QName(c).localname for c in tr] == ["tblPrEx", "trPr", "tc"]
    tr_pr = tr.find(_w("trPr"))
    tr_pr.insert(0, element("w:trHeight", val="567"))
    tr_pr.append(element("w:jc", val="center"))
    set_row_flag(tr, "tblHeader")
    set_row_flag(tr, "cantSplit")  # again: moved to its place, not doubled
    order = [etree.QName(c).localname for c in tr_pr]
    assert order == ["trHeight", "cantSplit", "tblHeader", "jc"]


# --- on the page -----------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    """Text compared across Word and the PDF: NFC, case-folded (a run in capitals, w:caps,
    prints what it holds in capitals), without whitespace (pdftotext spaces a justified line's
    letters, "c ủa", and lays the cells of one line side by side)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold()


def _cell_words(tc: etree._Element) -> list[str]:
    return " ".join(_text(p) for p in tc.iter(_w("p"))).split()


def _body_rows(path: Path) -> list[list[str]]:
    """The words of the tallest cell of every body row (header rows repeat on every page, so
    they are not looked for): that cell's first and last lines are the row's."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    rows = []
    for tbl in root.iter(_w("tbl")):
        if not _is_body_table(tbl):
            continue
        for tr in tbl.findall(_w("tr")):
            if _flag(tr.find(_w("trPr")), "tblHeader") or is_control(_text(tr)):
                continue
            words = max(
                (_cell_words(tc) for tc in tr.iter(_w("tc"))), key=lambda w: len(" ".join(w))
            )
            if words:
                rows.append(words)
    return rows


def _find(full: str, words: list[str], start: int, end: int, *, tail: bool) -> tuple[int, int]:
    """Where the first (or last) words of a cell are in ``full[start:end]``: three words, or
    fewer when the three are not side by side (the cell wrapped between them)."""
    for k in range(min(3, len(words)), 0, -1):
        needle = _squeeze("".join(words[-k:] if tail else words[:k]))
        at = full.find(needle, start, end)
        if at >= 0:
            return at, at + len(needle) - 1
    return -1, -1


def _split_rows(pdf: Path, rows: list[list[str]]) -> list[str]:
    """The rows whose first line and last line the PDF prints on different pages."""
    proc = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    pages = [_squeeze(page) for page in proc.stdout.split("\f")]
    full = "".join(pages)
    ends = [sum(len(p) for p in pages[: i + 1]) for i in range(len(pages))]

    def page_of(at: int) -> int:
        return next(i for i, end in enumerate(ends) if at < end) + 1

    # Rows come in reading order, so each is looked for after the one before it, and its end
    # before the next row's start: a unit's name comes again in the summary's proposals.
    starts: list[int] = []
    cursor = 0
    for words in rows:
        at, _ = _find(full, words, cursor, len(full), tail=False)
        assert at >= 0, f"{' '.join(words)!r} is not in {pdf.name}"
        starts.append(at)
        cursor = at + 1
    split = []
    for i, words in enumerate(rows):
        limit = starts[i + 1] if i + 1 < len(rows) else len(full)
        _, last = _find(full, words, starts[i], limit, tail=True)
        assert last >= 0, f"the end of {' '.join(words)!r} is not in {pdf.name}"
        if page_of(starts[i]) != page_of(last):
            split.append(
                f"{pdf.name}: {' '.join(words)!r} on pages {page_of(starts[i])}–{page_of(last)}"
            )
    return split


@pytest.mark.libreoffice
def test_no_row_of_the_summary_or_a_sign_in_list_breaks_across_pages(
    example_docs: Path, tmp_path: Path
) -> None:
    from vanban.review.previews import convert_jobs, find_soffice

    assert find_soffice(), "LibreOffice is missing: apt-get install libreoffice-writer-nogui"
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    sources = [example_docs / "05-bao-cao-tong-hop.docx"]
    sources += sorted(example_docs.glob("03-giay-moi/*-danh-sach.docx"))
    assert len(sources) == 1 + 2
    jobs = [(s, tmp_path / "pdf" / f"{s.stem}.pdf") for s in sources]
    # One soffice process for all of them.
    assert convert_jobs(jobs, timeout=600, processes=1) == {}
    split = []
    for source, pdf in jobs:
        rows = _body_rows(source)
        # The summary's 13 units, its 3 topics and two totals at least; a list, its invitees.
        assert len(rows) >= 10, source.name
        split += _split_rows(pdf, rows)
    assert split == []
