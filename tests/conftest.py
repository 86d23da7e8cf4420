"""Shared fixtures: the example workbook, one issued document set, quiet Prefect."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Prefect: no usage heartbeat racing the test database, quiet logs.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# The review's record of format findings goes to the user's cache: the tests keep their own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="vanban-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "thap-muoi-2022.xlsx"
TEMPLATES = ROOT / "templates" / "docx"
# What the example issues: the plan, the decision, the annex, 13 invitations, the sign-in lists of
# the 2 units with a roster, 13 reports and the summary (the other 11 units have no roster, so
# their lists are not expected).
EXAMPLE_ISSUED = 32
SEED = Path(__file__).resolve().parent / "golden" / "seed-6662-kh-ubnd-2022.txt"


@pytest.fixture(scope="session")
def example_workbook() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def example_plan():  # type: ignore[no-untyped-def]
    from vanban.workbook.loader import load_plan

    return load_plan(EXAMPLE)


def issue_all(plan, out: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """Issue every ready document of a plan through the library's run (no Prefect)."""
    from vanban.issuing.run import run_issue

    report = run_issue(plan, out_dir=out, templates_dir=TEMPLATES)
    assert report.exit_code == 0, [(s.job.relpath, s.reason) for s in report.statuses]
    return [out / s.job.relpath for s in report.statuses if s.status in ("issued", "unchanged")]


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

    # A busy machine (a CI runner, the other core compiling) needs far more than the default 30 s.
    with prefect_test_harness(server_startup_timeout=300):
        yield


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A copy of the example workbook in a fresh folder."""
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    return tmp_path
