"""Writing every unit's result form into the output folder, never over one that was filled in.

A form that differs from what vanban would write now is looked into: one whose inputs are all
empty (a form of an older version of the plan) is replaced; one that was filled in, or a file that
is no form, is never overwritten unless forced. Every form is checked before any is written, so a
refusal leaves the folder as it was.

Forms are written as documents are, under the folder's lock and through the folder's owner
(``vanban.issuing.storage.OutputFolder``): every version replaced is kept in the history, a link
in the folder is refused, and each form written is logged in the audit log.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from vanban.documents.kinds import Registry
from vanban.errors import OutputConflictError
from vanban.forms import layout as L
from vanban.forms.building import build_form
from vanban.issuing.audit import AuditLog, audit_entry
from vanban.issuing.locking import folder_lock
from vanban.issuing.paths import unit_slugs
from vanban.issuing.storage import OutputFolder, Refusal, Status, WriteOutcome
from vanban.model import Plan, Unit
from vanban.outdir import FORMS_DIR, LOG_NAME, RUN_FILES

# How a form is logged. Not as "issued": ``vanban audit verify`` holds an issued file to its hash,
# and a form is meant to be filled in, so one filled in where it was written is no tampering.
FORM_EVENT = "form_written"
FORM_KIND = "phieu_ket_qua"


@dataclass(frozen=True)
class WrittenForm:
    unit: str
    path: Path
    status: Status  # "written", "unchanged", "replaced" (it was blank), "forced" (it was filled)
    history: Path | None = None  # where the filled-in form it replaced is kept (when forced)


def form_relpath(slug: str) -> str:
    return f"{FORMS_DIR}/{slug}.xlsx"


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


def write_forms(
    plan: Plan, out_dir: Path, registry: Registry, *, force: bool = False
) -> list[WrittenForm]:
    """Write every unit's form into the forms' folder of ``out_dir``; refuse before writing any.

    The folder's lock is held throughout (OutputLockedError while a run holds it). A link on the
    way to a form, the log or the history raises LinkInOutputError. A form that was filled in (or
    a file there that is not a form) raises OutputConflictError naming each one, unless ``force``:
    then its copy is kept in the history first. ``registry`` names the units' files, as the
    documents of the same run name them.
    """
    out_dir = Path(out_dir)
    with folder_lock(out_dir):
        folder = OutputFolder(out_dir)
        forms = _built(plan, registry)
        folder.refuse_links(
            [out_dir / name for name in RUN_FILES] + [out_dir / relpath for _, relpath, _ in forms]
        )
        _refuse_kept(folder, forms, force)
        return _write_all(folder, plan, forms, force)


Form = tuple[Unit, str, bytes]  # a unit, where its form goes in the folder, the form


def _built(plan: Plan, registry: Registry) -> list[Form]:
    slugs = unit_slugs(plan, registry)
    return [
        (unit, form_relpath(slugs[unit.row]), build_form(plan, unit, slugs[unit.row], registry))
        for unit in plan.units
    ]


def _why_kept(old: bytes) -> str | None:
    """Why the file where a form goes is replaced only when forced; None for a blank form."""
    filled = filled_inputs(old)
    if filled is None:
        return "tệp có sẵn không phải phiếu kết quả của vanban"
    if filled:
        return f"phiếu đã được điền ({len(filled)} ô)"
    return None


def _refuse_kept(folder: OutputFolder, forms: list[Form], force: bool) -> None:
    """Every form already there that may not be replaced, named at once before anything is
    written; a folder where a form goes is refused even when forced."""
    conflicts: list[str] = []
    for _unit, relpath, data in forms:
        old = folder.read(relpath)
        why = _why_kept(old) if old is not None and old != data else None
        if why is not None:
            conflicts.append(f"- {folder.root / relpath}: {why}")
    if conflicts and not force:
        raise OutputConflictError(
            "Không ghi đè phiếu kết quả đã có:\n" + "\n".join(conflicts)
            + "\nMuốn giữ: chuyển các tệp này ra khỏi thư mục rồi chạy lại. Muốn thay bằng phiếu "
            f"trống: chạy lại với --force, bản cũ được cất vào {folder.history_dir}."
        )


def _refusal(relpath: str) -> Refusal:
    # Met only when a form was filled in after _refuse_kept looked at it.
    def judge(old: bytes, _sha256: str) -> str | None:
        why = _why_kept(old)
        return None if why is None else f"Không ghi đè {relpath}: {why}."

    return judge


def _write_all(
    folder: OutputFolder, plan: Plan, forms: list[Form], force: bool
) -> list[WrittenForm]:
    log = AuditLog(folder.root / LOG_NAME)
    written: list[WrittenForm] = []
    try:
        for unit, relpath, data in forms:
            outcome = folder.write(relpath, data, refusal=_refusal(relpath), force=force)
            if outcome.status != "unchanged":
                # Synced once at the end: nothing reads a form's entry to decide a write.
                log.append(_entry(folder, plan, unit, outcome), durable=False)
            kept = outcome.history_path if outcome.status == "forced" else None
            written.append(WrittenForm(unit.name, outcome.path, outcome.status, kept))
    finally:
        log.sync()
    return written


def _entry(
    folder: OutputFolder, plan: Plan, unit: Unit, outcome: WriteOutcome
) -> dict[str, object]:
    history = outcome.history_path
    return audit_entry(
        FORM_EVENT,
        kind=FORM_KIND,
        unit=unit.name,
        path=outcome.relpath,
        sha256=outcome.sha256,
        workbook_sha256=plan.workbook_sha256,
        status=outcome.status,
        **({"history": folder.relpath(history)} if history is not None else {}),
    )
