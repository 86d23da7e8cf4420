"""Rendering a Word template with a context, strictly, safely and deterministically.

One sandboxed Jinja environment (:mod:`vanban.rendering.sandbox`) serves rendering and
``vanban templates check``: a template only prints data, undefined variables fail
(StrictUndefined), the Vietnamese filters are registered, and every value is escaped for XML.
Values are inserted, never parsed as templates, so a unit named ``{{ 7*7 }}`` prints as is.

Each template is compiled once per process (:mod:`vanban.rendering.compiled`); a context that
needs what only docxtpl's own path writes (pictures, subdocuments, links) takes that path,
:func:`render_docx_stock`. Both give fixed zip timestamps: the same inputs give the same bytes.

A template is used only after all its parts are read against the allow-list of
:mod:`vanban.rendering.allowlist` (text, tables, pictures; no field but page numbers, no external
link but a web hyperlink, no macro, ActiveX, OLE object, altChunk or data binding): one that
holds more is a TemplateError naming the template, each part and what it holds. Each document,
of either path, is checked again before it is returned.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError
from lxml import etree

from vanban.errors import TemplateError
from vanban.rendering.compiled import CompiledTemplate, TemplateCache, is_plain
from vanban.rendering.findings import ContentRefused
from vanban.rendering.package import check_docx
from vanban.rendering.sandbox import TemplateRefused, make_environment, tag_at
from vanban.rendering.schema import SchemaRefused
from vanban.rendering.wordfile import DocumentProperties, made_word_file, with_properties
from vanban.rendering.zipcopy import MAX_INFLATED, TooLargeError, read_members, write_zip

_EPOCH = (1980, 1, 1, 0, 0, 0)
_SHARED = make_environment()
_CACHE = TemplateCache(_SHARED)
_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError)


def template_error(name: str, exc: Exception) -> TemplateError:
    """The clerk's message for what broke in template ``name``, naming the tag when known."""
    tag = getattr(exc, "tag", None) or getattr(exc, "vanban_tag", None) or ""
    at = f" ở thẻ {tag}" if tag else ""
    if isinstance(exc, TemplateRefused | SecurityError):
        reason = exc.reason if isinstance(exc, TemplateRefused) else str(exc)
        return TemplateError(
            f"Mẫu {name}: bị từ chối{at}: {reason.rstrip('.')}. Mẫu chỉ được in dữ liệu của "
            "văn bản, không được chạy mã, đọc tệp hay đọc phần nội bộ của dữ liệu."
        )
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"Mẫu {name}: dùng biến không có dữ liệu{at} ({exc}).")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        # The line is one of docxtpl's patched XML, which the clerk never sees: name the tag.
        tag = tag_at(exc.source or "", exc.lineno, exc.message or "")
        where = f"ở thẻ {tag}" if tag else f"ở dòng {exc.lineno}"
        return TemplateError(
            f"Mẫu {name}: lỗi cú pháp thẻ Jinja {where}: {(exc.message or '').rstrip('.')}."
        )
    return TemplateError(f"Mẫu {name}: {str(exc).rstrip('.')}{at}.")


def content_error(name: str, exc: ContentRefused, rendered: bool = False) -> TemplateError:
    """The clerk's message for what template ``name`` (or a document of it) may not hold."""
    if rendered:
        head = f"Mẫu {name}: văn bản tạo ra có nội dung không được phép, văn bản không được ghi:"
    else:
        head = (
            f"Mẫu {name}: có nội dung không được phép trong văn bản phát hành (mẫu chỉ được chứa "
            "chữ, bảng và hình); hãy mở mẫu trong Word, xóa các nội dung dưới đây rồi lưu lại:"
        )
    return TemplateError("\n".join([head, *(f"- {f}" for f in exc.findings)]))


def template_warnings(template: Path) -> tuple[str, ...]:
    """What was removed from ``template`` or put in order before use, one Vietnamese line each,
    for the caller to show with the run's other warnings; raises TemplateError as
    :func:`compiled_template`."""
    compiled = compiled_template(template)
    removed = tuple(
        f"Mẫu {template.name}: {f}: đã gỡ khỏi mọi văn bản phát hành từ mẫu này."
        for f in compiled.removed
    )
    return removed + tuple(
        f"Mẫu {template.name}: {f}, trong mọi văn bản phát hành từ mẫu này." for f in compiled.reordered
    )


def schema_error(name: str, exc: SchemaRefused) -> TemplateError:
    """The clerk's message for a template that breaks the schema where vanban cannot mend it."""
    head = (
        f"Mẫu {name}: không đúng lược đồ tệp Word (Word sẽ báo lỗi hoặc tự sửa văn bản); "
        "hãy mở mẫu bằng Microsoft Word, lưu lại dạng .docx rồi chạy lại. Chỗ sai:"
    )
    return TemplateError("\n".join([head, *(f"- {f}" for f in exc.findings)]))


