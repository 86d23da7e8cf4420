"""The public API: ``vanban.__all__`` is complete, every name in it resolves, nothing else leaks."""

from __future__ import annotations

import inspect
import subprocess
import sys

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
