"""The public API: ``vanban.__all__`` is complete, every name in it resolves, nothing else leaks."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import vanban
import vanban.errors


def test_every_name_in_all_resolves_to_what_its_module_defines() -> None:
    for name in vanban.__all__:
        value = getattr(vanban, name)
        if name == "__version__":
            assert isinstance(value, str) and value
            continue
        module = vanban._EXPORTS[name]
        assert value is getattr(sys.modules[module], name), name


def _imported_for_type_checkers() -> dict[str, str]:
    """What the ``if TYPE_CHECKING:`` block of vanban/__init__.py imports: name -> module."""
    tree = ast.parse(Path(vanban.__file__).read_text("utf-8"))
    blocks = [
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    ]
    assert len(blocks) == 1, "vanban/__init__.py has one `if TYPE_CHECKING:` block"
    found: dict[str, str] = {}
    for statement in blocks[0].body:
        assert isinstance(statement, ast.ImportFrom) and statement.module, ast.dump(statement)
        for alias in statement.names:
            # "import x as x": the form that marks a re-export for mypy's strict mode.
            assert alias.asname == alias.name, f"{alias.name} is re-exported as itself"
            found[alias.name] = statement.module
    return found


def test_type_checkers_see_every_exported_name_from_its_module() -> None:
    """The lazy exports and the block that gives them their types name the same things."""
    assert _imported_for_type_checkers() == vanban._EXPORTS


def test_all_names_every_error_of_the_tree() -> None:
    errors = {
        name
        for name, value in vars(vanban.errors).items()
        if inspect.isclass(value) and value.__module__ == "vanban.errors"
    }
    assert errors and errors <= set(vanban.__all__), errors - set(vanban.__all__)


def test_all_is_complete_against_the_docs() -> None:
    """Every public name the package docstring uses is exported."""
    doc = vanban.__doc__ or ""
    used = {word.split("(")[0] for word in doc.split("vanban.")[1:] if "(" in word.split()[0]}
    assert used and used <= set(vanban.__all__), used - set(vanban.__all__)


def test_unknown_names_are_attribute_errors() -> None:
    try:
        vanban.nothing_here  # noqa: B018
    except AttributeError as exc:
        assert "nothing_here" in str(exc)
    else:
        raise AssertionError("vanban.nothing_here resolved")


def test_importing_vanban_loads_no_heavy_module() -> None:
    """``import vanban`` is what every command pays: the API loads on first use."""
    code = (
        "import sys, vanban; "
        "heavy = [m for m in ('docx', 'docxtpl', 'openpyxl', 'jinja2', 'prefect') "
        "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
