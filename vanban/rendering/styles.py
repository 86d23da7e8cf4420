"""Templates carry the styles they use: prune ``styles.xml`` and drop ``stylesWithEffects.xml``.

A document made with python-docx carries its default ``styles.xml`` (352 KB, some 260 styles)
and ``stylesWithEffects.xml`` (438 KB, a copy for Word 2010 that no Word needs to open the file);
inflating and parsing them was most of the cost of a one-page letter. Pruning keeps:

- every style a part refers to (``pStyle``, ``rStyle``, ``tblStyle``, ``numStyleLink``,
  ``styleLink``, ``clickAndTypeStyle``, in the body, headers, footers, notes and numbering),
- the default style of each type, and ``docDefaults``,
- the chain of each kept style (``basedOn``, ``link``, ``next``),

and drops the latent-style exceptions (Word's defaults for built-in styles that are absent).
Every other member keeps its stored bytes; pruning a pruned template changes nothing.

It is one step of tidying a template (:func:`vanban.rendering.wordfile.tidy_template`), run on
the committed templates after building or editing them::

    python -m vanban.rendering.wordfile templates/docx/*.docx
"""

from __future__ import annotations

import zlib

from lxml import etree

from vanban.rendering.zipcopy import Member, deflate, read_members, write_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REFS = ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink", "clickAndTypeStyle")
_CHAIN = ("basedOn", "link", "next")
_STYLES = "word/styles.xml"
_EFFECTS = "stylesWithEffects.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True))


def _referenced(members: list[Member], data: dict[str, bytes]) -> set[str]:
    used: set[str] = set()
    for m in members:
        if not (m.name.startswith("word/") and m.name.endswith(".xml")) or m.name == _STYLES:
            continue
        root = etree.fromstring(data[m.name], _PARSER)
        for ref in _REFS:
            for el in root.iter(_w(ref)):
                value = el.get(_w("val"))
                if value:
                    used.add(value)
    return used


def prune_styles(docx: bytes) -> bytes:
    """``docx`` with only the styles it uses, without stylesWithEffects.xml."""
    members = read_members(docx)
    data = {m.name: _inflate(m) for m in members}
    if _STYLES not in data:
        return docx
    styles = etree.fromstring(data[_STYLES], _PARSER)
    by_id = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}
    keep = _referenced(members, data)
    keep |= {i for i, s in by_id.items() if s.get(_w("default")) in ("1", "true", "on")}
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        if style is None:
            continue
        for link in _CHAIN:
            for el in style.iter(_w(link)):
                target = el.get(_w("val"))
                if target and target not in keep:
                    keep.add(target)
                    todo.append(target)
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    for latent in styles.iter(_w("latentStyles")):
        for exception in list(latent):
            latent.remove(exception)

    changed = {_STYLES: _serialise(styles)}
    rels_name = "word/_rels/document.xml.rels"
    if rels_name in data:
        rels = etree.fromstring(data[rels_name], _PARSER)
        for rel in list(rels):
            if rel.get("Target", "").endswith(_EFFECTS):
                rels.remove(rel)
        changed[rels_name] = _serialise(rels)
    types_name = "[Content_Types].xml"
    if types_name in data:
        types = etree.fromstring(data[types_name], _PARSER)
        for override in list(types):
            if override.get("PartName", "").endswith("/" + _EFFECTS):
                types.remove(override)
        changed[types_name] = _serialise(types)

    out = []
    for m in members:
        if m.name == "word/" + _EFFECTS:
            continue
        new = changed.get(m.name)
        out.append(m if new is None or new == data[m.name] else deflate(m.name, new))
    return write_zip(out)


def _inflate(member: Member) -> bytes:
    return member.stored if member.method == 0 else zlib.decompress(member.stored, -15)
