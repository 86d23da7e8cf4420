"""Shared fixtures: the example workbook, one issued document set, quiet Prefect."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Prefect: no usage heartbeat racing the test database, quiet logs.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "thap-muoi-2022.xlsx"
TEMPLATES = ROOT / "templates" / "docx"
SEED = Path(__file__).resolve().parent / "golden" / "seed-6662-kh-ubnd-2022.txt"


@pytest.fixture(scope="session")
def example_workbook() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def example_plan():  # type: ignore[no-untyped-def]
    from vanban.loader import load_plan

    return load_plan(EXAMPLE)


def issue_all(plan, out: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """Issue every ready document of a plan without Prefect; return the written paths."""
    from vanban.issuing import Issuer, plan_jobs

    issuer = Issuer(plan, out, TEMPLATES)
    written = []
    for job in plan_jobs(plan):
        if job.pending is None:
            issuer.issue(job)
            written.append(out / job.relpath)
    return written


@pytest.fixture(scope="session")
def example_docs(tmp_path_factory: pytest.TempPathFactory, example_plan) -> Path:  # type: ignore[no-untyped-def]
    """The example's whole document set, issued once for the session (library only)."""
    out = tmp_path_factory.mktemp("example-docs")
    issue_all(example_plan, out)
    return out


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A throwaway Prefect database for the session's flow runs."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A copy of the example workbook in a fresh folder."""
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    return tmp_path
