"""vanban.review.docxtext on documents built here with python-docx."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Final

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from vanban.errors import InputError
from vanban.review.docxtext import blocks, normalize, paragraphs, tables

NFC: Final = "NFC"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kế  hoạch", "Kế hoạch"),
        ("Kế\thoạch", "Kế hoạch"),
        ("Kế\u00a0hoạch", "Kế hoạch"),
        ("Kế \u00a0\t hoạch", "Kế hoạch"),
        ("  Tổng cộng  ", "Tổng cộng"),
        (nfd("Xã Mỹ Quý"), "Xã Mỹ Quý"),
        ("a\u202fb", "a b"),
        ("dòng 1\n\n  dòng  2 ", "dòng 1\ndòng 2"),
        (" \u00a0\t", ""),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert unicodedata.is_normalized(NFC, normalize(raw))


def _plan_like(path: Path) -> Path:
    """A heading, a table with a merged header like the seed's attendance table, a closing line."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Trang đầu trang"
    document.sections[0].footer.paragraphs[0].text = "Chân trang"
    document.add_paragraph(nfd("KẾ  HOẠCH"))
    document.add_paragraph("")
    document.add_paragraph("   \t ")
    document.add_paragraph("Thời gian:\u00a0Từ ngày\t11/11/2022")
    table = document.add_table(rows=4, cols=4)
    # TT spans two rows; "Số lượng tham dự" spans two columns, as in the seed.
    table.cell(0, 0).merge(table.cell(1, 0)).text = "TT"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Đơn vị"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Số lượng tham dự"
    table.cell(1, 2).text = "Hộ nghèo"
    table.cell(1, 3).text = nfd("Hộ cận  nghèo")
    for col, text in enumerate(["1", "Xã Mỹ Quý", "41", "46"]):
        table.cell(2, col).text = text
    for col, text in enumerate(["Tổng cộng", "", "492", "687"]):
        table.cell(3, col).text = text
    closing = document.add_paragraph("Nơi nhận:")
    closing.add_run().add_break()
    closing.add_run("- Sở Lao động – TB&XH;")
    document.save(str(path))
    return path


def test_blocks_in_reading_order_with_merged_cells_once(tmp_path: Path) -> None:
    assert blocks(_plan_like(tmp_path / "a.docx")) == [
        "KẾ HOẠCH",
        "Thời gian: Từ ngày 11/11/2022",
        "TT",
        "Đơn vị",
        "Số lượng tham dự",
        "Hộ nghèo",
        "Hộ cận nghèo",
        "1",
        "Xã Mỹ Quý",
        "41",
        "46",
        "Tổng cộng",
        "492",
        "687",
        "Nơi nhận:\n- Sở Lao động – TB&XH;",
    ]


def test_blocks_are_nfc(tmp_path: Path) -> None:
    for block in blocks(_plan_like(tmp_path / "a.docx")):
        assert unicodedata.is_normalized(NFC, block), block


def test_paragraphs_leave_out_tables_headers_and_empty_ones(tmp_path: Path) -> None:
    assert paragraphs(_plan_like(tmp_path / "a.docx")) == [
        "KẾ HOẠCH",
        "Thời gian: Từ ngày 11/11/2022",
        "Nơi nhận:\n- Sở Lao động – TB&XH;",
    ]


def test_tables_repeat_merged_cells_like_python_docx(tmp_path: Path) -> None:
    path = _plan_like(tmp_path / "a.docx")
    expected = [
        ["TT", "Đơn vị", "Số lượng tham dự", "Số lượng tham dự"],
        ["TT", "Đơn vị", "Hộ nghèo", "Hộ cận nghèo"],
        ["1", "Xã Mỹ Quý", "41", "46"],
        ["Tổng cộng", "", "492", "687"],
    ]
    assert tables(path) == [expected]
    reference = docx.Document(str(path)).tables[0]
    assert [[normalize(c.text) for c in row.cells] for row in reference.rows] == expected


def test_accepts_an_open_document(tmp_path: Path) -> None:
    path = _plan_like(tmp_path / "a.docx")
    assert blocks(docx.Document(str(path))) == blocks(path)
    assert blocks(str(path)) == blocks(path)


def test_same_text_differently_encoded_gives_same_blocks(tmp_path: Path) -> None:
    a, b = docx.Document(), docx.Document()
    a.add_paragraph("Ủy ban nhân dân huyện Tháp Mười")
    b.add_paragraph(nfd("Ủy  ban nhân\u00a0dân huyện\tTháp Mười "))
    run_split = b.add_paragraph()
    for piece in ["Xã ", "Mỹ", " ", "Quý"]:
        run_split.add_run(piece)
    a.add_paragraph("Xã Mỹ Quý")
    a.save(str(tmp_path / "a.docx"))
    b.save(str(tmp_path / "b.docx"))
    assert blocks(tmp_path / "a.docx") == blocks(tmp_path / "b.docx")


def test_cell_paragraphs_join_with_newline_and_nested_table_follows(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    cell = table.cell(0, 1)
    cell.text = "TM. ỦY BAN NHÂN DÂN"
    cell.add_paragraph("KT. CHỦ TỊCH")
    cell.add_paragraph("")
    cell.add_paragraph("PHÓ CHỦ TỊCH")
    table.cell(0, 0).text = "Nơi nhận:"
    inner = table.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "trong 1"
    inner.cell(0, 1).text = "trong 2"
    document.add_paragraph("sau bảng")
    document.save(str(tmp_path / "n.docx"))
    assert blocks(tmp_path / "n.docx") == [
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "trong 1",
        "trong 2",
        "sau bảng",
    ]
    assert tables(tmp_path / "n.docx") == [
        [["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"]],
        [["trong 1", "trong 2"]],
    ]


def test_hyperlinks_content_controls_and_tracked_changes(tmp_path: Path) -> None:
    document = docx.Document()
    body = document.element.body
    sect = body[-1]  # keep w:sectPr last
    xml = (
        f"<w:p {nsdecls('w', 'r')}>"
        '<w:r><w:t xml:space="preserve">Xem </w:t></w:r>'
        '<w:hyperlink r:id="rId99"><w:r><w:t>trang tin</w:t></w:r></w:hyperlink>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>cũ</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> mới</w:t></w:r></w:ins>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        "<w:r><w:noBreakHyphen/><w:t>1</w:t></w:r>"
        "</w:p>"
    )
    sect.addprevious(parse_xml(xml))
    control = (
        f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:r><w:t>Trong ô nội dung</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    sect.addprevious(parse_xml(control))
    document.save(str(tmp_path / "x.docx"))
    assert blocks(tmp_path / "x.docx") == ["Xem trang tin mới-1", "Trong ô nội dung"]


def test_not_a_docx_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_text("không phải docx", encoding="utf-8")
    with pytest.raises(InputError, match="Không đọc được"):
        blocks(bad)
    with pytest.raises(InputError, match="Không tìm thấy tệp Word"):
        paragraphs(tmp_path / "missing.docx")
