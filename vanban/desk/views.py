"""What each page of the desk shows, from the library's own functions (run in a worker thread).

A workbook is read again only when its bytes (or the returned forms') change: the checks of a
plan are kept in memory by their hash, so a page answers at once for a plan already read.
"""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vanban.desk.runs import Runner
from vanban.desk.workspace import OUTPUT, Plan, Workspace
from vanban.errors import InputError, VanbanError
from vanban.files import TEMP_PREFIX, sha256_file
from vanban.outdir import (
    FORMS_DIR,
    HISTORY_DIR,
    LOG_NAME,
    MANIFEST_NAME,
    REVIEW_DIR,
)

__all__ = ["Check", "checked", "documents", "plan_rows"]


@dataclass
class Check:
    """A plan's workbook (and returned forms) as ``vanban check`` judges it."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title: str = ""
    symbol: str = ""
    units: list[str] = field(default_factory=list)
    received: dict[str, str] = field(default_factory=dict)  # unit -> returned form
    awaited: list[str] = field(default_factory=list)  # units whose results are still to come

    @property
    def ok(self) -> bool:
        return not self.errors


# The history page shows the latest entries; `vanban audit show` shows them all.
HISTORY_ROWS = 500
_checks: dict[str, Check] = {}
_checks_lock = threading.Lock()
# Checks kept in memory, the most recent last: a desk open all year sees many versions.
_KEPT_CHECKS = 64


def _inputs_key(plan: Plan) -> str:
    # The plan's folder too: the check names it, and two plans may hold one workbook.
    digest = hashlib.sha256(str(plan.root).encode() + sha256_file(plan.workbook).encode())
    for form in plan.returned_forms():
        digest.update(form.name.encode() + sha256_file(form).encode())
    return digest.hexdigest()


def checked(plan: Plan, *, fresh: bool = False) -> Check:
    """The check of the plan's workbook and returned forms, read once per content (``fresh``:
    read again, as the clerk's "Kiểm tra lại" asks: the output folder may have changed)."""
    key = _inputs_key(plan)
    with _checks_lock:
        if key in _checks and not fresh:
            return _checks[key]
    check = _check(plan)
    if _inputs_key(plan) != key:
        return check  # the workbook changed while it was read: not kept under the old key
    with _checks_lock:
        _checks.pop(key, None)
        _checks[key] = check
        while len(_checks) > _KEPT_CHECKS:
            del _checks[next(iter(_checks))]
    return check


def _check(plan: Plan) -> Check:
    from vanban.prepare import prepare_run

    forms = plan.forms if plan.returned_forms() else None
    prepared = prepare_run(plan.workbook, out_dir=plan.out, results_dir=forms)
    check = Check(
        errors=[str(p) for p in prepared.problems if p.is_error],
        warnings=[str(p) for p in prepared.problems if not p.is_error],
    )
    if prepared.plan is not None and prepared.registry is not None:
        check.symbol = prepared.registry.plan_symbol(prepared.plan)
        check.title = prepared.plan.summary_line
        check.units = [u.name for u in prepared.plan.units]
    index = prepared.forms
    if index is not None:
        received = getattr(index, "received", ())
        check.received = {r.unit: r.file for r in received}
        check.awaited = list(getattr(index, "awaited", ()))
    elif prepared.plan is not None:
        check.awaited = [u.name for u in prepared.plan.units if u.result is None]
    return check


def plan_rows(workspace: Workspace, runner: Runner) -> list[dict[str, Any]]:
    rows = []
    for plan in workspace.plans():
        row: dict[str, Any] = {"id": plan.id, "title": plan.id, "symbol": ""}
        try:
            check = checked(plan)
        except (VanbanError, OSError) as exc:
            row |= {"errors": 1, "warnings": 0, "note": str(exc)}
        else:
            row |= {
                "title": check.title or plan.id,
                "symbol": check.symbol,
                "errors": len(check.errors),
                "warnings": len(check.warnings),
                "received": len(check.received),
                "awaited": len(check.awaited),
            }
        row |= _document_counts(plan)
        state = runner.state(plan.id)
        row["running"] = state is not None and state.phase in ("preparing", "running")
        rows.append(row)
    return rows


def _document_counts(plan: Plan) -> dict[str, int]:
    from vanban.review.inputs import read_manifest

    try:
        manifest = read_manifest(plan.out)
    except VanbanError:
        manifest = None
    counts = {"issued": 0, "pending": 0}
    for doc in (manifest or {}).get("documents", []):
        status = doc.get("status") if isinstance(doc, dict) else None
        if status in ("issued", "unchanged"):
            counts["issued"] += 1
        elif status == "pending":
            counts["pending"] += 1
    return counts


