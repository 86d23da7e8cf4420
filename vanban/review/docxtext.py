"""The text of a .docx in reading order, normalised so that two documents can be compared.

Golden tests compare generated documents with the source plan block by block, and the review page
diffs one issue against the previous one, so the extraction must not depend on how Word happened to
split runs, on NBSP versus space, or on NFD versus NFC input.

Rules, shared by every function here:

- only the main body: headers, footers, footnotes and text boxes are left out;
- a paragraph's text comes from its runs, including runs inside hyperlinks, fields, smart tags,
  content controls and tracked insertions; tracked deletions are left out;
- a line break inside a paragraph (``<w:br/>``, ``<w:cr/>``) and the paragraphs of one table cell
  are kept apart by ``"\\n"``;
- each line is normalised: NFC, every run of spaces, tabs and no-break spaces becomes one space,
  then stripped; empty lines are dropped;
- tables are read row by row, cells left to right; a table nested in a cell comes right after the
  table that holds it.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from os import PathLike
from typing import Any, TypeAlias

import docx
from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from vanban.errors import InputError

Source: TypeAlias = "str | PathLike[str] | DocumentObject"

# Horizontal white space only: line breaks carry meaning and are handled by splitting.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

_P = qn("w:p")
_TBL = qn("w:tbl")
_TR = qn("w:tr")
_TC = qn("w:tc")
_SDT = qn("w:sdt")
_SDT_CONTENT = qn("w:sdtContent")
_CUSTOM_XML = qn("w:customXml")
_T = qn("w:t")
_TAB = qn("w:tab")
_PTAB = qn("w:ptab")
_BR = qn("w:br")
_CR = qn("w:cr")
_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_SOFT_HYPHEN = qn("w:softHyphen")
_VAL = qn("w:val")

# Subtrees whose text a reader does not see in the body flow (or sees twice, for mc:Fallback).
_SKIPPED = {
    qn("w:del"),
    qn("w:moveFrom"),
    qn("w:txbxContent"),
    qn("w:pPr"),
    qn("w:rPr"),
    qn("w:instrText"),
    qn("w:delText"),
    qn("w:footnoteReference"),
    qn("w:endnoteReference"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}


def normalize(text: str) -> str:
    """NFC, one space for each run of horizontal white space, empty lines dropped."""
    lines = (
        _SPACES.sub(" ", line).strip() for line in unicodedata.normalize("NFC", text).split("\n")
    )
    return "\n".join(line for line in lines if line)


def blocks(path_or_document: Source) -> list[str]:
    """Every non-empty body paragraph and every distinct table cell, in reading order."""
    out: list[str] = []
    for item in _walk(_body(path_or_document)):
        if isinstance(item, str):
            _append(out, item)
        else:
            for row in item.rows:
                for cell in row:
                    if cell.first:
                        _append(out, cell.text)
    return out


def paragraphs(path_or_document: Source) -> list[str]:
    """The non-empty body paragraphs outside tables, in order."""
    out: list[str] = []
    for item in _walk(_body(path_or_document), into_tables=False):
        if isinstance(item, str):
            _append(out, item)
    return out


def tables(path_or_document: Source) -> list[list[list[str]]]:
    """Every table (nested ones too, after their parent) as rows of normalised cell texts.

    Like python-docx's ``row.cells``, a merged cell is repeated in every grid position it covers,
    horizontally and vertically, and a row holds only the cells present in it (no padding for
    ``gridBefore``/``gridAfter``). Empty cells are kept as ``""`` so rows keep their shape.
    """
    return [
        [[cell.text for cell in row] for row in table.rows]
        for table in _walk(_body(path_or_document))
        if isinstance(table, _Table)
    ]


def load(path: str | PathLike[str]) -> DocumentObject:
    """Open a .docx, turning every way it can be unreadable into one InputError."""
    if not os.path.isfile(path):
        raise InputError(f"Không tìm thấy tệp Word: {path}")
    return _opened(os.fspath(path), f"tệp Word {path}")


def load_bytes(data: bytes) -> DocumentObject:
    """A .docx held in memory, as :func:`load` opens a file."""
    return _opened(io.BytesIO(data), "tệp Word")


def _opened(source: str | io.BytesIO, what: str) -> DocumentObject:
    try:
        return docx.Document(source)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            f"Không đọc được {what}: tệp hỏng hoặc không phải .docx ({exc})"
        ) from exc


@dataclass(frozen=True)
class _Cell:
    text: str
    first: bool  # False for a grid position repeated from a merged cell


@dataclass(frozen=True)
class _Table:
    rows: list[list[_Cell]]


def _append(out: list[str], text: str) -> None:
    if text:
        out.append(text)


def _body(source: Source) -> Any:
    document = source if isinstance(source, DocumentObject) else load(source)
    return document.element.body


def _walk(container: Any, *, into_tables: bool = True) -> Iterator[str | _Table]:
    """Paragraph texts and tables of a body or cell, in order; nested tables follow their table."""
    for child in _block_children(container):
        if child.tag == _P:
            yield normalize(_paragraph_text(child))
        elif into_tables:
            table, nested = _read_table(child)
            yield table
            for inner in nested:
                yield from _walk_table(inner)


def _walk_table(tbl: Any) -> Iterator[_Table]:
    table, nested = _read_table(tbl)
    yield table
    for inner in nested:
        yield from _walk_table(inner)


def _block_children(container: Any) -> Iterator[Any]:
    """w:p and w:tbl children, looking through content controls and custom XML wrappers."""
    for child in container.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _block_children(inner)


def _wrapped(container: Any, tag: str) -> Iterator[Any]:
    """Children with ``tag``, including those wrapped in content controls (rows, cells)."""
    for child in container.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _wrapped(inner, tag)


def _read_table(tbl: Any) -> tuple[_Table, list[Any]]:
    """The table's grid of cells and the tables nested in its cells, in reading order."""
    rows: list[list[_Cell]] = []
    nested: list[Any] = []
    above: dict[int, _Cell] = {}  # grid column -> cell that covers it in the previous row
    for tr in _wrapped(tbl, _TR):
        row: list[_Cell] = []
        current: dict[int, _Cell] = {}
        column = _int_prop(tr, "w:trPr/w:gridBefore", 0)
        for tc in _wrapped(tr, _TC):
            span = max(1, _int_prop(tc, "w:tcPr/w:gridSpan", 1))
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continued = merge is not None and merge.get(_VAL, "continue") == "continue"
            if continued and column in above:
                cell = _Cell(above[column].text, first=False)
            else:
                lines = []
                for item in _walk(tc, into_tables=False):
                    if isinstance(item, str):
                        lines.append(item)
                cell = _Cell(normalize("\n".join(lines)), first=True)
                nested.extend(child for child in _block_children(tc) if child.tag == _TBL)
            for offset in range(span):
                current[column + offset] = cell
                row.append(cell if offset == 0 else _Cell(cell.text, first=False))
            column += span
        rows.append(row)
        above = current
    return _Table(rows), nested


def _int_prop(element: Any, path: str, default: int) -> int:
    tags = [qn(part) for part in path.split("/")]
    found = element.find("/".join(tags))
    if found is None:
        return default
    try:
        return int(found.get(_VAL, default))
    except ValueError:
        return default


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(element: Any, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue  # comments and processing instructions have non-string tags
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _SOFT_HYPHEN:
            continue
        else:
            _collect(child, parts)


__all__ = ["Source", "blocks", "load", "normalize", "paragraphs", "tables"]
