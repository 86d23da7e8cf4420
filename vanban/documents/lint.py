"""``vanban templates check``: lint the Word templates with the renderer's own Jinja sandbox.

A clerk who edits a template in Word and mistypes a name gets the template, the text around the
tag, the unknown name and the closest known names. Checked, in the body, headers and footers:
Jinja syntax, what the sandbox refuses (``vanban.rendering.sandbox``), variables that the
document kind's context does not have, unknown filters, tags that Word split across runs; then
a trial render with sample data in the sandbox, which finds what only rendering shows.

First of all, every part of the file is read against the allow-list of
``vanban.rendering.allowlist``: what a template may not hold (a field other than page numbers, an
external link, a macro...) is listed by part, and so is what a run would remove from it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.oxml.ns import qn
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from vanban.documents.kinds import DocumentKind, load_registry
from vanban.documents.sample import sample_plan
from vanban.errors import TemplateError
from vanban.rendering.compiled import CompiledTemplate
from vanban.rendering.findings import ContentRefused
from vanban.rendering.render import render_docx
from vanban.rendering.sandbox import make_environment, refusals
from vanban.rendering.schema import SchemaRefused

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_UNKNOWN = object()


@dataclass(frozen=True)
class LintFinding:
    template: str
    around: str  # the paragraph's text, cut around the tag
    message: str
    warning: bool = False  # what vanban puts right itself: said, but the template passes

    def __str__(self) -> str:
        return f'{self.template}: {self.message} — tại: "{self.around}"'


def _paragraph_texts(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Each paragraph's text and its runs' texts, body, tables, headers and footers alike."""
    doc = Document(str(path))
    parts = [doc.element.body]
    for section in doc.sections:
        for hf in (section.header, section.first_page_header, section.footer):
            parts.append(hf._element)
    for part in parts:
        for p in part.iter(qn("w:p")):
            runs = ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in p.iter(qn("w:r"))]
            yield "".join(runs), runs


def _around(text: str, needle: str, width: int = 30) -> str:
    i = text.find(needle)
    if i < 0:
        return text[: 2 * width]
    return text[max(0, i - width) : i + len(needle) + width].strip()


def _split_tags(name: str, path: Path) -> list[LintFinding]:
    out = []
    for text, runs in _paragraph_texts(path):
        for m in _TAG.finditer(text):
            tag = m.group(0)
            if not any(tag in r for r in runs):
                out.append(
                    LintFinding(
                        name,
                        _around(text, tag),
                        f"thẻ {tag} bị Word tách thành nhiều đoạn định dạng; hãy gõ lại cả thẻ một lần "
                        "với cùng một định dạng",
                    )
                )
        # An opening delimiter with no closing one is a tag that was broken while editing.
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            if text.count(opener) != text.count(closer):
                out.append(
                    LintFinding(
                        name,
                        text[:80],
                        f'thẻ bị hỏng: số "{opener}" và "{closer}" không khớp',
                    )
                )
    return out


