"""Office files checked against the Office schemas, as Word and Excel 2016 and later read them.

The checker is openxml-audit, a pure-Python port of the Open XML SDK's validator (the one
Microsoft ships for this job) carrying the SDK's own schema data: what it reports is what a
program built on the SDK, and Word's own repair, would find. It reads a file from disk, so a
package in memory goes through a temporary file.

Its findings are turned here into the clerk's words: the part, the element and where it is. One
rule of the SDK is no rule of the schema: in SpreadsheetML a font's children (``b``, ``color``,
``name``...) are an ``xsd:choice`` in any order (ECMA-376 Part 1, CT_Font), which Excel and
openpyxl's order follow, while the SDK expects one fixed order. :data:`FREE_ORDER` lists those
parents, and their findings are set apart as ``schema_free``, never counted as errors.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Final

from vanban.errors import VanbanError
from vanban.files import atomic_write, user_cache

if TYPE_CHECKING:  # imported when first needed: its schema data takes a while to load
    from openxml_audit import OpenXmlValidator

# Parents whose children the schema lets come in any order but the SDK checks in one order, with
# the children concerned: only such a child "out of order" there is set apart; any other finding
# in such a parent (an element the schema does not know, a bad value) still counts.
FREE_ORDER: Final = {
    ("/xl/styles.xml", "font"): frozenset(
        "b i strike condense extend outline shadow u vertAlign sz color name family charset "
        "scheme".split()
    ),
}

_LOCK = threading.Lock()
_VALIDATORS: dict[str, OpenXmlValidator] = {}


@dataclass(frozen=True)
class SchemaFinding:
    """One place where a file breaks the schema: its part, the element and the path to it."""

    part: str  # "word/document.xml"
    node: str  # the element found where the schema does not allow it ("tblBorders")
    path: str  # "/document[1]/body[1]/tbl[1]/tblPr[1]"
    description: str  # the validator's own words, in English, for developers

    def __str__(self) -> str:
        parent = self.path.rstrip("/").rsplit("/", 1)[-1].split("[", 1)[0]
        prefix = "w:" if self.part.startswith("word/") else ""
        where = f" trong {prefix}{parent}" if parent else ""
        if self.description.startswith("Unexpected element"):
            what = f"phần tử {prefix}{self.node}{where} không đúng chỗ theo lược đồ"
        elif self.node:
            what = f"phần tử {prefix}{self.node}{where} không hợp lệ theo lược đồ"
        else:
            what = "không hợp lệ theo lược đồ"
        return f"{self.part}: {what} ({self.path}: {self.description})"


class SchemaRefused(ValueError):
    """A template breaks the schema where vanban cannot put it right; ``findings`` says where."""

    def __init__(self, findings: list[SchemaFinding]) -> None:
        self.findings = tuple(findings)
        super().__init__("; ".join(str(f) for f in self.findings))


def _validator() -> OpenXmlValidator:
    from openxml_audit import FileFormat, OpenXmlValidator

    key = f"{threading.get_ident()}"
    with _LOCK:
        found = _VALIDATORS.get(key)
        if found is None:
            # One per thread: the validator keeps state while it reads a package.
            found = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0)
            _VALIDATORS[key] = found
    return found


def schema_findings(path: Path) -> list[SchemaFinding]:
    """Every place where the Office file at ``path`` breaks the schema (none: it is valid).

    Warnings of the checker (advice, not schema) are left out; so are the findings the schema
    itself allows (:data:`FREE_ORDER`).
    """
    result = _validator().validate(path)
    out = []
    for error in result.errors:
        if getattr(error.severity, "value", error.severity) != "error":
            continue
        parent = error.path.rstrip("/").rsplit("/", 1)[-1].split("[", 1)[0]
        free = FREE_ORDER.get((error.part_uri, parent), frozenset())
        if error.description.startswith("Unexpected element") and error.node in free:
            continue
        out.append(
            SchemaFinding(
                part=error.part_uri.lstrip("/"),
                node=error.node or "",
                path=error.path,
                description=error.description,
            )
        )
    return out


def cache_dir() -> Path:
    return user_cache("schema")


def _passed(sha256: str) -> Path:
    # Only hex digits and the validator's version in the name: nothing of the file reaches it.
    return cache_dir() / f"openxml-audit-{version('openxml-audit')}-{sha256}.ok"


def valid_package(data: bytes, suffix: str = ".docx") -> list[SchemaFinding]:
    """:func:`schema_findings_of`, remembering the packages that passed.

    Every run compiles the same templates: a template that passed once (the same bytes, the same
    validator) is not read again. Only passes are kept, in the user's cache (not the output
    folder, where anyone who can write could plant one); a cache that cannot be read or written
    only means checking again.
    """
    record = _passed(hashlib.sha256(data).hexdigest())
    if record.is_file():
        return []
    found = schema_findings_of(data, suffix)
    if not found:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(record, b"")
        except (OSError, VanbanError):
            pass
    return found


def schema_findings_of(data: bytes, suffix: str = ".docx") -> list[SchemaFinding]:
    """:func:`schema_findings` of a package held in memory."""
    fd, name = tempfile.mkstemp(suffix=suffix, prefix="vanban-schema-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return schema_findings(Path(name))
    finally:
        os.unlink(name)


__all__ = [
    "FREE_ORDER",
    "SchemaFinding",
    "SchemaRefused",
    "schema_findings",
    "schema_findings_of",
    "valid_package",
]
