"""The desk records signed copies as ``vanban signed --workbook`` does: an office that numbers at
signing fills the numbers into the plan's workbook, uploads it, and records the copies; each
then has its number and its edXML package."""

from __future__ import annotations

from pathlib import Path

from tests.registering.conftest import numbered_and_coded
from tests.signing import sign_as_office
from tests.workbook_mutations import mutated
from vanban.desk import views
from vanban.desk.workspace import Workspace
from vanban.issuing.run import run_issue
from vanban.pdf.fields import SIGNER_FIELD
from vanban.publishing.publish import publish
from vanban.publishing.records import pdf_records, read_manifest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inputs" / "thap-muoi-2022.xlsx"


def test_the_desk_records_the_numbers_given_at_signing(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    plan = views.add_plan(workspace, EXAMPLE.read_bytes(), EXAMPLE.name)
    assert run_issue(plan.workbook, out_dir=plan.out).exit_code == 0
    publish(plan.out)
    records = pdf_records(read_manifest(plan.out))
    for record in records.values():
        data = (plan.out / record["path"]).read_bytes()
        plan.add_signed(sign_as_office(data, annex=SIGNER_FIELD not in record["fields"]))
    # The records office gave the numbers when signing; the clerk uploads the numbered workbook.
    numbered = mutated(numbered_and_coded, tmp_path / "numbered.xlsx").read_bytes()
    views.replace_workbook(workspace, plan, numbered, "ke-hoach-co-so.xlsx")
    assert views.record_signed(plan) == {"recorded": len(records)}
    state = views.signing_state(plan)
    assert state["signed"] == state["packages"] == len(records) == 32
    row = next(r for r in state["rows"] if r["unit"] == "Xã Mỹ Quý" and r["label"] == "Giấy mời")
    assert dict(row["metadata"])["Số, ký hiệu"] == "102/GM-UBND"
    assert not any(r["unnumbered"] for r in state["rows"])
