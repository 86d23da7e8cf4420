"""``vanban pdf``: a PDF/A-2 of every issued document, with its signature fields where the decree
puts them, recorded in the log and the manifest, never overwriting what someone changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from tests.conftest import EXAMPLE_ISSUED
from tests.signing_pdfs.conftest import Published, copy_of
from vanban.errors import EditedOutputError, InputError
from vanban.issuing.audit import AuditLog
from vanban.issuing.verifying import verify
from vanban.outdir import LOG_NAME, MANIFEST_NAME, PDFS_KEY
from vanban.pdf.fields import ORGANISATION_FIELD, SIGNER_FIELD
from vanban.publishing.publish import publish

pytestmark = pytest.mark.libreoffice

Box = tuple[float, float, float, float]


def _fields(pdf: Path) -> dict[str, tuple[int, Box]]:
    """Each signature field: its page (0-based) and rectangle."""
    found = {}
    with pikepdf.open(pdf) as document:
        for index, page in enumerate(document.pages):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/FT") == "/Sig":
                    rect = [float(v) for v in annot.Rect]
                    found[str(annot.T)] = (index, (rect[0], rect[1], rect[2], rect[3]))
    return found


def _text_boxes(pdf: Path, page: int, text: str) -> list[Box]:
    document = pdfium.PdfDocument(pdf)
    textpage = document[page].get_textpage()
    searcher = textpage.search(text, match_case=True)
    boxes = []
    while (match := searcher.get_next()) is not None:
        rects = [textpage.get_rect(k) for k in range(textpage.count_rects(*match))]
        boxes.append(
            (
                min(r[0] for r in rects),
                min(r[1] for r in rects),
                max(r[2] for r in rects),
                max(r[3] for r in rects),
            )
        )
    return boxes


def _signature_lines(source: Path) -> tuple[str, str]:
    """The last title line and the name of the document's signature block, from the .docx."""
    table = docx.Document(str(source)).tables[-1]
    lines = [p.text.strip() for p in table.rows[-1].cells[-1].paragraphs if p.text.strip()]
    return lines[-2], lines[-1]


def _page_image(pdf: Path, page: int, scale: float = 2.0) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    return document[page].render(scale=scale).to_pil().convert("L")


def _inked(image: Image.Image, box: Box, height: float, scale: float = 2.0) -> int:
    """How many dark pixels lie inside ``box`` (PDF points, from the bottom left)."""
    left, bottom, right, top = box
    crop = image.crop((int(left * scale), int((height - top) * scale),
                       int(right * scale), int((height - bottom) * scale)))  # fmt: skip
    return sum(crop.histogram()[:160])


def test_every_issued_document_has_a_pdf_recorded_in_the_log_and_the_manifest(
    published: Published,
) -> None:
    pubs = published.report.publications
    assert len(pubs) == EXAMPLE_ISSUED
    assert {p.status for p in pubs} == {"written"}
    records = published.records()
    entries = [e for e in AuditLog(published.out / LOG_NAME).entries() if e["event"] == "published"]
    assert len(records) == len(entries) == EXAMPLE_ISSUED
    for pub in pubs:
        pdf = published.out / pub.path
        # The PDF mirrors its document's path in a folder of its own.
        assert pub.path == "pdf/" + pub.source.removesuffix(".docx") + ".pdf"
        record = records[pub.source]
        assert record["sha256"] == pub.sha256 and record["size"] == pdf.stat().st_size
        with pikepdf.open(pdf) as document:
            assert record["pages"] == pub.pages == len(document.pages) >= 1
    by_path = {e["path"]: e for e in entries}
    assert by_path["pdf/01-ke-hoach.pdf"]["source"] == "01-ke-hoach.docx"
    assert by_path["pdf/01-ke-hoach.pdf"]["pages"] == records["01-ke-hoach.docx"]["pages"]


def test_every_pdf_is_pdfa2_with_embedded_times_or_its_twin_and_drawn_widgets(
    published: Published,
) -> None:
    for pub in published.report.publications:
        with pikepdf.open(published.out / pub.path) as document:
            meta = document.open_metadata()
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
            assert document.Root.AcroForm.get("/NeedAppearances") in (None, False)
            fonts = set()
            for page in document.pages:
                for font in page.obj.Resources.get("/Font", {}).values():
                    for leaf in font.get("/DescendantFonts", [font]):
                        descriptor = leaf.FontDescriptor
                        assert any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                             "/FontFile3")), pub.path  # fmt: skip
                        fonts.add(str(leaf.BaseFont).split("+")[-1])
                for annot in page.obj.get("/Annots", []):
                    assert "/N" in annot.AP, pub.path  # every widget has its appearance
                    assert int(annot.F) & 4 and not int(annot.F) & 2, pub.path  # printed, shown
            families = {name.split("-")[0] for name in fonts}
            assert families <= {"LiberationSerif", "TimesNewRomanPSMT", "TimesNewRoman"}, fonts


