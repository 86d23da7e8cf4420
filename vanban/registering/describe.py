"""A document's metadata (Decree 30, annex VI) as the files written beside its signing PDF:
JSON (annex VI's names, dates ISO 8601) and XML (the same fields, one element each)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from lxml import etree

from vanban.files import json_bytes
from vanban.metadata import FIELD, OutgoingMetadata, to_json

ROOT = "OutgoingDocument"
_MAX_PAGES = 10 ** FIELD["PageAmount"].max_length  # PageAmount has three digits


def as_issued(meta: OutgoingMetadata, record: dict[str, Any] | None) -> OutgoingMetadata:
    """``meta`` with its PDF's page count and the number and date the records office gave at
    signing, if any; ``record`` is its PDF's record in manifest.json (``vanban pdf``)."""
    if record is None:
        return meta
    pages = record.get("pages")
    if isinstance(pages, int) and not isinstance(pages, bool) and 0 < pages < _MAX_PAGES:
        meta = replace(meta, page_amount=pages)
    # "15/GM-UBND": the number the PDF prints, or the one the records office gave at signing.
    given = record.get("number")
    if isinstance(given, str) and not meta.code_number:
        number, _, _ = given.partition("/")
        signed = record.get("signed")
        when = signed.get("date") if isinstance(signed, dict) else None
        try:
            issued = date.fromisoformat(when) if isinstance(when, str) else meta.issued_date
        except ValueError:
            issued = meta.issued_date
        if number.strip().isdigit():
            meta = replace(meta, code_number=number.strip(), issued_date=issued)
    return meta


def issued_metadata(
    metas: Mapping[str, OutgoingMetadata], records: Mapping[str, Any]
) -> dict[str, OutgoingMetadata]:
    """Every document's metadata as issued (:func:`as_issued`); a separate annex carries the
    number and date of the document it belongs to, however that one got them."""
    issued = {
        source: as_issued(meta, r if isinstance(r := records.get(source), dict) else None)
        for source, meta in metas.items()
    }
    for source, meta in issued.items():
        owner = issued.get(meta.annex_of) if meta.annex_of else None
        if owner is not None and not meta.code_number and owner.code_number:
            issued[source] = replace(
                meta, code_number=owner.code_number, issued_date=owner.issued_date
            )
    return issued


def metadata_json(meta: OutgoingMetadata) -> bytes:
    return json_bytes(to_json(meta)) + b"\n"


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
    return "" if value is None else str(value)  # to_json gives dates as ISO text already


__all__ = ["ROOT", "as_issued", "issued_metadata", "metadata_json", "metadata_xml"]
