"""Which documents a run makes and what became of each: jobs, statuses, the run's report.

:func:`plan_jobs` lists a plan's documents in stage order (some units, some stages);
:class:`DocStatus` is what became of one, :class:`RunReport` of a whole run. The issuer
(:mod:`vanban.issuing.issuer`) renders and writes each job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from vanban.documents.kinds import DocumentKind, Registry
from vanban.errors import EditedOutputError, InputError, WorkbookError
from vanban.issuing.paths import path_problems, plan_slug, unit_slugs
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

    def why_missing(self, unit_name: str | None) -> str | None:
        """Why a unit has no result although forms were collected (its form was blank...)."""


# Every status a document can have after a run, as manifest.json and the flow's table write it.
# A Literal, so that a misspelt status is a type error wherever one is compared.
DocState = Literal[
    "issued", "unchanged", "pending", "failed", "refused", "not_attempted", "not_expected"
]
# Each status's short label (the terminal's table) and its sentence (the review page). "pending"
# is work still to come (a report waiting for its results); "not_expected" is a document this plan
# does not call for (the sign-in list of a unit without a roster), counted apart so that it never
# reads as work outstanding.
STATUSES: dict[DocState, tuple[str, str]] = {
    "issued": ("đã phát hành", "Đã phát hành"),
    "unchanged": ("không đổi", "Không thay đổi (giữ bản đã phát hành)"),
    "pending": ("chờ", "Chưa phát hành: đang chờ dữ liệu"),
    "failed": ("lỗi", "Lỗi khi phát hành"),
    "refused": ("từ chối ghi đè", "Từ chối phát hành"),
    "not_attempted": ("chưa chạy", "Chưa thực hiện"),
    "not_expected": ("không cần lập", "Không cần lập (kế hoạch không đòi hỏi văn bản này)"),
}
# Readiness conditions (a kind's ``ready``) on data a plan may go without: the roster (sheet "Danh
# sách mời") is optional, so a unit without one has no sign-in list to wait for, and its list is
# "not_expected". Every other unmet condition waits for data the plan expects (a result, a
# returned form, the summary's date, the rows of a sheet a kind needs): "pending".
NOT_CALLED_FOR: frozenset[str] = frozenset({"unit_has_roster"})
# The statuses whose document is in the folder (a refused one keeps the edited file).
WITH_FILE: frozenset[DocState] = frozenset({"issued", "unchanged", "refused"})


def doc_state(value: object) -> DocState | None:
    """The status ``value`` names (as read back from manifest.json), or None for anything else."""
    return next((state for state in STATUSES if state == value), None)


@dataclass(frozen=True)
class Job:
    """One document a run may issue."""

    kind: DocumentKind
    unit: Unit | None
    relpath: str
    pending: str | None  # why it is not issued now; None when it can be issued now
    # False when the plan does not call for it (see NOT_CALLED_FOR): then ``pending`` says why
    # not, and the document is not waiting for anything.
    expected: bool = True

    @property
    def held(self) -> DocState | None:
        """The status of a job the run cannot issue now ("pending" or "not_expected"), or None."""
        if self.pending is None:
            return None
        return "pending" if self.expected else "not_expected"

    @property
    def id(self) -> str:
        return self.relpath

    @property
    def unit_name(self) -> str | None:
        return self.unit.name if self.unit else None


@dataclass
class DocStatus:
    job: Job
    status: DocState
    reason: str | None = None
    sha256: str | None = None
    history: str | None = None
    attempts: int = 0
    exit_code: int = 0  # of a failure: the error's class decides (vanban.errors.exit_code_of)
    # What annex VI records of the document (``vanban.metadata.to_json``), made with it: the
    # records office's facts, kept in manifest.json for ``vanban pdf`` to describe its PDF.
    metadata: dict[str, Any] | None = None

    def as_manifest(self) -> dict[str, Any]:
        k = self.job.kind
        return {
            "kind": k.key,
            "label": k.label,
            "stage": k.stage_number,
            "stage_label": k.stage_label,
            "unit": self.job.unit_name,
            "path": self.job.relpath if self.status in WITH_FILE else None,
            "status": self.status,
            "reason": self.reason,
            "sha256": self.sha256,
            "metadata": self.metadata if self.status in WITH_FILE else None,
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

    def count(self, status: DocState) -> int:
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


def default_out_dir(plan: Plan, registry: Registry, base: Path = Path("outputs")) -> Path:
    """outputs/6662-kh-ubnd-2022: the plan's folder, named with the registry's plan type."""
    return base / plan_slug(plan, registry.plan_type)


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
                jobs.append(_job(plan, kind, unit, relpath))
        elif units is None or kind.ready == "all_units_have_results":
            jobs.append(_job(plan, kind, None, kind.output))
    _one_document_per_path(jobs)
    return jobs


def _job(plan: Plan, kind: DocumentKind, unit: Unit | None, relpath: str) -> Job:
    unmet = kind.unmet(plan, unit)
    if unmet is None:
        return Job(kind, unit, relpath, None)
    condition, why = unmet
    return Job(kind, unit, relpath, why, expected=condition not in NOT_CALLED_FOR)


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
