"""What a signing PDF takes from its .docx: the signature block's lines and the number.

The signature block is the last table cell whose lines are the signer's title lines in capitals
("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") followed by one line that is not (the
signer's name), as every template vanban ships closes a document, and as a clerk's Word edit
keeps it. The number is the document's own property (``identifier``, set when it is rendered):
empty while the records office has not given one.
"""

from __future__ import annotations

from dataclasses import dataclass

from vanban.pdf.fields import SignatureBlock
from vanban.review import docxtext
from vanban.text.formatting import upper_vn

__all__ = ["DocumentFacts", "document_facts_of"]


@dataclass(frozen=True)
class DocumentFacts:
    block: SignatureBlock | None  # None: no signature block found
    number: str  # "6662/KH-UBND", or "" while it awaits its number
    title: str


def document_facts_of(data: bytes) -> DocumentFacts:
    """The facts of a .docx's bytes; InputError when they are no readable .docx."""
    document = docxtext.load_bytes(data)
    props = document.core_properties
    cells = [cell for table in docxtext.tables(document) for row in table for cell in row]
    return DocumentFacts(
        block=_last_block(cells),
        number=(props.identifier or "").strip(),
        title=(props.title or "").strip(),
    )


def _last_block(cells: list[str]) -> SignatureBlock | None:
    found: SignatureBlock | None = None
    for cell in cells:
        lines = [line for line in cell.split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        *titles, name = lines
        if all(_capitals(t) for t in titles) and not _capitals(name):
            found = SignatureBlock(tuple(titles), name)
    return found


def _capitals(line: str) -> bool:
    return any(ch.isalpha() for ch in line) and upper_vn(line) == line
