"""A document's metadata (Decree 30, annex VI) as the files written beside its signing PDF:
JSON (annex VI's names, dates ISO 8601) and XML (the same fields, one element each)."""

from __future__ import annotations

import json
from datetime import date

from lxml import etree

from vanban.metadata import OutgoingMetadata, to_json

ROOT = "OutgoingDocument"


def metadata_json(meta: OutgoingMetadata) -> bytes:
    return (json.dumps(to_json(meta), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def metadata_xml(meta: OutgoingMetadata) -> bytes:
    """The record as XML: annex VI's fields in its order, SignerInfo and one To per recipient as
    groups, then vanban's Extra; an empty field is an empty element. Every value is text the
    library escapes."""
    root = etree.Element(ROOT)
    for name, value in to_json(meta).items():
        if name == "To":
            for recipient in value:
                _group(root, "To", recipient)
        elif isinstance(value, dict):
            _group(root, name, value)
        else:
            etree.SubElement(root, name).text = _text(value)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def _group(parent: etree._Element, name: str, values: dict[str, object]) -> None:
    group = etree.SubElement(parent, name)
    for key, value in values.items():
        etree.SubElement(group, key).text = _text(value)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


__all__ = ["ROOT", "metadata_json", "metadata_xml"]
