"""A whole Word package read against the allow-list, and cleaned of what may be removed.

The list itself, and why each thing on it is there, is :mod:`vanban.rendering.allowlist`. Here
every part is reached from the package's relationships, as Word reaches it
(:mod:`vanban.rendering.relationships`): its content type checked, its XML read for the elements
and fields it may not hold (:mod:`vanban.rendering.elements`), and the custom XML items that
data bindings name refused with them. What is removable (an attached template, parts nothing
reaches) is listed apart, and taken out of a template's members by :func:`checked_template`; in
a document, :func:`check_parts` refuses it too.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from vanban.rendering.allowlist import ALLOWED_CONTENT_TYPES, XML_CONTENT_TYPE_SUFFIXES
from vanban.rendering.elements import scan_elements
from vanban.rendering.findings import ContentRefused, Finding, Inspection, shown, unknown_type
from vanban.rendering.parts import CONTENT_TYPES, CT_NS, inflate, parse, serialise
from vanban.rendering.relationships import item_of, reach
from vanban.rendering.zipcopy import Member, deflate, read_members

_DS = "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}"


@dataclass(frozen=True)
class _ContentTypes:
    """Defaults by extension and overrides by part name (lower case, as OPC compares them)."""

    defaults: dict[str, str]
    overrides: dict[str, str]

    def of(self, name: str) -> str:
        if name.lower() in self.overrides:
            return self.overrides[name.lower()]
        return self.defaults.get(posixpath.splitext(name)[1].lstrip(".").lower(), "")


def inspect_package(parts: Mapping[str, bytes]) -> Inspection:
    """Every part of a package read against the allow-list; nothing is changed here."""
    out = Inspection()
    by_lower = _names(parts, out)
    try:
        types = _content_types(parts, out)
    except etree.XMLSyntaxError:
        out.refused.append(Finding(CONTENT_TYPES, "không phải XML hợp lệ"))
        return out
    reached, rels_read = reach(parts, by_lower, types.of, out)
    _remove_unreached(parts, reached, rels_read, out)
    _scan_reached(parts, by_lower, reached, out)
    return out


def _names(parts: Mapping[str, bytes], out: Inspection) -> dict[str, str]:
    """Each part by its name in lower case; two parts of one name are refused."""
    by_lower: dict[str, str] = {}
    for name in parts:
        if name.lower() in by_lower:
            out.refused.append(Finding(name, f'trùng tên với phần "{by_lower[name.lower()]}"'))
        by_lower.setdefault(name.lower(), name)
    return by_lower


def _content_types(parts: Mapping[str, bytes], out: Inspection) -> _ContentTypes:
    """The declared content types, each off the list refused.

    A type off the list is named at the part it is declared for, or for a default (which any
    part of its extension takes) at the declaration.
    """
    types = _ContentTypes({}, {})
    if CONTENT_TYPES not in parts:
        out.refused.append(Finding(CONTENT_TYPES, "tệp thiếu phần khai báo kiểu nội dung"))
        return types
    for el in parse(parts[CONTENT_TYPES]):
        ct = (el.get("ContentType") or "").strip()
        if el.tag == CT_NS + "Default":
            ext = (el.get("Extension") or "").lower()
            types.defaults[ext] = ct
            where, what = CONTENT_TYPES, f'đuôi ".{shown(ext, 20)}" khai báo kiểu nội dung'
        elif el.tag == CT_NS + "Override":
            where = (el.get("PartName") or "").lstrip("/")
            types.overrides[where.lower()] = ct
            what = "kiểu nội dung"
        else:
            continue
        if ct not in ALLOWED_CONTENT_TYPES:
            out.refused.append(Finding(where, unknown_type(ct, what)))
    return types


def _remove_unreached(
    parts: Mapping[str, bytes], reached: Mapping[str, str], rels_read: set[str], out: Inspection
) -> None:
    for name in parts:
        if name == CONTENT_TYPES or name.endswith("/") or name in reached or name in rels_read:
            continue
        # Nothing reaches it, so Word never reads it: taken out, with its declared type (a
        # type off the list was refused with the content types).
        out.removed.append(Finding(name, "phần thừa, không phần nào của văn bản dùng tới"))
        out.drop_parts.add(name)


def _scan_reached(
    parts: Mapping[str, bytes],
    by_lower: Mapping[str, str],
    reached: Mapping[str, str],
    out: Inspection,
) -> None:
    """The XML parts reached, read for the elements they may not hold; then the custom XML
    items that data bindings name, refused with them."""
    bound: set[str] = set()
    items: dict[str, str] = {}  # custom XML item id -> the item's part
    for name, ct in reached.items():
        root = _xml_of(parts, name, ct, out)
        if root is None:
            continue
        found, binds = scan_elements(name, root)
        out.refused += found
        bound |= binds
        if root.tag == _DS + "datastoreItem":
            item = item_of(name, parts, by_lower)
            items[(root.get(_DS + "itemID") or "").strip().upper()] = item or name
    for item in sorted({items[b] for b in bound if b in items}):
        out.refused.append(
            Finding(item, "dữ liệu XML tùy biến được ràng buộc vào chữ của văn bản (data binding)")
        )


def _xml_of(
    parts: Mapping[str, bytes], name: str, ct: str, out: Inspection
) -> etree._Element | None:
    """A reached part's XML, or None for a part that is no XML (refused if it has no type)."""
    if not ct:
        out.refused.append(Finding(name, "phần không có kiểu nội dung"))
        return None
    if not ct.endswith(XML_CONTENT_TYPE_SUFFIXES):
        return None
    try:
        return parse(parts[name])
    except etree.XMLSyntaxError:
        out.refused.append(Finding(name, "không phải XML hợp lệ (hoặc có khai báo DOCTYPE)"))
        return None


