"""The layers of the library, enforced on every module at every depth.

Each subpackage may import only the layers listed for it below (and itself); nothing under
``vanban/`` imports Prefect or the flows, except the CLI, and it only inside the functions of the
commands that run a flow, so that importing any of vanban never starts Prefect.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "vanban"

BASE = {"errors", "text"}
ALLOWED: dict[str, set[str] | None] = {
    "text": set(),
    "errors": set(),
    "files": {"errors"},
    "model": {"text"},
    # Annex VI's metadata fields and lengths, which every layer that reads or writes them shares.
    "metadata": set(),
    "workbook": BASE | {"model", "files", "metadata"},
    # What an output folder holds, named once for every layer that reads or writes one.
    "outdir": BASE | {"files"},
    # The schema's order of WordprocessingML elements, for the builder and the engine alike.
    "wordml": set(),
    "decree30": BASE | {"files", "outdir", "wordml"},
    # The engine renders any context: it knows no plan, unit or kind of document.
    "rendering": BASE | {"files", "wordml"},
    "documents": BASE | {"model", "files", "workbook", "decree30", "rendering", "metadata"},
    "forms": BASE | {"model", "files", "outdir", "workbook", "documents", "issuing"},
    "issuing": BASE
    | {"model", "files", "outdir", "workbook", "documents", "rendering", "metadata"},
    "pdf": BASE | {"files"},
    # What the records office registers and sends, from the metadata: bytes in, bytes out.
    "registering": BASE | {"files", "outdir", "metadata"},
    "review": BASE
    | {"model", "files", "outdir", "decree30", "documents", "rendering", "issuing", "pdf",
       "metadata", "registering"},
    "publishing": BASE
    | {"model", "files", "outdir", "workbook", "documents", "issuing", "pdf", "review",
       "metadata", "registering"},
    # The Prefect servers run as child processes: the package never imports Prefect itself.
    "server": BASE | {"files", "outdir"},
    # Preparing a run reads the workbook and the returned forms and resolves the rest.
    "prepare": BASE | {"model", "workbook", "documents", "issuing", "forms"},
    "cli": None,  # the application: any layer
    "desk": None,  # the other application, the clerk's web desk: any layer
    "__init__": None,  # the public API: any layer but the CLI
    "__main__": {"cli"},
}
ORCHESTRATION = ("prefect", "flows", "vanban_flows")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _layer(path: Path, package: Path = PACKAGE) -> str:
    return path.relative_to(package).with_suffix("").parts[0]


def _imports(path: Path, package_dir: Path = PACKAGE) -> list[tuple[str, bool]]:
    """Every module ``path`` imports, absolute, with whether it is inside a function."""
    tree = ast.parse(path.read_text("utf-8"))
    package = ["vanban", *path.relative_to(package_dir).parts[:-1]]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - child.level + 1]
                    name = ".".join(base + ([child.module] if child.module else []))
                else:
                    name = child.module or ""
                found.append((name, in_function))
                if name == "vanban":  # "from vanban import x": x is a layer
                    found.extend((f"vanban.{a.name}", in_function) for a in child.names)
            visit(child, nested)

    visit(tree, False)
    return found


def test_every_layer_is_declared() -> None:
    layers = {_layer(p) for p in _modules()}
    assert layers <= set(ALLOWED), layers - set(ALLOWED)


def _violations(path: Path, package: Path = PACKAGE) -> list[str]:
    layer = _layer(path, package)
    allowed = ALLOWED[layer]
    where = path.relative_to(package.parent).as_posix()
    out = []
    for name, in_function in _imports(path, package):
        top = name.split(".")[0]
        if top in ORCHESTRATION:
            if not (layer == "cli" and in_function):
                out.append(f"{where} imports {name}: only the CLI may, inside a function")
            continue
        if top != "vanban" or name == "vanban":
            continue
        target = name.split(".")[1]
        if target == layer or (allowed is None and layer != "__init__"):
            continue
        if layer == "__init__":
            if target == "cli":
                out.append(f"the public API must not import the CLI ({name})")
        elif target not in allowed:
            out.append(f"{where} ({layer}) imports {name}")
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_imports_only_lower_layers(path: Path) -> None:
    assert _violations(path) == []


def test_the_rules_catch_a_violation(tmp_path: Path) -> None:
    """The walker itself: upward, relative and Prefect imports are all found."""
    package = tmp_path / "vanban"
    (package / "text").mkdir(parents=True)
    probe = package / "text" / "probe.py"
    probe.write_text(
        "from vanban.issuing.run import run_issue\nfrom ..model import Plan\n"
        "def f():\n    import prefect\n",
        "utf-8",
    )
    found = _violations(probe, package)
    assert len(found) == 3, found
    assert any("vanban.model" in v for v in found)
