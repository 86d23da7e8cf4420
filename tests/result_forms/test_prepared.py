"""Returned forms in a prepared run: checked by ``vanban check``, read once by ``vanban run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.result_forms.filling import fill
from tests.workbook_mutations import run_main
from vanban.model import Plan
from vanban.workbook.loader import load_plan


def test_check_reads_the_returned_forms(bare: Path, returned: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run_main(["check", str(bare), "--results", str(returned)])
    assert code == 0, stdout + stderr
    assert "Đã có kết quả: 13/13 đơn vị" in stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "xa-my-quy.xlsx").write_bytes(b"not a workbook")
    code, stdout, stderr = run_main(["check", str(bare), "--results", str(broken)])
    assert code == 2 and "xa-my-quy.xlsx" in stderr and "Traceback" not in stderr


@pytest.mark.usefixtures("prefect_harness")
def test_a_command_line_run_parses_the_workbook_once(
    bare: Path, returned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's parses of the workbook's own bytes: as many as one reading takes, no more."""
    from prefect.settings import PREFECT_API_URL

    import vanban.workbook.reader as reader
    from vanban.workbook.loader import load_plan

    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    workbook_bytes = bare.read_bytes()
    loads: list[str] = []
    real = reader.open_stream

    def counting(data: bytes, *args: Any, **kwargs: Any) -> Any:
        loads.append("workbook" if data == workbook_bytes else "other")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(reader, "open_stream", counting)
    load_plan(bare)
    one_reading = loads.count("workbook")
    assert one_reading >= 1
    loads.clear()
    code, stdout, stderr = run_main(
        ["run", str(bare), "--out", str(tmp_path / "out"), "--only", "reports",
         "--results", str(returned)]
    )  # fmt: skip
    assert code == 0, stdout + stderr
    assert loads.count("workbook") == one_reading
    assert loads.count("other") == 13  # each returned form, once
    assert len(list((tmp_path / "out" / "04-bao-cao-ket-qua").glob("*.docx"))) == 13


def test_a_form_that_disagrees_with_the_sheet_is_named_without_reading_the_workbook_again(
    example_plan: Plan, blank_forms: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheet's cell comes from the plan as read: one reading of the workbook, exit 2."""
    import vanban.workbook.reader as reader
    from tests.conftest import EXAMPLE

    folder = tmp_path / "returned"
    folder.mkdir()
    quy = next(u for u in example_plan.units if u.name == "Xã Mỹ Quý")
    assert quy.result is not None
    fill(blank_forms / "xa-my-quy.xlsx", example_plan, quy.result, folder / "xa-my-quy.xlsx",
         spent=quy.result.spent - 50_000)
    workbook_bytes = EXAMPLE.read_bytes()
    loads: list[bool] = []
    real = reader.open_stream

    def counting(data: bytes, *args: Any, **kwargs: Any) -> Any:
        loads.append(data == workbook_bytes)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(reader, "open_stream", counting)
    code, stdout, stderr = run_main(["check", str(EXAMPLE), "--results", str(folder)])
    assert code == 2 and 'bảng tính (sheet "Kết quả", ô K2) ghi 850.000' in stderr
    assert "Traceback" not in stderr
    one_reading = loads.count(True)
    loads.clear()
    load_plan(EXAMPLE)
    assert loads.count(True) == one_reading >= 1
