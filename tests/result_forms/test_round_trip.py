"""Forms out, filled, collected: the reports and the summary follow from the forms alone."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from rich.console import Console

from tests.conftest import TEMPLATES
from tests.plans import commune_2026
from tests.result_forms.filling import fill, fill_all
from tools.example_workbook import write_workbook
from vanban.cli.report import run_summary
from vanban.documents.kinds import default_registry
from vanban.files import sha256_file
from vanban.forms.collecting import collect_forms
from vanban.forms.writing import write_forms
from vanban.issuing.run import run_issue
from vanban.model import Plan
from vanban.outdir import FORMS_DIR
from vanban.review.docxtext import blocks
from vanban.workbook.loader import load_plan

REPORTS = "04-bao-cao-ket-qua"
SUMMARY = "05-bao-cao-tong-hop.docx"


def _texts(root: Path) -> dict[str, list[str]]:
    paths = sorted((root / REPORTS).glob("*.docx")) + [root / SUMMARY]
    return {p.relative_to(root).as_posix(): blocks(p) for p in paths}


def test_forms_filled_with_the_illustrative_results_give_the_reports_of_the_sheet(
    bare_plan: Plan, returned: Path, example_docs: Path, tmp_path: Path
) -> None:
    plan, index = collect_forms(bare_plan, returned, default_registry())
    assert index is not None and index.awaited == () and index.from_sheet == ()
    assert len(index.received) == len(plan.units) == 13
    out = tmp_path / "out"
    report = run_issue(plan, out_dir=out, templates_dir=TEMPLATES, forms=index)
    assert report.exit_code == 0
    ours, theirs = _texts(out), _texts(example_docs)
    assert len(ours) == 14
    assert ours == theirs

    # The audit log names the form behind each report, and only behind reports.
    entries = [json.loads(line) for line in (out / "audit.jsonl").read_text("utf-8").splitlines()]
    issued = [e for e in entries if e["event"] == "issued"]
    fed = {e["path"]: e for e in issued if "form" in e}
    assert sorted(fed) == sorted(p for p in ours if p.startswith(REPORTS))
    quy = fed[f"{REPORTS}/xa-my-quy.docx"]
    assert quy["form"].endswith("/xa-my-quy.xlsx")
    assert quy["form_sha256"] == sha256_file(returned / "xa-my-quy.xlsx")
    assert all("form_sha256" not in e for e in issued if not e["path"].startswith(REPORTS))


def test_a_corrected_form_reissues_only_its_report_and_the_summary(
    bare_plan: Plan, example_plan: Plan, returned: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "returned"
    shutil.copytree(returned, folder)
    plan, index = collect_forms(bare_plan, folder, default_registry())
    out = tmp_path / "out"
    assert run_issue(plan, out_dir=out, templates_dir=TEMPLATES, forms=index).exit_code == 0
    docs = sorted(out.rglob("*.docx"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in docs}

    quy = next(u for u in example_plan.units if u.name == "Xã Mỹ Quý")
    assert quy.result is not None and quy.result.poor > 0
    form = folder / "xa-my-quy.xlsx"
    fill(form, example_plan, quy.result, form, poor=quy.result.poor - 1)
    plan, index = collect_forms(bare_plan, folder, default_registry())
    report = run_issue(plan, out_dir=out, templates_dir=TEMPLATES, forms=index)

    assert report.exit_code == 0
    changed = {s.job.relpath for s in report.statuses if s.status == "issued"}
    assert changed == {f"{REPORTS}/xa-my-quy.docx", SUMMARY}
    for path, (data, mtime) in before.items():
        if path.relative_to(out).as_posix() in changed:
            assert path.read_bytes() != data
        else:
            assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime, path
    entries = [json.loads(line) for line in (out / "audit.jsonl").read_text("utf-8").splitlines()]
    entry = [e for e in entries if e["event"] == "issued"
             and e["path"] == f"{REPORTS}/xa-my-quy.docx"][-1]
    assert entry["form_sha256"] == sha256_file(form) != sha256_file(returned / form.name)


def test_the_run_summary_shows_who_returned_a_form_and_who_is_awaited(
    bare_plan: Plan, returned: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    for name in ("xa-my-quy.xlsx", "xa-doc-binh-kieu.xlsx"):
        shutil.copy(returned / name, folder / name)
    plan, index = collect_forms(bare_plan, folder, default_registry())
    assert index is not None
    assert [r.unit for r in index.received] == ["Xã Mỹ Quý", "Xã Đốc Bình Kiều"]
    report = run_issue(plan, out_dir=tmp_path / "out", templates_dir=TEMPLATES, forms=index)
    statuses = {s.job.relpath: s.status for s in report.statuses}
    assert statuses[f"{REPORTS}/xa-my-quy.docx"] == "issued"
    assert statuses[f"{REPORTS}/xa-my-an.docx"] == "pending"
    assert statuses[SUMMARY] == "pending"

    buffer = io.StringIO()
    run_summary(Console(file=buffer, width=200, highlight=False), report)
    text = buffer.getvalue()
    quy = next(r for r in index.received if r.unit == "Xã Mỹ Quý")
    assert quy.report_date is not None
    assert f"Xã Mỹ Quý │ xa-my-quy.xlsx │ {quy.report_date:%d/%m/%Y}" in " ".join(text.split())
    awaited = next(line for line in text.splitlines() if line.startswith("Còn chờ phiếu"))
    assert awaited.startswith("Còn chờ phiếu (11): ")
    assert "Xã Mỹ An" in awaited and "Xã Mỹ Quý" not in awaited


def test_a_commune_plan_with_hamlets_makes_the_same_round_trip(tmp_path: Path) -> None:
    data = commune_2026()
    full = load_plan(write_workbook(tmp_path / "full.xlsx", data))
    data["with_results"] = set()
    bare = load_plan(write_workbook(tmp_path / "bare.xlsx", data))
    assert bare.units_with_results == [] and len(full.units_with_results) == len(full.units)
    write_forms(bare, tmp_path / "out", default_registry())
    returned = fill_all(tmp_path / "out" / FORMS_DIR, full, tmp_path / "returned")
    plan, index = collect_forms(bare, returned, default_registry())
    assert index is not None and index.awaited == ()
    assert [u.result for u in plan.units] == [u.result for u in full.units]
    assert [plan.funding_for(u) for u in plan.units] == [full.funding_for(u) for u in full.units]
