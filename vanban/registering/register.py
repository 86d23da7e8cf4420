"""The outgoing register (sổ đăng ký văn bản đi, Decree 30 annex IV) of one issuing body, as .xlsx.

vanban fills the first seven columns from each document's metadata; the records office fills the
last three (date sent, receipt, note) by hand in Excel. Writing the register again over the one on
disk rewrites vanban's columns and keeps whatever the office typed, found by a hidden column that
holds each document's path: the only thing about a row that nobody retypes.

The register on disk comes back from whoever edited it, so it is read as hostile input: read-only,
values only, nothing evaluated, a capped number of rows, and any fault an InputError in Vietnamese.
"""

from __future__ import annotations

import math
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from vanban.errors import InputError
from vanban.files import stable_package
from vanban.metadata import OutgoingMetadata, SignerInfo
from vanban.outdir import REGISTER_NAME, REGISTERS_DIR
from vanban.text.formatting import upper_vn
from vanban.text.names import clean_text, nfc, slugify

SHEET = "Sổ đăng ký văn bản đi"
TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
# Annex IV's columns in its order: vanban writes the first seven, the records office the last three.
HEADERS: tuple[str, ...] = (
    "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
    "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
    "Ngày chuyển", "Ký nhận", "Ghi chú",
)  # fmt: skip
VANBAN_COLUMNS = 7
# The far-right column, hidden: each row's document path. The office may retype a number, sort the
# rows or insert its own, so no visible column identifies a row; this one does, and being hidden it
# is neither printed nor typed over by accident.
KEY_HEADER = "Mã tệp (vanban)"
HEADER_ROW = 3  # after the body's name (row 1) and the title (row 2)
DATE_FORMAT = "dd/mm/yyyy"
# A year's register holds a few thousand rows; more than this is no register of one body.
MAX_ROWS = 100_000
_HEADER_SEARCH = 20  # the header row is looked for this far down, wherever the office moved it
_MAX_INFLATED = 64 * 2**20  # a zip bomb is refused before openpyxl inflates it
_MAX_ENTRIES = 1_000
_MAX_TEXT = 32_767  # Excel's limit for one cell's text
_EXCEL_ROWS = 1_048_576
# When no row has a date: the bytes must not depend on the clock.
_NO_DATE = datetime(2020, 1, 1)

