"""Session fixtures of the result-form tests: the plan without results, its forms, filled ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.result_forms.filling import bare_workbook, fill_all
from vanban.documents.kinds import default_registry
from vanban.forms.writing import write_forms
from vanban.model import Plan
from vanban.outdir import FORMS_DIR
from vanban.workbook.loader import load_plan


@pytest.fixture(scope="session")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bare_workbook(tmp_path_factory.mktemp("bare") / "ke-hoach.xlsx")


@pytest.fixture(scope="session")
def bare_plan(bare: Path) -> Plan:
    plan = load_plan(bare)
    assert plan.units_with_results == []
    return plan


@pytest.fixture(scope="session")
def blank_forms(tmp_path_factory: pytest.TempPathFactory, bare_plan: Plan) -> Path:
    out = tmp_path_factory.mktemp("forms")
    written = write_forms(bare_plan, out, default_registry())
    assert [w.status for w in written] == ["written"] * len(bare_plan.units)
    return out / FORMS_DIR


@pytest.fixture(scope="session")
def returned(tmp_path_factory: pytest.TempPathFactory, blank_forms: Path, example_plan: Plan
             ) -> Path:
    """Every unit's form, filled with the illustrative results of the example's sheets."""
    return fill_all(blank_forms, example_plan, tmp_path_factory.mktemp("returned"))
