"""Empty signature fields where Decree 30 puts the signatures, found from a PDF's own text.

- The signer's field (box 7c) lies between the signer's title lines (box 7a/7b: "TM. ỦY BAN NHÂN
  DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") and the signer's name, centred under the title, on the page
  that holds the signature block.
- The organisation's field (box 8) covers the left third of the signer's field: the seal covers
  the left third of the signature image.
- An annex issued as a file of its own has only the organisation's field, at the top right of its
  first page, above the text.

The block is found by its text (the lines the .docx's signature cell holds), never by a fixed
coordinate, so a longer body or a template edited in Word still puts the fields in their place.
pypdfium2 finds the text; pyHanko adds the fields as an incremental update, so the PDF LibreOffice
wrote stays the file's prefix, each widget with its (empty) appearance, as PDF/A asks.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vanban.errors import InputError
from vanban.pdf import quiet_import

__all__ = [
    "ORGANISATION_FIELD",
    "SIGNER_FIELD",
    "Field",
    "SignatureBlock",
    "add_fields",
    "annex_field",
    "page_count",
    "signature_fields",
]

# The fields' names, as the office's signing tool is told (README, "Ký số").
SIGNER_FIELD = "ChuKyNguoiKy"
ORGANISATION_FIELD = "ChuKyCoQuan"

# A signature image is about 4–5 cm wide; the field is never narrower than the title above it.
_MIN_WIDTH = 170.0
_GAP = 2.0  # points kept clear of the text above and below a field
_MIN_HEIGHT = 24.0  # less than this between the title and the name is no room to sign
_ANNEX_WIDTH = 200.0
_ANNEX_HEIGHT = 40.0  # the records office's stamp: number, symbol and time, two lines of 10 pt

Box = tuple[float, float, float, float]  # left, bottom, right, top, in points from bottom left


@dataclass(frozen=True)
class SignatureBlock:
    """The signature block's text as the .docx holds it: title lines above, the name below."""

    titles: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Field:
    name: str
    page: int  # 0-based
    box: Box


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _found(textpage: object, text: str) -> list[Box]:
    """Every place ``text`` is on the page, as the box around it."""
    boxes: list[Box] = []
    searcher = textpage.search(_nfc(text), match_case=True)  # type: ignore[attr-defined]
    while (match := searcher.get_next()) is not None:
        start, count = match
        rects = [
            textpage.get_rect(k)  # type: ignore[attr-defined]
            for k in range(textpage.count_rects(start, count))  # type: ignore[attr-defined]
        ]
        if rects:
            boxes.append(
                (
                    min(r[0] for r in rects),
                    min(r[1] for r in rects),
                    max(r[2] for r in rects),
                    max(r[3] for r in rects),
                )
            )
    searcher.close()
    return boxes


def _open(data: bytes) -> object:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"không đọc được PDF ({exc})") from exc


def page_count(data: bytes) -> int:
    document = _open(data)
    try:
        return len(document)  # type: ignore[arg-type]
    finally:
        document.close()  # type: ignore[attr-defined]


def signature_fields(data: bytes, block: SignatureBlock) -> list[Field]:
    """The signer's and the organisation's fields of a document whose block is ``block``.

    Raises InputError when the block's last title line is not found above its name on any page:
    the caller names the document.
    """
    document = _open(data)
    try:
        for index in reversed(range(len(document))):  # type: ignore[arg-type]
            page = document[index]  # type: ignore[index]
            width = page.get_width()
            textpage = page.get_textpage()
            try:
                box = _between(textpage, block, width)
            finally:
                textpage.close()
                page.close()
            if box is not None:
                left, bottom, right, top = box
                third = (right - left) / 3
                return [
                    Field(SIGNER_FIELD, index, box),
                    Field(ORGANISATION_FIELD, index, (left, bottom, left + third, top)),
                ]
    finally:
        document.close()  # type: ignore[attr-defined]
    shown = " / ".join([*block.titles, block.name])
    raise InputError(
        f'không tìm thấy khối chữ ký "{shown}" trong PDF, hoặc giữa chức vụ và họ tên không đủ '
        "chỗ để ký (cần ít nhất 2 dòng trống)"
    )