def compiled_template(template: Path) -> CompiledTemplate:
    """The compiled form of ``template``, from the cache while its bytes are unchanged."""
    if not template.is_file():
        raise TemplateError(f"Không tìm thấy mẫu {template}.")
    try:
        return _CACHE.get_file(template)
    except ContentRefused as exc:
        raise content_error(template.name, exc) from exc
    except SchemaRefused as exc:
        raise schema_error(template.name, exc) from exc
    except jinja2.TemplateError as exc:
        raise template_error(template.name, exc) from exc
    except TooLargeError as exc:
        raise TemplateError(
            f"Mẫu {template.name}: tệp giải nén ra quá lớn (hơn {MAX_INFLATED // 2**20} MiB), "
            "không phải một mẫu văn bản."
        ) from exc
    except _UNREADABLE as exc:
        raise TemplateError(
            f"Mẫu {template.name}: không mở được tệp Word ({type(exc).__name__})."
        ) from exc


# What a template's own expressions raise as they run on the data: a filter given the wrong type
# ("{{ plan.venue | vnd }}"), a division by zero. The template's fault, named by class only (the
# text may quote a person's data), never a traceback nor a failure of one document after another.
_RUNNING_FAULTS = (ArithmeticError, TypeError, ValueError, LookupError)


def _running_fault(name: str, exc: Exception) -> TemplateError:
    return TemplateError(
        f"Mẫu {name}: một thẻ không in được dữ liệu ({type(exc).__name__}): thường là một bộ lọc "
        "dùng cho sai loại dữ liệu (như vnd cho chữ) hoặc một phép tính không làm được; hãy chạy "
        "vanban templates check để tìm thẻ."
    )


@contextmanager
def _rendering(name: str) -> Iterator[None]:
    """What rendering template ``name`` raises, as the clerk's TemplateError: one table for the
    compiled path and docxtpl's own."""
    try:
        yield
    except ContentRefused as exc:
        raise content_error(name, exc, rendered=True) from exc
    except jinja2.TemplateError as exc:
        raise template_error(name, exc) from exc
    except etree.XMLSyntaxError as exc:
        raise _broken_xml(name) from exc
    except _RUNNING_FAULTS as exc:
        raise _running_fault(name, exc) from exc


def render_docx(
    template: Path,
    context: dict[str, Any],
    properties: DocumentProperties | None = None,
    *,
    compiled: CompiledTemplate | None = None,
) -> bytes:
    """Render one template to the bytes of a .docx, or raise TemplateError saying what broke.

    ``properties`` become the document's core properties (the template's own when None).
    ``compiled``, when given, is ``template`` as :func:`compiled_template` read it: the caller
    then knows which bytes (``compiled.sha256``) the document was rendered from, even if the
    file changes meanwhile.
    """
    if compiled is None:
        compiled = compiled_template(template)
    if compiled.stock_reason is not None or not is_plain(context):
        return render_docx_stock(template, context, properties, compiled=compiled)
    with _rendering(template.name):
        return compiled.render(context, properties)


def render_docx_stock(
    template: Path,
    context: dict[str, Any],
    properties: DocumentProperties | None = None,
    *,
    compiled: CompiledTemplate | None = None,
) -> bytes:
    """docxtpl's own path (load, render, save), in the same sandbox; for what adds parts.

    It starts from the checked template (less what was removed, made Word's own file), and its
    document is checked whole, since docxtpl's objects add parts and relationships; what they
    add is put in schema order as the template was.
    """
    if compiled is None:
        compiled = compiled_template(template)
    with _rendering(template.name):
        tpl = DocxTemplate(BytesIO(compiled.package))
        tpl.render(context, jinja_env=_SHARED, autoescape=True)
        buf = BytesIO()
        tpl.save(buf)
        members, made = made_word_file(read_members(deterministic_zip(buf.getvalue())))
        if properties is not None:
            members = with_properties(members, made.core, properties)
        data = write_zip(members)
        check_docx(data)
    return data


def _broken_xml(name: str) -> TemplateError:
    return TemplateError(
        f"Mẫu {name}: các thẻ điều khiển ({{% if %}}, {{% for %}}) mở và đóng ở những chỗ khác "
        "nhau của tài liệu (ví dụ trong và ngoài một bảng), nên văn bản tạo ra bị hỏng; hãy đặt "
        "mỗi cặp thẻ trong cùng một đoạn, một ô hay một dòng bảng."
    )


def deterministic_zip(data: bytes) -> bytes:
    """The same entries in the same order with fixed timestamps: equal inputs, equal bytes."""
    src = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
