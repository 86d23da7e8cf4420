"""``vanban templates new``: the skeleton of a new kind of document, and its registry entry.

The skeleton is laid out by the Decree 30 builder and filled with the generic context's tags
(``doc.*`` for the header, title and closing blocks), so it passes the format checker as it is;
the clerk then writes the body in Word. The committed templates are the source of what each
document says: nothing regenerates them, and this refuses to overwrite a file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from vanban.decree30.layout import Decree30Document
from vanban.documents.kinds import (
    REGISTRY_NAME,
    default_templates_dir,
    load_registry,
    read_registry,
)
from vanban.errors import InputError, OutputConflictError
from vanban.files import atomic_write
from vanban.rendering.wordfile import tidy_template


def header(doc: Decree30Document) -> None:
    """The first-page block: issuer and number | national title, place and date."""
    doc.header_block(
        governing=["{%p for line in doc.governing %}", "{{ line }}", "{%p endfor %}"],
        issuer=["{%p for line in doc.issuer %}", "{{ line }}", "{%p endfor %}"],
        number_line="Số: {{ doc.symbol }}",
        place_date="{{ doc.place }}, {{ doc.date | ngay }}",
    )


def title(doc: Decree30Document) -> None:
    doc.title(
        "{{ doc.type_name }}",
        ["{%p for line in doc.summary %}", "{{ line }}", "{%p endfor %}"],
    )


def footer(doc: Decree30Document, recipients: str = "doc.recipients") -> None:
    """The closing block: "Nơi nhận" and its lines | authority, signature space, signer."""
    doc.footer_block(
        recipients=[f"{{%p for line in {recipients} %}}", "{{ line }}", "{%p endfor %}"],
        signature=["{%p for line in doc.signature %}", "{{ line }}", "{%p endfor %}"],
        signer_name="{{ doc.signer }}",
    )


def skeleton(scope: str) -> bytes:
    """A complete Decree 30 document whose body is one paragraph for the clerk to replace."""
    doc = Decree30Document()
    header(doc)
    title(doc)
    # Decree 30 ends the body with "./."; the checker holds the skeleton to it too.
    if scope == "unit":
        doc.paragraph("{{ unit.name }}: nội dung văn bản (viết ở đây)./.")
    else:
        doc.paragraph("{{ doc.issuer_name }}: nội dung văn bản (viết ở đây)./.")
    footer(doc)
    buffer = io.BytesIO()
    doc.document.save(buffer)
    # As the shipped templates are: Word's own file, no python-docx leftovers, pruned styles.
    return tidy_template(buffer.getvalue())


_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def new_kind(
    key: str,
    *,
    label: str,
    scope: str = "plan",
    stage: str | None = None,
    type_abbr: str = "",
    directory: Path | None = None,
) -> tuple[Path, Path]:
    """Write ``<key>.docx`` and its entry in the folder's kinds.toml; return both paths.

    A folder without its own kinds.toml gets a copy of the shipped one first, so its registry
    keeps every existing kind. Nothing is written when the entry would not load.
    """
    folder = Path(directory) if directory else default_templates_dir()
    if not _KEY.match(key):
        raise InputError(
            f'Khóa "{key}" không hợp lệ: chỉ dùng chữ thường không dấu, số và "_", bắt đầu bằng chữ.'
        )
    if scope not in ("plan", "unit"):
        raise InputError(f'Phạm vi "{scope}" không có: chọn "plan" hoặc "unit".')
    registry = load_registry(folder)
    stage = stage or registry.stages[0]
    if stage not in registry.stages:
        raise InputError(
            f'Giai đoạn "{stage}" không có; chọn một trong {", ".join(registry.stages)}.'
        )
    if any(k.key == key for k in registry.kinds):
        raise OutputConflictError(f'Đã có loại văn bản "{key}" trong {registry.source}.')
    name = key.replace("_", "-")
    template = folder / f"{name}.docx"
    if template.exists() or template.is_symlink():
        raise OutputConflictError(f"Đã có tệp {template}; không ghi đè mẫu đã có.")
    output = f"{name}/{{unit}}.docx" if scope == "unit" else f"{name}.docx"
    metadata = "invitation" if scope == "unit" else "plan"
    entry = (
        f'\n[[kind]]\nkey = "{key}"\nlabel = "{_toml_text(label)}"\ntemplate = "{name}.docx"\n'
        f'scope = "{scope}"\nstage = "{stage}"\noutput = "{output}"\nready = "always"\n'
        f'type = "{_toml_text(type_abbr) or "VB"}"\nmetadata = "{metadata}"\n'
    )
    target = folder / REGISTRY_NAME
    text = registry.source.read_text("utf-8").rstrip("\n") + "\n" + entry
    probe = folder / f".{REGISTRY_NAME}.new"
    # Check the entry loads (labels, stages, outputs) before anything is written for real.
    atomic_write(probe, text.encode("utf-8"))
    try:
        read_registry(probe)
    finally:
        probe.unlink(missing_ok=True)
    atomic_write(template, skeleton(scope))
    atomic_write(target, text.encode("utf-8"))
    return template, target


def _toml_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").strip()
