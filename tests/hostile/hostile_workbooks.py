"""Hostile workbooks made from the example, and the CLI run that every hostile case goes through.

A case changes the example through openpyxl (``tests.workbook_mutations``) or, for what openpyxl
cannot write (very hidden sheets, over-long cells, zip bombs, macros), in the xlsx zip itself.
``cli`` runs ``vanban`` in this process and asserts what every case must show: no traceback,
and nothing created or changed outside the output folder.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from lxml import etree

from tests.conftest import ROOT
from tests.workbook_mutations import Mutation, example_data, example_workbook, flat, run_main

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def example_with(mutation: Mutation | None = None) -> bytes:
    """The example workbook's bytes, changed through openpyxl first when a mutation is given."""
    if mutation is None:
        return example_data()
    wb = example_workbook()
    mutation(wb)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rezip(
    data: bytes,
    change: Callable[[str, bytes], bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> bytes:
    """The zip with every member passed through ``change`` and ``add``'s members appended."""
    buf = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as src,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(info.filename, body) if change else body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return buf.getvalue()


def sheet_part(data: bytes, title: str) -> str:
    """The zip member holding the sheet named ``title``."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    rel_id = next(s.get(f"{{{REL}}}id") for s in book.iter(_q("sheet")) if s.get("name") == title)
    target = next(r.get("Target") for r in rels.iter(f"{{{PKG}}}Relationship")
                  if r.get("Id") == rel_id)  # fmt: skip
    assert target is not None
    return str(target).lstrip("/") if target.startswith("/") else "xl/" + str(target)


def _sheet_attribute(data: bytes, title: str, attribute: str, value: str) -> bytes:
    """The workbook with one attribute of one sheet's entry in workbook.xml set."""

    def change(name: str, body: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return body
        book = etree.fromstring(body)
        for sheet in book.iter(_q("sheet")):
            if sheet.get("name") == title:
                sheet.set(attribute, value)
        return bytes(etree.tostring(book, xml_declaration=True, encoding="UTF-8"))

    return rezip(data, change)


def with_sheet_state(data: bytes, title: str, state: str) -> bytes:
    """The workbook with one sheet's ``state`` attribute set (hidden, veryHidden)."""
    return _sheet_attribute(data, title, "state", state)


def with_sheet_name(data: bytes, old: str, new: str) -> bytes:
    """One sheet renamed in workbook.xml, as openpyxl would refuse (a name equal up to case)."""
    return _sheet_attribute(data, old, "name", new)


def _refill_cell(data: bytes, title: str, coord: str, fill: Callable[[Any], None]) -> bytes:
    """The workbook with one stored cell emptied of its value, then given what ``fill`` adds."""
    part = sheet_part(data, title)

    def change(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        root = etree.fromstring(body)
        cell = next(c for c in root.iter(_q("c")) if c.get("r") == coord)
        for child in list(cell):
            cell.remove(child)
        fill(cell)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    return rezip(data, change)


def with_inline_text(data: bytes, title: str, coord: str, text: str) -> bytes:
    """A cell's stored value replaced by an inline string, written as is (no truncation)."""

    def fill(cell: Any) -> None:
        cell.set("t", "inlineStr")
        etree.SubElement(etree.SubElement(cell, _q("is")), _q("t")).text = text

    return _refill_cell(data, title, coord, fill)


def with_formula(data: bytes, title: str, coord: str, formula: str, cached: str) -> bytes:
    """A cell holding a formula and the number Excel stored as its result."""

    def fill(cell: Any) -> None:
        cell.attrib.pop("t", None)
        etree.SubElement(cell, _q("f")).text = formula
        etree.SubElement(cell, _q("v")).text = cached

    return _refill_cell(data, title, coord, fill)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- running the CLI --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return flat(self.stdout + "\n" + self.stderr)

    def says(self, sheet: str | None, cell: str | None, fragment: str) -> bool:
        """True when one printed message names the sheet and cell and holds the fragment."""
        where = ", ".join(([f'Sheet "{sheet}"'] if sheet else []) + ([f"ô {cell}"] if cell else []))
        wanted = flat(fragment)
        for chunk in re.split(r"✗| ! ", self.text):
            if not where:
                if wanted in chunk:
                    return True
            elif f"{where}: " in chunk and wanted in chunk.split(f"{where}: ", 1)[1]:
                return True
        return False


def _snapshot(folder: Path, skip: Path | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_symlink() or not path.is_file():
            found[str(path.relative_to(folder))] = "dir" if path.is_dir() else "other"
        else:
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def cli(tmp_path: Path, *args: str, out: Path | None = None) -> Outcome:
    """``vanban ARGS`` in this process: no traceback, nothing touched outside ``out``."""
    outputs = ROOT / "outputs"
    repo_before = sorted(p.name for p in outputs.iterdir()) if outputs.is_dir() else []
    before = _snapshot(tmp_path, out)
    code, stdout, stderr = run_main(list(args))
    outcome = Outcome(code, stdout, stderr)
    assert "Traceback" not in stdout + stderr, stdout + stderr
    assert _snapshot(tmp_path, out) == before, "a file outside the output folder changed"
    repo_after = sorted(p.name for p in outputs.iterdir()) if outputs.is_dir() else []
    assert repo_after == repo_before
    return outcome


def refused(tmp_path: Path, workbook: Path) -> Outcome:
    """``vanban run`` on a workbook that must be refused: exit 2, no document written."""
    out = tmp_path / "out"
    outcome = cli(tmp_path, "run", str(workbook), "--out", str(out), out=out)
    assert outcome.code == 2, outcome.text
    assert not out.exists() or not any(out.rglob("*.docx")), "a document was written"
    return outcome


def checked(tmp_path: Path, workbook: Path) -> Outcome:
    """``vanban check`` on a workbook that loads, with warnings: exit 0."""
    outcome = cli(tmp_path, "check", str(workbook))
    assert outcome.code == 0, outcome.text
    assert "Bảng tính hợp lệ" in outcome.text
    return outcome
