"""A clerk's text is never dropped: "Ý kiến / Nội dung chính" is printed in the unit's report,
under the topic it belongs to, as text (never evaluated), and only where the clerk wrote it."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests.conftest import TEMPLATES
from tests.hostile.hostile_workbooks import cli, example_with, write
from tests.plans import warns_of_nothing_but_codes
from tests.workbook_mutations import OPINIONS, both, put
from vanban.decree30.checker import check_folder
from vanban.workbook.loader import load_plan

LABEL = "– Nội dung chính: "
REPORT = Path("04-bao-cao-ket-qua") / "xa-my-quy.docx"


def _opinion_rows(path: Path) -> list[list[str]]:
    """The rows of the report's opinions table (the one headed "Nhóm chủ đề")."""
    document = docx.Document(str(path))
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and "Nhóm chủ đề" in rows[0]:
            return rows[1:]
    raise AssertionError("no opinions table")


def _issue_reports(tmp_path: Path, workbook: Path) -> Path:
    out = tmp_path / "out"
    outcome = cli(tmp_path, "run", str(workbook), "--out", str(out), "--only", "reports",
                  "--unit", "Xã Mỹ Quý", out=out)  # fmt: skip
    assert outcome.code == 0, outcome.text
    return out


@pytest.mark.usefixtures("prefect_harness")
def test_each_topics_content_is_printed_under_that_topic_only(tmp_path: Path) -> None:
    # Rows 2-4 of "Ý kiến" are Xã Mỹ Quý's topics 1-3; topic 2 has no content.
    changes = both(put(OPINIONS, "F2", "Vay vốn chăn nuôi bò"),
                   put(OPINIONS, "F4", "Cấp thẻ bảo hiểm y tế\ncho hộ cận nghèo"))  # fmt: skip
    out = _issue_reports(tmp_path, write(tmp_path / "ke-hoach.xlsx", example_with(changes)))
    rows = _opinion_rows(out / REPORT)
    assert rows[0][1].endswith("\n" + LABEL + "Vay vốn chăn nuôi bò")
    assert LABEL not in rows[1][1]
    assert rows[2][1].endswith("\n" + LABEL + "Cấp thẻ bảo hiểm y tế cho hộ cận nghèo")
    assert [r[2] for r in rows[:3]] == ["3", "4", "2"]  # the figures are unchanged
    assert not check_folder(out).get(out / REPORT)  # the report still keeps Decree 30's format


@pytest.mark.usefixtures("prefect_harness")
def test_content_that_looks_like_a_template_tag_is_printed_as_written(tmp_path: Path) -> None:
    text = "Hỏi về {{ 7 * 7 }} và {% if true %}[red]nợ[/]{% endif %}"
    out = _issue_reports(tmp_path, write(tmp_path / "ke-hoach.xlsx",
                                         example_with(put(OPINIONS, "F3", text))))  # fmt: skip
    rows = _opinion_rows(out / REPORT)
    assert rows[1][1].endswith(LABEL + text)
    assert "49" not in rows[1][1]


def test_a_workbook_without_content_prints_no_content_line(tmp_path: Path) -> None:
    from vanban.issuing.run import run_issue

    path = write(tmp_path / "ke-hoach.xlsx", example_with())
    plan = load_plan(path)
    assert all(o.content == "" for u in plan.units if u.result for o in u.result.opinions)
    out = tmp_path / "out"
    report = run_issue(plan, out_dir=out, templates_dir=TEMPLATES, units=["Xã Mỹ Quý"],
                       only=["reports"])  # fmt: skip
    assert report.exit_code == 0
    assert all(LABEL not in row[1] for row in _opinion_rows(out / REPORT))
    # The edited template still passes the template linter, through the CLI.
    outcome = cli(tmp_path, "templates", "check", str(TEMPLATES), out=out)
    assert outcome.code == 0, outcome.text
    assert "Mọi mẫu đều hợp lệ" in outcome.text


def test_the_content_is_read_into_the_plan_by_topic(tmp_path: Path) -> None:
    path = write(tmp_path / "ke-hoach.xlsx", example_with(put(OPINIONS, "F5", "Nhà ở")))
    outcome = cli(tmp_path, "check", str(path))
    assert outcome.code == 0 and warns_of_nothing_but_codes(outcome.text)
    opinions = {u.name: u.result.opinions for u in load_plan(path).units if u.result}
    # Row 5 is the second unit's first topic.
    second = list(opinions.values())[1]
    assert [(o.topic, o.content) for o in second] == [(1, "Nhà ở"), (2, ""), (3, "")]
