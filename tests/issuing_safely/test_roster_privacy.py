"""The roster's names go into the documents only: a run of the example (two units with a roster)
leaves none in Prefect's logs, artifacts or database, the audit log, manifest.json, or what the
command line prints."""

from __future__ import annotations

import json
import logging
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.workbook_mutations import run_main
from vanban.cli import app as cli
from vanban.issuing.audit import AuditLog
from vanban.model import Plan
from vanban.review.docxtext import blocks

pytestmark = pytest.mark.usefixtures("prefect_harness")


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture
def every_prefect_record() -> Iterator[_Keep]:
    """Every record Prefect's loggers emit during the test, whatever the configured level."""
    # Prefect configures logging (dropping handlers) when its flow API is first imported: before.
    import vanban_flows.issue  # noqa: F401

    keep = _Keep()
    root = logging.getLogger("prefect")
    saved = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(keep)
    try:
        yield keep
    finally:
        root.removeHandler(keep)
        root.setLevel(saved)


def _leaked(text: str, names: list[str]) -> list[str]:
    """Names found in the text as written, or as JSON writes them with ASCII escapes."""
    return [n for n in names if n in text or json.dumps(n)[1:-1] in text]


def _database_text() -> str:
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    url = str(PREFECT_SERVER_DATABASE_CONNECTION_URL.value())
    path = url.split(":///", 1)[1]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return "\n".join(db.iterdump())


@pytest.mark.usefixtures("prefect_harness")
def test_no_invitee_name_leaves_the_documents(
    example_plan: Plan,
    tmp_path: Path,
    every_prefect_record: _Keep,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.artifacts import Artifact
    from prefect.settings import PREFECT_API_URL

    # The run goes to the tests' shared server, which stays up after the command: its logs,
    # artifact and database are read back below. (A temporary server stops with the command.)
    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    names = [p.name for u in example_plan.units for p in u.invitees]
    assert len(names) == 62 + 61
    workbook = tmp_path / EXAMPLE.name
    shutil.copy(EXAMPLE, workbook)
    out = tmp_path / "out"

    # Wide enough that Rich never wraps a file name (or a name) across lines.
    for console in (cli.console, cli.err_console):
        monkeypatch.setattr(console, "width", 300)
    checked = run_main(["check", str(workbook)])
    code, stdout, stderr = run_main(["run", str(workbook), "--out", str(out)])
    assert code == 0, stdout + stderr
    shown = run_main(["audit", "show", str(out), "--unit", "Mỹ Đông"])
    terminal = "\n".join([*checked[1:], stdout, stderr, *shown[1:]])
    assert "xa-my-dong-danh-sach.docx" in terminal
    assert _leaked(terminal, names) == []

    # The names did reach the documents: the run printed the personal letters.
    letters = "\n".join(blocks(out / "03-giay-moi" / "xa-my-dong.docx"))
    assert all(f"Ông/Bà {p.name}" in letters for p in example_plan.units[1].invitees)

    manifest = (out / "manifest.json").read_text("utf-8")
    audit = (out / "audit.jsonl").read_text("utf-8")
    assert _leaked(manifest, names) == [] and _leaked(audit, names) == []
    issued = AuditLog(out / "audit.jsonl").latest_issued()
    assert issued["03-giay-moi/xa-my-dong.docx"]["invitees"] == 62
    assert issued["03-giay-moi/xa-phu-dien-danh-sach.docx"]["invitees"] == 61

    APILogHandler().flush()  # ship what the run logged before reading it back
    flow_run_id = json.loads(manifest)["flow_run_id"]
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    api_logs = "\n".join(log.message for log in logs)
    records = "\n".join(every_prefect_record.lines)
    # Both hold the task runs' lines (one a batch), so they were the run's logs (at every level).
    for text in (api_logs, records):
        assert re.search(r"03-giay-moi/\S+\.docx \(\+\d+\): \d+ văn bản \(issued \d+", text)
        assert _leaked(text, names) == []

    # The latest "vanban-run" artifact is this run's (a response object, not an Artifact).
    artifact = str(getattr(Artifact.get("vanban-run"), "data", ""))
    assert "xa-my-dong-danh-sach.docx" in artifact
    assert _leaked(artifact, names) == []

    database = _database_text()
    assert flow_run_id in database and "03-giay-moi/xa-phu-dien.docx" in database
    assert _leaked(database, names) == []
