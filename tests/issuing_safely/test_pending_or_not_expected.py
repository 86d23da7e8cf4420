"""What a run cannot issue is of two sorts, counted apart everywhere a count is shown.

"pending": work still to come (a unit's report waiting for its results, the summary waiting for
every report); "not_expected": what the plan does not call for (the sign-in list of a unit
without a roster, sheet "Danh sách mời" being optional). The run's report, manifest.json, the
progress totals and the review page all say the same.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_ISSUED, TEMPLATES
from tools.example_workbook import seed_data, write_workbook
from vanban import issue_prepared, prepare_run
from vanban.documents.kinds import default_registry
from vanban.errors import TransientIOError
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import DocStatus, Job, RunReport, plan_jobs
from vanban.issuing.run import failure, issue_batch, run_issue
from vanban.review.inputs import list_documents
from vanban.review.page import ReviewPage, render_page
from vanban.workbook.loader import load_plan

LIST = "danh_sach"  # the sign-in list: called for only where the unit has a roster
NO_ROSTER = 11  # the example's units without a row in "Danh sách mời" (2 of 13 have one)
WITH_RESULTS = {"Xã Mỹ Quý", "Xã Mỹ Đông"}


@dataclass
class Stages:
    """The run's Progress hook, keeping each stage's total."""

    totals: list[tuple[str, int]] = field(default_factory=list)

    def stage(self, stage: str, label: str, total: int) -> None:
        self.totals.append((stage, total))

    def done(self, status: DocStatus) -> None:
        pass


@dataclass(frozen=True)
class ExampleRun:
    report: RunReport
    stages: Stages
    manifest: dict[str, Any]


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> ExampleRun:
    out = tmp_path_factory.mktemp("example") / "out"
    prepared = prepare_run(EXAMPLE, out_dir=out, templates_dir=TEMPLATES)
    prepared.raise_errors()
    stages = Stages()
    report = issue_prepared(prepared, progress=stages)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return ExampleRun(report, stages, manifest)


@pytest.fixture(scope="module")
def partial_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's plan where only two units have their results so far."""
    data = seed_data()
    data["with_results"] = WITH_RESULTS
    return write_workbook(tmp_path_factory.mktemp("partial") / "partial.xlsx", data)


def test_the_example_counts_its_lists_without_a_roster_as_not_expected(
    example_run: ExampleRun,
) -> None:
    report = example_run.report
    assert report.count("issued") == EXAMPLE_ISSUED
    assert report.count("not_expected") == NO_ROSTER
    assert report.count("pending") == 0  # nothing outstanding: every unit has its results
    assert report.exit_code == 0
    plan = load_plan(EXAMPLE)
    without_roster = {u.name for u in plan.units if not u.invitees}
    assert len(without_roster) == NO_ROSTER
    not_expected = [s for s in report.statuses if s.status == "not_expected"]
    assert {s.job.unit_name for s in not_expected} == without_roster
    assert {s.job.kind.key for s in not_expected} == {LIST}
    # Each keeps its reason: the roster sheet has no row for the unit.
    assert all('"Danh sách mời"' in (s.reason or "") for s in not_expected)


def test_the_manifest_says_not_expected_with_the_reason(example_run: ExampleRun) -> None:
    documents = example_run.manifest["documents"]
    assert Counter(d["status"] for d in documents) == {
        "issued": EXAMPLE_ISSUED,
        "not_expected": NO_ROSTER,
    }
    for d in documents:
        if d["status"] == "not_expected":
            assert d["kind"] == LIST and d["path"] is None
            assert '"Danh sách mời"' in d["reason"]


def test_a_stage_total_counts_only_what_the_plan_calls_for(example_run: ExampleRun) -> None:
    # 13 invitations and the 2 lists of the units with a roster: not the 11 lists without one.
    totals = dict(example_run.stages.totals)
    assert totals["invitations"] == 13 + 2
    assert totals == {"plan": 2, "annex": 1, "invitations": 15, "reports": 13, "summary": 1}


