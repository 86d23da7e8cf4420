"""The run's summary as ``vanban run`` prints it: what waits and what is not needed, apart.

The formatter is given the statuses a run would report for the example's plan with two units'
results (every ready document issued), without rendering anything.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from tools.example_workbook import seed_data, write_workbook
from vanban.cli.report import run_summary
from vanban.documents.kinds import default_registry
from vanban.issuing.jobs import DocStatus, RunReport, plan_jobs
from vanban.workbook.loader import load_plan


def _summary(with_results: set[str] | None, tmp_path: Path) -> list[str]:
    data = seed_data()
    data["with_results"] = with_results
    plan = load_plan(write_workbook(tmp_path / "plan.xlsx", data))
    statuses = [
        DocStatus(job, job.held or "issued", job.pending)
        for job in plan_jobs(plan, default_registry())
    ]
    buffer = io.StringIO()
    run_summary(Console(file=buffer, width=300, highlight=False), RunReport(tmp_path, statuses))
    return buffer.getvalue().splitlines()


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _summary({"Xã Mỹ Quý", "Xã Mỹ Đông"}, tmp_path_factory.mktemp("partial"))


def test_the_total_line_shows_pending_and_not_needed_apart(partial: list[str]) -> None:
    # 11 reports and the summary wait for results; the 11 lists of units without a roster are
    # not needed at all.
    assert "Tổng: đã phát hành 20, chờ 12, không cần lập 11." in partial


def test_the_table_has_a_column_for_each(partial: list[str]) -> None:
    header = next(line for line in partial if "đã phát hành" in line and "Văn bản" in line)
    assert header.split("┃")[2:5] == [" đã phát hành ", " chờ ", " không cần lập "]
    [lists] = [line for line in partial if line.startswith("│ Danh sách tham dự ")]
    assert [cell.strip() for cell in lists.split("│")[2:5]] == ["2", "", "11"]


def test_what_waits_and_what_is_not_needed_are_said_apart_with_their_reasons(
    partial: list[str],
) -> None:
    [reports] = [line for line in partial if line.startswith("… Báo cáo kết quả ")]
    assert "và 7 đơn vị khác" in reports and 'sheet "Kết quả"' in reports
    [lists] = [line for line in partial if "Danh sách tham dự" in line and "(" in line]
    assert lists.startswith("– Danh sách tham dự, không cần lập (")
    assert 'sheet "Danh sách mời"' in lists
    # The not-needed lists are said after everything that waits.
    assert partial.index(lists) > partial.index(reports)


def test_with_every_result_nothing_reads_as_waiting(tmp_path: Path) -> None:
    lines = _summary(None, tmp_path)
    assert "Tổng: đã phát hành 32, không cần lập 11." in lines
    assert not [line for line in lines if line.startswith("…")]
    header = next(line for line in lines if "đã phát hành" in line and "Văn bản" in line)
    assert " chờ " not in header
