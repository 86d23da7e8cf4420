"""The round trip as a clerk types it: `vanban forms`, then `vanban run --results`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.command_line.test_cli import vanban
from tests.result_forms.filling import fill
from vanban.model import Plan
from vanban.outdir import FORMS_DIR


def test_forms_out_then_three_returned_forms_collected_by_the_run(
    bare: Path, example_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Prefect's temporary server gets 20 s to start; a machine shared by many needs longer.
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    out = tmp_path / "out"
    made = vanban("forms", str(bare), "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "Phiếu kết quả: 13 đơn vị (đã tạo 13)." in made.stdout
    assert str(out / FORMS_DIR) in made.stdout

    returned = tmp_path / "nhan-ve"
    units = {u.name: u for u in example_plan.units}
    for name, file in (("Xã Mỹ Quý", "xa-my-quy"), ("Xã Láng Biển", "xa-lang-bien"),
                       ("Thị trấn Mỹ An", "thi-tran-my-an")):
        result = units[name].result
        assert result is not None
        fill(out / FORMS_DIR / f"{file}.xlsx", example_plan, result, returned / f"{file}.xlsx")

    run = vanban("run", str(bare), "--results", str(returned), "--out", str(out),
                 "--only", "reports", "--only", "summary", home=tmp_path / "prefect")

    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    said = " ".join(run.stdout.split())
    assert "Phiếu kết quả đã nhận (3)" in said
    for name, file in (("Xã Mỹ Quý", "xa-my-quy"), ("Thị trấn Mỹ An", "thi-tran-my-an")):
        result = units[name].result
        assert result is not None and result.report.date is not None
        assert f"{name} │ {file}.xlsx │ {result.report.date:%d/%m/%Y}" in said
    assert "Còn chờ phiếu (10): Xã Mỹ Đông" in said
    assert sorted(p.name for p in (out / "04-bao-cao-ket-qua").iterdir()) == [
        "thi-tran-my-an.docx", "xa-lang-bien.docx", "xa-my-quy.docx"]
    assert not (out / "05-bao-cao-tong-hop.docx").exists()
    names = {i.name for u in example_plan.units for i in u.invitees}
    assert not [n for n in names if n in run.stdout + run.stderr + made.stdout + made.stderr]
