"""What the records office gets for the example, every document numbered: each document's
metadata beside its PDF, one outgoing register per issuing body, one edXML package per signed
copy; each checked against the documents themselves."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2
from lxml import etree
from openpyxl import load_workbook

from tests.registering.conftest import (
    ISSUER_CODE,
    RECIPIENT_CODES,
    SUMMARY_CODE,
    Office,
    copy_of,
)
from tests.workbook_mutations import run_main
from vanban.issuing.audit import AuditLog
from vanban.issuing.verifying import verify
from vanban.metadata import FIELDS, from_json
from vanban.outdir import LOG_NAME, MANIFEST_NAME, PDFS_KEY, REGISTERS_DIR
from vanban.registering.edxml import NAMESPACE, package_problems, read_package
from vanban.registering.register import HEADERS, REGISTER_NAME, office_columns
from vanban.rendering.schema import schema_findings
from vanban.text.formatting import upper_vn

DOCUMENTS = 32  # the example's whole set
BODIES = 15  # the district's committee, its labour office (the summary), 13 communes


def _records(out: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    records: dict[str, dict[str, Any]] = manifest[PDFS_KEY]
    return records


def _pdf_text(path: Path) -> tuple[str, int]:
    pdf = pypdfium2.PdfDocument(path.read_bytes())
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
        return " ".join(text.split()), len(pdf)
    finally:
        pdf.close()


def _metadata(out: Path) -> dict[str, dict[str, Any]]:
    return {
        source: json.loads((out / record["metadata"][0]).read_text("utf-8"))
        for source, record in _records(out).items()
    }


def test_every_document_has_its_metadata_beside_its_pdf_listed_in_the_manifest(
    office: Office,
) -> None:
    records = _records(office.out)
    assert len(records) == DOCUMENTS
    for record in records.values():
        json_path, xml_path = record["metadata"]
        pdf = record["path"].removesuffix(".pdf")
        assert (json_path, xml_path) == (f"{pdf}.metadata.json", f"{pdf}.metadata.xml")
        data = json.loads((office.out / json_path).read_text("utf-8"))
        assert [k for k in data if k not in ("SignerInfo", "To", "Extra")] == [
            f.name for f in FIELDS
            if f.name not in ("Position", "FullName", "ToOrganId", "ToOrganName")
        ]
        from_json(data)  # types and lengths as annex VI says
        xml = etree.fromstring((office.out / xml_path).read_bytes())
        assert xml.findtext("CodeNumber") == data["CodeNumber"]
        assert xml.findtext("Subject") == data["Subject"]
        assert [t.findtext("OrganName") for t in xml.findall("To")] == [
            t["OrganName"] for t in data["To"]
        ]


def test_the_metadata_says_what_each_pdf_prints(office: Office) -> None:
    """Number and symbol, date, signer and page count, read from the PDF itself."""
    metas = _metadata(office.out)
    records = _records(office.out)
    plan = metas["01-ke-hoach.docx"]
    for source, meta in metas.items():
        text, pages = _pdf_text(office.out / records[source]["path"])
        assert meta["PageAmount"] == pages, source
        issued = date.fromisoformat(meta["IssuedDate"])
        signer = meta["SignerInfo"]["FullName"]
        assert meta["CodeNumber"].isdigit(), source
        # A separate annex carries its plan's number, signer and date, and cites the plan; a
        # sign-in list is issued with its invitation, whose number it cites.
        number = {"Phụ lục": "Kế hoạch số ", "Danh sách": "Giấy mời số "}.get(
            meta["TypeName"], "Số: "
        )
        assert f"{number}{meta['CodeNumber']}/{meta['CodeNotation']}" in text, source
        day = f"ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"
        alternative = f"ngày {issued.day} tháng {issued.month} năm {issued.year}"
        assert day in text or alternative in text, (source, day)
        if meta["TypeName"] == "Phụ lục":
            assert (meta["CodeNumber"], meta["IssuedDate"], meta["SignerInfo"]) == (
                plan["CodeNumber"], plan["IssuedDate"], plan["SignerInfo"]
            )
            continue
        assert signer and signer in text, source
        position = meta["SignerInfo"]["Position"]
        assert position and upper_vn(position) in text, (source, position)
        competence = meta["Extra"]["Competence"]
        assert competence in text, (source, competence)
        assert meta["OrganName"].casefold() in text.casefold() or meta["Extra"]["Place"] in text


def test_codes_come_from_the_workbook_and_a_recipient_without_one_stays_empty(
    office: Office,
) -> None:
    metas = _metadata(office.out)
    assert metas["01-ke-hoach.docx"]["OrganId"] == ISSUER_CODE
    assert metas["05-bao-cao-tong-hop.docx"]["OrganId"] == SUMMARY_CODE
    invitation = metas["03-giay-moi/xa-my-quy.docx"]
    assert invitation["OrganId"] == "002.00.30.H20"  # Mỹ Quý's row of sheet "Đơn vị"
    assert invitation["To"] == [
        {"OrganId": RECIPIENT_CODES["Phòng Lao động – TB&XH huyện"],
         "OrganName": "Phòng Lao động – TB&XH huyện"}
    ]  # fmt: skip; "Như thành phần mời" points back: no recipient of its own
    plan_to = {t["OrganName"]: t["OrganId"] for t in metas["01-ke-hoach.docx"]["To"]}
    assert plan_to["Sở Lao động – TB&XH"] == RECIPIENT_CODES["Sở Lao động – TB&XH"]
    assert plan_to["LĐVP"] == ""
    # The plan's own row of "Văn bản" registers it: urgent, 12 copies.
    assert (metas["01-ke-hoach.docx"]["Priority"], metas["01-ke-hoach.docx"]["IssuedAmount"]) == (
        1, 12
    )
    assert metas["01-quyet-dinh-to-cong-tac.docx"]["Priority"] == 0


def test_one_register_per_issuing_body_a_row_per_document(office: Office) -> None:
    registers = sorted((office.out / REGISTERS_DIR).glob(f"*/{REGISTER_NAME}"))
    assert len(registers) == BODIES
    metas = _metadata(office.out)
    rows = 0
    for path in registers:
        assert schema_findings(path) == [], path
        ws = load_workbook(path)["Sổ đăng ký văn bản đi"]
        header = next(r for r in range(1, 10) if ws.cell(r, 1).value == HEADERS[0])
        assert [ws.cell(header, c).value for c in range(1, 11)] == list(HEADERS)
        body = ws.cell(1, 1).value
        mine = [m for m in metas.values() if m["OrganName"].upper() == body]
        found = [r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 3).value]
        assert len(found) == len(mine) > 0, path
        numbers = {ws.cell(r, 1).value for r in found}
        assert numbers == {f"{m['CodeNumber']}/{m['CodeNotation']}" for m in mine}
        rows += len(found)
    assert rows == DOCUMENTS


def test_every_signed_copy_has_an_edxml_package_that_parses_back(office: Office) -> None:
    metas = _metadata(office.out)
    records = _records(office.out)
    assert len(office.signed.packages) == DOCUMENTS
    for source, record in records.items():
        signed = record["signed"]["path"]
        path = office.out / signed.removesuffix(".pdf")
        data = path.with_name(path.name + ".edxml").read_bytes()
        assert package_problems(data) == [], source
        assert etree.fromstring(data).tag == f"{{{NAMESPACE}}}edXML"
        package = read_package(data)
        assert package.attachment == (office.out / signed).read_bytes(), source
        meta = metas[source]
        assert package.document_id == (
            f"{meta['OrganId']},{meta['IssuedDate'].replace('-', '/')},"
            f"{meta['CodeNumber']}/{meta['CodeNotation']}"
        )
        assert (package.subject, package.signer_full_name, package.page_amount) == (
            meta["Subject"], meta["SignerInfo"]["FullName"], meta["PageAmount"]
        )
        assert [name for _, name in package.recipients] == [t["OrganName"] for t in meta["To"]]


def test_the_audit_log_checks_the_records_office_files(office: Office, tmp_path: Path) -> None:
    out = copy_of(office, tmp_path)
    events = [e.get("event") for e in AuditLog(out / LOG_NAME).entries()]
    assert events.count("described") == 2 * DOCUMENTS
    assert events.count("registered") == BODIES
    assert events.count("packed") == DOCUMENTS
    assert verify(out).ok, verify(out).problems
    edited = out / _records(out)["01-ke-hoach.docx"]["metadata"][0]
    edited.write_text(edited.read_text("utf-8").replace("Kế hoạch", "Kế hoạch sửa"), "utf-8")
    problems = verify(out).problems
    assert len(problems) == 1 and edited.name in problems[0]


def test_an_edited_metadata_file_is_refused_then_kept_when_forced(
    office: Office, tmp_path: Path
) -> None:
    out = copy_of(office, tmp_path)
    path = out / "pdf" / "01-ke-hoach.metadata.xml"
    path.write_bytes(path.read_bytes().replace(b"<Language>", b"<Language>x"))
    code, stdout, stderr = run_main(["pdf", str(out)])
    assert code == 4, stdout + stderr
    assert "01-ke-hoach.metadata.xml" in stdout + stderr
    assert b"<Language>x" in path.read_bytes()  # nothing written
    code, stdout, stderr = run_main(["pdf", str(out), "--force"])
    assert code == 0, stdout + stderr
    assert b"<Language>x" not in path.read_bytes()
    assert any("01-ke-hoach.metadata" in p.name for p in (out / ".history").iterdir())


def test_the_office_columns_of_a_register_survive_a_new_publication(
    office: Office, tmp_path: Path
) -> None:
    out = copy_of(office, tmp_path)
    path = next((out / REGISTERS_DIR).glob(f"uy-ban-nhan-dan-huyen-*/{REGISTER_NAME}"))
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    first = next(r for r in range(1, 10) if ws.cell(r, 1).value == HEADERS[0]) + 1
    ws.cell(first, 8).value = date(2022, 11, 5)
    ws.cell(first, 9).value = "Đã nhận"
    wb.save(path)
    kept = office_columns(path.read_bytes())
    registered = sum(1 for e in AuditLog(out / LOG_NAME).entries() if e["event"] == "registered")
    code, stdout, stderr = run_main(["pdf", str(out)])
    assert code == 0, stdout + stderr  # an edited register is no conflict
    assert office_columns(path.read_bytes()) == kept
    log = [e for e in AuditLog(out / LOG_NAME).entries() if e["event"] == "registered"]
    assert len(log) == registered + 1 and log[-1]["path"].endswith(REGISTER_NAME)


def test_the_cli_says_where_the_registers_and_packages_are(
    office: Office, tmp_path: Path
) -> None:
    assert len(office.published.office) == 2 * DOCUMENTS + BODIES
    assert not [w for w in office.signed.warnings if "edXML" in w]
    code, stdout, _ = run_main(["pdf", str(copy_of(office, tmp_path))])
    assert code == 0
    assert re.search(r"Sổ đăng ký văn bản đi: 15 sổ", " ".join(stdout.split()))


def test_numbers_given_at_signing_reach_the_metadata_registers_and_packages(
    example_docs: Path, tmp_path: Path
) -> None:
    """The office that numbers at signing: the example published with its numbers blank, signed,
    then taken back with the workbook that now holds every number (``--workbook``)."""
    from tests.registering.conftest import numbered_and_coded
    from tests.signing_pdfs.conftest import sign_all
    from tests.workbook_mutations import mutated
    from vanban.publishing.publish import publish
    from vanban.publishing.signed import collect_signed

    out = tmp_path / "out"
    shutil.copytree(example_docs, out)
    publish(out)
    awaiting = [s for s, r in _records(out).items() if r["awaiting_number"]]
    assert len(awaiting) == DOCUMENTS - 2  # all but the plan and its annex
    before = _metadata(out)
    assert all(before[s]["CodeNumber"] == "" for s in awaiting)
    files = sign_all(out, _records(out), tmp_path / "da-ky-tu-van-thu")
    numbered = mutated(numbered_and_coded, tmp_path / "ke-hoach-da-co-so.xlsx")
    report = collect_signed(out, tmp_path / "da-ky-tu-van-thu", workbook=numbered)
    assert len(report.copies) == len(files) == DOCUMENTS
    after = _metadata(out)
    invitation = after["03-giay-moi/xa-my-quy.docx"]
    assert (invitation["CodeNumber"], invitation["CodeNotation"]) == ("102", "GM-UBND")
    assert all(after[s]["CodeNumber"].isdigit() for s in after), after
    # The packages: one per signed copy, each with the number given.
    assert len(report.packages) == DOCUMENTS
    package = read_package((out / "da-ky/03-giay-moi/xa-my-quy.edxml").read_bytes())
    assert (package.code_number, package.code_notation) == ("102", "GM-UBND")
    # The register of Mỹ Quý shows the numbers too.
    register = out / REGISTERS_DIR / "uy-ban-nhan-dan-xa-my-quy" / REGISTER_NAME
    ws = load_workbook(register).active
    assert ws is not None
    numbers = {ws.cell(r, 1).value for r in range(4, ws.max_row + 1)} - {None}
    assert numbers == {"102/GM-UBND", "202/BC-UBND"}
    # Taken back again unchanged: the packages stay as they were, byte for byte.
    packed = (out / "da-ky/03-giay-moi/xa-my-quy.edxml").read_bytes()
    collect_signed(out, tmp_path / "da-ky-tu-van-thu", workbook=numbered)
    assert (out / "da-ky/03-giay-moi/xa-my-quy.edxml").read_bytes() == packed


def test_the_review_page_shows_each_document_s_metadata_and_the_registers(
    office: Office, tmp_path: Path
) -> None:
    out = copy_of(office, tmp_path)
    code, stdout, stderr = run_main(["review", str(out)])
    assert code == 0, stdout + stderr
    page = (out / "review" / "index.html").read_text("utf-8")
    assert page.count('<section class="metadata">') == DOCUMENTS
    assert page.count('class="register"') == BODIES
    assert page.count(">Gói edXML</a>") == DOCUMENTS
    assert ">Ủy ban nhân dân xã Mỹ Quý</a>" in page  # registers named by their body
    assert f"Ủy ban nhân dân huyện Tháp Mười (mã {ISSUER_CODE})" in page
    assert "6662/KH-UBND" in page and "khẩn" in page
