"""A run prepared once: what a user asked for, resolved and checked before anything is written.

:class:`RunRequest` is what a user gives, as plain values (paths and names, as a Prefect flow's
parameters are stored). :func:`prepare_plan` resolves it against a plan already read: the
registry of the run's templates, the chosen units and stages, the target folder, every job, and
every problem found. ``vanban.prepare.prepare_run`` is the one entry point that also reads the
workbook and the returned forms; the command line, the flow, the benches and the desk call it,
and the core run (``vanban.issuing.run.issue_prepared``) takes what it returns and trusts it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from vanban.documents.kinds import METADATA_SOURCES, Registry, default_templates_dir, load_registry
from vanban.errors import InputError, PreparationError, Problem, VanbanError, WorkbookError
from vanban.files import check_out_folder, refuse_links
from vanban.issuing.jobs import (
    Job,
    ResultSources,
    check_job_paths,
    default_out_dir,
    plan_jobs,
    select_units,
)
from vanban.model import Plan, Unit
from vanban.outdir import RUN_FILES
from vanban.rendering.render import render_docx, template_warnings
from vanban.text.names import match_key
from vanban.workbook.schema import DOCUMENTS

T = TypeVar("T")


@dataclass(frozen=True)
class RunRequest:
    """What a user asks of a run: plain values only, so a flow can store them as parameters."""

    workbook: str
    out_dir: str | None = None
    results_dir: str | None = None
    units: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    templates_dir: str | None = None
    force: bool = False

    @classmethod
    def from_parameters(
        cls,
        workbook: str,
        out_dir: str | None = None,
        units: Sequence[str] | None = None,
        only: Sequence[str] | None = None,
        force: bool = False,
        templates_dir: str | None = None,
        results_dir: str | None = None,
    ) -> RunRequest:
        """The request a flow's parameters (:meth:`parameters`) stand for."""
        return cls(workbook, out_dir, results_dir, tuple(units or ()), tuple(only or ()),
                   templates_dir, force)

    def parameters(self) -> dict[str, Any]:
        """The flow's parameters (``vanban_flows.issue.issue_documents``) for this request."""
        return {
            "workbook": self.workbook,
            "out_dir": self.out_dir,
            "units": list(self.units) or None,
            "only": list(self.only) or None,
            "force": self.force,
            "templates_dir": self.templates_dir,
            "results_dir": self.results_dir,
        }


@dataclass(frozen=True)
class PreparedRun:
    """A run resolved once: everything the core run needs, and every problem found on the way.

    ``plan`` is None when the workbook could not be read; then nothing else was resolved.
    ``units`` None means every unit. ``jobs`` are the documents this run considers, in stage
    order (the pending ones included).
    """

    request: RunRequest
    plan: Plan | None
    forms: ResultSources | None = None
    registry: Registry | None = None
    templates_dir: Path = field(default_factory=default_templates_dir)
    units: tuple[Unit, ...] | None = None
    stages: tuple[str, ...] = ()
    target: Path | None = None
    jobs: tuple[Job, ...] = ()
    errors: tuple[VanbanError, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problems(self) -> list[Problem]:
        """Every problem, errors first, each with its sheet and cell where it has one."""
        found: list[Problem] = []
        for error in self.errors:
            if isinstance(error, WorkbookError):
                found += error.errors
            else:
                found.append(Problem(None, None, str(error)))
        return found + list(self.warnings)

    def raise_errors(self) -> None:
        """Raise the error found (or all of them, when several), so nothing is written."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise PreparationError(self.errors)

    def stage_label(self, stage: str) -> str:
        labels = self.registry.stage_labels if self.registry is not None else {}
        return labels.get(stage, stage)


def _attempt(errors: list[VanbanError], step: Callable[[], T]) -> T | None:
    """``step()``, or None with its error kept: every independent check runs."""
    try:
        return step()
    except VanbanError as exc:
        errors.append(exc)
        return None


def templates_of(request: RunRequest) -> Path:
    return Path(request.templates_dir) if request.templates_dir else default_templates_dir()


def prepare_plan(
    request: RunRequest,
    plan: Plan,
    *,
    registry: Registry | None = None,
    forms: ResultSources | None = None,
    warnings: Sequence[Problem] = (),
    errors: Sequence[VanbanError] = (),
) -> PreparedRun:
    """Resolve ``request`` against ``plan`` (already read, with its returned forms applied).

    ``registry`` is the run's, when the caller has loaded it already (else it is loaded from
    the request's templates); ``warnings`` and ``errors`` are what reading the workbook and the
    forms found. Every check here adds to them rather than stopping at the first.
    """
    found = list(errors)
    templates = templates_of(request)
    if registry is None:
        registry = _attempt(found, lambda: load_registry(templates))
    base = PreparedRun(request, plan, forms, registry, templates, warnings=tuple(warnings))
    if registry is None:
        return _with(base, found)
    stages = _attempt(found, lambda: choose_stages(registry, request.only))
    _attempt(found, lambda: check_documents_sheet(plan, registry, request.workbook or None))
    chosen = _attempt(found, lambda: select_units(plan, request.units))
    target = Path(request.out_dir) if request.out_dir else default_out_dir(plan, registry)
    every = _attempt(found, lambda: plan_jobs(plan, registry))
    if every is not None:
        # A name the OS refuses, for every document of the plan: exit 2, nothing written.
        _attempt(found, lambda: check_job_paths(every, target))
    units = tuple(chosen) if chosen is not None else None
    jobs: list[Job] = []
    if every is not None and stages is not None:
        jobs = [_explained(j, forms) for j in plan_jobs(plan, registry, units=units,
                                                          only=request.only)]
    # Every link on the way to what the run writes, refused now: said with the other problems,
    # before Prefect runs anything (the run checks again under the folder's lock).
    # An --out that is a file (or has one on its way) is bad input now, not once Prefect runs.
    _attempt(found, partial(check_out_folder, target))
    # A folder not there yet holds no link; one the OS refuses to name is said when the run
    # makes it (``prepare_folder``), in the clerk's words.
    if os.path.isdir(target):
        own = [target / name for name in RUN_FILES]
        _attempt(found, partial(refuse_links, target, own + [target / j.relpath for j in jobs]))
    # Every template the run will render, compiled (and cached for the run) and tried on its
    # first document before anything is written: a broken or refused one (a syntax error, a tag
    # the sandbox refuses when it runs) would otherwise leave half a stage issued.
    first: dict[str, Job] = {}
    for job in jobs:
        if job.pending is None:
            first.setdefault(job.kind.template, job)
    removed: list[Problem] = []
    for template, job in first.items():
        said = _attempt(found, partial(_try_template, templates / template, job, plan))
        removed += [Problem(None, None, w, "warning") for w in said or ()]
    prepared = PreparedRun(
        request, plan, forms, registry, templates, units, stages or (), target, tuple(jobs),
        warnings=(*warnings, *removed),
    )
    return _with(prepared, found)


def _try_template(template: Path, job: Job, plan: Plan) -> tuple[str, ...]:
    """Render ``job`` from ``template`` and drop the bytes: TemplateError if it cannot be.

    Returns what vanban takes out of the template for every document (an attached template,
    parts nothing uses), to be said with the run's warnings. A fault of the machine (reading
    the file) is left to the run, which says it per document.
    """
    try:
        context = job.kind.build_context(plan, job.unit)
    except Exception:  # noqa: BLE001 - the data's arrangement, not the template: said per document
        return template_warnings(template)
    try:
        render_docx(template, context)
    except OSError:
        pass
    return template_warnings(template)


def _explained(job: Job, forms: ResultSources | None) -> Job:
    """A report waiting for a unit's result says why in the forms' terms, when forms were read."""
    if forms is None or job.pending is None or job.kind.ready != "unit_has_result":
        return job
    why = forms.why_missing(job.unit_name)
    return replace(job, pending=why) if why else job


def _with(prepared: PreparedRun, errors: list[VanbanError]) -> PreparedRun:
    return replace(prepared, errors=tuple(errors))


def choose_stages(registry: Registry, only: Sequence[str]) -> tuple[str, ...]:
    """The stages a run goes through, in the registry's order; an unknown one is bad input."""
    unknown = [s for s in only if s not in registry.stages]
    if unknown:
        names = ", ".join(f"'{s}'" for s in unknown)
        raise InputError(
            f"--only: giai đoạn {names} không có trong danh mục văn bản {registry.source}; chọn "
            f"trong: {', '.join(registry.stages)}."
        )
    return tuple(s for s in registry.stages if not only or s in only)


