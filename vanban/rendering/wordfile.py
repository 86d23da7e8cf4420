"""A template made into a file that Word 2013 and later open as their own, and its properties.

Run on every template after the allow-list (:mod:`vanban.rendering.package`) and before it is
compiled, so every document copies the result:

- the children of every property element are put in schema order (:mod:`vanban.wordml`): a
  template saved by another program is repaired here, and the caller says so;
- ``word/settings.xml`` declares ``compatibilityMode`` 15 (Word 2013 and later: no
  "[Compatibility Mode]" in the title bar, today's layout rules) and no ``savePreviewPicture``;
- the thumbnail goes (a picture of some other document, in python-docx's case), and so do the
  custom XML items (python-docx's leftover; nothing in a document vanban issues reads one, as
  data bindings are refused) and Word 2010's ``stylesWithEffects.xml`` (a second copy of the
  styles that no Word needs, and that must agree with the first);
- ``docProps/app.xml`` claims nothing (no pages, words or program that are not the file's), and
  a template without ``docProps/core.xml`` gets one, for each document to carry its own
  (:func:`core_xml`). :func:`tidy_template` also makes a template's own neutral, for the
  templates vanban ships and writes (``python -m vanban.rendering.wordfile FILE...``).

Each document's own core properties (title, subject, issuing body, date, language) replace the
template's when it is rendered: the same inputs give the same bytes, so the dates are the
document's own date, never the clock.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from lxml import etree

from vanban.files import atomic_write
from vanban.rendering.findings import Finding
from vanban.rendering.parts import (
    CONTENT_TYPES,
    CT_NS,
    REL_NS,
    W,
    inflate,
    parse,
    rels_of,
    resolve,
)
from vanban.rendering.styles import prune_styles
from vanban.rendering.zipcopy import Member, deflate, read_members, write_zip
from vanban.wordml import order_children

_PKG_REL: Final = "http://schemas.openxmlformats.org/package/2006/relationships/"
_DOC_REL: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
THUMBNAIL: Final = frozenset({_PKG_REL + "metadata/thumbnail", _DOC_REL + "metadata/thumbnail"})
CORE: Final = frozenset(
    {_PKG_REL + "metadata/core-properties", _DOC_REL + "metadata/core-properties"}
)
APP: Final = _DOC_REL + "extended-properties"
CUSTOM_XML: Final = _DOC_REL + "customXml"
# Word 2010's copy of styles.xml, which no Word needs; a copy that disagrees with styles.xml (as
# it soon does once styles are edited or pruned) is "unreadable content" to the SDK's rules.
STYLES_WITH_EFFECTS: Final = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
CORE_TYPE: Final = "application/vnd.openxmlformats-package.core-properties+xml"
CORE_NAME: Final = "docProps/core.xml"
COMPATIBILITY_MODE: Final = "15"
_MS_WORD: Final = "http://schemas.microsoft.com/office/word"
# The parts whose XML holds property elements to put in order.
_WORD_XML: Final = ("document", "header", "footer", "footnotes", "endnotes", "styles", "numbering")
# What follows w:compat in CT_Settings: a missing w:compat goes before the first of these.
_AFTER_COMPAT: Final = tuple(
    f"{W}{n}"
    for n in (
        "docVars rsids attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats "
        "doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType "
        "shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator"
    ).split()
) + ("{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr",)


@dataclass(frozen=True)
class DocumentProperties:
    """What File › Properties shows of one document; ``created`` is its own date."""

    title: str
    subject: str
    author: str  # the issuing body, also the last to modify it
    created: date | None
    identifier: str = ""  # its number and symbol, "6662/KH-UBND"
    category: str = ""  # its kind, "Giấy mời"
    language: str = "vi-VN"


_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def core_xml(props: DocumentProperties | None) -> bytes:
    """``docProps/core.xml`` of a document (``None``: a template's, which names nobody)."""
    nsmap = {"cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI}
    root = etree.Element(f"{{{_CP}}}coreProperties", nsmap=nsmap)

    def add(ns: str, name: str, text: str) -> etree._Element:
        el = etree.SubElement(root, f"{{{ns}}}{name}")
        el.text = text  # lxml escapes it: a title is data
        return el

    if props is None:
        add(_DC, "language", "vi-VN")
        return _xml(root)
    add(_DC, "title", props.title)
    add(_DC, "subject", props.subject)
    add(_DC, "creator", props.author)
    if props.identifier:
        add(_DC, "identifier", props.identifier)
    add(_DC, "language", props.language)
    add(_CP, "lastModifiedBy", props.author)
    if props.category:
        add(_CP, "category", props.category)
    if props.created is not None:
        stamp = f"{props.created.isoformat()}T00:00:00Z"
        for name in ("created", "modified"):
            add(_DCTERMS, name, stamp).set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
    return _xml(root)


def app_xml() -> bytes:
    """``docProps/app.xml`` claiming nothing: counts and program names would be another file's."""
    root = etree.Element(f"{{{_EP}}}Properties", nsmap={None: _EP})
    etree.SubElement(root, f"{{{_EP}}}DocSecurity").text = "0"
    return _xml(root)


@dataclass
class WordFile:
    """What :func:`word_file` changed: parts rewritten, parts dropped, elements reordered."""

    changed: dict[str, bytes]
    dropped: set[str]
    reordered: tuple[Finding, ...]
    core: str  # the core properties' part name, which each document replaces


def _package_rels(parts: Mapping[str, bytes]) -> list[etree._Element]:
    return list(parse(parts["_rels/.rels"])) if "_rels/.rels" in parts else []


def word_file(parts: Mapping[str, bytes]) -> WordFile:
    """The changes that make the package in ``parts`` (checked by the allow-list) Word's own."""
    out = WordFile({}, set(), (), CORE_NAME)
    _order_parts(parts, out)
    _settings(parts, out)
    _drop_related(parts, "", THUMBNAIL, out)
    main = _main_part(parts)
    if main:
        _drop_related(parts, main, frozenset({CUSTOM_XML, STYLES_WITH_EFFECTS}), out)
    _properties(parts, out)
    return out


def made_word_file(members: list[Member]) -> tuple[list[Member], WordFile]:
    """``members`` with :func:`word_file`'s changes: rewritten in place, dropped, or added last."""
    parts = {m.name: inflate(m) for m in members}
    made = word_file(parts)
    names = {m.name for m in members}
    kept = [
        deflate(m.name, made.changed[m.name])
        if m.name in made.changed and made.changed[m.name] != parts[m.name]
        else m
        for m in members
        if m.name not in made.dropped
    ]
    kept += [deflate(n, data) for n, data in made.changed.items() if n not in names]
    return kept, made


def with_properties(members: list[Member], core: str, props: DocumentProperties) -> list[Member]:
    """``members`` with the core properties part ``core`` made the document's own."""
    return [deflate(core, core_xml(props)) if m.name == core else m for m in members]


def tidy_template(data: bytes) -> bytes:
    """A template as vanban ships one: Word's own file, neutral core properties, pruned styles.

    A tidy template is a fixed point: tidying it again gives the same bytes.
    """
    members, made = made_word_file(read_members(data))
    members = [deflate(made.core, core_xml(None)) if m.name == made.core else m for m in members]
    return prune_styles(write_zip(members))


def main(argv: list[str]) -> int:
    for name in argv[1:]:
        path = Path(name)
        before = path.read_bytes()
        after = tidy_template(before)
        if after != before:
            atomic_write(path, after)
        print(f"{path}: {'đã sửa' if after != before else 'không đổi'}")
    return 0


def _core_type_fixed(parts: Mapping[str, bytes], out: WordFile) -> bytes:
    # From what the earlier steps left (the thumbnail's relationship is gone already).
    rels = parse(out.changed.get("_rels/.rels", parts["_rels/.rels"]))
    for rel in rels:
        if (rel.get("Type") or "") in CORE:
            rel.set("Type", _PKG_REL + "metadata/core-properties")
    return _xml(rels)


def _main_part(parts: Mapping[str, bytes]) -> str:
    for rel in _package_rels(parts):
        if (rel.get("Type") or "").endswith("/officeDocument"):
            return resolve("", rel.get("Target") or "")
    return ""


def _order_parts(parts: Mapping[str, bytes], out: WordFile) -> None:
    found = []
    for name in sorted(parts):
        base = name.rsplit("/", 1)[-1]
        if not (name.startswith("word/") and name.endswith(".xml") and base.startswith(_WORD_XML)):
            continue
        root = parse(parts[name])
        moved = order_children(root)
        if moved:
            out.changed[name] = _xml(root)
            counts = {tag: moved.count(tag) for tag in dict.fromkeys(moved)}
            listed = ", ".join(f"w:{tag} ({n})" for tag, n in counts.items())
            found.append(
                Finding(name, f"phần tử không đúng thứ tự của lược đồ Word, đã xếp lại: {listed}")
            )
    out.reordered = tuple(found)


def _settings(parts: Mapping[str, bytes], out: WordFile) -> None:
    name = "word/settings.xml"
    if name not in parts:
        return
    root = parse(out.changed.get(name, parts[name]))
    for el in root.findall(f"{W}savePreviewPicture"):
        root.remove(el)
    compat = root.find(f"{W}compat")
    if compat is None:
        compat = etree.Element(f"{W}compat")
        after = next((el for el in root if el.tag in _AFTER_COMPAT), None)
        if after is not None:
            after.addprevious(compat)
        else:
            root.append(compat)
    mode = next(
        (
            el
            for el in compat.findall(f"{W}compatSetting")
            if el.get(f"{W}name") == "compatibilityMode"
        ),
        None,
    )
    if mode is None:
        mode = etree.SubElement(compat, f"{W}compatSetting")
        mode.set(f"{W}name", "compatibilityMode")
        mode.set(f"{W}uri", _MS_WORD)
    mode.set(f"{W}val", COMPATIBILITY_MODE)
    data = _xml(root)
    if data != parts[name]:
        out.changed[name] = data


def _drop_related(
    parts: Mapping[str, bytes], source: str, types: frozenset[str], out: WordFile
) -> None:
    """Take out the parts ``source`` relates to by ``types``, with what relates to them."""
    rels_name = rels_of(source) if source else "_rels/.rels"
    if rels_name not in parts:
        return
    rels = parse(out.changed.get(rels_name, parts[rels_name]))
    kept = _targets_of_other_types(parts, types)
    dropped = []
    removed = False
    for rel in list(rels):
        if rel.tag == REL_NS + "Relationship" and (rel.get("Type") or "") in types:
            rels.remove(rel)
            removed = True
            target = resolve(source, rel.get("Target") or "")
            # A part something else also needs (a "thumbnail" pointing at the body) stays.
            if rel.get("TargetMode") != "External" and target not in kept:
                dropped.append(target)
    if removed:
        out.changed[rels_name] = _xml(rels)
    if not dropped:
        return
    for part in dropped:
        out.dropped.add(part)
        # A custom XML item's own relationships name its properties part: those go too.
        item_rels = rels_of(part)
        if item_rels in parts:
            for rel in parse(parts[item_rels]):
                out.dropped.add(resolve(part, rel.get("Target") or ""))
            out.dropped.add(item_rels)
    _drop_types(parts, out)


def _targets_of_other_types(parts: Mapping[str, bytes], types: frozenset[str]) -> set[str]:
    """Every part some relationship of another type reaches."""
    found: set[str] = set()
    for name, data in parts.items():
        if not name.endswith(".rels"):
            continue
        folder = name.rsplit("_rels/", 1)[0]
        source = folder + name.rsplit("/", 1)[-1][: -len(".rels")]
        for rel in parse(data):
            if (rel.get("Type") or "") not in types and rel.get("TargetMode") != "External":
                found.add(resolve(source if source else "", rel.get("Target") or ""))
    return found


def _drop_types(parts: Mapping[str, bytes], out: WordFile) -> None:
    root = parse(out.changed.get(CONTENT_TYPES, parts[CONTENT_TYPES]))
    lower = {p.lower() for p in out.dropped}
    for el in list(root):
        if el.tag == CT_NS + "Override" and (el.get("PartName") or "").lstrip("/").lower() in lower:
            root.remove(el)
    out.changed[CONTENT_TYPES] = _xml(root)


def _properties(parts: Mapping[str, bytes], out: WordFile) -> None:
    """app.xml claiming nothing; core.xml neutral, added where the template has none."""
    if "_rels/.rels" not in parts or CONTENT_TYPES not in parts:
        return
    core = ""
    for rel in _package_rels(parts):
        target = resolve("", rel.get("Target") or "")
        kind = rel.get("Type") or ""
        if kind == APP and target in parts:
            out.changed[target] = app_xml()
        elif kind in CORE and target in parts:
            core = target
            if kind != _PKG_REL + "metadata/core-properties":
                # The other namespace's type: python-docx (docxtpl's path) would not find the
                # part and write a second one. One type, the package's.
                out.changed["_rels/.rels"] = _core_type_fixed(parts, out)
    if core:
        # The template's own stays (docxtpl may render tags in it); each document replaces it.
        out.core = core
        return
    # No core properties at all: added, so that each document can carry its own.
    rels = parse(out.changed.get("_rels/.rels", parts["_rels/.rels"]))
    ids = {rel.get("Id") for rel in rels}
    new_id = next(f"rIdCore{n}" for n in range(1, len(ids) + 2) if f"rIdCore{n}" not in ids)
    rel = etree.SubElement(rels, REL_NS + "Relationship")
    rel.set("Id", new_id)
    rel.set("Type", _PKG_REL + "metadata/core-properties")
    rel.set("Target", CORE_NAME)
    out.changed["_rels/.rels"] = _xml(rels)
    types = parse(out.changed.get(CONTENT_TYPES, parts[CONTENT_TYPES]))
    override = etree.SubElement(types, CT_NS + "Override")
    override.set("PartName", "/" + CORE_NAME)
    override.set("ContentType", CORE_TYPE)
    out.changed[CONTENT_TYPES] = _xml(types)
    out.changed[CORE_NAME] = core_xml(None)
    out.core = CORE_NAME


__all__ = [
    "COMPATIBILITY_MODE",
    "DocumentProperties",
    "WordFile",
    "app_xml",
    "core_xml",
    "made_word_file",
    "tidy_template",
    "with_properties",
    "word_file",
]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