_WIDTHS = (15, 12, 40, 22, 30, 18, 8, 12, 13, 18, 24)
_FONT = Font(name="Times New Roman", size=12)
_BOLD = Font(name="Times New Roman", size=12, bold=True)
_TITLE_FONT = Font(name="Times New Roman", size=14, bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTERED = {1, 6, 7}  # date, copies, date sent (0-based), centred under their headers


@dataclass(frozen=True)
class RegisterRow:
    """One document's line in the register, in annex IV's words."""

    key: str  # the document's path in the output folder (meta.document): how a row is found again
    number: str  # "6662/KH-UBND"; "" while the document awaits its number
    issued: date | None
    type_and_subject: str  # "Kế hoạch: Tổ chức đối thoại ..."
    signer: str  # "Nguyễn Văn A (Phó Chủ tịch)"
    recipients: str  # the recipients' names, "; "-joined
    keeper: str  # who keeps the file copy, the "Lưu" line: "VT, NCVX(Sang)"
    copies: int | None


@dataclass(frozen=True)
class _Kept:
    """A cell of the register on disk: its value as typed and how it was shown."""

    value: object
    number_format: str | None = None


@dataclass(frozen=True)
class _OldRow:
    key: str  # "" for a row the office added by hand
    cells: tuple[_Kept, ...]  # annex IV's ten columns


def register_path(organ_name: str) -> str:
    """Where the register of the body ``organ_name`` lives in the output folder: one folder per
    body, since a register and its number series belong to one body."""
    return f"{REGISTERS_DIR}/{slugify(organ_name)}/{REGISTER_NAME}"


def registers_of(bodies: Iterable[str]) -> dict[str, str]:
    """Each register's path and the name of the body it is for, as first written: one body
    written two ways ("Hòa", "Hoà") has one register, as :func:`register_path` names it."""
    found: dict[str, str] = {}
    for body in bodies:
        if body:
            found.setdefault(register_path(body), body)
    return found


def row_of(meta: OutgoingMetadata) -> RegisterRow:
    """The register's line of one document; nothing but its metadata goes into it."""
    kind, subject = clean_text(meta.type_name), clean_text(meta.subject)
    return RegisterRow(
        key=meta.document,
        number=nfc(meta.number_and_notation) if meta.code_number else "",
        issued=meta.issued_date,
        type_and_subject=f"{kind}: {subject}" if kind and subject else kind or subject,
        signer=_signer(meta.signer),
        recipients="; ".join(n for r in meta.to if (n := clean_text(r.organ_name))),
        keeper=clean_text(meta.archive),
        copies=meta.issued_amount,
    )


def _signer(signer: SignerInfo) -> str:
    # The name is what the column asks for; the position, in brackets, tells two signers apart
    # when one person signs under two titles in a year.
    name, position = clean_text(signer.full_name), clean_text(signer.position)
    return f"{name} ({position})" if name and position else name or position


def register_xlsx(
    body_name: str, rows: Sequence[RegisterRow], existing: bytes | None = None
) -> bytes:
    """The register of ``body_name`` with ``rows`` in their order, then the rows of ``existing``
    that are not vanban's (added by hand, or documents no longer issued), unchanged.

    A row of ``existing`` whose hidden key is one of ``rows`` gives that row the office's three
    columns as typed. InputError when ``existing`` is not a register vanban can read;
    ValueError when two of ``rows`` share a key (the caller's mistake, not the clerk's).
    """
    keys = [r.key for r in rows if r.key]
    if len(keys) != len(set(keys)):
        raise ValueError("two register rows share one key")
    old = _read(existing) if existing is not None else []
    wanted = set(keys)
    matched: dict[str, _OldRow] = {}
    others: list[_OldRow] = []
    for o in old:
        # A copy of a row (the office copied it, hidden key and all) keeps its own line.
        if o.key in wanted and o.key not in matched:
            matched[o.key] = o
        else:
            others.append(o)

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = SHEET
    _frame(ws, upper_vn(body_name))
    line = HEADER_ROW
    for row in rows:
        line += 1
        ours = (row.number, row.issued, row.type_and_subject, row.signer, row.recipients,
                row.keeper, row.copies)  # fmt: skip
        found = matched.get(row.key)
        office = found.cells[VANBAN_COLUMNS:] if found else (_Kept(None),) * 3
        _line(ws, line, [_Kept(v, DATE_FORMAT if i == 1 else None) for i, v in enumerate(ours)]
              + list(office), row.key)  # fmt: skip
    for o in others:
        line += 1
        _line(ws, line, list(o.cells), o.key)

    stamp = max((datetime.combine(r.issued, time()) for r in rows if r.issued), default=_NO_DATE)
    wb.properties.creator = "vanban"
    wb.properties.title = SHEET
    wb.properties.created = stamp
    buf = BytesIO()
    wb.save(buf)
    return stable_package(buf.getvalue(), stamp)


def office_columns(data: bytes) -> dict[str, tuple[object, object, object]]:
    """What the office typed (date sent, receipt, note) on each of vanban's rows, by key."""
    out: dict[str, tuple[object, object, object]] = {}
    for o in _read(data):
        if o.key and o.key not in out:
            sent, receipt, note = (c.value for c in o.cells[VANBAN_COLUMNS:])
            out[o.key] = (sent, receipt, note)
    return out


# --- writing ------------------------------------------------------------------------------------


def _frame(ws: Worksheet, body: str) -> None:
    """The title block, the header and the print setup: a register is printed and bound."""
    last = len(HEADERS)
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[_letter(i)].width = width
    ws.column_dimensions[_letter(last + 1)].hidden = True
    for row, text, font in ((1, body, _BOLD), (2, TITLE, _TITLE_FONT)):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        _put(ws.cell(row, 1), _Kept(text), font, _CENTER)
    ws.row_dimensions[2].height = 30
    for i, text in enumerate((*HEADERS, KEY_HEADER), start=1):
        _put(ws.cell(HEADER_ROW, i), _Kept(text), _BOLD, _CENTER, i <= last)
    ws.row_dimensions[HEADER_ROW].height = 48
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1).coordinate
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the year needs
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    # The wider margin on the left, where the printed year is bound.
    ws.page_margins = PageMargins(left=0.8, right=0.4, top=0.6, bottom=0.6)
    ws.oddFooter.center.text = "Trang &P/&N"


