"""A Word template parsed, patched and compiled once; per document only Jinja and the zip write.

docxtpl stays the template language: its ``patch_xml`` turns the body, headers and footers into
Jinja sources once, and the sandboxed environment compiles them once. Rendering a document then
does what docxtpl's ``render`` and ``save`` do to those parts (the same post-processing, table
fix and picture ids, serialised as python-docx serialises a part) and copies every other member
as the template's compressed bytes (:mod:`vanban.rendering.zipcopy`).

Before anything else, every part of the template is read against the allow-list of
:mod:`vanban.rendering.allowlist` (:mod:`vanban.rendering.package`): a template holding what a
document may not (a field that runs a program, a macro, an external link...) is refused here,
and what is removed (an attached template, parts nothing reads) is taken out of the members
every document is copied from. Each rendered part is checked again
(:func:`~vanban.rendering.elements.check_rendered`); the body's checks read its skeleton
(:mod:`vanban.rendering.skeleton`), so that the template's own text, printed again for every
letter or row, is read once per template rather than once per document.

The stock docxtpl path is kept for what adds package parts or relationships, which this path
does not write: a context holding anything but plain data (docxtpl's ``InlineImage``,
``Subdoc``, ``RichText`` with links, ``Listing``; see :func:`is_plain`), and a template whose
footnotes or document properties hold tags (``stock_reason``). ``render.render_docx`` chooses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import threading
from collections import OrderedDict
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import nsmap
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from vanban.rendering.elements import MARKERS, check_rendered
from vanban.rendering.findings import Finding
from vanban.rendering.package import checked_template
from vanban.rendering.schema import SchemaRefused, valid_package
from vanban.rendering.skeleton import Needles, Skeleton, printed_as_is
from vanban.rendering.wordfile import DocumentProperties, made_word_file, with_properties
from vanban.rendering.xmlshape import (
    CONTROLS,
    NONCHARACTERS,
    always_balanced,
    static_tables,
    well_formed,
)
from vanban.rendering.zipcopy import Member, deflate, write_zip

_PLAIN = (str, int, float, bool, type(None), date, datetime, time, Decimal)
_PLAIN_TYPES = frozenset(_PLAIN)
_TAGS = ("{{", "{%", "{#")
_PARA = re.compile(r"<w:p([ >])")
# docxtpl renders these document properties as templates (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_BRACES = ("{_", "_}")  # docxtpl's escapes of literal braces, put back after rendering
_LISTING = "\t\a\n\f"  # what docxtpl's resolve_listing turns into Word's runs
# Everything the checks of a rendered body look for, so that its skeleton can answer them all:
# the forbidden elements' markers, the characters XML may not hold, docxtpl's marks, pictures.
_NEEDLES = Needles(
    [
        *(m.decode("ascii") for m in MARKERS),
        *(c.decode("ascii") for c in CONTROLS),
        *(n.decode("utf-8") for n in NONCHARACTERS),
        *_BRACES,
        *_LISTING,
        "docPr",
    ]
)


def is_plain(value: Any, depth: int = 0) -> bool:
    """True for data this path renders as docxtpl would: str, numbers, dates, dicts, lists.

    Anything else, docxtpl's own objects above all, may need the stock path: an InlineImage or
    a Subdoc adds parts, a RichText with a link adds a relationship to the document part.
    """
    kind = type(value)
    if kind in _PLAIN_TYPES:  # the common case first: this runs over every value of a context
        return True
    if depth > 32:
        return False
    if kind is dict:
        return all(
            type(k) is str and (type(v) in _PLAIN_TYPES or is_plain(v, depth + 1))
            for k, v in value.items()
        )
    if kind is list or kind is tuple:
        return all(type(v) in _PLAIN_TYPES or is_plain(v, depth + 1) for v in value)
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(is_plain(v, depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # the plan's Dialect
        return all(is_plain(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return False


def _jinja_source(patched: str) -> str:
    # docxtpl's render_xml_part puts each paragraph on its own line before compiling; the line
    # numbers of errors, and so the tag an error names, depend on it.
    return _PARA.sub(r"\n<w:p\1", patched)


class CompiledTemplate:
    """One template, ready to render many documents; safe to share between threads."""

    def __init__(self, data: bytes, env: SandboxedEnvironment | None) -> None:
        """Parse and patch ``data``; compile it in ``env`` (lint passes None: sources only)."""
        self.sha256 = hashlib.sha256(data).hexdigest()  # of the file: the cache's key
        # First: a template holding what no document may is refused before docxtpl reads it.
        self._members: list[Member]
        self.removed: tuple[Finding, ...]  # what was taken out, for the caller's warning
        self._members, self.removed = checked_template(data)
        # Then made Word's own file (schema order, Word 2013 settings, no thumbnail), and read
        # against the schema: what cannot be put right is refused before any document is made.
        self._members, made = made_word_file(self._members)
        self.reordered: tuple[Finding, ...] = made.reordered  # for the caller's warning
        self._core = made.core
        data = write_zip(self._members)
        refused = valid_package(data)
        if refused:
            raise SchemaRefused(refused)
        self.package: bytes = data  # what every document is made from, the stock path's too
        names = {m.name for m in self._members}
        tpl = DocxTemplate(BytesIO(data))
        tpl.init_docx()
        self._tpl = tpl  # for its stateless helpers: fix_tables, resolve_listing
        self.stock_reason: str | None = None
        self.sources: list[tuple[str, str]] = []  # (member, Jinja source), for lint too
        plain: list[str] = []  # the same sources, without docxtpl's line per paragraph

        document = tpl.docx.part
        self._document = document.partname.lstrip("/")
        body = tpl.docx.element.body
        plain.append(tpl.patch_xml(tpl.get_xml()))
        self.sources.append((self._document, _jinja_source(plain[-1])))
        mark = etree.ProcessingInstruction("vanban-body")
        root = tpl.docx.element
        root.replace(body, mark)
        self._prefix, self._suffix = serialize_part_xml(root).split(etree.tostring(mark))
        root.replace(mark, body)

        self._parts: list[tuple[str, str]] = []  # (member, encoding) of headers and footers
        for reltype in (RELATIONSHIP_TYPE.HEADER, RELATIONSHIP_TYPE.FOOTER):
            for rel in document.rels.values():
                if rel.reltype != reltype or rel.is_external or not rel.target_part.blob:
                    continue
                part = rel.target_part
                xml = tpl.get_part_xml(part)
                name = part.partname.lstrip("/")
                plain.append(tpl.patch_xml(xml))
                self.sources.append((name, _jinja_source(plain[-1])))
                self._parts.append((name, tpl.get_headers_footers_encoding(xml)))
                if name not in names:
                    self.stock_reason = f"phần {name} không có trong tệp"

        for prop in _PROPERTIES:
            value = getattr(tpl.docx.core_properties, prop) or ""
            if any(t in value for t in _TAGS):
                self.sources.append((f"docProps/core.xml:{prop}", value))
                self.stock_reason = "thuộc tính của tệp có thẻ"
        for part in tpl.docx.part.package.parts:
            if part.content_type == _FOOTNOTES and any(t.encode() in part.blob for t in _TAGS):
                patched = tpl.patch_xml(part.blob.decode("utf-8"))
                self.sources.append((part.partname.lstrip("/"), _jinja_source(patched)))
                self.stock_reason = "chú thích cuối trang có thẻ"
        if self._document not in names:
            self.stock_reason = f"phần {self._document} không có trong tệp"

        self._static_tables = static_tables(self.sources[0][1])
        self._balanced = always_balanced(self.sources[0][1])
        # Compiled last: a refused or broken tag raises here, before any document is rendered.
        # Documents are rendered from the sources as patched. docxtpl puts each paragraph on a
        # line of its own, for the line of an error to name its tag, and joins the lines again
        # after rendering: a copy of the whole body per document, for nothing when all goes
        # well. So the sources with those lines are compiled only when something fails
        # (:meth:`_located`), and fail the same way, naming the tag.
        self._env = env
        self._numbered: list[Template] | None = None
        self._compiled: list[Template] = []
        self._fixed: dict[str, Member] = {}  # headers and footers without tags, rendered once
        self._edges: dict[str, str] = {}  # the body's own text read clean, for its skeleton
        if env is None:
            return
        try:
            self._compiled = [env.from_string(source) for source in plain]
            for _, source in self.sources[len(plain) :]:  # footnotes, properties: stock path
                env.from_string(source)
        except jinja2.TemplateError:
            self._located()
            raise
        self._edges = _NEEDLES.edges(printed_as_is(self._compiled[0]))
        for (name, encoding), template, source in zip(
            self._parts, self._compiled[1:], plain[1:], strict=True
        ):
            if not any(t in source for t in _TAGS):
                self._fixed[name] = self._part(name, encoding, template, {})

    def _located(self) -> list[Template]:
        """The templates compiled from docxtpl's numbered sources; raises what they raise."""
        if self._numbered is None and self._env is not None:
            sources = [source for _, source in self.sources[: 1 + len(self._parts)]]
            self._numbered = [self._env.from_string(source) for source in sources]
        return self._numbered or []

    def _finish(self, xml: str, numbered: bool = False, sketch: Skeleton | None = None) -> str:
        """What docxtpl's render_xml_part does after Jinja (rendered from ``numbered`` sources,
        it also takes out the line it put before each paragraph). ``sketch``, the skeleton of
        ``xml``, says whether there is anything to do."""
        if numbered:
            xml = xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
        if any(_holds(xml, sketch, b) for b in _BRACES):  # docxtpl's escapes; seldom there
            xml = (
                xml.replace("{_{", "{{")
                .replace("}_}", "}}")
                .replace("{_%", "{%")
                .replace("%_}", "%}")
            )
        if any(_holds(xml, sketch, c) for c in _LISTING):  # else resolve_listing changes nothing
            xml = str(self._tpl.resolve_listing(xml))
        return xml

    def _body(
        self, template: Template, context: dict[str, Any], numbered: bool
    ) -> tuple[str, Skeleton | None]:
        """The body's XML and its skeleton: None when rendered from the ``numbered`` sources (a
        failure being named), or when docxtpl's finishing changed the text the skeleton is of.

        The skeleton lets the checks read, of the template's own text printed again for each
        letter or row, only what was not read clean once for all (:mod:`.skeleton`).
        """
        if numbered:
            return self._finish(template.render(context), numbered), None
        raw, sketched = template.render_sketched(context, self._edges)  # type: ignore[attr-defined]
        sketch = Skeleton(sketched.encode("utf-8"), _NEEDLES)
        xml = self._finish(raw, sketch=sketch)
        return xml, (sketch if xml is raw else None)

    def _part(
        self,
        name: str,
        encoding: str,
        template: Template,
        context: dict[str, Any],
        numbered: bool = False,
    ) -> Member:
        part = self._finish(template.render(context), numbered).encode(encoding)
        xml = serialize_part_xml(parse_xml(part))
        check_rendered(name, xml)
        return deflate(name, xml)

    def render(
        self, context: dict[str, Any], properties: DocumentProperties | None = None
    ) -> bytes:
        """The .docx of ``context``: the same parts as docxtpl's render and save, as a zip,
        with ``properties`` as its core properties (the template's when None)."""
        try:
            return self._render(self._compiled, context, properties)
        except jinja2.TemplateError:
            # Raises it again, naming its tag.
            self._render(self._located(), context, properties, numbered=True)
            raise

    def _render(
        self,
        templates: list[Template],
        context: dict[str, Any],
        properties: DocumentProperties | None,
        numbered: bool = False,
    ) -> bytes:
        body, *parts = templates
        xml, sketch = self._body(body, context, numbered)
        data: bytes = xml.encode("utf-8")
        if not (
            self._static_tables
            and not _holds(xml, sketch, "docPr")
            and well_formed(data, self._balanced, sketch)
        ):
            # docxtpl's own steps: parse (repairing), fix the tables' grids, number pictures.
            tree = self._tpl.fix_tables(xml)
            for n, elt in enumerate(tree.xpath("//wp:docPr", namespaces=nsmap), start=1001):
                elt.attrib["id"] = str(n)  # fix_docpr_ids, without the shared counter
            data = etree.tostring(tree, encoding="UTF-8")
            sketch = None  # these bytes are lxml's, not the rendering the skeleton is of
        document = self._prefix + data + self._suffix
        framed = sketch.framed(self._prefix, self._suffix) if sketch is not None else None
        check_rendered(self._document, document, framed)
        replaced = {self._document: deflate(self._document, document)}
        for (name, encoding), template in zip(self._parts, parts, strict=True):
            fixed = None if numbered else self._fixed.get(name)
            replaced[name] = fixed or self._part(name, encoding, template, context, numbered)
        members = [replaced.get(m.name, m) for m in self._members]
        if properties is not None:
            members = with_properties(members, self._core, properties)
        return write_zip(members)


