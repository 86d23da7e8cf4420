"""Rendering a Word template with a context, strictly and deterministically.

One Jinja environment serves rendering and ``vanban templates check``: undefined variables fail
(StrictUndefined), the Vietnamese filters are registered, and docxtpl escapes every value for
XML. Values are inserted, never parsed as templates, so a unit named ``{{ 7*7 }}`` prints as is.
The .docx is rewritten with fixed zip timestamps so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from vanban.errors import TemplateError
from vanban.text.formatting import make_filters

_EPOCH = (1980, 1, 1, 0, 0, 0)


class _Environment(jinja2.Environment):
    """Compiles each template source once.

    docxtpl hands the same patched XML of a template to ``from_string`` for every document it
    renders; compiling it was a third of the time of a run, so compiled templates are kept,
    keyed by their source, for as long as the environment lives.
    """

    _MAX = 64

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(  # type: ignore[override]
        self,
        source: str | jinja2.nodes.Template,
        globals: dict[str, Any] | None = None,
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        if not isinstance(source, str) or globals or template_class:
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            if len(self._compiled) >= self._MAX:
                self._compiled.clear()
            self._compiled[source] = template
        return template


def make_environment() -> jinja2.Environment:
    env = _Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(make_filters())
    return env


_SHARED = make_environment()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_docx(template: Path, context: dict[str, Any]) -> bytes:
    """Render one template to the bytes of a .docx, or raise TemplateError saying what broke."""
    if not template.is_file():
        raise TemplateError(f"Không tìm thấy mẫu {template}.")
    try:
        tpl = DocxTemplate(str(template))
        tpl.render(context, jinja_env=_SHARED, autoescape=True)
        buf = BytesIO()
        tpl.save(buf)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"Mẫu {template.name}: dùng biến không có dữ liệu ({exc}).") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"Mẫu {template.name}: lỗi cú pháp thẻ Jinja ở dòng {exc.lineno}: {exc.message}."
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Mẫu {template.name}: {exc}.") from exc
    return deterministic_zip(buf.getvalue())


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