def documents(plan: Plan) -> list[Any]:
    """Each document as the review page lists it, with the previews the last review made."""
    from vanban.review.checkstate import cached_findings
    from vanban.review.inputs import read_inputs

    if not (plan.out / MANIFEST_NAME).is_file():
        return []
    inputs = read_inputs(plan.out)
    for doc in inputs.documents:
        if not doc.exists or not doc.path:
            continue
        preview = Path(REVIEW_DIR) / Path(doc.path).with_suffix(".pdf")
        if (plan.out / preview).is_file():
            doc.pdf = preview.as_posix()
        if (plan.out / preview.with_suffix(".png")).is_file():
            doc.png = preview.with_suffix(".png").as_posix()
        entry = inputs.issued.get(doc.path) or {}
        sha256 = entry.get("sha256")
        if isinstance(sha256, str):
            doc.findings = cached_findings(sha256)
        doc.previous = entry.get("history") if isinstance(entry.get("history"), str) else None
    return inputs.documents


def changes(plan: Plan, relpath: str) -> dict[str, Any]:
    """What changed in one document since its previous issue, block by block."""
    from vanban.review.inputs import latest_issued
    from vanban.review.textdiff import diff_documents

    plan.output_file(relpath)  # refuses a path outside the folder, a link, a missing file
    entry = latest_issued(plan.out / LOG_NAME)[0].get(relpath) or {}
    history = entry.get("history")
    if not isinstance(history, str) or not history:
        return {"path": relpath, "first": True, "lines": []}
    if not history.startswith(HISTORY_DIR + "/"):
        history = f"{HISTORY_DIR}/{history}"
    plan.output_file(history)
    lines = diff_documents(plan.out / history, plan.out / relpath)
    return {"path": relpath, "first": False, "lines": [d for d in lines if d.op != "="]}


def make_previews(plan: Plan) -> dict[str, Any]:
    from vanban.review.build import review_folder

    if not (plan.out / MANIFEST_NAME).is_file():
        raise InputError("Chưa có văn bản nào: hãy phát hành trước.")
    result = review_folder(plan.out)
    return {"pdfs": len(result.pdfs), "pngs": len(result.pngs), "message": result.message}


def forms_state(plan: Plan) -> dict[str, Any]:
    check = checked(plan)
    forms_dir = plan.out / FORMS_DIR
    written = sorted(p.name for p in forms_dir.glob("*.xlsx")) if forms_dir.is_dir() else []
    return {
        "check": check,
        "written": written,
        "returned": [p.name for p in plan.returned_forms()],
    }


def write_forms(plan: Plan) -> int:
    from vanban.documents.kinds import load_registry
    from vanban.forms.writing import write_forms as write
    from vanban.workbook.loader import load_plan

    return len(write(load_plan(plan.workbook), plan.out, load_registry()))


def add_returned_form(plan: Plan, data: bytes, name: str) -> Path:
    _must_be_workbook(data, name)
    return plan.add_form(data)


def history(plan: Plan, unit: str | None = None) -> dict[str, Any]:
    from vanban.issuing.verifying import history_rows, verify

    if not (plan.out / LOG_NAME).is_file():
        return {"ok": None, "problems": [], "rows": [], "units": [], "unit": unit}
    from vanban.documents.kinds import default_registry
    from vanban.issuing.audit import EVENT_LABELS, STATUS_LABELS

    report = verify(plan.out)
    kinds = {kind.key: kind.label for kind in default_registry().kinds}
    try:
        every = history_rows(plan.out)
        rows = list(reversed(history_rows(plan.out, unit) if unit else every))[:HISTORY_ROWS]
    except VanbanError:
        every, rows = [], []  # a line the log cannot read: the check above names it
    units = sorted({str(r["unit"]) for r in every if r.get("unit")})
    for row in rows:
        row["event"] = EVENT_LABELS.get(str(row.get("event")), row.get("event"))
        row["kind"] = kinds.get(str(row.get("kind")), row.get("kind"))
        row["status"] = STATUS_LABELS.get(str(row.get("status")), row.get("status"))
    return {
        "ok": report.ok,
        "problems": report.problems,
        "entries": report.checked_entries,
        "files": report.checked_files,
        "rows": rows,
        "units": units,
        "unit": unit,
    }


def set_zip(plan: Plan, only: str | None) -> bytes:
    """The whole set (documents, PDFs, signed copies, the log and the manifest) as one zip; with
    ``only="forms"``, the result forms alone."""
    root = plan.out
    if root.is_symlink() or not root.is_dir():
        raise InputError("Chưa có văn bản nào để tải về.")
    skip = {HISTORY_DIR, REVIEW_DIR}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if path.is_symlink() or not path.is_file() or relative.parts[0] in skip:
                continue
            if any(part.startswith((TEMP_PREFIX, ".vanban", "~$")) for part in relative.parts):
                continue
            if only == "forms" and relative.parts[0] != FORMS_DIR:
                continue
            try:
                archive.write(path, f"{OUTPUT}/{relative.as_posix()}")
            except OSError as exc:
                raise InputError(f"Không đọc được {relative.as_posix()}; hãy thử lại.") from exc
    return out.getvalue()


def blank_workbook() -> bytes:
    from vanban.workbook.blank import build_blank_workbook

    out = io.BytesIO()
    build_blank_workbook().save(out)
    return out.getvalue()


def add_plan(workspace: Workspace, data: bytes, name: str) -> Plan:
    """A new plan from an uploaded workbook, named after the plan's symbol when it reads."""
    _must_be_workbook(data, name)
    plan = workspace.add(data, _plan_id(data))
    checked(plan)  # read now, while the upload's answer is awaited: the next page is instant
    return plan


