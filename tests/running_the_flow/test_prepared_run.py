"""A run is prepared once, from the run's own registry, and reaches its flow without a global.

- ``--only`` and the progress labels come from the ``--templates`` folder's own registry;
- ``vanban check`` takes ``--templates`` and reports what ``run`` would (``--results``: see
  tests/result_forms/test_prepared.py, with the count of openpyxl's loads of a run);
- the prepared run reaches the flow through the calling context only, so two plans run from two
  threads of one process each see their own.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, TEMPLATES
from tests.workbook_mutations import run_main
from vanban.errors import InputError, PreparationError, UnknownUnitError, WorkbookError
from vanban.issuing.prepared import PreparedRun
from vanban.prepare import prepare_run

DRAFT_STAGE = """
[[kind]]
key = "du_thao"
label = "Dự thảo thông báo"
template = "du-thao.docx"
scope = "plan"
stage = "draft"
output = "00-du-thao.docx"
ready = "always"
type = "TB"
metadata = "plan"
"""


@pytest.fixture
def own_registry(tmp_path: Path) -> Path:
    """A templates folder whose kinds.toml declares a stage "draft" the shipped one has not."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    doc = Document()
    doc.add_paragraph("{{ doc.issuer_name | hoa }} – Dự thảo: {{ plan.dialogue_name }}")
    doc.save(str(folder / "du-thao.docx"))
    registry = folder / "kinds.toml"
    text = registry.read_text("utf-8").replace(
        "[stages]\n", '[stages]\ndraft = "Bản dự thảo riêng"\n', 1
    )
    registry.write_text(text + DRAFT_STAGE, "utf-8")
    return folder


def _with_row_for(kind: str, tmp_path: Path) -> Path:
    """The example with a row of sheet "Văn bản" naming ``kind``."""
    workbook = tmp_path / "with-row.xlsx"
    wb = load_workbook(EXAMPLE)
    wb["Văn bản"].append([kind, None, "08/11/2022"])
    wb.save(workbook)
    return workbook


@pytest.mark.usefixtures("prefect_harness")
def test_only_takes_a_stage_of_the_templates_own_registry(
    own_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    out = tmp_path / "out"
    code, stdout, stderr = run_main(
        ["run", str(EXAMPLE), "--out", str(out), "--templates", str(own_registry),
         "--only", "draft"]
    )  # fmt: skip
    assert code == 0, stdout + stderr
    assert sorted(p.name for p in out.glob("*.docx")) == ["00-du-thao.docx"]
    # The progress names the stage as the folder's registry labels it.
    assert "Bản dự thảo riêng: 1/1 văn bản" in stderr
    # Without the folder the stage does not exist: bad input, named, nothing written.
    code, stdout, stderr = run_main(
        ["run", str(EXAMPLE), "--out", str(tmp_path / "none"), "--only", "draft"]
    )
    assert code == 2 and "'draft'" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "none").exists()


def test_check_reads_the_documents_sheet_against_the_templates_registry(
    own_registry: Path, tmp_path: Path
) -> None:
    workbook = _with_row_for("du_thao", tmp_path)
    code, stdout, stderr = run_main(["check", str(workbook)])
    assert code == 2 and 'Sheet "Văn bản", ô A' in stderr and "du_thao" in stderr
    code, stdout, stderr = run_main(["check", str(workbook), "--templates", str(own_registry)])
    assert code == 0, stdout + stderr
    assert "Bảng tính hợp lệ" in stdout
    assert not any(tmp_path.glob("outputs")) and not Path("outputs", "none").exists()


def test_every_problem_of_a_run_is_found_at_once(tmp_path: Path) -> None:
    """An unknown stage, an unknown unit and a bad "Văn bản" row: all three, nothing written."""
    workbook = _with_row_for("không có loại này", tmp_path)
    prepared = prepare_run(
        workbook, out_dir=tmp_path / "out", units=["Xã Không Có"], only=["draft"]
    )
    assert not prepared.ok
    kinds = sorted(type(e).__name__ for e in prepared.errors)
    assert kinds == sorted([InputError.__name__, UnknownUnitError.__name__,
                            WorkbookError.__name__])  # fmt: skip
    cells = [(p.sheet, p.cell) for p in prepared.problems if p.sheet and p.is_error]
    assert cells and all(sheet == "Văn bản" for sheet, _ in cells)
    with pytest.raises(PreparationError) as caught:
        prepared.raise_errors()
    assert caught.value.exit_code == 2 and len(caught.value.errors) == 3
    assert not (tmp_path / "out").exists()
    code, stdout, stderr = run_main(
        ["run", str(workbook), "--out", str(tmp_path / "out"), "--unit", "Xã Không Có",
         "--only", "draft"]
    )  # fmt: skip
    assert code == 2 and "'draft'" in stderr and "Xã Không Có" in stderr
    assert "không có loại này" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out").exists()


def test_a_prepared_run_reaches_only_its_own_context(tmp_path: Path) -> None:
    """Two threads hand over two prepared runs at once: each sees its own, for its own request."""
    from vanban_flows.handoff import handing_over, prepared_for

    runs = [prepare_run(EXAMPLE, out_dir=tmp_path / name) for name in ("a", "b")]
    assert all(r.ok for r in runs)
    seen: dict[int, tuple[PreparedRun | None, PreparedRun | None]] = {}
    both_inside = threading.Barrier(2)

    def work(i: int) -> None:
        mine, other = runs[i], runs[1 - i]
        with handing_over(mine):
            both_inside.wait(timeout=30)  # both hand-overs are in force now
            seen[i] = (
                prepared_for(mine.request.parameters()),
                prepared_for(other.request.parameters()),
            )

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert seen[0][0] is runs[0] and seen[1][0] is runs[1]
    assert seen[0][1] is None and seen[1][1] is None
    assert prepared_for(runs[0].request.parameters()) is None  # nothing outside the block


def test_a_bad_workbook_does_not_hide_an_unknown_stage(tmp_path: Path) -> None:
    """What needs no plan (the registry, --only) is checked even when the workbook is bad."""
    workbook = tmp_path / "bad.xlsx"
    wb = load_workbook(EXAMPLE)
    wb["Đơn vị"]["D7"] = "ba mươi"
    wb.save(workbook)
    prepared = prepare_run(workbook, only=["draft"])
    assert [type(e) for e in prepared.errors] == [WorkbookError, InputError]
    assert prepared.plan is None
    code, stdout, stderr = run_main(["check", str(workbook), "--only", "draft"])
    assert code == 2 and 'Sheet "Đơn vị", ô D7' in stderr and "'draft'" in stderr