def _line(ws: Worksheet, row: int, cells: list[_Kept], key: str) -> None:
    lines = 1
    for i, kept in enumerate(cells):
        fmt = kept.number_format or (DATE_FORMAT if i == 7 else None)
        _put(ws.cell(row, i + 1), _Kept(kept.value, fmt), _FONT,
             _CENTER_TOP if i in _CENTERED else _WRAP, True)  # fmt: skip
        if isinstance(kept.value, str):
            # Times New Roman 12 fits some 1.2 characters per unit of column width.
            per_line = _WIDTHS[i] * 1.2
            lines = max(lines, sum(max(1, math.ceil(len(p) / per_line))
                                   for p in kept.value.split("\n")))  # fmt: skip
    _put(ws.cell(row, len(HEADERS) + 1), _Kept(key or None), _FONT, _WRAP)
    # Excel does not grow a row for wrapped text it did not lay out itself.
    ws.row_dimensions[row].height = min(409, 16 * lines)


def _put(cell: Cell, kept: _Kept, font: Font, align: Alignment, boxed: bool = False) -> None:
    value = kept.value
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    if value is not None and not isinstance(value, (str, int, float, date, time, timedelta)):
        value = str(value)  # anything else openpyxl might hand back is kept as its text
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_TEXT] or None
    if isinstance(value, str):
        cell.value = value
        # openpyxl takes a string starting with "=" for a formula: every text is written as text,
        # and one that looks like a formula carries Excel's quote prefix so that editing the cell
        # in Excel does not turn it into one either.
        cell.data_type = "s"
        if value.startswith("="):
            cell.quotePrefix = True
    else:
        cell.value = value
    if kept.number_format:
        cell.number_format = kept.number_format
    elif isinstance(value, (date, time)):
        cell.number_format = DATE_FORMAT if isinstance(value, date) else "hh:mm"
    cell.font = font
    cell.alignment = align
    if boxed:
        cell.border = _BOX


def _letter(column: int) -> str:
    return str(get_column_letter(column))


# --- reading the register on disk ----------------------------------------------------------------


def _bad(why: str) -> InputError:
    return InputError(f'Sổ đăng ký văn bản đi (sheet "{SHEET}"): {why}.')


