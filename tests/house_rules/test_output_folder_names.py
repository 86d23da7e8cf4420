"""What an output folder holds is named in one module, ``vanban.outdir``: no other module of the
library or the flows spells one of those names, so the writers and the tools that walk a folder
cannot drift apart."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vanban import outdir

ROOT = Path(__file__).resolve().parents[2]
NAMES = {
    outdir.HISTORY_DIR,
    outdir.REVIEW_DIR,
    outdir.LOG_NAME,
    outdir.MANIFEST_NAME,
    outdir.LOCK_NAME,
    outdir.HOLDER_NAME,
    outdir.FORMS_DIR,
}


def _modules() -> list[Path]:
    found = [*(ROOT / "vanban").rglob("*.py"), *(ROOT / "flows").rglob("*.py")]
    return sorted(p for p in found if "__pycache__" not in p.parts and p.name != "outdir.py")


def _spelled(path: Path) -> list[str]:
    """String literals in ``path`` that are one of the names, or a path starting with one."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if any(value == name or value.startswith(f"{name}/") for name in NAMES):
                found.append(f"line {node.lineno}: {value!r}")
    return found


def test_the_names_are_distinct() -> None:
    assert len(NAMES) == 7


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_but_outdir_spells_a_name_of_the_output_folder(path: Path) -> None:
    assert _spelled(path) == []


def test_the_rule_catches_a_spelled_name(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text('HISTORY = ".history"\nPATH = "06-phieu-ket-qua/x.xlsx"\nOK = "review page"\n')
    assert _spelled(probe) == ["line 1: '.history'", "line 2: '06-phieu-ket-qua/x.xlsx'"]
