"""The Prefect flow collects the forms right after validating the workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vanban.errors import ResultFormsError


@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_issues_the_reports_from_a_folder_of_forms(
    bare: Path, returned: Path, tmp_path: Path
) -> None:
    from vanban_flows.issue import issue_documents

    out = tmp_path / "out"
    report = issue_documents(str(bare), out_dir=str(out), only=["reports"],
                             results_dir=str(returned))
    assert report.exit_code == 0
    assert report.count("issued") == 13 and report.forms is not None
    assert report.forms.awaited == ()
    entries = [json.loads(line) for line in (out / "audit.jsonl").read_text("utf-8").splitlines()]
    assert sum(1 for e in entries if e["event"] == "issued" and "form_sha256" in e) == 13

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "xa-my-quy.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(ResultFormsError):
        issue_documents(str(bare), out_dir=str(tmp_path / "none"), results_dir=str(broken))
    assert not (tmp_path / "none").exists()
