"""Issuing documents: which documents a run makes, rendering one, writing it, logging it.

:mod:`vanban.issuing.run` drives these steps through a whole run; each step here concerns one
document, so an executor (the library's own, or Prefect's tasks) can run them anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from vanban.documents.kinds import DocumentKind, Registry, load_registry
from vanban.documents.render import file_sha256, render_docx
from vanban.errors import EditedOutputError, InputError, VanbanError, WorkbookError
from vanban.files import atomic_write, read_nofollow, sha256_bytes
from vanban.issuing.audit import LOG_NAME, AuditLog
from vanban.issuing.locking import HOLDER_NAME, LOCK_NAME
from vanban.issuing.paths import path_problems, plan_slug, unit_slugs
from vanban.issuing.storage import HISTORY_DIR, OutputFolder, WriteOutcome
from vanban.model import Plan, Unit
from vanban.workbook.unitref import UnitIndex


class ResultSource(Protocol):
    """Which file fed a unit's results (a returned result form): for the audit log."""

    @property
    def path(self) -> str: ...

    @property
    def sha256(self) -> str: ...


class ResultSources(Protocol):
    """What fed each unit's results (``vanban.forms.receipts.FormIndex``)."""

    def receipt(self, unit_name: str | None) -> ResultSource | None: ...


MANIFEST_NAME = "manifest.json"

# Every status a document can have after a run: its short label (the terminal's table) and its
# sentence (the review page).
STATUSES: dict[str, tuple[str, str]] = {
    "issued": ("đã phát hành", "Đã phát hành"),
    "unchanged": ("không đổi", "Không thay đổi (giữ bản đã phát hành)"),
    "pending": ("chờ", "Chưa phát hành: đang chờ dữ liệu"),
    "failed": ("lỗi", "Lỗi khi phát hành"),
    "refused": ("từ chối ghi đè", "Từ chối phát hành"),
    "not_attempted": ("chưa chạy", "Chưa thực hiện"),
}


@dataclass(frozen=True)
class Job:
    """One document a run may issue."""

    kind: DocumentKind
    unit: Unit | None
    relpath: str
    pending: str | None  # why it waits; None when it can be issued now

    @property
    def id(self) -> str:
        return self.relpath

    @property
    def unit_name(self) -> str | None:
        return self.unit.name if self.unit else None


@dataclass
class DocStatus:
    job: Job
    status: str  # issued, unchanged, pending, failed, refused, not_attempted
    reason: str | None = None
    sha256: str | None = None
    history: str | None = None
    attempts: int = 0
    exit_code: int = 0  # of a failure: the error's class decides (vanban.errors.exit_code_of)

    def as_manifest(self) -> dict[str, Any]:
        k = self.job.kind
        return {
            "kind": k.key,
            "label": k.label,
            "stage": k.stage_number,
            "stage_label": k.stage_label,
            "unit": self.job.unit_name,
            "path": self.job.relpath if self.status in ("issued", "unchanged", "refused") else None,
            "status": self.status,
            "reason": self.reason,
            "sha256": self.sha256,
        }


class RunReport:
    """What a run did: every document's status, in stage order, and the run's exit code.

    A plain class, not a dataclass: a flow returns it, and Prefect walks a returned dataclass
    into every field, here every unit's roster, which at a thousand units took seconds.
    """

    def __init__(
        self,
        out_dir: Path,
        statuses: list[DocStatus] | None = None,
        recovered: list[str] | None = None,
        forms: ResultSources | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.statuses: list[DocStatus] = statuses if statuses is not None else []
        self.recovered: list[str] = recovered if recovered is not None else []  # after a kill
        self.forms = forms  # the result forms collected for this run, if any

    def __repr__(self) -> str:
        return f"RunReport({self.out_dir}, {len(self.statuses)} văn bản, mã thoát {self.exit_code})"

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses if s.status == status)

    @property
    def exit_code(self) -> int:
        """The first failure's code (2, 3, 4, 75 or 1), else 4 for a refused edit, else 0."""
        for s in self.statuses:
            if s.status == "failed":
                return s.exit_code or 1
        if any(s.status == "refused" for s in self.statuses):
            return EditedOutputError.exit_code
        return 0


def default_out_dir(plan: Plan, base: Path = Path("outputs")) -> Path:
    return base / plan_slug(plan)


def select_units(plan: Plan, names: Sequence[str] | None) -> list[Unit] | None:
    """The units named with --unit (None: all), or UnknownUnitError with the closest names."""
    if not names:
        return None
    return UnitIndex(plan.units, None, "Đơn vị").resolve_cli(names)


