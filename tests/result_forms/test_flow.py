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


@pytest.mark.usefixtures("prefect_harness")
def test_a_command_line_run_reads_the_returned_forms_once(
    bare: Path, returned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line checks the forms before Prefect starts and hands the flow what it read."""
    from prefect.settings import PREFECT_API_URL

    import vanban.forms.collecting as collecting
    import vanban.prepare as preparing
    from tests.workbook_mutations import run_main

    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    calls: list[str] = []
    real = collecting.collect_forms

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("collect")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(collecting, "collect_forms", counting)
    monkeypatch.setattr(preparing, "collect_forms", counting)
    code, out, err = run_main(
        ["run", str(bare), "--out", str(tmp_path / "out"), "--only", "reports",
         "--results", str(returned)]
    )  # fmt: skip
    assert code == 0, out + err
    assert calls == ["collect"]
    assert len(list((tmp_path / "out" / "04-bao-cao-ket-qua").glob("*.docx"))) == 13