def _cleaned(parts: Mapping[str, bytes], found: Inspection) -> dict[str, bytes]:
    """The parts rewritten to take out what ``found`` removes (dropped parts excepted)."""
    changed: dict[str, bytes] = {}
    for rels, ids in found.drop_rels.items():
        root = parse(parts[rels])
        for rel in list(root):
            if rel.get("Id") in ids:
                root.remove(rel)
        changed[rels] = serialise(root)
    for name, tags in found.drop_elements.items():
        root = parse(parts[name])
        for el in [e for e in root.iter() if e.tag in tags]:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
        changed[name] = serialise(root)
    if found.drop_parts and CONTENT_TYPES in parts:
        dropped = {n.lower() for n in found.drop_parts}
        root = parse(parts[CONTENT_TYPES])
        for el in list(root):
            if (el.get("PartName") or "").lstrip("/").lower() in dropped:
                root.remove(el)
        changed[CONTENT_TYPES] = serialise(root)
    return changed


def checked_template(data: bytes) -> tuple[list[Member], tuple[Finding, ...]]:
    """A template's members with what is removed taken out, and what was removed.

    Raises ContentRefused naming everything the template may not hold (and TooLargeError or
    zipfile's errors for what is no zip or too large to read).
    """
    members = read_members(data)
    # The same name twice in the zip: which copy Word reads is its zip reader's choice, and only
    # one of them would be inspected here. Refused, whatever the copies hold.
    counts = Counter(m.name for m in members)
    twice = [name for name, n in counts.items() if n > 1]
    if twice:
        raise ContentRefused(
            Finding(name, "có hai phần cùng tên trong tệp nén") for name in twice
        )
    parts = {m.name: inflate(m) for m in members}
    found = inspect_package(parts)
    if found.refused:
        raise ContentRefused(found.refused)
    if not found.removed:
        return members, ()
    changed = _cleaned(parts, found)
    kept = [
        deflate(m.name, changed[m.name]) if m.name in changed else m
        for m in members
        if m.name not in found.drop_parts
    ]
    return kept, tuple(dict.fromkeys(found.removed))


def check_parts(parts: Mapping[str, bytes]) -> None:
    """Raise ContentRefused unless a document's package holds only what the list allows.

    In a document what a template has removed cannot be there at all: it is refused too.
    """
    found = inspect_package(parts)
    if found.refused or found.removed:
        raise ContentRefused(found.refused + found.removed)


def check_docx(data: bytes) -> None:
    """:func:`check_parts` of the .docx in ``data``."""
    members = read_members(data)
    check_parts({m.name: inflate(m) for m in members})


__all__ = [
    "check_docx",
    "check_parts",
    "checked_template",
    "inspect_package",
]