def _lookup(value: Any, attr: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(attr, _UNKNOWN)
    return getattr(value, attr, _UNKNOWN)


def _names(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [str(k) for k in value]
    return [n for n in dir(value) if not n.startswith("_")]


class _Walker:
    """Follows names through the sample context, binding loop variables to a sample element."""

    def __init__(self, name: str, context: dict[str, Any], env: SandboxedEnvironment) -> None:
        self.name = name
        self.env = env
        self.scopes: list[dict[str, Any]] = [context]
        self.problems: list[tuple[str, str]] = []  # (unknown thing, message)

    def resolve(self, node: nodes.Node) -> Any:
        if isinstance(node, nodes.Name):
            for scope in reversed(self.scopes):
                if node.name in scope:
                    return scope[node.name]
            known = sorted({k for s in self.scopes for k in s})
            self._unknown(node.name, known, "biến")
            return _UNKNOWN
        if isinstance(node, nodes.Getattr):
            base = self.resolve(node.node)
            return self._attr(base, node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.resolve(node.node)
            if isinstance(node.arg, nodes.Const):
                key = node.arg.value
                if isinstance(key, str):
                    return self._attr(base, key)
                if isinstance(base, list | tuple):
                    return (
                        base[key]
                        if isinstance(key, int) and -len(base) <= key < len(base)
                        else (base[0] if base else _UNKNOWN)
                    )
            self.visit(node.arg)
            return _UNKNOWN
        self.visit(node)
        return _UNKNOWN

    def _attr(self, base: Any, attr: str) -> Any:
        if base is _UNKNOWN:
            return _UNKNOWN
        value = _lookup(base, attr)
        if value is _UNKNOWN:
            self._unknown(attr, _names(base), "trường")
        elif not isinstance(base, Mapping) and callable(value):
            self.problems.append(
                (attr, f'mẫu không được đọc "{attr}" của dữ liệu (chỉ đọc được các trường)')
            )
            return _UNKNOWN
        return value

    def _unknown(self, name: str, known: list[str], what: str) -> None:
        near = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; có phải: {', '.join(near)}?" if near else ""
        self.problems.append(
            (name, f'{what} "{name}" không có trong dữ liệu của văn bản này{hint}')
        )

    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.For):
            iterable = self.resolve(node.iter)
            sample = iterable[0] if isinstance(iterable, list | tuple) and iterable else _UNKNOWN
            scope: dict[str, Any] = {
                "loop": {"index": 1, "index0": 0, "first": True, "last": True, "length": 1}
            }
            if isinstance(node.target, nodes.Name):
                scope[node.target.name] = sample
            self.scopes.append(scope)
            for child in node.body + node.else_:
                self.visit(child)
            if node.test is not None:
                self.visit(node.test)
            self.scopes.pop()
            return
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            self.visit(node.node)
            self.scopes[-1][node.target.name] = _UNKNOWN
            return
        if isinstance(node, nodes.Filter | nodes.Test):
            registry = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in registry:
                near = difflib.get_close_matches(node.name, list(registry), n=3, cutoff=0.5)
                hint = f"; có phải: {', '.join(near)}?" if near else ""
                kind = "bộ lọc" if isinstance(node, nodes.Filter) else "phép thử"
                self.problems.append((node.name, f'{kind} "{node.name}" không có{hint}'))
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.resolve(node)
            return
        for child in node.iter_child_nodes():
            self.visit(child)


def lint_template(
    path: Path, kind: DocumentKind, context: dict[str, Any] | None = None
) -> list[LintFinding]:
    name = path.name
    if not path.is_file():
        return [LintFinding(name, "", f"không tìm thấy tệp mẫu {path}")]
    try:
        # First: a zip bomb, or content no document may hold, is refused before python-docx
        # reads the file.
        compiled = CompiledTemplate(path.read_bytes(), None)
    except ContentRefused as exc:
        return [LintFinding(name, f.part, f.what) for f in exc.findings]
    except SchemaRefused as exc:
        # Word would repair or refuse such a file, and vanban cannot put it right: refused.
        return [
            LintFinding(
                name,
                f.part,
                f"{str(f).split(': ', 1)[1]}; hãy mở mẫu bằng Microsoft Word và lưu lại dạng .docx",
            )
            for f in exc.findings
        ]
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one finding, not a crash
        return [LintFinding(name, "", f"không mở được tệp mẫu ({type(exc).__name__})")]
    removed = [
        LintFinding(
            name, f.part, f"{f.what}: vanban gỡ nội dung này khi phát hành; hãy xóa nó khỏi mẫu"
        )
        for f in compiled.removed
    ]
    removed += [
        LintFinding(
            name, f.part, f"{f.what}; vanban xếp lại khi phát hành, không cần sửa mẫu", True
        )
        for f in compiled.reordered
    ]
    return removed + _lint_tags(path, kind, context, [s for _, s in compiled.sources])


def _lint_tags(
    path: Path, kind: DocumentKind, context: dict[str, Any] | None, sources: list[str]
) -> list[LintFinding]:
    """The findings about the tags of a template whose sources are ``sources``."""
    name = path.name
    try:
        findings = _split_tags(name, path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one finding, not a crash
        return [LintFinding(name, "", f"không mở được tệp mẫu ({type(exc).__name__})")]
    env = make_environment()
    texts = [t for t, _ in _paragraph_texts(path)]
    trees = []
    for source in sources:
        try:
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            text = " ".join(texts)
            tag = next((m.group(0) for m in _TAG.finditer(text) if _bad_tag(env, m.group(0))), "")
            findings.append(
                LintFinding(
                    name,
                    _around(text, tag) if tag else "",
                    f"lỗi cú pháp Jinja: {exc.message}" + (f" (thẻ {tag})" if tag else ""),
                )
            )
            return findings
        for refused in refusals(tree, source):
            where = next(
                (t for t in texts if refused.tag and refused.tag in " ".join(t.split())), ""
            )
            findings.append(
                LintFinding(
                    name,
                    _around(where, refused.tag),
                    f"thẻ {refused.tag} bị từ chối: {refused.reason}",
                )
            )
        trees.append(tree)
    if findings:
        return findings
    sample = context or kind.build_context(sample_plan(), sample_plan().units[0])
    walker = _Walker(name, sample, env)
    for tree in trees:
        walker.visit(tree)
    seen: set[str] = set()
    for unknown, message in walker.problems:
        if message in seen:
            continue
        seen.add(message)
        where = next((t for t in texts if unknown in t and ("{" in t)), "")
        findings.append(LintFinding(name, _around(where, unknown), message))
    if not findings:
        # What only rendering shows (a range too long, a method read without a call) shows here.
        try:
            render_docx(path, sample)
        except TemplateError as exc:
            findings.append(LintFinding(name, "", str(exc)))
    return findings


def _bad_tag(env: SandboxedEnvironment, tag: str) -> bool:
    if not tag.startswith("{{"):
        return False
    try:
        env.parse(tag)
    except jinja2.TemplateSyntaxError:
        return True
    return False


def lint_templates(directory: Path) -> list[LintFinding]:
    """Every kind's template in ``directory``; an empty list when all are good."""
    findings: list[LintFinding] = []
    for kind in load_registry(directory).kinds:
        findings += lint_template(directory / kind.template, kind)
    return findings
