"""Issuing one document: rendering it, writing it into the output folder, logging it.

:mod:`vanban.issuing.run` drives these steps through a whole run (the jobs come from
:mod:`vanban.issuing.jobs`); each step here concerns one document, so an executor (the
library's own, or Prefect's tasks) can run them anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vanban.documents.kinds import Registry, load_registry
from vanban.documents.metadata import document_metadata
from vanban.documents.properties import document_properties
from vanban.errors import EditedOutputError, VanbanError
from vanban.files import atomic_write, json_bytes, read_nofollow, sha256_bytes
from vanban.issuing.audit import AuditLog, audit_entry
from vanban.issuing.jobs import DocStatus, Job, ResultSources, RunReport, plan_jobs
from vanban.issuing.paths import plan_slug
from vanban.issuing.storage import OutputFolder, WriteOutcome
from vanban.metadata import to_json
from vanban.model import Plan
from vanban.outdir import LOG_NAME, MANIFEST_NAME, PDFS_KEY, RUN_FILES
from vanban.rendering.render import compiled_template, render_docx


class Issuer:
    """Renders and writes the documents of one run into one output folder."""

    def __init__(
        self,
        plan: Plan,
        out_dir: Path,
        templates_dir: Path,
        registry: Registry | None = None,
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
        # The run's registry, loaded once when the run was prepared; a script that builds an
        # issuer by hand gets the one of ``templates_dir``.
        self.registry = registry if registry is not None else load_registry(templates_dir)
        self.flow_run_id = flow_run_id
        self.force = force
        # What the log last says of each path, read once per run: reading the whole log for
        # every document would make a large plan quadratic. Each path is written by one task.
        self._issued: dict[str, dict[str, Any]] | None = None
        self.parcel: object | None = None  # how an executor sends it (``parcel.parcel_of``)
        # The plan's own document, which a separate annex belongs to (its metadata says so).
        self._plan_document = next(
            (k.output for k in self.registry.kinds if k.context == "plan"), ""
        )

    def __getstate__(self) -> dict[str, Any]:
        # Sent to a worker process: it reads the log itself, once, when it first needs it.
        return {**self.__dict__, "_issued": None, "parcel": None}

    def template_path(self, job: Job) -> Path:
        return self.templates_dir / job.kind.template

    def render(self, job: Job) -> bytes:
        return self._rendered(job, described=False)[0]

    def _rendered(
        self, job: Job, *, described: bool = True
    ) -> tuple[bytes, dict[str, Any] | None, str]:
        """The document's bytes, (when ``described``) its metadata, both from the one context
        built for it, and the hash of the template bytes it was rendered from."""
        context = job.kind.build_context(self.plan, job.unit)
        properties = document_properties(job.kind.label, context, self.plan)
        metadata = (
            to_json(document_metadata(
                job.kind, context, self.plan, job.relpath, annex_of=self._plan_document
            ))
            if described
            else None
        )  # fmt: skip
        # Read once: the document is rendered from these bytes and the log names them, even if
        # the file is saved again meanwhile.
        template = compiled_template(self.template_path(job))
        data = render_docx(self.template_path(job), context, properties, compiled=template)
        return data, metadata, template.sha256

    def issue(self, job: Job, *, attempts: int = 1) -> DocStatus:
        """Render and write one document; log it when written. Raises on failure.

        A "prepare" entry with the new hash goes into the log before the file is replaced, so a
        run killed between the two leaves a file that the next run recognises (``recover``)
        instead of taking it for a hand edit.
        """
        data, metadata, template_sha256 = self._rendered(job)
        issued = self._latest_issued().get(job.relpath)
        new_sha = sha256_bytes(data)
        if self.folder.current_sha256(job.relpath) != new_sha:
            self.audit.append(self._entry("prepare", job, sha256=new_sha, attempts=attempts))
        try:
            outcome = self.folder.write_document(
                job.relpath,
                data,
                issued_sha256=issued["sha256"] if issued else None,
                force=self.force,
            )
        except EditedOutputError as exc:
            return DocStatus(
                job, "refused", str(exc), attempts=attempts, exit_code=exc.exit_code,
                metadata=metadata,
            )
        if outcome.status == "unchanged":
            return DocStatus(
                job, "unchanged", None, outcome.sha256, attempts=attempts, metadata=metadata
            )
        self._log(job, outcome, attempts, template_sha256)
        history = self.folder.relpath(outcome.history_path) if outcome.history_path else None
        reason = outcome.message if outcome.status == "forced" else None
        return DocStatus(
            job, "issued", reason, outcome.sha256, history, attempts, metadata=metadata
        )

    def _latest_issued(self) -> dict[str, dict[str, Any]]:
        if self._issued is None:
            self._issued = self.audit.latest_issued()
        return self._issued

    def _entry(self, event: str, job: Job, **fields: Any) -> dict[str, Any]:
        """An audit entry about ``job``: what names the document, then ``fields``."""
        return audit_entry(
            event,
            flow_run_id=self.flow_run_id,
            kind=job.kind.key,
            unit=job.unit_name,
            path=job.relpath,
            **fields,
        )

    def _log(self, job: Job, outcome: WriteOutcome, attempts: int, template_sha256: str) -> None:
        template = self.template_path(job)
        # Present only when they apply: an entry's bytes, and so the log's chain, stay as they were.
        optional: dict[str, Any] = {}
        if outcome.history_path is not None:
            optional["history"] = self.folder.relpath(outcome.history_path)
        if job.kind.prints_roster and job.unit is not None:
            optional["invitees"] = len(job.unit.invitees)  # how many, never who
        receipt = self.forms.receipt(job.unit_name) if self.forms and job.unit else None
        if receipt is not None and job.kind.ready == "unit_has_result":
            optional["form"] = receipt.path  # which returned form fed this report
            optional["form_sha256"] = receipt.sha256
        entry = self._entry(
            "issued",
            job,
            sha256=outcome.sha256,
            template=template.name,
            # The hash of the bytes the document was rendered from (``_rendered``): not read
            # again here, where the file may have been saved since.
            template_sha256=template_sha256,
            workbook_sha256=self.plan.workbook_sha256,
            attempts=attempts,
            status=outcome.status,
            **optional,
        )
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
                    audit_entry(
                        "issued",
                        flow_run_id=self.flow_run_id,
                        kind=entry.get("kind"),
                        unit=entry.get("unit"),
                        path=path,
                        sha256=entry.get("sha256"),
                        attempts=entry.get("attempts", 1),
                        status="recovered",
                        workbook_sha256=self.plan.workbook_sha256,
                    )
                )
                recovered.append(path)
        self._issued = None  # the log grew: read it afresh
        return recovered

    def log_failure(self, job: Job, message: str, attempts: int) -> None:
        # ``message`` is a failed status's reason: vanban's own text, never a person's name.
        self.audit.append(
            self._entry(
                "failed",
                job,
                attempts=attempts,
                status="failed",
                error=message,
                workbook_sha256=self.plan.workbook_sha256,
            )
        )

    def write_manifest(self, report: RunReport) -> Path:
        """manifest.json: every document of the plan and its state, for the review page.

        A re-run of some units keeps what the previous manifest said of the others.
        """
        path = self.folder.root / MANIFEST_NAME
        previous: dict[str, dict[str, Any]] = {}
        published: Any = None
        if self.folder.exists(path):
            try:
                before = json.loads(read_nofollow(path).decode("utf-8"))
                published = before.get(PDFS_KEY)
                for d in before.get("documents", []):
                    previous[f"{d['kind']}|{d['unit']}"] = d
            except (ValueError, KeyError, TypeError, AttributeError):
                previous = {}
        current = {f"{s.job.kind.key}|{s.job.unit_name}": s.as_manifest() for s in report.statuses}
        documents = []
        for job in plan_jobs(self.plan, self.registry):
            key = f"{job.kind.key}|{job.unit_name}"
            doc = current.get(key) or previous.get(key)
            if doc is None and job.held == "not_expected":
                # Known without running: the plan does not call for it.
                doc = DocStatus(job, "not_expected", job.pending).as_manifest()
            elif doc is None:
                doc = DocStatus(job, "not_attempted", "chưa chạy lần nào").as_manifest()
            documents.append(doc)
        manifest = {
            "plan": {
                "symbol": self.registry.plan_symbol(self.plan),
                "title": f"Kế hoạch số {self.registry.plan_symbol(self.plan)}",
                "slug": plan_slug(self.plan, self.registry.plan_type),
            },
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "flow_run_id": self.flow_run_id,
            "documents": documents,
        }
        if isinstance(published, dict):
            # The PDFs' record (``vanban pdf``, ``vanban signed``) is theirs: a run keeps it.
            manifest[PDFS_KEY] = published
        data = json_bytes(manifest)
        atomic_write(path, data, root=self.folder.root)
        return path

    def check_folder(self, jobs: Sequence[Job]) -> None:
        """Refuse, before anything is written, every link the run would go through.

        The documents and their folders, the log, the manifest, the history and the lock: a run
        never follows a link inside the output folder (LinkInOutputError, exit 4, naming each).
        """
        root = self.folder.root
        own = [root / name for name in RUN_FILES]
        self.folder.refuse_links(own + [root / j.relpath for j in jobs])