def _holds(xml: str, sketch: Skeleton | None, needle: str) -> bool:
    """Whether the rendering ``xml`` holds ``needle``: asked of its skeleton when there is one;
    else the needle's first character first, one memchr where a search for the whole needle
    reads the whole text again."""
    if sketch is not None:
        return sketch.holds(needle.encode("utf-8"))
    return needle[0] in xml and needle in xml


class TemplateCache:
    """Compiled templates by the hash of their bytes: an edited template is compiled again."""

    def __init__(self, env: SandboxedEnvironment, size: int = 32) -> None:
        self._env = env
        self._size = size
        self._items: OrderedDict[str, CompiledTemplate] = OrderedDict()
        self._by_stat: dict[tuple[str, int, int, int, int], str] = {}
        self._failed: dict[str, Exception] = {}
        self._compiling: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get_file(self, path: Path) -> CompiledTemplate:
        """The compiled form of the file at ``path``; read again only when its stat changes."""
        st = path.stat()
        seen = (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            key = self._by_stat.get(seen)
            found = self._items.get(key) if key else None
        if found is not None:
            return found
        compiled = self.get(path.read_bytes())
        with self._lock:
            if len(self._by_stat) >= 4 * self._size:
                self._by_stat.clear()
            self._by_stat[seen] = compiled.sha256
        return compiled

    def get(self, data: bytes) -> CompiledTemplate:
        """The compiled form of ``data``, compiled once even when threads ask at once.

        A template that fails to compile fails the same way for every later document, without
        being parsed again for each.
        """
        key = hashlib.sha256(data).hexdigest()
        with self._lock:
            compiling = self._compiling.setdefault(key, threading.Lock())
        with compiling:
            with self._lock:
                found = self._items.get(key)
                failed = self._failed.get(key)
                if found is not None:
                    self._items.move_to_end(key)
                    return found
            if failed is not None:
                raise failed.with_traceback(None)
            try:
                compiled = CompiledTemplate(data, self._env)
            except Exception as exc:
                with self._lock:
                    if len(self._failed) >= self._size:
                        self._failed.clear()
                    self._failed[key] = exc
                raise
            with self._lock:
                self._items[key] = compiled
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
                self._compiling.pop(key, None)
        return compiled
