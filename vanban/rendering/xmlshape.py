"""What a patched template source lets its renderings be, found once per template.

The compiled path (:mod:`vanban.rendering.compiled`) skips docxtpl's parse of each rendered
body when it cannot change anything: :func:`static_tables` says when its table fix is a no-op,
and :func:`always_balanced` when every rendering is well-formed XML whatever the data, so that
only the characters of the data need checking (:func:`well_formed`). Each answer errs towards
"no": the document then takes docxtpl's own steps, as before.
"""

from __future__ import annotations

import re
from xml.parsers import expat

import jinja2
from docx.oxml.ns import qn
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from vanban.rendering.skeleton import Skeleton

_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)
_CELL = re.compile(r"<w:tc[ >].*?</w:tc>", re.DOTALL)
_OPENS = re.compile(r"\{%-?\s*(?:for|if|with|filter)\b")
_CLOSES = re.compile(r"\{%-?\s*end(?:for|if|with|filter)\b")
_RECOVER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)

# Only its lexer: the default delimiters, as rendering uses (the sandbox's own environment class).
_LEXER = SandboxedEnvironment()
_MARK = re.compile(r"\x01(\d+)\x02")
_MARKUP = re.compile(r"<[^>]*>")
_QUOTED_VALUE = re.compile(r"\"[^\"]*\"|'[^']*'")
_OPENERS = {"for": "endfor", "if": "endif"}
_SEPARATORS = {"else": ("for", "if"), "elif": ("if",)}
# Bytes no XML 1.0 document may hold: C0 controls but tab, newline and carriage return, and the
# UTF-8 of U+FFFE and U+FFFF (whose first byte, 0xEF, is seldom in Vietnamese text: U+F000 and up).
CONTROLS = tuple(bytes([b]) for b in range(32) if b not in (9, 10, 13))
NONCHARACTERS = ("\ufffe".encode(), "\uffff".encode())


def static_tables(source: str) -> bool:
    """True when docxtpl's ``fix_tables`` cannot change what ``source`` renders to.

    fix_tables adds or removes grid columns when rows have more or fewer cells than the grid.
    That cannot happen when every row of the patched source has as many cells as its grid, no
    tag sits in a row outside its cells, every cell's blocks close in that cell, no span is
    computed, and no table is nested: then each rendered row is a copy of one of those rows.
    """
    tree = etree.fromstring(source.encode("utf-8"), _RECOVER)
    if tree is None:
        return False
    for tbl in tree.iter(qn("w:tbl")):
        grid = tbl.find(qn("w:tblGrid"))
        if grid is None or tbl.find(".//" + qn("w:tbl")) is not None:
            return False
        columns = len(grid.findall(qn("w:gridCol")))
        for tr in tbl.iter(qn("w:tr")):
            cells = 0
            for tc in tr.findall(qn("w:tc")):
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                cells += int(span.get(qn("w:val"), "1")) if span is not None else 1
            if cells != columns:
                return False
    for row in _ROW.finditer(source):
        text = row.group(0)
        between = _CELL.sub("", text)
        if "{%" in between or "{{" in between or 'w:gridSpan w:val="{' in text:
            return False
        for cell in _CELL.findall(text):
            if len(_OPENS.findall(cell)) != len(_CLOSES.findall(cell)):
                return False
    return True


def _marked(source: str) -> tuple[str, list[tuple[str, str]]] | None:
    """``source`` with each Jinja tag replaced by a mark, and each tag's (kind, keyword).

    Jinja's own lexer finds the tags; None for what this check does not follow (raw blocks, an
    escape in a string that could print a control character, a syntax error).
    """
    out: list[str] = []
    tags: list[tuple[str, str]] = []
    kind = word = ""
    try:
        for _, token, value in _LEXER.lexer.tokeniter(source, None):
            if token == "data":
                out.append(value)
            elif token in ("block_begin", "variable_begin"):
                kind, word = token, ""
            elif token in ("block_end", "variable_end"):
                tags.append((kind, word))
                out.append(f"\x01{len(tags) - 1}\x02")
            elif token == "name" and not word:
                word = value
            elif (token == "string" and "\\" in value) or token.startswith("raw_"):
                return None
    except jinja2.TemplateSyntaxError:
        return None
    return "".join(out), tags


def always_balanced(source: str) -> bool:
    """True when every rendering of ``source`` is well-formed XML, given legal characters.

    Values are printed escaped, so only control tags change the XML: a block's body is left
    out or repeated. When the elements open at each tag of a block (its opening, ``else``,
    ``elif`` and closing tags) are the same, each stretch between them leads from those elements
    back to the same, so leaving it out or repeating it keeps the XML balanced. Any other block,
    a control tag inside an element's markup, or a value printed there outside an attribute's
    quotes answers False.
    """
    found = _marked(source)
    if found is None:
        return False
    marked, tags = found
    elements: list[str] = []
    blocks: list[tuple[str, tuple[str, ...]]] = []
    pos = 0
    for m in _MARKUP.finditer(marked):
        if not _block_tags_agree(marked[pos : m.start()], tags, elements, blocks):
            return False
        pos = m.end()
        token = m.group(0)
        if "\x01" in _QUOTED_VALUE.sub("", token) or any(
            tags[int(i)][0] == "block_begin" for i in _MARK.findall(token)
        ):
            return False  # a tag in an element's markup, outside an attribute value
        if token.startswith(("<?", "<!")) or token.endswith("/>"):
            continue
        if token.startswith("</"):
            if not elements or elements.pop() != token[2:-1].strip():
                return False
        else:
            elements.append(token[1:-1].split(None, 1)[0])
    return _block_tags_agree(marked[pos:], tags, elements, blocks) and not blocks


def _block_tags_agree(
    text: str,
    tags: list[tuple[str, str]],
    elements: list[str],
    blocks: list[tuple[str, tuple[str, ...]]],
) -> bool:
    """Follow the control tags in ``text``; False when one sits among other elements."""
    for index in _MARK.findall(text):
        kind, word = tags[int(index)]
        if kind != "block_begin":
            continue
        here = tuple(elements)
        if word in _OPENERS:
            blocks.append((word, here))
        elif word in _SEPARATORS:
            if not blocks or blocks[-1][0] not in _SEPARATORS[word] or blocks[-1][1] != here:
                return False
        elif word.startswith("end"):
            if not blocks or _OPENERS.get(blocks[-1][0]) != word or blocks[-1][1] != here:
                return False
            blocks.pop()
        else:
            return False
    return True


def well_formed(xml: bytes, balanced: bool, sketch: Skeleton | None = None) -> bool:
    """True when ``xml`` is well-formed: checked by characters only when ``balanced``, in
    ``sketch`` when given (its skeleton, :mod:`vanban.rendering.skeleton`)."""
    if balanced:
        if sketch is not None:
            return not any(sketch.holds(c) for c in CONTROLS + NONCHARACTERS)
        # One memchr a byte sought: together a fraction of a translate of the whole text.
        return not any(c in xml for c in CONTROLS) and not (
            b"\xef" in xml and any(n in xml for n in NONCHARACTERS)
        )
    parser = expat.ParserCreate()
    try:
        parser.Parse(xml, True)
    except expat.ExpatError:
        return False
    return True