def check_documents_sheet(plan: Plan, registry: Registry, source: str | None = None) -> None:
    """Every row of sheet "Văn bản" names a kind of the registry that reads it.

    A kind is named by its key or its label. Only kinds with the generic context read the whole
    row; the built-in ones keep their metadata where it was and may give only the registration
    columns (urgency, copies, reply date, file, note: ``DocumentMeta.changes_print``); a kind
    issued per unit takes each unit's own number, so its row may not give one. The workbook reader does not know the
    registry (a ``--templates`` folder may bring its own), so this is checked here, before
    anything is written.
    """
    sheet = DOCUMENTS.name
    by_name = {match_key(name): k for k in registry.kinds for name in (k.key, k.label)}
    labels = ", ".join(f'"{k.label}"' for k in registry.kinds if k.context == "generic")
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for row in plan.documents:
        kind = by_name.get(match_key(row.kind))
        if kind is not None and kind.key in seen:
            # Its key on one row and its label on another: the reader could not tell.
            problems.append(Problem(
                sheet, row.cell,
                f'"{kind.label}" đã có dòng ở ô {seen[kind.key]}; mỗi loại văn bản một dòng',
            ))
        elif kind is not None:
            seen[kind.key] = row.cell
        if kind is None:
            problems.append(Problem(
                sheet, row.cell,
                f'loại văn bản "{row.kind}" không có trong danh mục văn bản; ghi một trong: '
                f"{labels}",
            ))
        elif kind.context != "generic" and row.changes_print:
            problems.append(Problem(
                sheet, row.cell,
                f'"{kind.label}" chưa lấy thông tin từ sheet "{sheet}": số, ngày và '
                f"người ký của nó ghi ở {METADATA_SOURCES[kind.metadata]}; dòng này chỉ được "
                "ghi các cột đăng ký (độ khẩn, số bản, hạn trả lời, hồ sơ, ghi chú đặc tả)",
            ))
        elif kind.scope == "unit" and row.number is not None:
            problems.append(Problem(
                sheet, row.cells.get("number", row.cell),
                f'"{kind.label}" phát hành theo từng đơn vị, mỗi văn bản có số riêng '
                f"({METADATA_SOURCES[kind.metadata]}); hãy để trống ô số",
            ))
    if problems:
        raise WorkbookError(problems, source)


__all__ = [
    "PreparedRun",
    "RunRequest",
    "check_documents_sheet",
    "choose_stages",
    "prepare_plan",
    "templates_of",
]