def plan_jobs(
    plan: Plan,
    registry: Registry,
    *,
    units: Sequence[Unit] | None = None,
    only: Sequence[str] | None = None,
) -> list[Job]:
    """Every document of the plan in stage order, limited to some units and some stages.

    A re-run for some units re-issues their documents and the ones built from all units (the
    summary); the plan and its annex, which name no single unit, are left alone.
    """
    slugs = unit_slugs(plan, registry)
    jobs: list[Job] = []
    for kind in registry.kinds:
        if only and kind.stage not in only:
            continue
        if kind.scope == "unit":
            for unit in plan.units:
                if units is not None and unit not in units:
                    continue
                relpath = kind.output.format(unit=slugs[unit.row])
                jobs.append(Job(kind, unit, relpath, kind.pending(plan, unit)))
        elif units is None or kind.ready == "all_units_have_results":
            jobs.append(Job(kind, None, kind.output, kind.pending(plan, None)))
    _one_document_per_path(jobs)
    return jobs


def _one_document_per_path(jobs: Sequence[Job]) -> None:
    # unit_slugs makes this impossible; should a new kind's pattern slip past it, refuse the run
    # rather than let two documents overwrite each other. Case-folded, as Windows compares.
    seen: dict[str, Job] = {}
    for job in jobs:
        other = seen.setdefault(job.relpath.casefold(), job)
        if other is not job:
            raise InputError(
                f"{other.kind.label} của {other.unit_name or 'kế hoạch'} và {job.kind.label} của "
                f"{job.unit_name or 'kế hoạch'} trùng đường dẫn {job.relpath}; hãy đổi tên một "
                'trong hai đơn vị ở sheet "Đơn vị".'
            )


def check_job_paths(jobs: Sequence[Job], root: Path | None = None) -> None:
    """Refuse (exit 2, at the unit's name cell) any path the OS would refuse, before a write."""
    problems = path_problems([(j.relpath, j.unit) for j in jobs], root)
    if problems:
        raise WorkbookError(problems)


def stages_of(jobs: Sequence[Job], registry: Registry) -> list[tuple[str, list[Job]]]:
    return [
        (s, [j for j in jobs if j.kind.stage == s])
        for s in registry.stages
        if any(j.kind.stage == s for j in jobs)
    ]


