"""Fixtures of the hostile corpus: a canary outside the output folder, an issued folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import issue_all
from tests.hostile.support import Canary


@pytest.fixture
def canary(tmp_path: Path) -> Canary:
    return Canary(tmp_path)


@pytest.fixture(scope="session")
def issued_once(tmp_path_factory: pytest.TempPathFactory, example_plan) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("hostile-issued") / "out"
    issue_all(example_plan, out)
    return out


@pytest.fixture
def issued(tmp_path: Path, issued_once: Path) -> Path:
    """A fresh copy of the example's issued folder, log and manifest included."""
    out = tmp_path / "out"
    shutil.copytree(issued_once, out, symlinks=True)
    return out
