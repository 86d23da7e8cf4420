"""Writing every unit's result form into the output folder, never over one that was filled in.

A form that differs from what vanban would write now is looked into: one whose inputs are all
empty (a form of an older version of the plan) is replaced; one that was filled in, or a file that
is no form, is never overwritten unless forced, and then its copy is kept in ``.history/`` first.
Every form is checked before any is written, so a refusal leaves the folder as it was.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from vanban.errors import OutputConflictError
from vanban.files import atomic_write, sha256_bytes, sha256_file, translate_os_error
from vanban.forms import layout as L
from vanban.forms.building import build_form
from vanban.issuing.paths import unit_slugs
from vanban.model import Plan, Unit

HISTORY_DIR = ".history"  # the output folder's history, as issuing keeps it


@dataclass(frozen=True)
class WrittenForm:
    unit: str
    path: Path
    status: str  # "written", "unchanged", "replaced" (it was blank), "forced" (it was filled)
    history: Path | None = None


def form_relpath(slug: str) -> str:
    return f"{L.FOLDER}/{slug}.xlsx"


def filled_inputs(data: bytes) -> list[str] | None:
    """The input cells of a form that hold something; None when the bytes are no vanban form."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - a broken file is simply no form
        return None
    if L.IDENTITY_SHEET not in wb.sheetnames or L.FORM_SHEET not in wb.sheetnames:
        return None
    ident = {str(r[0]): str(r[1]) for r in wb[L.IDENTITY_SHEET].iter_rows(values_only=True)
             if r and r[0] is not None and len(r) > 1}
    if ident.get("format") != L.FORMAT or not ident.get("topics", "").isdigit():
        return None
    ws = wb[L.FORM_SHEET]
    assert isinstance(ws, Worksheet)
    lay = L.Layout(int(ident["topics"]))
    return [c for c in lay.all_inputs() if ws[c].value not in (None, "")]


def write_forms(plan: Plan, out_dir: Path, *, force: bool = False) -> list[WrittenForm]:
    """Write every unit's form under ``out_dir/06-phieu-ket-qua/``; refuse before writing anything.

    A form that was filled in (or a file there that is not a form) raises OutputConflictError
    naming each one, unless ``force``: then its copy is kept in ``out_dir/.history/`` first.
    """
    slugs = unit_slugs(plan)
    planned: list[tuple[Unit, Path, bytes, bytes | None]] = []
    conflicts: list[str] = []
    for unit in plan.units:
        path = out_dir / form_relpath(slugs[unit.row])
        data = build_form(plan, unit)
        old: bytes | None = None
        if path.is_symlink() or (path.exists() and not path.is_file()):
            conflicts.append(f"- {path}: không phải tệp thường (thư mục hoặc liên kết)")
        elif path.exists():
            try:
                old = path.read_bytes()
            except OSError as exc:
                raise translate_os_error(exc, path, "đọc") from exc
            if old != data:
                filled = filled_inputs(old)
                if filled is None:
                    conflicts.append(f"- {path}: tệp có sẵn không phải phiếu kết quả của vanban")
                elif filled:
                    conflicts.append(f"- {path}: phiếu đã được điền ({len(filled)} ô)")
        planned.append((unit, path, data, old))
    if conflicts and not force:
        raise OutputConflictError(
            "Không ghi đè phiếu kết quả đã có:\n" + "\n".join(conflicts)
            + "\nMuốn giữ: chuyển các tệp này ra khỏi thư mục rồi chạy lại. Muốn thay bằng phiếu "
            f"trống: chạy lại với --force, bản cũ được cất vào {out_dir / HISTORY_DIR}."
        )
    written: list[WrittenForm] = []
    for unit, path, data, old in planned:
        if old == data:
            written.append(WrittenForm(unit.name, path, "unchanged"))
            continue
        history: Path | None = None
        if old is not None:
            status = "replaced"
            if filled_inputs(old) != []:  # filled in, or no form at all: reached only when forced
                history = _keep(out_dir, path, old)
                status = "forced"
        elif path.is_symlink() or path.exists():
            status = "forced"  # a link is replaced, not followed; a folder makes the write fail
        else:
            status = "written"
        atomic_write(path, data)
        written.append(WrittenForm(unit.name, path, status, history))
    return written


def _keep(out_dir: Path, path: Path, data: bytes) -> Path:
    sha = sha256_bytes(data)
    target = out_dir / HISTORY_DIR / f"{L.FOLDER}__{path.stem}.{sha[:16]}{path.suffix}"
    if not (target.is_file() and sha256_file(target) == sha):
        atomic_write(target, data)
    return target