def test_each_pdf_carries_its_documents_title_subject_and_author(published: Published) -> None:
    for pub in published.report.publications:
        props = docx.Document(str(published.out / pub.source)).core_properties
        with pikepdf.open(published.out / pub.path) as document:
            info = document.docinfo
            assert str(info["/Title"]) == props.title and props.title
            assert str(info["/Subject"]) == props.subject
            assert str(info["/Author"]) == props.author
            # PDF/A: the XMP metadata says the same as the Info dictionary, fields added or not.
            meta = document.open_metadata()
            assert meta.get("dc:title") == props.title
            assert str(info["/Producer"]) == meta.get("pdf:Producer")


def test_two_documents_of_identical_content_get_two_pdfs(
    example_docs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(example_docs, out)
    twin, original = "04-bao-cao-ket-qua/xa-my-an.docx", "04-bao-cao-ket-qua/xa-my-hoa.docx"
    shutil.copyfile(out / original, out / twin)
    publish(out)
    first, second = (out / ("pdf/" + s.removesuffix(".docx") + ".pdf") for s in (original, twin))
    assert first.read_bytes() != second.read_bytes()


def test_a_document_without_its_number_is_published_awaiting_it(published: Published) -> None:
    records = published.records()
    plan = records["01-ke-hoach.docx"]
    assert plan["number"] == "6662/KH-UBND" and plan["awaiting_number"] is False
    decision = records["01-quyet-dinh-to-cong-tac.docx"]
    assert decision["number"] is None and decision["awaiting_number"] is True
    # An annex carries the number of the document it belongs to.
    assert records["02-phu-luc-phan-bo-kinh-phi.docx"]["awaiting_number"] is False


@pytest.mark.parametrize(
    "source",
    [
        "01-ke-hoach.docx",
        "01-quyet-dinh-to-cong-tac.docx",
        "03-giay-moi/xa-my-quy.docx",
        "03-giay-moi/xa-my-dong-danh-sach.docx",
        "04-bao-cao-ket-qua/xa-my-quy.docx",
        "05-bao-cao-tong-hop.docx",
    ],
)
def test_the_fields_lie_between_the_title_and_the_name_on_the_signature_page(
    published: Published, source: str, tmp_path: Path
) -> None:
    pdf = published.out / ("pdf/" + source.removesuffix(".docx") + ".pdf")
    fields = _fields(pdf)
    assert set(fields) == {SIGNER_FIELD, ORGANISATION_FIELD}
    page, signer = fields[SIGNER_FIELD]
    org_page, org = fields[ORGANISATION_FIELD]
    title, name = _signature_lines(published.out / source)
    with pikepdf.open(pdf) as document:
        assert page == org_page == len(document.pages) - 1  # the block closes the document
        width, height = (float(v) for v in document.pages[page].mediabox[2:])
    names = _text_boxes(pdf, page, name)
    titles = _text_boxes(pdf, page, title)
    assert names and titles, (title, name)
    name_box, title_box = names[-1], titles[-1]
    left, bottom, right, top = signer
    assert 0 <= left < right <= width and 0 <= bottom < top <= height
    assert name_box[3] <= bottom and top <= title_box[1]  # between the title and the name
    assert left <= title_box[0] and title_box[2] <= right  # under the whole title
    assert top - bottom >= 24 and right - left >= 150  # room for a signature image
    # The organisation's field covers the left third of the signer's.
    assert org[0] == pytest.approx(left, abs=0.01)
    assert org[2] == pytest.approx(left + (right - left) / 3, abs=0.01)
    assert (org[1], org[3]) == pytest.approx((bottom, top), abs=0.01)
    # Nothing printed lies under the signer's field: the page's pixels there are blank.
    image = _page_image(pdf, page)
    assert _inked(image, signer, height) == 0
    # The picture for the eye: the fields outlined on the page.
    drawn = image.convert("RGB")
    pen = ImageDraw.Draw(drawn)
    for box, colour in ((signer, "blue"), (org, "red")):
        pen.rectangle([box[0] * 2, (height - box[3]) * 2, box[2] * 2, (height - box[1]) * 2],
                      outline=colour, width=3)  # fmt: skip
    drawn.save(tmp_path / (source.replace("/", "__") + ".png"))


def test_an_annex_has_only_the_organisations_field_at_the_top_right_of_page_one(
    published: Published,
) -> None:
    pdf = published.out / "pdf/02-phu-luc-phan-bo-kinh-phi.pdf"
    fields = _fields(pdf)
    assert set(fields) == {ORGANISATION_FIELD}
    page, (left, bottom, right, top) = fields[ORGANISATION_FIELD]
    with pikepdf.open(pdf) as document:
        width, height = (float(v) for v in document.pages[0].mediabox[2:])
    assert page == 0 and left > width / 2 and 0 < bottom < top <= height
    heading = _text_boxes(pdf, 0, "DANH SÁCH")[0]
    assert bottom >= heading[3]  # above the first line of text
    assert _inked(_page_image(pdf, 0), (left, bottom, right, top), height) == 0


def test_a_re_publish_with_nothing_changed_converts_and_logs_nothing(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    before = (out / LOG_NAME).read_bytes()
    again = publish(out)
    assert again.converted == 0 and {p.status for p in again.publications} == {"unchanged"}
    assert len(again.publications) == EXAMPLE_ISSUED
    assert (out / LOG_NAME).read_bytes() == before


def test_a_changed_document_is_published_again_and_only_it(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    source = "03-giay-moi/xa-my-quy.docx"
    document = docx.Document(str(out / source))
    document.paragraphs[-2].add_run(" Đoạn thêm bằng tay.")
    document.save(str(out / source))
    again = publish(out)
    changed = [p for p in again.publications if p.status != "unchanged"]
    assert [(p.source, p.status) for p in changed] == [(source, "replaced")]
    assert again.converted == 1
    assert any(source in w and "sửa tay" in w for w in again.warnings)
    assert list((out / ".history").glob("pdf__03-giay-moi__xa-my-quy.*.pdf"))


def test_a_pdf_changed_by_hand_is_not_overwritten_unless_forced(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    pdf = out / "pdf/01-ke-hoach.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited by hand\n")
    edited = pdf.read_bytes()
    with pytest.raises(EditedOutputError) as caught:
        publish(out)
    assert "pdf/01-ke-hoach.pdf" in caught.value.message and caught.value.exit_code == 4
    assert pdf.read_bytes() == edited
    forced = publish(out, force=True)
    assert [p.status for p in forced.publications if p.path == "pdf/01-ke-hoach.pdf"] == ["forced"]
    kept = list((out / ".history").glob("pdf__01-ke-hoach.*.pdf"))
    assert [k.read_bytes() for k in kept] == [edited]


def test_a_document_whose_signature_block_is_gone_is_named_and_nothing_is_written(
    example_docs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(example_docs, out)
    manifest_before = (out / MANIFEST_NAME).read_bytes()
    broken = "03-giay-moi/xa-thanh-my.docx"
    document = docx.Document(str(out / broken))
    for paragraph in document.tables[-1].rows[-1].cells[-1].paragraphs:
        for run in paragraph.runs:
            run.text = ""
    document.save(str(out / broken))
    with pytest.raises(InputError) as caught:
        publish(out)
    assert broken in caught.value.message and "khối chữ ký" in caught.value.message
    assert not (out / "pdf").exists()
    assert (out / MANIFEST_NAME).read_bytes() == manifest_before


def test_the_review_and_the_publication_convert_each_document_once(
    example_docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vanban.review.build import review_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    shutil.copytree(example_docs, out)
    reviewed = review_folder(out, check=lambda _path: [])
    assert len(reviewed.pdfs) == EXAMPLE_ISSUED
    after_review = publish(out)
    assert after_review.converted == 0 and len(after_review.publications) == EXAMPLE_ISSUED
    cached = list((tmp_path / "cache").rglob("*.pdf"))
    assert len(cached) == EXAMPLE_ISSUED


def test_the_audit_check_covers_the_pdfs(published: Published, tmp_path: Path) -> None:
    out = copy_of(published, tmp_path)
    report = verify(out)
    assert report.ok, report.problems
    # Each document, its PDF, and the PDF's metadata as JSON and as XML.
    assert report.checked_files == 4 * EXAMPLE_ISSUED
    (out / "pdf/05-bao-cao-tong-hop.pdf").write_bytes(b"%PDF-1.7 thay bang tay")
    problems = verify(out).problems
    assert any("pdf/05-bao-cao-tong-hop.pdf" in p and "đã bị sửa" in p for p in problems)


def test_a_manifest_record_naming_a_path_outside_the_pdf_folder_is_ignored(
    published: Published, tmp_path: Path
) -> None:
    out = copy_of(published, tmp_path)
    manifest: dict[str, Any] = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    manifest[PDFS_KEY]["01-ke-hoach.docx"]["path"] = "../../etc/passwd"
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), "utf-8")
    again = publish(out)
    plan = [p for p in again.publications if p.source == "01-ke-hoach.docx"]
    assert [(p.path, p.status) for p in plan] == [("pdf/01-ke-hoach.pdf", "unchanged")]


def test_the_command_on_a_folder_never_issued_says_so_with_exit_2(tmp_path: Path) -> None:
    from tests.command_line.running import vanban

    (tmp_path / "ra").mkdir()
    done = vanban("pdf", str(tmp_path / "ra"))
    assert done.returncode == 2 and "vanban run" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "ra" / "pdf").exists()
