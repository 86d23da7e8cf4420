"""``vanban signed``: the signed PDFs back, matched by their bytes, checked, recorded; a file that
matches nothing, was changed after signing, lacks a signature or is broken is refused by name,
and then nothing is recorded."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from tests.command_line.running import vanban
from tests.conftest import EXAMPLE_ISSUED
from tests.signing import sign, sign_as_office
from tests.signing_pdfs.conftest import Published, Signed, copy_of
from vanban.errors import InputError
from vanban.issuing.audit import AuditLog
from vanban.issuing.verifying import verify
from vanban.outdir import LOG_NAME, MANIFEST_NAME, PDFS_KEY
from vanban.pdf.fields import ORGANISATION_FIELD, SIGNER_FIELD
from vanban.publishing.signed import collect_signed

pytestmark = pytest.mark.libreoffice


def test_every_signed_copy_is_matched_by_its_bytes_and_recorded(signed: Signed) -> None:
    copies = signed.report.copies
    assert len(copies) == EXAMPLE_ISSUED
    by_source = {c.source: c for c in copies}
    # Matched by content: the files were handed back under names of their own.
    for source, file in signed.files.items():
        copy = by_source[source]
        assert copy.file == file
        assert copy.path == "da-ky/" + source.removesuffix(".docx") + ".pdf"
        assert (signed.out / copy.path).read_bytes() == file.read_bytes()
    manifest = json.loads((signed.out / MANIFEST_NAME).read_text("utf-8"))
    record = manifest[PDFS_KEY]["01-ke-hoach.docx"]["signed"]
    assert [s["field"] for s in record["signers"]] == [SIGNER_FIELD, ORGANISATION_FIELD]
    assert "Nguyễn Văn Ký" in record["signers"][0]["subject"]
    annex = manifest[PDFS_KEY]["02-phu-luc-phan-bo-kinh-phi.docx"]["signed"]
    assert [s["field"] for s in annex["signers"]] == [ORGANISATION_FIELD]
    entries = [e for e in AuditLog(signed.out / LOG_NAME).entries() if e["event"] == "signed"]
    assert len(entries) == EXAMPLE_ISSUED
    plan = next(e for e in entries if e["path"] == "da-ky/01-ke-hoach.pdf")
    assert plan["source"] == "pdf/01-ke-hoach.pdf" and len(plan["certificates"]) == 2
    assert all(len(c) == 64 for c in plan["certificates"])
    # The log names certificates by their hash, never a person.
    assert "Nguyễn Văn Ký" not in (signed.out / LOG_NAME).read_text("utf-8")


def test_the_audit_check_covers_the_signed_copies(signed: Signed, tmp_path: Path) -> None:
    report = verify(signed.out)
    assert report.ok, report.problems
    # Each document, its PDF and its metadata (JSON, XML), its signed copy, and the edXML
    # packages of the two documents the example numbers (the plan and its annex).
    assert report.checked_files == 5 * EXAMPLE_ISSUED + 2
    out = tmp_path / "out"
    shutil.copytree(signed.out, out)
    (out / "da-ky/05-bao-cao-tong-hop.pdf").write_bytes(b"%PDF-1.7 changed")
    assert any("da-ky/05-bao-cao-tong-hop.pdf" in p for p in verify(out).problems)


def _append_revision(data: bytes) -> bytes:
    """``data`` with an unsigned incremental update after its last signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("en")  # a change nobody signed
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_pdf() -> bytes:
    """A PDF vanban never published."""
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_each_bad_file_is_named_at_once_and_nothing_is_recorded(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    records = published.records()
    folder = tmp_path / "tu-van-thu"
    folder.mkdir()

    def pdf_of(source: str) -> bytes:
        return (out / records[source]["path"]).read_bytes()

    good = sign_as_office(pdf_of("01-ke-hoach.docx"))
    (folder / "a-dung.pdf").write_bytes(good)
    changed = bytearray(sign_as_office(pdf_of("01-quyet-dinh-to-cong-tac.docx")))
    changed[len(changed) // 3] ^= 0x01  # one byte, after signing
    (folder / "b-sua-sau-khi-ky.pdf").write_bytes(bytes(changed))
    only_signer = sign(pdf_of("05-bao-cao-tong-hop.docx"), SIGNER_FIELD, "Lê Văn A")
    (folder / "c-mot-chu-ky.pdf").write_bytes(only_signer)
    (folder / "d-khong-lien-quan.pdf").write_bytes(sign_as_office(_blank_pdf()))
    late = _append_revision(sign_as_office(pdf_of("04-bao-cao-ket-qua/xa-my-an.docx")))
    (folder / "e-them-sau-chu-ky.pdf").write_bytes(late)
    (folder / "f-hong.pdf").write_bytes(good[: len(good) // 2])
    before = _append_revision(pdf_of("03-giay-moi/xa-tan-kieu.docx"))  # changed, then signed
    (folder / "g-sua-truoc-khi-ky.pdf").write_bytes(sign_as_office(before))
    log_before = (out / LOG_NAME).read_bytes()
    manifest_before = (out / MANIFEST_NAME).read_bytes()

    with pytest.raises(InputError) as caught:
        collect_signed(out, folder)
    message = caught.value.message
    assert caught.value.exit_code == 2 and "có 6 tệp không nhận được" in message
    lines = {line.split(":")[0].lstrip("- "): line for line in message.splitlines()[1:]}
    assert "a-dung.pdf" not in lines
    assert "đã bị sửa sau khi ký" in lines["b-sua-sau-khi-ky.pdf"]
    assert "ChuKyCoQuan (cơ quan) chưa được ký" in lines["c-mot-chu-ky.pdf"]
    assert "không khớp PDF nào" in lines["d-khong-lien-quan.pdf"]
    assert "sau chữ ký cuối cùng" in lines["e-them-sau-chu-ky.pdf"]
    assert "không đọc được PDF" in lines["f-hong.pdf"]
    assert "bị thay đổi sau khi xuất" in lines["g-sua-truoc-khi-ky.pdf"]
    # Nothing recorded, nothing copied.
    assert (out / LOG_NAME).read_bytes() == log_before
    assert (out / MANIFEST_NAME).read_bytes() == manifest_before
    assert not (out / "da-ky").exists()


def test_the_organisation_signing_before_the_signer_is_refused(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    data = (out / "pdf/01-ke-hoach.pdf").read_bytes()
    backwards = sign(sign(data, ORGANISATION_FIELD, "UBND"), SIGNER_FIELD, "Nguyễn Văn Ký")
    folder = tmp_path / "ky"
    folder.mkdir()
    (folder / "nguoc.pdf").write_bytes(backwards)
    with pytest.raises(InputError) as caught:
        collect_signed(out, folder)
    assert "nguoc.pdf" in caught.value.message and "ký trước" in caught.value.message


def test_the_command_exits_2_naming_the_file_and_says_what_it_did_not_check(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    folder = tmp_path / "ky"
    folder.mkdir()
    (folder / "rac.pdf").write_bytes(b"%PDF-1.7\nkhong phai van ban\n")
    refused = vanban("signed", str(out), str(folder))
    assert refused.returncode == 2, refused.stderr
    assert "rac.pdf" in refused.stderr and "Traceback" not in refused.stderr
    (folder / "rac.pdf").unlink()
    data = (out / "pdf/03-giay-moi/xa-my-hoa.pdf").read_bytes()
    (folder / "giay-moi-my-hoa.pdf").write_bytes(sign_as_office(data))
    accepted = vanban("signed", str(out), str(folder))
    assert accepted.returncode == 0, accepted.stderr
    assert "da-ky/03-giay-moi/xa-my-hoa.pdf" in accepted.stdout
    assert "Ban Cơ yếu Chính phủ" in accepted.stdout  # trust is out of scope, and said so
    assert "DSA" not in accepted.stderr and "Warning" not in accepted.stderr


def test_the_number_the_office_gave_is_recorded_from_the_workbook(
    published: Published, tmp_path: Path
) -> None:
    from tests.workbook_mutations import mutated, put_plan

    out = copy_of(published, tmp_path)
    source = "05-bao-cao-tong-hop.docx"
    assert published.records()[source]["awaiting_number"] is True  # published without one
    workbook = mutated(put_plan("Báo cáo tổng hợp: số", 45), tmp_path / "so-da-cap.xlsx")
    folder = tmp_path / "ky"
    folder.mkdir()
    data = (out / published.records()[source]["path"]).read_bytes()
    (folder / "bao-cao.pdf").write_bytes(sign_as_office(data))
    report = collect_signed(out, folder, workbook=workbook)
    [copy] = report.copies
    assert copy.number.startswith("45/")
    record = json.loads((out / MANIFEST_NAME).read_text("utf-8"))[PDFS_KEY][source]
    assert record["number"] == copy.number and record["awaiting_number"] is False
    assert record["signed"]["number"] == copy.number and record["signed"]["date"]
    # The signed copy is kept as signed: never re-rendered with its number.
    assert (out / copy.path).read_bytes() == (folder / "bao-cao.pdf").read_bytes()


def test_the_review_page_shows_each_documents_pdf_and_signed_copy(
    signed: Signed, tmp_path: Path
) -> None:
    from vanban.review.build import review_folder

    out = tmp_path / "out"
    shutil.copytree(signed.out, out)
    page = review_folder(out, check=lambda _path: []).index.read_text("utf-8")
    assert page.count('class="signed" href="../da-ky/') == EXAMPLE_ISSUED
    assert 'href="../pdf/01-ke-hoach.pdf">PDF để ký số</a>' in page
    assert "Đã ký số: " in page and "Nguyễn Văn Ký" in page
    assert page.count("<td>đã ký</td>") == EXAMPLE_ISSUED


@pytest.mark.parametrize("cut", ["truncated", "flipped", "inserted"])
def test_a_mangled_signed_file_is_bad_input_never_a_traceback(
    signed: Signed, cut: str, tmp_path: Path
) -> None:
    import random

    from vanban.pdf.signatures import read_signatures

    data = (signed.out / "da-ky/01-ke-hoach.pdf").read_bytes()
    rng = random.Random(cut)
    outcomes = set()
    for _ in range(40):
        mangled = bytearray(data)
        if cut == "truncated":
            mangled = mangled[: rng.randrange(len(mangled))]
        elif cut == "flipped":
            for _ in range(20):
                mangled[rng.randrange(len(mangled))] = rng.randrange(256)
        else:
            at = rng.randrange(len(mangled))
            mangled[at:at] = rng.randbytes(50)
        try:
            read_signatures(bytes(mangled))
            outcomes.add("read")
        except InputError as exc:
            assert "không đọc được PDF" in exc.message
            outcomes.add("refused")
    assert "refused" in outcomes


def test_a_manifest_edited_to_spare_the_signer_spares_nobody(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    manifest[PDFS_KEY]["01-ke-hoach.docx"]["fields"] = [ORGANISATION_FIELD]
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), "utf-8")
    folder = tmp_path / "ky"
    folder.mkdir()
    data = (out / "pdf/01-ke-hoach.pdf").read_bytes()
    (folder / "chi-co-quan.pdf").write_bytes(sign_as_office(data, annex=True))
    with pytest.raises(InputError) as caught:
        collect_signed(out, folder)
    assert "ChuKyNguoiKy (người ký) chưa được ký" in caught.value.message


def test_re_publishing_keeps_a_signed_copy_of_the_same_pdf_and_asks_to_sign_a_changed_one(
    signed: Signed, tmp_path: Path
) -> None:
    import docx

    from vanban.publishing.publish import publish

    out = tmp_path / "out"
    shutil.copytree(signed.out, out)
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    del manifest[PDFS_KEY]  # a manifest that lost its record: rebuilt, to the same bytes
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), "utf-8")
    again = publish(out)
    assert {p.status for p in again.publications} == {"unchanged"}
    source = "04-bao-cao-ket-qua/xa-my-an.docx"
    document = docx.Document(str(out / source))
    document.paragraphs[-2].add_run(" Sửa sau khi ký.")
    document.save(str(out / source))
    signed_before = json.loads((out / MANIFEST_NAME).read_text("utf-8"))[PDFS_KEY]
    third = publish(out)
    [changed] = [p for p in third.publications if p.status != "unchanged"]
    assert changed.source == source and changed.resign
    records = json.loads((out / MANIFEST_NAME).read_text("utf-8"))[PDFS_KEY]
    assert records[source]["signed"] is None
    kept = [s for s in records if s != source]
    assert all(records[s]["signed"] == signed_before[s]["signed"] for s in kept)
