"""House rules a reviewer would check by hand: the library never imports Prefect, every command is
documented, the README opens with the two commands and .ci/run calls the second."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

import vanban
from vanban.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")
MODULES = sorted(m.name for m in pkgutil.walk_packages(vanban.__path__, "vanban."))


@pytest.mark.parametrize("module", MODULES)
def test_library_module_does_not_import_prefect(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m == 'prefect' or m.startswith('prefect.')); "
        "print(bad[:3]); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_library_source_names_prefect() -> None:
    for path in sorted((ROOT / "vanban").rglob("*.py")):
        text = path.read_text("utf-8")
        assert not re.search(r"^\s*(import|from)\s+prefect", text, re.M), path.name


def _commands(group: Any, prefix: str = "vanban") -> list[str]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        if hasattr(cmd, "commands"):  # a group (Typer may bring its own click classes)
            out += _commands(cmd, full)
        else:
            out.append(full)
    return out


def test_every_command_is_documented_in_the_readme() -> None:
    root = typer.main.get_command(app)
    commands = _commands(root)
    assert len(commands) >= 8
    for command in commands:
        assert f"`{command}" in README, f"{command} is not in README.md"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block is not None and README.index("```bash") < 40
    lines = [line for line in first_block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "vanban run inputs/thap-muoi-2022.xlsx" in lines[0]
    assert "pytest" in lines[1]
    assert lines[1].strip() in (ROOT / ".ci" / "run").read_text("utf-8")


def test_outputs_folder_is_ignored_by_git() -> None:
    ignore = (ROOT / ".gitignore").read_text("utf-8")
    assert "/outputs/*" in ignore


def test_the_readme_lists_what_the_registry_declares() -> None:
    """Stages and output names come from kinds.toml; the README must not drift from it."""
    from vanban.documents.kinds import default_registry

    registry = default_registry()
    only = next(line for line in README.splitlines() if "`--only` takes" in line)
    following = README[README.index(only) :][:400]
    for stage in registry.stages:
        assert f"`{stage}`" in following, stage
    comes_out = README[README.index("## What comes out") :]
    for kind in registry.kinds:
        assert kind.output.replace("{unit}", "<unit>") in comes_out, kind.output


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    """pyproject lists the packages (the templates and flows are mapped from other folders):
    a subpackage missing from the list would be missing from every installed vanban."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "vanban").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= listed, found - listed


def test_every_document_status_has_its_labels() -> None:
    """The statuses a type checker knows (``DocState``) are the ones the terminal and the review
    page can name: a status added to one and not the other would print as unknown."""
    from typing import get_args

    from vanban.issuing.jobs import STATUSES, DocState

    assert list(STATUSES) == list(get_args(DocState))


def test_the_readme_describes_each_sheet_as_the_schema_does() -> None:
    """The workbook's schema is its one definition: the README's sheet sections follow from it
    (``python -m tools.readme_workbook`` prints them)."""
    from tools.readme_workbook import sheet_section
    from vanban.workbook import schema

    for sheet in schema.SHEETS:
        assert sheet_section(sheet) in README, f'README: run python -m tools.readme_workbook ({sheet.name})'