def test_a_unit_without_results_is_still_pending(partial_workbook: Path, tmp_path: Path) -> None:
    plan = load_plan(partial_workbook)
    report = run_issue(plan, out_dir=tmp_path / "out", templates_dir=TEMPLATES)
    pending = [s for s in report.statuses if s.status == "pending"]
    waiting_units = {u.name for u in plan.units} - WITH_RESULTS
    reports = {s.job.unit_name for s in pending if s.job.kind.key == "bao_cao_don_vi"}
    assert reports == waiting_units
    assert [s.job.relpath for s in pending if s.job.unit is None] == ["05-bao-cao-tong-hop.docx"]
    assert len(pending) == len(waiting_units) + 1
    assert all("Kết quả" in (s.reason or "") for s in pending if s.job.unit is not None)
    # The lists without a roster are not expected, whatever else waits.
    assert report.count("not_expected") == NO_ROSTER
    # Waiting for data is no failure: the exit code is unchanged.
    assert report.exit_code == 0


def test_the_job_says_which_it_is(partial_workbook: Path) -> None:
    plan = load_plan(partial_workbook)
    jobs = {j.relpath: j for j in plan_jobs(plan, default_registry())}
    listless = jobs["03-giay-moi/xa-my-quy-danh-sach.docx"]
    assert listless.held == "not_expected" and not listless.expected
    assert listless.pending is not None  # its reason is kept
    assert jobs["03-giay-moi/xa-my-dong-danh-sach.docx"].held is None  # it has a roster
    assert jobs["04-bao-cao-ket-qua/xa-thanh-loi.docx"].held == "pending"
    assert jobs["04-bao-cao-ket-qua/xa-my-quy.docx"].held is None
    assert jobs["05-bao-cao-tong-hop.docx"].held == "pending"


def _failing(relpath: str) -> Any:
    """An executor that issues every job but ``relpath``, which fails on a full disk."""

    def execute(issuer: Issuer, batches: Sequence[Sequence[Job]]) -> Iterator[DocStatus]:
        for batch in batches:
            for job in batch:
                if job.relpath == relpath:
                    yield failure(job, TransientIOError("ổ đĩa đã đầy"), 1)
                else:
                    yield from issue_batch(issuer, [job])

    return execute


def test_after_a_failed_stage_what_is_not_expected_stays_so(tmp_path: Path) -> None:
    prepared = prepare_run(EXAMPLE, out_dir=tmp_path / "out", templates_dir=TEMPLATES)
    report = issue_prepared(prepared, execute=_failing("01-ke-hoach.docx"))
    assert report.exit_code == TransientIOError.exit_code
    by_kind: dict[str, Counter[str]] = {}
    for s in report.statuses:
        by_kind.setdefault(s.job.kind.key, Counter())[s.status] += 1
    # The later stages are not attempted, but a list the plan does not call for is still not
    # expected: it would not have been issued had the plan stage succeeded.
    assert by_kind[LIST] == {"not_expected": NO_ROSTER, "not_attempted": 2}
    assert by_kind["giay_moi"] == {"not_attempted": 13}
    assert by_kind["bao_cao_tong_hop"] == {"not_attempted": 1}


def test_a_run_of_one_stage_lists_the_others_in_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    prepared = prepare_run(EXAMPLE, out_dir=out, templates_dir=TEMPLATES, only=["plan"])
    assert issue_prepared(prepared).exit_code == 0
    documents = json.loads((out / "manifest.json").read_text("utf-8"))["documents"]
    lists = Counter(d["status"] for d in documents if d["kind"] == LIST)
    # Not run yet, the lists of units with a roster are to come; the others never will be.
    assert lists == {"not_expected": NO_ROSTER, "not_attempted": 2}


def test_the_review_page_counts_not_expected_apart(example_run: ExampleRun) -> None:
    out = example_run.report.out_dir
    docs = list_documents(out, example_run.manifest, {})
    page = render_page(ReviewPage(title="Kế hoạch", documents=docs))
    assert f"Đã phát hành: {EXAMPLE_ISSUED}" in page
    assert f"Không cần lập (kế hoạch không đòi hỏi văn bản này): {NO_ROSTER}" in page
    assert "đang chờ dữ liệu" not in page  # nothing pending, so not a word of waiting
    assert page.count('data-status="not_expected"') == NO_ROSTER
