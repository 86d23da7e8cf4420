"""Check a .docx against the presentation rules of Decree 30/2020/NĐ-CP, with python-docx only.

The checker reads the file the way Word lays it out: each property is resolved through the run, its
character style, the paragraph, the paragraph style chain (basedOn) and the document defaults, so
a wrong font hidden in the Normal style is found as surely as one typed on a single word
(see :mod:`vanban.decree30.docxprops`).

A file may hold several documents (one invitation per commune) and annexes; it is cut into parts
(see :mod:`vanban.decree30.docparts`), and each part is checked from its header table to its closing table.
The rules are grouped by the part of the document they check: :mod:`vanban.decree30.checks.page` (paper,
margins, page numbers), :mod:`vanban.decree30.checks.header` (header table and title block),
:mod:`vanban.decree30.checks.body` (body paragraphs; font, colour and dates everywhere) and
:mod:`vanban.decree30.checks.closing` ("Nơi nhận" and signature). This module puts them in order.
Measurements come from ``vanban.decree30.layout`` so the builder and the checker share one set of numbers.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError

from vanban.decree30.checks.base import Finding
from vanban.decree30.checks.body import BodyChecks
from vanban.decree30.checks.closing import ClosingChecks
from vanban.decree30.checks.header import HeaderChecks
from vanban.decree30.checks.page import PageChecks
from vanban.decree30.docparts import Part, kem_theo, split_parts
from vanban.decree30.docxprops import W_P, W_TBL, cell_lines, paragraph_text
from vanban.errors import InputError, TransientIOError
from vanban.outdir import HISTORY_DIR

__all__ = ["Finding", "check_document", "check_folder"]


def check_document(path: Path | str) -> list[Finding]:
    """Every finding for one .docx, in reading order (page setup first)."""
    return _Checker(_open(Path(path))).run()


def check_folder(folder: Path | str) -> dict[Path, list[Finding]]:
    """Findings for every .docx below ``folder`` (sorted), skipping Word lock files and the
    output folder's history of replaced versions.

    A file that cannot be read as .docx gets one "file.unreadable" finding instead of stopping
    the whole folder.
    """
    root = Path(folder)
    results: dict[Path, list[Finding]] = {}
    for path in sorted(root.rglob("*.docx")):
        if path.name.startswith("~$") or HISTORY_DIR in path.relative_to(root).parts:
            continue
        try:
            results[path] = check_document(path)
        except InputError as exc:
            results[path] = [Finding("file.unreadable", exc.message, path.name)]
    return results


def _open(path: Path) -> DocxDocument:
    try:
        return docx.Document(str(path))
    except FileNotFoundError as exc:
        raise InputError(f"Không có tệp {path}") from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"Tệp {path} không phải tệp Word (.docx) đọc được: {exc}") from exc
    except OSError as exc:
        raise TransientIOError(f"Không đọc được tệp {path}: {exc}") from exc


class _Checker(PageChecks, HeaderChecks, BodyChecks, ClosingChecks):
    """Every rule group over one document, run part by part in reading order."""

    def run(self) -> list[Finding]:
        self.check_sections()
        parts = split_parts(self.blocks)
        if not parts:
            self.add("quoc_hieu.missing", "Tệp không có nội dung văn bản", "đầu tệp")
        for index, part in enumerate(parts):
            self.check_part(part, index, parts)
        self.check_page_numbers(parts)
        self.check_fonts()
        self.check_dates(parts)
        self.findings.extend(self.grouped_findings())
        return self.findings

    def check_part(self, part: Part, index: int, parts: list[Part]) -> None:
        number = self.check_header(part) if part.header is not None else None
        is_annex = number is None and bool(kem_theo(part))
        if index and part.section == parts[index - 1].section:
            self.add(
                "annex.page_number" if is_annex else "page_number.restart",
                "Phần này nằm chung section với phần trước nên không đánh số trang riêng; cần "
                "ngắt section (trang mới) và đánh số trang lại từ 1",
                self.where(part.first) if part.first.tag == W_P else "đầu phần",
            )
        if is_annex:
            self.check_annex(part)
        elif part.header is None:
            first = part.first
            where = self.where(first) if first.tag == W_P else "đầu tệp"
            if index == 0:
                self.add(
                    "quoc_hieu.missing", "Không thấy khối Quốc hiệu, Tiêu ngữ ở đầu văn bản", where
                )
            else:
                self.add(
                    "annex.kem_theo",
                    'Phần sau chữ ký không có dòng "(Kèm theo ...)" nên không rõ là phụ lục '
                    "của văn bản nào",
                    where,
                )
        else:
            self.check_main(part, number)

    # --- main documents and annexes ---------------------------------------------------------------

    def check_main(self, part: Part, number: tuple[str | None, bool] | None) -> None:
        abbr, has_number = number if number is not None else (None, False)
        blocks = part.blocks
        first = next((b for b in blocks if b.tag == W_TBL or paragraph_text(b).strip()), None)
        typed = abbr is not None or (
            not has_number
            and first is not None
            and first.tag == W_P
            and self.props.align(first) == "center"
        )
        start = 0
        if typed:
            lines, rule, start = self.title_block(blocks)
            self.check_title(lines, rule, abbr, part)
        self.check_body(blocks[start:], closing=True)
        if part.footer is None:
            self.add(
                "signature.missing",
                'Không thấy bảng cuối văn bản gồm "Nơi nhận:" và khối chữ ký',
                self.where(part.first) if part.first.tag == W_P else "cuối văn bản",
            )
        else:
            self.check_footer(part.footer)

    def check_annex(self, part: Part) -> None:
        paragraphs, _, start = self.title_block(part.blocks)
        lines = cell_lines(paragraphs)
        kem = kem_theo(part)[0]
        names = lines[: lines.index(kem)] if kem in lines else lines
        if not names:
            self.add(
                "title.missing", "Phụ lục không có tên (dòng in hoa, đậm, căn giữa)", self.at(kem)
            )
        for line in names:
            self.require(line, "title.bold", "Tên phụ lục", bold=True)
            self.check_size(line, "title.size", "title")
        # "(Kèm theo ... số ... ngày ... của ...)" may wrap over several lines: all of it up to
        # the closing parenthesis is italic.
        for line in lines[lines.index(kem) :] if kem in lines else [kem]:
            if not self.all_flag(line, "w:i"):
                self.add("annex.kem_theo", 'Dòng "(Kèm theo ...)" cần in nghiêng', self.at(line))
            if ")" in line.text:
                break
        # An annex ends with its tables or notes, not with "./." (that closes the main text).
        self.check_body([b for b in part.blocks[start:] if b is not kem.p], closing=False)
