"""The order WordprocessingML puts the children of its property elements in, and putting them so.

Most property elements of a Word file (a paragraph's ``w:pPr``, a table's ``w:tblPr``, a
section's ``w:sectPr``...) are schema *sequences*: each child may appear once, in one order.
Word, and every program built on the Open XML SDK, reads a child out of its place as
"unreadable content". python-docx knows these orders but forgets them once its classes are
built, and other programs (LibreOffice writes ``w:sectPr`` first in a ``w:pPr``) break them too.

The orders below are the SDK's (ECMA-376 Part 1 with Office 2010's ``w14`` additions), one per
element name: where one name has several types (the ``w:rPr`` of a run and of a paragraph mark,
the ``w:tblPr`` of a table and of a table style), each order here is the union of theirs, in
which every one of them is a subsequence. This module is the one place they are written:
the Decree 30 builder inserts at these positions (:func:`insert_at`) and every template is put
in this order before use (:func:`order_children`).
"""

from __future__ import annotations

from typing import Final

from lxml import etree

W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14: Final = "http://schemas.microsoft.com/office/word/2010/wordml"
W15: Final = "http://schemas.microsoft.com/office/word/2012/wordml"
_PREFIXES: Final = {"w": W, "w14": W14, "w15": W15}

_RPR_BASE: Final = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish "
    "w14:glow w14:shadow w14:reflection w14:textOutline w14:textFill w14:scene3d w14:props3d "
    "w14:ligatures w14:numForm w14:numSpacing w14:stylisticSets w14:cntxtAlts"
)
_SIDES: Final = "top left start bottom right end"

# Element name -> the names of its children in schema order. Names without a prefix are w:.
_ORDERS: Final[dict[str, str]] = {
    "pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
        "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
        "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
        "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ),
    # A paragraph mark's rPr starts with revision marks; a run's has none: one union order.
    "rPr": f"ins del moveFrom moveTo w14:conflictIns w14:conflictDel {_RPR_BASE} oMath rPrChange",
    "tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription tblPrChange"
    ),
    "tcPr": (
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
        "vAlign hideMark cellIns cellDel cellMerge tcPrChange"
    ),
    # Header and footer references come first, in any order among themselves (see _RANK_ALIKE).
    "sectPr": (
        "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc "
        "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection "
        "bidi rtlGutter docGrid printerSettings w15:footnoteColumns sectPrChange"
    ),
    # CT_TrPr is a choice, any order; Word writes this one, and so does the builder.
    "trPr": (
        "cnfStyle divId gridBefore gridAfter wBefore wAfter trHeight hidden cantSplit tblHeader "
        "tblCellSpacing jc ins del trPrChange"
    ),
    "tblBorders": f"{_SIDES} insideH insideV",
    "tcBorders": f"{_SIDES} insideH insideV tl2br tr2bl",
    "pBdr": "top left bottom right between bar",
    "tblCellMar": _SIDES,
    "tcMar": _SIDES,
}
# Children that share a rank: the schema lets them come in any order among themselves.
_RANK_ALIKE: Final = {("sectPr", "footerReference"): "headerReference"}


def _clark(name: str) -> str:
    prefix, _, local = name.rpartition(":")
    return f"{{{_PREFIXES[prefix or 'w']}}}{local}"


def _ranks() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for parent, names in _ORDERS.items():
        order = names.split()
        rank = {_clark(n): i for i, n in enumerate(order)}
        for (p, child), alike in _RANK_ALIKE.items():
            if p == parent:
                rank[_clark(child)] = rank[_clark(alike)]
        out[_clark(parent)] = rank
    return out


RANKS: Final = _ranks()


def schema_rank(parent_tag: str, child_tag: str) -> int | None:
    """The place of ``child_tag`` among the children of ``parent_tag`` (Clark names), or None
    when either has no known order."""
    return RANKS.get(parent_tag, {}).get(child_tag)


def insert_at(parent: etree._Element, child: etree._Element) -> None:
    """Put ``child`` at its schema position in ``parent``, replacing any of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = RANKS.get(parent.tag, {})
    mine = rank.get(child.tag)
    if mine is None:
        parent.append(child)
        return
    for index, sibling in enumerate(parent):
        theirs = rank.get(sibling.tag) if isinstance(sibling.tag, str) else None
        if theirs is not None and theirs > mine:
            parent.insert(index, child)
            return
    parent.append(child)


def _order_one(parent: etree._Element, rank: dict[str, int]) -> bool:
    """Sort ``parent``'s children of known place by rank, in the slots they hold; a child of
    unknown place keeps its slot (the schema check names it). True when anything moved."""
    children = list(parent)
    known = [
        (i, rank[c.tag]) for i, c in enumerate(children) if isinstance(c.tag, str) and c.tag in rank
    ]
    ranks = [r for _, r in known]
    if all(a <= b for a, b in zip(ranks, ranks[1:], strict=False)):
        return False
    slots = [i for i, _ in known]
    ordered = sorted(slots, key=lambda i: rank[children[i].tag])  # stable: equal ranks keep order
    placed = list(children)
    for slot, source in zip(slots, ordered, strict=True):
        placed[slot] = children[source]
    for child in children:
        parent.remove(child)
    parent.extend(placed)
    return True


def order_children(root: etree._Element) -> list[str]:
    """Put the children of every property element under ``root`` in schema order.

    Returns the local names of the elements reordered, one per element (empty: all were in
    order). A child of unknown place stays where it is, for the schema check to name.
    """
    moved: list[str] = []
    for el in root.iter(*RANKS):
        if _order_one(el, RANKS[el.tag]):
            moved.append(etree.QName(el).localname)
    return moved


__all__ = ["RANKS", "W", "insert_at", "order_children", "schema_rank"]