def _between(textpage: object, block: SignatureBlock, width: float) -> Box | None:
    """The field between the block's lowest title line and its name on this page, if both are
    there, one above the other; the lowest such pair, as the block closes the document."""
    titles = _found(textpage, block.titles[-1]) if block.titles else []
    names = _found(textpage, block.name)
    best: Box | None = None
    for name in names:
        for title in titles:
            centre_gap = abs((name[0] + name[2]) / 2 - (title[0] + title[2]) / 2)
            if title[1] <= name[3] or centre_gap > 60:
                continue  # not above it, or not in the same column
            bottom, top = name[3] + _GAP, title[1] - _GAP
            if top - bottom < _MIN_HEIGHT:
                continue
            centre = (title[0] + title[2]) / 2
            half = max(_MIN_WIDTH, title[2] - title[0], name[2] - name[0]) / 2
            box = (max(0.0, centre - half), bottom, min(width, centre + half), top)
            if best is None or box[1] < best[1]:
                best = box
    return best


def annex_field(data: bytes) -> Field:
    """The organisation's field of an annex filed on its own: top right of page 1, above the
    text, its right edge on the text's right margin."""
    document = _open(data)
    try:
        if len(document) == 0:  # type: ignore[arg-type]
            raise InputError("PDF không có trang nào")
        page = document[0]  # type: ignore[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            boxes = [textpage.get_charbox(i) for i in range(count)]
        finally:
            textpage.close()
            page.close()
    finally:
        document.close()  # type: ignore[attr-defined]
    inked = [b for b in boxes if b[2] > b[0] and b[3] > b[1]]
    text_top = max((b[3] for b in inked), default=height - 72.0)
    right = max((b[2] for b in inked), default=width - 56.7)
    bottom = text_top + _GAP
    top = min(height - 8.0, bottom + _ANNEX_HEIGHT)
    if top - bottom < _MIN_HEIGHT:
        raise InputError("không còn chỗ phía trên văn bản ở trang đầu để đặt chữ ký số cơ quan")
    return Field(ORGANISATION_FIELD, 0, (right - _ANNEX_WIDTH, bottom, right, top))


def _writer(data: bytes, salt: str) -> Any:
    """pyHanko's incremental writer, made to leave the document's metadata as LibreOffice wrote
    it and to draw nothing at random.

    pyHanko stamps its own producer and the clock's modification date into the Info dictionary
    and the XMP metadata, unequally (PDF/A requires the two to agree), and draws the revision's
    second file identifier at random. Kept as they were, with the identifier taken from the
    content and ``salt`` (the document's path), the same document gives the same bytes every
    time, and two documents of identical content still give two PDFs that differ.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class Writer(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            return None

    writer = Writer(io.BytesIO(data))
    identifier = getattr(writer, "_document_id", None)
    if isinstance(identifier, list) and len(identifier) == 2:
        seed = hashlib.sha256(data + salt.encode("utf-8")).digest()[:16]
        identifier[1] = generic.ByteStringObject(seed)
    return writer


def _signatures_expected(writer: Any) -> None:
    """Set the form's SigFlags to 3 (signatures exist, append only), as signing will.

    Then the only difference signing makes is the signatures themselves, and what else a signed
    copy changed since publication shows as such (``vanban.pdf.signatures.changes_since``).
    """
    from pyhanko.pdf_utils import generic

    reference = writer.root.raw_get("/AcroForm")
    form = reference.get_object()
    form["/SigFlags"] = generic.NumberObject(3)  # type: ignore[no-untyped-call]
    if isinstance(reference, generic.IndirectObject):
        writer.mark_update(reference)
    else:
        writer.update_root()


def add_fields(data: bytes, fields: Sequence[Field], *, salt: str = "") -> bytes:
    """``data`` with the empty signature ``fields`` added as an incremental update; ``salt``
    (the document's path) makes two documents of identical content two different PDFs."""
    with quiet_import():
        from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = _writer(data, salt)
    for field in fields:
        left, bottom, right, top = (round(v, 2) for v in field.box)
        spec = SigFieldSpec(
            sig_field_name=field.name,
            on_page=field.page,
            box=(left, bottom, right, top),  # type: ignore[arg-type]
        )
        append_signature_field(writer, spec)
    _signatures_expected(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
