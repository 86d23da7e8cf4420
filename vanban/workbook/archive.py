"""The workbook as a file and a zip, checked before a reader parses a byte of its XML.

A workbook comes from anywhere (e-mail, a USB stick), so it is hostile until shown otherwise:
only a regular file is opened (a FIFO would block forever, a device would never end), and its zip
must not inflate past what a plan workbook can need, since the reader holds every cell of it in
memory (openpyxl, the reference reader, several times over). What the zip holds besides cells
(macros, links to other files) is listed here for the reader to warn about.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from lxml import etree

from vanban.errors import Problem, WorkbookError
from vanban.files import translate_os_error
from vanban.text.formatting import group_digits

MIB = 1024 * 1024
# The example plan (13 units, a roster of two units) inflates to 0.5 MiB; a province's plan with
# thousands of units and a roster of 100.000 invitees stays under 100 MiB of XML. openpyxl needs
# several times the XML's size in memory, so 256 MiB in all (and 128 MiB in one part, e.g. the
# shared strings) keeps a real plan far inside the limit and a zip bomb from reaching gigabytes.
MAX_TOTAL = 256 * MIB
MAX_MEMBER = 128 * MIB
# Excel writes a handful of parts per sheet (XML, relations, comments, drawings): a workbook of a
# thousand sheets has a few thousand. Ten thousand entries is no workbook, only a slow central
# directory to walk.
MAX_ENTRIES = 10_000
# Sizes alone do not bound openpyxl's cost: "<c r="A1"/>" is 12 bytes of XML but a Python object
# of several hundred, so 128 MiB of empty cells would take gigabytes. A million cells (or shared
# strings) is a roster of 150.000 invitees, and some 400 MiB and a minute of openpyxl's time.
MAX_CELLS = 1_000_000
# Excel itself keeps at most 64.000 cell formats; openpyxl builds an object for each one listed.
MAX_FORMATS = 65_000


# What a reader makes an object of, counted in the XML before it does: (tag, limit, as said).
_COUNTED = {
    "cells": (b"c", MAX_CELLS, "ô"),
    "rows": (b"row", MAX_CELLS, "dòng"),
    "strings": (b"si", MAX_CELLS, "chuỗi chung"),
    "formats": (b"xf", MAX_FORMATS, "định dạng ô"),
}
# Those elements and formulas (<f>), with or without a namespace prefix, found in one pass over a
# part: no match holds a "<" but its first, so each element is counted once, as by its own search.
_COUNTED_TAGS = re.compile(rb"<(?:\w+:)?(c|row|si|xf|f)[\s>/]")
# The file itself is never larger than what it inflates to (zip only shrinks XML).
MAX_FILE = MAX_TOTAL
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel 4.0 macro sheets and dialog sheets run code as VBA does, without a vbaProject.bin.
_MACRO_FOLDERS = ("xl/macrosheets/", "xl/dialogsheets/")
# Links to other workbooks, and data connections (queries, databases, web) that refill cells.
_LINK_PARTS = ("xl/externallinks/", "xl/connections.xml", "xl/querytables/")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")


@dataclass(frozen=True)
class Package:
    """What the zip holds besides the cells: parts the reader warns about."""

    has_formulas: bool
    # Each sheet's name and state as workbook.xml gives them, in order: openpyxl renames a sheet
    # whose name repeats another's up to case ("Đơn vị1"), which would hide a shadow sheet.
    sheets: tuple[tuple[str, str], ...]
    macros: tuple[str, ...]  # VBA projects: an .xlsm, or an .xlsx renamed from one
    external_links: tuple[str, ...]  # xl/externalLinks/*.xml: cells that copy other files


def fail(path: Path, message: str) -> WorkbookError:
    return WorkbookError([Problem(None, None, message)], str(path))


def _mib(size: int) -> str:
    return f"{size / MIB:.0f} MiB" if size >= MIB else f"{size} byte"


def read_regular_file(path: Path) -> bytes:
    """The bytes of ``path``, refused at once unless it is a regular file of sensible size."""
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise fail(path, "không tìm thấy tệp") from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    _must_be_regular(path, info)
    try:
        # O_NONBLOCK: if the path became a FIFO after the check above, opening it does not wait
        # for a writer; the fstat below then refuses it.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    with os.fdopen(fd, "rb") as handle:
        _must_be_regular(path, os.fstat(handle.fileno()))
        try:
            data = handle.read(MAX_FILE + 1)
        except OSError as exc:
            raise _unreadable(path, exc) from exc
    if len(data) > MAX_FILE:
        raise _too_large(path, f"tệp lớn hơn {_mib(MAX_FILE)}")
    return data


def _unreadable(path: Path, exc: OSError) -> WorkbookError:
    return fail(path, translate_os_error(exc, path, "đọc").message.rstrip("."))


def _must_be_regular(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise fail(path, "đây là thư mục, cần một tệp .xlsx")
    if not stat.S_ISREG(info.st_mode):
        raise fail(
            path,
            "đây không phải tệp thông thường (FIFO, thiết bị hoặc socket): cần một tệp .xlsx "
            "lưu trên ổ đĩa",
        )
    if info.st_size > MAX_FILE:
        raise _too_large(path, f"tệp nặng {_mib(info.st_size)}, tối đa {_mib(MAX_FILE)}")


def _too_large(path: Path, why: str) -> WorkbookError:
    return fail(
        path,
        f"bảng tính quá lớn, vanban không đọc: {why}. Một bảng tính kế hoạch chỉ vài MiB; hãy "
        "mở bằng Excel, xóa dữ liệu thừa và lưu lại",
    )


def inspect(path: Path, data: bytes) -> Package:
    """Refuse what is no workbook or inflates too much; list its formulas, macros and links."""
    if not data:
        raise fail(path, "tệp rỗng (0 byte), không phải bảng tính Excel .xlsx")
    if data.startswith(_OLE_MAGIC):
        # An OLE container: an .xlsx that Excel encrypted with a password, or an old .xls.
        raise fail(
            path,
            "tệp có mật khẩu hoặc là định dạng .xls cũ: hãy mở bằng Excel, bỏ mật khẩu và lưu lại "
            "dạng .xlsx",
        )
    if not zipfile.is_zipfile(BytesIO(data)):
        if data.startswith(b"PK"):
            raise fail(
                path, "tệp .xlsx bị hỏng (không giải nén được): hãy mở bằng Excel và lưu lại"
            )
        raise fail(
            path, "tệp không phải bảng tính Excel .xlsx: hãy mở bằng Excel và lưu dạng .xlsx"
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_limits(path, infos)
            names = {i.filename for i in infos}
            # zipfile stops at each entry's declared size (and fails its CRC past it), so the
            # sizes checked above bound what these reads, and openpyxl's, can inflate to.
            # Every part is looked at, wherever it sits: openpyxl finds sheets and strings through
            # the package's relations, not by their usual names.
            has_formulas = False
            counts = dict.fromkeys(_COUNTED, 0)
            for n in sorted(names):
                xml = archive.read(n)
                found = Counter(_COUNTED_TAGS.findall(xml))
                if found[b"f"] and not has_formulas:
                    has_formulas = bool(_SHEET_DATA.search(xml))  # a formula of a sheet's cells
                for what, (tag, _, _) in _COUNTED.items():
                    counts[what] += found[tag]
                del xml, found
            sheets = _sheets(archive.read("xl/workbook.xml")) if "xl/workbook.xml" in names else ()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError,
            EOFError, NotImplementedError) as exc:  # fmt: skip
        raise fail(path, f"tệp .xlsx bị hỏng, không giải nén được ({type(exc).__name__})") from exc
    for what, (_, limit, label) in _COUNTED.items():
        if counts[what] > limit:
            raise _too_large(
                path, f"tệp có {group_digits(counts[what])} {label}, tối đa {group_digits(limit)}"
            )
    if "xl/workbook.xml" not in names:
        raise fail(
            path,
            "tệp nén này không phải bảng tính .xlsx (có thể là .docx hoặc .ods): hãy lưu lại dạng "
            ".xlsx",
        )
    lower = {n: n.lower() for n in names}
    macros = tuple(sorted(n for n, low in lower.items() if low.endswith("vbaproject.bin")
                          or low.startswith(_MACRO_FOLDERS)))  # fmt: skip
    # A link is its part; the part's relationships ("_rels/…xml.rels") are the same link again.
    links = tuple(sorted(n for n, low in lower.items()
                         if low.startswith(_LINK_PARTS) and "/_rels/" not in low))  # fmt: skip
    return Package(has_formulas, sheets, macros, links)


def _sheets(xml: bytes) -> tuple[tuple[str, str], ...]:
    try:
        book = etree.fromstring(xml, _parser())
    except etree.LxmlError:
        return ()  # openpyxl reports the broken part
    return tuple(
        (s.get("name") or "", s.get("state") or "visible") for s in book.iter(f"{_NS_MAIN}sheet")
    )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _check_limits(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _too_large(
            path, f"tệp nén có {group_digits(len(infos))} mục, tối đa {group_digits(MAX_ENTRIES)}"
        )
    # Part names are case-insensitive (ECMA-376 part 2) and a zip may repeat one: which copy
    # openpyxl reads is then an accident, and a planted second "xl/workbook.xml" is a shadow.
    seen: set[str] = set()
    for info in infos:
        key = info.filename.lower()
        if key in seen:
            raise fail(
                path,
                f"tệp nén có hai phần cùng tên {info.filename}: tệp đã bị sửa ngoài Excel; hãy mở "
                "bằng Excel và lưu lại",
            )
        seen.add(key)
    total = 0
    for info in infos:
        if info.file_size > MAX_MEMBER:
            raise _too_large(
                path,
                f"phần {info.filename} giải nén ra {_mib(info.file_size)}, tối đa "
                f"{_mib(MAX_MEMBER)} một phần",
            )
        total += info.file_size
    if total > MAX_TOTAL:
        raise _too_large(path, f"giải nén ra {_mib(total)}, tối đa {_mib(MAX_TOTAL)}")


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def serial_60_cells(data: bytes, sheet_index: int) -> frozenset[str]:
    """The cells of a sheet that store Excel's serial 60, before openpyxl makes them dates.

    openpyxl reads Excel's serials 59 and 60 both as 28/02/1900; only the stored number tells
    the phantom 29/02/1900 (serial 60, Lotus's leap-year bug) apart. One pass over the sheet,
    made only when a cell read holds that date.
    """
    found: set[str] = set()
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            book = etree.fromstring(archive.read("xl/workbook.xml"), _parser())
            rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), _parser())
            sheets = book.findall(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
            rel_id = sheets[sheet_index].get(f"{_NS_REL}id")
            target = next(
                r.get("Target", "")
                for r in rels.iter(f"{_NS_PKG}Relationship")
                if r.get("Id") == rel_id
            )
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            with archive.open(part) as xml:
                for _, elem in etree.iterparse(
                    xml, tag=f"{_NS_MAIN}c", resolve_entities=False, no_network=True
                ):
                    value = elem.findtext(f"{_NS_MAIN}v")
                    if value is not None and _is_serial_60(value):
                        found.add(elem.get("r") or "")
                    elem.clear()
    except (KeyError, IndexError, StopIteration, ValueError, OSError, zipfile.BadZipFile,
            etree.LxmlError):  # fmt: skip
        pass  # openpyxl read the sheet: a part it could read and this pass not is no phantom
    return frozenset(found)


def _is_serial_60(value: str) -> bool:
    try:
        return 60 <= float(value) < 61
    except ValueError:
        return False