def replace_workbook(workspace: Workspace, plan: Plan, data: bytes, name: str) -> None:
    _must_be_workbook(data, name)
    workspace.replace_workbook(plan, data)
    checked(plan)


def _must_be_workbook(data: bytes, name: str) -> None:
    """The workbook reader's own checks on the package (size, zip bomb, parts), before storing;
    ``name`` (the uploaded file's) only names it in the message."""
    from vanban.workbook.archive import inspect

    inspect(Path(name), data)


def _plan_id(data: bytes) -> str:
    import tempfile

    from vanban.documents.kinds import default_registry
    from vanban.issuing.paths import plan_slug
    from vanban.workbook.loader import collect_problems

    with tempfile.TemporaryDirectory(prefix="vanban-desk-") as tmp:
        path = Path(tmp) / "ke-hoach.xlsx"
        path.write_bytes(data)
        try:
            plan, _ = collect_problems(str(path))
        except VanbanError:
            plan = None
    if plan is None:
        return "ke-hoach"
    return plan_slug(plan, default_registry().plan_type)


def signing_state(plan: Plan) -> dict[str, Any]:
    """The signing page: each issued document's PDF and signed copy, the files handed in."""
    from vanban.issuing.jobs import WITH_FILE, doc_state
    from vanban.metadata import shown_rows
    from vanban.publishing.office import documents_metadata
    from vanban.publishing.records import pdf_records
    from vanban.publishing.signed import TRUST_NOTE
    from vanban.registering.describe import issued_metadata
    from vanban.registering.register import registers_of
    from vanban.review.inputs import office_paths, read_manifest

    manifest = read_manifest(plan.out)
    records = pdf_records(manifest or {})
    metas, _ = documents_metadata(manifest or {})
    issued = issued_metadata(metas, records)
    rows = []
    for doc in (manifest or {}).get("documents", []):
        # Every document with its file, as ``vanban pdf`` publishes them (a refused edit too).
        if not isinstance(doc, dict) or doc_state(doc.get("status")) not in WITH_FILE:
            continue
        record = records.get(str(doc.get("path")))
        signed = (record or {}).get("signed") or {}
        meta = issued.get(str(doc.get("path")))
        office = {kind: p for kind, p in office_paths(record or {}) if plan.has_output(p)}
        rows.append(
            {
                "label": doc.get("label"),
                "unit": doc.get("unit"),
                "pdf": (record or {}).get("path"),
                "awaiting": bool((record or {}).get("awaiting_number")),
                "signed": signed.get("path"),
                "signers": [str(s.get("subject")) for s in signed.get("signers") or []],
                "metadata": shown_rows(meta) if meta is not None else [],
                "described": [(k, p) for k, p in office.items() if k in ("JSON", "XML")],
                "package": office.get("edXML"),
                # A package needs the document's number: a copy signed before it had one has none.
                "unnumbered": meta is not None and not meta.code_number,
            }
        )  # fmt: skip
    return {
        "rows": rows,
        "published": sum(1 for r in rows if r["pdf"]),
        "signed": sum(1 for r in rows if r["signed"]),
        "packages": sum(1 for r in rows if r["package"]),
        "registers": sorted((
            (body, path)
            for path, body in registers_of(m.organ_name for m in issued.values()).items()
            if plan.has_output(path)
        ), key=lambda item: item[1]),  # by path: the names' ASCII order, "Đốc" among the D
        "inbox": [p.name for p in plan.signed_files()],
        "trust": TRUST_NOTE,
    }


def publish_pdfs(plan: Plan) -> dict[str, Any]:
    from vanban.publishing.publish import publish

    if not (plan.out / MANIFEST_NAME).is_file():
        raise InputError("Chưa có văn bản nào: hãy phát hành trước.")
    report = publish(plan.out)
    return {
        "published": len(report.publications),
        "converted": report.converted,
        "awaiting": sum(1 for p in report.publications if p.awaiting_number),
        "warnings": report.warnings,
    }


def add_signed(plan: Plan, data: bytes) -> Path:
    if not data.startswith(b"%PDF-"):
        raise InputError("Tệp tải lên không phải PDF.")
    return plan.add_signed(data)


def record_signed(plan: Plan) -> dict[str, Any]:
    """Record the signed PDFs handed in (``vanban signed``); once recorded, the files handed in
    go to the plan's history (their copies are in the output folder's ``da-ky/``)."""
    from vanban.publishing.signed import collect_signed

    files = plan.signed_files()
    if not files:
        raise InputError("Chưa có bản đã ký nào được tải lên.")
    # The plan's workbook gives the number and date of each document the records office numbered
    # at signing (as ``vanban signed --workbook``), so its package can be made.
    workbook = plan.workbook if plan.workbook.is_file() and not plan.workbook.is_symlink() else None
    report = collect_signed(plan.out, plan.signed_inbox, workbook=workbook)
    for file in files:
        plan.keep(file)
    return {"recorded": len(report.copies)}