class Issuer:
    """Renders and writes the documents of one run into one output folder."""

    def __init__(
        self,
        plan: Plan,
        out_dir: Path,
        templates_dir: Path,
        *,
        flow_run_id: str = "",
        force: bool = False,
        forms: ResultSources | None = None,
    ) -> None:
        self.plan = plan
        self.forms = forms
        self.folder = OutputFolder(out_dir)
        self.audit = AuditLog(out_dir / LOG_NAME)
        self.templates_dir = templates_dir
        self.registry = load_registry(templates_dir)
        self.flow_run_id = flow_run_id
        self.force = force
        # What the log last says of each path, read once per run: reading the whole log for
        # every document would make a large plan quadratic. Each path is written by one task.
        self._issued: dict[str, dict[str, Any]] | None = None
        self.parcel: object | None = None  # how an executor sends it (``parcel.parcel_of``)

    def __getstate__(self) -> dict[str, Any]:
        # Sent to a worker process: it reads the log itself, once, when it first needs it.
        return {**self.__dict__, "_issued": None, "parcel": None}

    def template_path(self, job: Job) -> Path:
        return self.templates_dir / job.kind.template

    def render(self, job: Job) -> bytes:
        return render_docx(self.template_path(job), job.kind.build_context(self.plan, job.unit))

    def issue(self, job: Job, *, attempts: int = 1) -> DocStatus:
        """Render and write one document; log it when written. Raises on failure.

        A "prepare" entry with the new hash goes into the log before the file is replaced, so a
        run killed between the two leaves a file that the next run recognises (``recover``)
        instead of taking it for a hand edit.
        """
        data = self.render(job)
        issued = self._latest_issued().get(job.relpath)
        new_sha = sha256_bytes(data)
        if self.folder.current_sha256(job.relpath) != new_sha:
            self.audit.append(
                {
                    "event": "prepare",
                    "flow_run_id": self.flow_run_id,
                    "kind": job.kind.key,
                    "unit": job.unit_name,
                    "path": job.relpath,
                    "sha256": new_sha,
                    "attempts": attempts,
                }
            )
        try:
            outcome = self.folder.write_document(
                job.relpath,
                data,
                issued_sha256=issued["sha256"] if issued else None,
                force=self.force,
            )
        except EditedOutputError as exc:
            return DocStatus(job, "refused", str(exc), attempts=attempts, exit_code=exc.exit_code)
        if outcome.status == "unchanged":
            return DocStatus(job, "unchanged", None, outcome.sha256, attempts=attempts)
        self._log(job, outcome, attempts)
        history = self.folder.relpath(outcome.history_path) if outcome.history_path else None
        reason = outcome.message if outcome.status == "forced" else None
        return DocStatus(job, "issued", reason, outcome.sha256, history, attempts)

    def _latest_issued(self) -> dict[str, dict[str, Any]]:
        if self._issued is None:
            self._issued = self.audit.latest_issued()
        return self._issued

    def _log(self, job: Job, outcome: WriteOutcome, attempts: int) -> None:
        template = self.template_path(job)
        entry: dict[str, Any] = {
            "event": "issued",
            "flow_run_id": self.flow_run_id,
            "kind": job.kind.key,
            "unit": job.unit_name,
            "path": job.relpath,
            "sha256": outcome.sha256,
            "template": template.name,
            "template_sha256": file_sha256(template),
            "workbook_sha256": self.plan.workbook_sha256,
            "attempts": attempts,
            "status": outcome.status,
        }
        if outcome.history_path is not None:
            entry["history"] = self.folder.relpath(outcome.history_path)
        if job.kind.prints_roster and job.unit is not None:
            entry["invitees"] = len(job.unit.invitees)  # how many, never who
        receipt = self.forms.receipt(job.unit_name) if self.forms and job.unit else None
        if receipt is not None and job.kind.ready == "unit_has_result":
            entry["form"] = receipt.path  # which returned form fed this report
            entry["form_sha256"] = receipt.sha256
        # Not synced at once: the "prepare" entry and the file, both durably in place already,
        # let the next run recover this entry should the power go before it reaches the disk
        # (with the next document's "prepare", or at the end of the batch: ``flush``).
        self._latest_issued()[job.relpath] = self.audit.append(entry, durable=False)

    def flush(self) -> None:
        """Put on disk the log entries the documents issued so far left for later."""
        self.audit.sync()

    def recover(self) -> list[str]:
        """Finish the log of a run that was killed between writing a file and logging it.

        A file whose bytes are those of a "prepare" entry later than its last "issued" one was
        written by vanban: it is logged as issued ("recovered"). Returns the paths recovered.
        """
        pending: dict[str, dict[str, Any]] = {}
        for entry in self.audit.entries():
            path = entry.get("path")
            # A path the log holds but no run could write ("../x", "/etc/x") is never looked at.
            if not isinstance(path, str) or not self.folder.is_safe(path):
                continue
            if entry.get("event") == "prepare":
                pending[path] = entry
            elif entry.get("event") == "issued":
                pending.pop(path, None)
        recovered = []
        for path, entry in pending.items():
            try:
                current = self.folder.current_sha256(path)
            except VanbanError:
                continue  # a link, a name too long: not a file this folder's runs wrote
            if current == entry.get("sha256"):
                self.audit.append(
                    {
                        "event": "issued",
                        "flow_run_id": self.flow_run_id,
                        "kind": entry.get("kind"),
                        "unit": entry.get("unit"),
                        "path": path,
                        "sha256": entry.get("sha256"),
                        "attempts": entry.get("attempts", 1),
                        "status": "recovered",
                        "workbook_sha256": self.plan.workbook_sha256,
                    }
                )
                recovered.append(path)
        self._issued = None  # the log grew: read it afresh
        return recovered

    def log_failure(self, job: Job, message: str, attempts: int) -> None:
        # ``message`` is a failed status's reason: vanban's own text, never a person's name.
        self.audit.append(
            {
                "event": "failed",
                "flow_run_id": self.flow_run_id,
                "kind": job.kind.key,
                "unit": job.unit_name,
                "path": job.relpath,
                "attempts": attempts,
                "status": "failed",
                "error": message,
                "workbook_sha256": self.plan.workbook_sha256,
            }
        )

    def write_manifest(self, report: RunReport) -> Path:
        """manifest.json: every document of the plan and its state, for the review page.

        A re-run of some units keeps what the previous manifest said of the others.
        """
        path = self.folder.root / MANIFEST_NAME
        previous: dict[str, dict[str, Any]] = {}
        if self.folder.exists(path):
            try:
                for d in json.loads(read_nofollow(path).decode("utf-8")).get("documents", []):
                    previous[f"{d['kind']}|{d['unit']}"] = d
            except (ValueError, KeyError, TypeError, AttributeError):
                previous = {}
        current = {f"{s.job.kind.key}|{s.job.unit_name}": s.as_manifest() for s in report.statuses}
        documents = []
        for job in plan_jobs(self.plan, self.registry):
            key = f"{job.kind.key}|{job.unit_name}"
            doc = current.get(key) or previous.get(key)
            if doc is None:
                doc = DocStatus(job, "not_attempted", "chưa chạy lần nào").as_manifest()
            documents.append(doc)
        manifest = {
            "plan": {
                "symbol": self.plan.symbol,
                "title": f"Kế hoạch số {self.plan.symbol}",
                "slug": plan_slug(self.plan),
            },
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "flow_run_id": self.flow_run_id,
            "documents": documents,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        atomic_write(path, data, root=self.folder.root)
        return path

    def check_folder(self, jobs: Sequence[Job]) -> None:
        """Refuse, before anything is written, every link the run would go through.

        The documents and their folders, the log, the manifest, the history and the lock: a run
        never follows a link inside the output folder (LinkInOutputError, exit 4, naming each).
        """
        root = self.folder.root
        fixed = [LOG_NAME, MANIFEST_NAME, HISTORY_DIR, LOCK_NAME, HOLDER_NAME]
        self.folder.refuse_links([root / name for name in fixed] + [root / j.relpath for j in jobs])
