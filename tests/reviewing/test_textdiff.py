"""vanban.review.textdiff: block diffs of documents, word marks, plain-text output."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from vanban.cli.app import app
from vanban.errors import InputError
from vanban.review.textdiff import (
    DiffLine,
    Segment,
    diff_blocks,
    diff_documents,
    format_diff,
    hunks,
    word_diff,
)

ROWS = [
    ["TT", "Đơn vị", "Hộ nghèo", "Hộ cận nghèo"],
    ["1", "Xã Mỹ Quý", "41", "46"],
    ["2", "Xã Mỹ Đông", "3", "51"],
    ["3", "Xã Láng Biển", "32", "65"],
]


def _document(path: Path, rows: list[list[str]], *, title: str = "KẾ HOẠCH") -> Path:
    document = docx.Document()
    document.add_paragraph(title)
    document.add_paragraph("Thời gian: Từ ngày 11/11/2022 đến ngày 20/11/2022.")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("Tổng cộng")
    document.save(str(path))
    return path


def test_single_changed_cell_is_exactly_one_pair(tmp_path: Path) -> None:
    changed = [row[:] for row in ROWS]
    changed[2][3] = "52"
    old = _document(tmp_path / "old.docx", ROWS)
    new = _document(tmp_path / "new.docx", changed)
    lines = diff_documents(old, new)
    assert [line for line in lines if line.op != "="] == [DiffLine("-", "51"), DiffLine("+", "52")]
    assert format_diff(lines, context=0) == "- 51\n+ 52"
    assert format_diff(lines, context=1) == "  3\n- 51\n+ 52\n  3"


def test_unchanged_documents_have_no_changes(tmp_path: Path) -> None:
    old = _document(tmp_path / "old.docx", ROWS)
    new = _document(tmp_path / "new.docx", [row[:] for row in ROWS])
    lines = diff_documents(old, new)
    assert lines and all(line.op == "=" for line in lines)
    assert format_diff(lines) == ""


def test_only_encoding_and_spacing_differ_is_no_change(tmp_path: Path) -> None:
    nfd_rows = [[unicodedata.normalize("NFD", t).replace(" ", "\u00a0 ") for t in r] for r in ROWS]
    old = _document(tmp_path / "old.docx", ROWS)
    new = _document(tmp_path / "new.docx", nfd_rows, title="KẾ  HOẠCH")
    assert all(line.op == "=" for line in diff_documents(old, new))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (["a", "b", "c"], ["a", "b", "c"], ["= a", "= b", "= c"]),
        (["a", "b", "c"], ["a", "c"], ["= a", "- b", "= c"]),
        (["a", "c"], ["a", "b", "c"], ["= a", "+ b", "= c"]),
        (["a", "b", "c"], ["a", "B", "c"], ["= a", "- b", "+ B", "= c"]),
        ([], ["a"], ["+ a"]),
        (["a"], [], ["- a"]),
        # Two replaced blocks: removals first, then additions, as a reader compares them.
        (["x", "b", "c", "y"], ["x", "B", "C", "y"], ["= x", "- b", "- c", "+ B", "+ C", "= y"]),
    ],
)
def test_diff_blocks(old: list[str], new: list[str], expected: list[str]) -> None:
    assert [f"{line.op} {line.text}" for line in diff_blocks(old, new)] == expected


def test_changed_words_are_marked_in_a_similar_pair() -> None:
    lines = diff_blocks(
        ["Thời gian: Từ ngày 11/11/2022 đến ngày 20/11/2022."],
        ["Thời gian: Từ ngày 12/11/2022 đến ngày 20/11/2022."],
    )
    removed, added = lines
    assert [s for s in removed.words if s.op != "="] == [Segment("-", "11")]
    assert [s for s in added.words if s.op != "="] == [Segment("+", "12")]
    assert "".join(s.text for s in removed.words) == removed.text
    assert "".join(s.text for s in added.words) == added.text


def test_dissimilar_blocks_are_not_marked_word_by_word() -> None:
    removed, added = diff_blocks(["Hộ nghèo"], ["Kinh phí thực hiện là 11.300.000đ"])
    assert removed.words == () and added.words == ()


@pytest.mark.parametrize(
    ("old", "new", "old_marks", "new_marks"),
    [
        ("Xã Mỹ Quý có 41 hộ", "Xã Mỹ Quý có 45 hộ", ["41"], ["45"]),
        ("số tiền 850.000đ", "số tiền 900.000đ", ["850"], ["900"]),
        ("hộ nghèo", "hộ cận nghèo", [], ["cận "]),
        ("một hai ba bốn", "một năm sáu bốn", ["hai ba"], ["năm sáu"]),
        ("giống nhau", "giống nhau", [], []),
    ],
)
def test_word_diff(old: str, new: str, old_marks: list[str], new_marks: list[str]) -> None:
    old_parts, new_parts = word_diff(old, new)
    assert [s.text for s in old_parts if s.op == "-"] == old_marks
    assert [s.text for s in new_parts if s.op == "+"] == new_marks
    assert "".join(s.text for s in old_parts) == old
    assert "".join(s.text for s in new_parts) == new


def test_words_take_no_part_in_equality() -> None:
    assert DiffLine("-", "a", (Segment("-", "a"),)) == DiffLine("-", "a")


def test_format_diff_separates_distant_hunks_and_prefixes_every_line() -> None:
    lines = diff_blocks(["a", "b", "c", "d", "e", "f\ng"], ["a", "B", "c", "d", "e", "F\ng"])
    assert format_diff(lines) == "  a\n- b\n+ B\n  c\n…\n  e\n- f\n- g\n+ F\n+ g"
    assert len(hunks(lines, context=1)) == 2
    assert len(hunks(lines, context=3)) == 1
    with pytest.raises(ValueError):
        format_diff(lines, context=-1)


def test_vanban_diff_command(tmp_path: Path) -> None:
    changed = [row[:] for row in ROWS]
    changed[1][1] = "Xã Mỹ Hòa"
    old = _document(tmp_path / "old.docx", ROWS)
    new = _document(tmp_path / "new.docx", changed)
    runner = CliRunner()
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 0
    assert "- Xã Mỹ Quý\n+ Xã Mỹ Hòa\n" in result.output
    same = runner.invoke(app, ["diff", str(old), str(old)])
    assert same.exit_code == 0 and "Xã Mỹ Quý" not in same.output
    missing = runner.invoke(app, ["diff", str(old), str(tmp_path / "missing.docx")])
    assert isinstance(missing.exception, InputError)
    assert "Không tìm thấy tệp Word" in missing.exception.message