def _read(data: bytes) -> list[_OldRow]:
    """Every non-empty row below the header, columns in annex IV's order whatever the office did.

    A formula is never kept live: the values pass gives what Excel last computed, and where the
    file holds no computed value (a formula written by a program) the formula's own text is kept,
    written back as text.
    """
    _check_zip(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's warnings about parts it skips
            values = dict(_table(data, data_only=True))
            formulas = dict(_table(data, data_only=False))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - hostile input: any fault of openpyxl is the file's
        raise _bad("tệp không phải bảng tính Excel (.xlsx) đọc được") from exc
    out = []
    empty = [_Kept(None)] * len(_WANTED)
    # Both passes: a row holding nothing but formulas without a computed value is a row too.
    for number in sorted(values.keys() | formulas.keys()):
        cells, texts = values.get(number, empty), formulas.get(number, empty)
        merged = [c if c.value is not None else _Kept(t.value, c.number_format or t.number_format)
                  for c, t in zip(cells, texts, strict=True)]  # fmt: skip
        key = merged[-1].value
        out.append(_OldRow("" if key is None else str(key).strip(), tuple(merged[:-1])))
    return out


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _bad("tệp không phải bảng tính Excel (.xlsx)") from exc
    if len(infos) > _MAX_ENTRIES or sum(i.file_size for i in infos) > _MAX_INFLATED:
        raise _bad(f"tệp giải nén ra quá {_MAX_INFLATED // 2**20} MiB, không phải một sổ đăng ký")


@contextmanager
def _sheet(data: bytes, data_only: bool) -> Iterator[ReadOnlyWorksheet]:
    # read_only streams the sheet; keep_links=False leaves links to other workbooks unread.
    wb = load_workbook(BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    try:
        if SHEET not in wb.sheetnames:
            raise _bad("không có sheet này trong tệp")
        ws = wb[SHEET]
        if not isinstance(ws, ReadOnlyWorksheet):
            raise _bad("không phải một bảng tính")
        ws.reset_dimensions()  # the file's own dimension may lie; the rows are what they are
        yield ws
    finally:
        wb.close()


def _header_key(value: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


_WANTED = {_header_key(h): i for i, h in enumerate((*HEADERS, KEY_HEADER))}


def _table(data: bytes, data_only: bool) -> list[tuple[int, list[_Kept]]]:
    """(row number, its eleven cells) for each non-empty row under the header. With
    ``data_only`` the values Excel computed; without, the text of formulas only. The rows above
    the header are vanban's title block, written anew each time, so they are not kept."""
    out: list[tuple[int, list[_Kept]]] = []
    with _sheet(data, data_only) as ws:
        columns: dict[int, int] | None = None  # 0-based column in the file -> ours
        header = 0
        for number, cells in enumerate(ws.iter_rows(), start=1):
            if columns is None:
                if number > _HEADER_SEARCH:
                    raise _bad(f'không tìm thấy dòng tiêu đề có cột "{KEY_HEADER}" trong '
                               f"{_HEADER_SEARCH} dòng đầu")  # fmt: skip
                columns, header = _columns(cells, number), number
                continue
            if number - header > MAX_ROWS or number > _EXCEL_ROWS:
                raise _bad(f"có quá {MAX_ROWS:,} dòng".replace(",", "."))
            row = [_Kept(None)] * len(_WANTED)
            for i, cell in enumerate(cells):
                value = cell.value if data_only or cell.data_type == "f" else None
                if value is None:
                    continue
                if i not in columns:
                    raise _bad(f"ô {_letter(i + 1)}{number} có dữ liệu ngoài các cột của sổ; "
                               'chuyển dữ liệu này vào cột "Ghi chú" rồi chạy lại')  # fmt: skip
                if not data_only:
                    value = str(getattr(value, "text", value))  # an array formula's own text
                fmt = cell.number_format
                row[columns[i]] = _Kept(value, None if fmt in (None, "General") else str(fmt))
            if any(k.value is not None for k in row):
                out.append((number, row))
        if columns is None:
            raise _bad(f'không tìm thấy dòng tiêu đề có cột "{KEY_HEADER}"')
    return out


def _columns(cells: tuple[object, ...], number: int) -> dict[int, int] | None:
    """Where each of the register's columns is in the header row; None if this is no header."""
    raw = [getattr(c, "value", None) for c in cells]
    names = [None if v is None else _header_key(v) for v in raw]
    if _header_key(KEY_HEADER) not in names:
        return None
    found: dict[int, int] = {}
    for i, name in enumerate(names):
        if name is None:
            continue
        if name not in _WANTED or _WANTED[name] in found.values():
            raise _bad(f'ô {_letter(i + 1)}{number}: cột "{raw[i]}" không phải cột của sổ (hoặc '
                       'lặp lại); chuyển dữ liệu của cột này vào cột "Ghi chú" rồi chạy lại')  # fmt: skip
        found[i] = _WANTED[name]
    missing = [h for h, i in _WANTED.items() if i not in found.values()]
    if missing:
        names_missing = ", ".join(f'"{(*HEADERS, KEY_HEADER)[_WANTED[m]]}"' for m in missing)
        raise _bad(f"dòng tiêu đề {number} thiếu cột {names_missing}")
    return found


__all__ = [
    "DATE_FORMAT",
    "HEADERS",
    "KEY_HEADER",
    "MAX_ROWS",
    "REGISTER_NAME",
    "SHEET",
    "TITLE",
    "RegisterRow",
    "register_path",
    "registers_of",
    "office_columns",
    "register_xlsx",
    "row_of",
]
