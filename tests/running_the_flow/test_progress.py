"""Progress: to the command line's display through the process-local hook, else as an artifact."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import EXAMPLE
from vanban.issuing.jobs import DocStatus

pytestmark = pytest.mark.usefixtures("prefect_harness")

FIRST_STAGES = ["plan", "annex", "invitations"]


class Display:
    """What the command line hands the flow: the run's Progress hook."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int]] = []
        self.labels: list[str] = []
        self.finished: list[str] = []

    def stage(self, stage: str, label: str, total: int) -> None:
        self.stages.append((stage, total))
        self.labels.append(label)

    def done(self, status: DocStatus) -> None:
        self.finished.append(status.job.relpath)


def run_flow(out: Path) -> tuple[Any, UUID]:
    from vanban_flows.issue import issue_documents

    state = issue_documents(str(EXAMPLE), out_dir=str(out), only=FIRST_STAGES, return_state=True)
    return state.result(), state.state_details.flow_run_id


def artifacts_of(flow_run_id: UUID) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        return list(
            client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])
                )
            )
        )


def test_a_run_started_here_reports_to_the_hook_and_publishes_no_progress_artifact(
    tmp_path: Path,
) -> None:
    from vanban_flows.handoff import handing_over

    display = Display()
    with handing_over(progress=display):
        report, run_id = run_flow(tmp_path / "out")
    # Stage totals count the documents the plan calls for, the pending ones included: not the
    # sign-in lists of the 11 units without a roster.
    assert display.stages == [("plan", 2), ("annex", 1), ("invitations", 15)]  # plan, decision
    issued = sorted(s.job.relpath for s in report.statuses if s.status == "issued")
    # The plan, the decision, the annex, 13 invitations and the 2 units' sign-in lists.
    assert sorted(display.finished) == issued and len(issued) == 18
    assert [a.type for a in artifacts_of(run_id)] == ["markdown"]


def test_a_run_nobody_watches_publishes_a_progress_artifact_without_names(
    tmp_path: Path, example_plan: Any
) -> None:
    report, run_id = run_flow(tmp_path / "out")
    assert report.exit_code == 0
    artifacts = {a.type: a for a in artifacts_of(run_id)}
    assert set(artifacts) == {"progress", "markdown"}
    progress = artifacts["progress"]
    assert progress.key == "vanban-progress" and progress.data == 100.0
    assert progress.description == f"Xong: {len(report.statuses)} văn bản, mã thoát 0"
    # Neither artifact names a person of the roster (the example has two units' rosters).
    names = [i.name for u in example_plan.units for i in u.invitees]
    assert len(names) > 50
    published = " ".join(f"{a.data} {a.description}" for a in artifacts.values())
    assert "xa-my-dong-danh-sach.docx" in published  # the table is there, by file name
    assert not [n for n in names if n in published]
