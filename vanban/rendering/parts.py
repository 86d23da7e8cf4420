"""The parts of a Word package as data: their names, their XML, their relationships' targets."""

from __future__ import annotations

import posixpath
import zlib
from urllib.parse import unquote

from lxml import etree

from vanban.rendering.zipcopy import Member

CONTENT_TYPES = "[Content_Types].xml"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parse(data: bytes) -> etree._Element:
    """A part's XML; a DOCTYPE is refused as a syntax error."""
    # A fresh parser each time: lxml parsers are not to be shared between threads. No DTD, no
    # entities, no network: a part is data.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.doctype:
        raise etree.XMLSyntaxError("DOCTYPE", None, 0, 0)
    return root


def serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def inflate(member: Member) -> bytes:
    """A member's bytes as the file holds them uncompressed (its CRC was checked on reading)."""
    if member.method == 0:
        return member.stored
    return zlib.decompress(member.stored, -15)


def rels_of(part: str) -> str:
    """The relationships part of ``part`` ("" is the package)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve(source: str, target: str) -> str:
    """The part name an internal relationship of ``source`` points to."""
    path = (
        target.lstrip("/")
        if target.startswith("/")
        else posixpath.join(posixpath.dirname(source), target)
    )
    return posixpath.normpath(unquote(path)).lstrip("/") if path else ""


__all__ = [
    "CONTENT_TYPES",
    "CT_NS",
    "REL_NS",
    "W",
    "inflate",
    "parse",
    "resolve",
    "rels_of",
    "serialise",
]
