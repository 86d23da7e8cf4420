"""Helpers of the result-form tests: a workbook without results, forms filled like a unit would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.conftest import EXAMPLE
from vanban.forms import layout as L
from vanban.model import Plan, Result


def bare_workbook(path: Path) -> Path:
    """The example with the "Kết quả" and "Ý kiến" rows removed: forms are the only source."""
    wb = load_workbook(EXAMPLE)
    for name in ("Kết quả", "Ý kiến"):
        ws = wb[name]
        ws.delete_rows(2, ws.max_row)
    wb.save(path)
    return path


def inputs_of(result: Result) -> dict[str, Any]:
    """What a unit types into its form for ``result``, by the form's field keys."""
    s = result.signer
    return {
        "number": result.report.number,
        "date": result.report.date,
        "steering": result.steering,
        "officials": result.officials,
        "poor": result.poor,
        "near_poor": result.near_poor,
        "issuer_delegates": result.issuer_delegates,
        "policies": result.policies,
        "proposals": result.proposals or None,
        "spent": result.spent,
        "authority": "TM." if s.collective else s.authority,
        "signer_title": s.title,
        "signer_name": s.name,
    }


def fill(form: Path, plan: Plan, result: Result, out: Path, **changes: Any) -> Path:
    """Fill ``form`` as Excel would (through openpyxl) with ``result``; ``changes`` by cell or key."""
    wb = load_workbook(form)
    ws = wb[L.FORM_SHEET]
    lay = L.Layout(len(plan.topics))
    for key, value in inputs_of(result).items():
        ws[lay.cells[key]].value = value
    for o in result.opinions:
        cells = lay.opinion_cells(o.topic)
        ws[cells["raised"]].value = o.raised
        ws[cells["answered"]].value = o.answered
        ws[cells["passed_up"]].value = o.passed_up
        ws[cells["content"]].value = o.content or None
    for key, value in changes.items():
        ws[lay.cells.get(key, key)].value = value
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def fill_all(forms_dir: Path, plan_with_results: Plan, out_dir: Path) -> Path:
    """Every form of ``forms_dir`` filled with the results ``plan_with_results`` gives its unit."""
    results = {u.name: u.result for u in plan_with_results.units}
    for form in sorted(forms_dir.glob("*.xlsx")):
        unit = _unit_of(form)
        result = results[unit]
        assert result is not None
        fill(form, plan_with_results, result, out_dir / form.name)
    return out_dir


def _unit_of(form: Path) -> str:
    wb = load_workbook(form)
    rows = wb[L.IDENTITY_SHEET].iter_rows(values_only=True)
    return str(dict((str(r[0]), r[1]) for r in rows)["unit"])
