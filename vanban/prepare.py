"""Preparing a run: the one function that turns what a user gives into a run ready to issue.

:func:`prepare_run` reads the workbook once, reads the returned result forms into it, loads the
registry of the run's templates, and resolves the units, stages, target folder and documents,
collecting every problem on the way (errors and warnings with their file, sheet and cell). It
writes nothing. ``vanban check``, ``vanban run``, the flow, the benches and the desk all call
it; the core run (``vanban.issuing.run.issue_prepared``) takes what it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vanban.documents.kinds import load_registry
from vanban.errors import Problem, VanbanError, WorkbookError
from vanban.forms.collecting import collect_forms
from vanban.forms.receipts import FormIndex
from vanban.issuing.prepared import (
    PreparedRun,
    RunRequest,
    choose_stages,
    prepare_plan,
    templates_of,
)
from vanban.workbook.loader import collect_problems


def prepare_run(
    workbook: Path | str,
    *,
    out_dir: Path | str | None = None,
    results_dir: Path | str | None = None,
    units: Sequence[str] = (),
    only: Sequence[str] = (),
    templates_dir: Path | str | None = None,
    force: bool = False,
) -> PreparedRun:
    """The run the user asked for, prepared; check ``.ok`` or call ``.raise_errors()``."""
    request = RunRequest(
        workbook=str(workbook),
        out_dir=_text(out_dir),
        results_dir=_text(results_dir),
        units=tuple(units),
        only=tuple(only),
        templates_dir=_text(templates_dir),
        force=force,
    )
    return prepare(request)


def prepare(request: RunRequest) -> PreparedRun:
    """:func:`prepare_run` for a request already made (a flow's parameters)."""
    plan, found = collect_problems(request.workbook)
    warnings = [p for p in found if not p.is_error]
    errors: list[VanbanError] = [] if plan else [WorkbookError(found, request.workbook)]
    try:
        registry = load_registry(templates_of(request))
    except VanbanError as exc:
        return PreparedRun(request, plan, errors=(*errors, exc), warnings=tuple(warnings))
    if plan is None:
        # What needs no plan is still checked, so that every problem is said at once.
        try:
            choose_stages(registry, request.only)
        except VanbanError as exc:
            errors.append(exc)
        return PreparedRun(request, None, errors=tuple(errors), warnings=tuple(warnings))
    forms: FormIndex | None = None
    try:
        read, forms = collect_forms(plan, request.results_dir, registry)
    except VanbanError as exc:
        errors.append(exc)  # the other checks still run, on the plan without the forms
    else:
        # The forms' warnings come as the plan's new lines (each names its file, sheet, cell).
        warnings += [Problem(None, None, w, "warning") for w in read.warnings[len(plan.warnings):]]
        plan = read
    return prepare_plan(
        request, plan, registry=registry, forms=forms, warnings=warnings, errors=errors
    )


def _text(path: Path | str | None) -> str | None:
    return str(path) if path is not None and str(path) else None


__all__ = ["PreparedRun", "RunRequest", "prepare", "prepare_run"]
