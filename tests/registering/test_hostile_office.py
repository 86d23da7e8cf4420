"""What sits in the output folder is hostile too: a manifest whose metadata was tampered with,
a register that is no workbook, a link planted where a register goes. Each is named, and
nothing is written through it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.registering.conftest import Office, copy_of
from tests.workbook_mutations import flat, run_main
from vanban.issuing.audit import AuditLog
from vanban.outdir import LOG_NAME, MANIFEST_NAME, REGISTER_NAME, REGISTERS_DIR


def _entries(out: Path) -> int:
    return len(AuditLog(out / LOG_NAME).entries())


def _rewrite_manifest(out: Path, change: object) -> None:
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    change(manifest)  # type: ignore[operator]
    # ASCII escapes: a lone surrogate travels in JSON as "\\ud800", as a hostile file would hold it.
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), "utf-8")


def test_tampered_metadata_in_the_manifest_is_named_and_skipped(
    office: Office, tmp_path: Path
) -> None:
    out = copy_of(office, tmp_path)

    def tamper(manifest: dict) -> None:  # type: ignore[type-arg]
        docs = {d["path"]: d for d in manifest["documents"] if d.get("path")}
        docs["01-ke-hoach.docx"]["metadata"]["Subject"] = "a\x00b<script>"
        docs["01-quyet-dinh-to-cong-tac.docx"]["metadata"]["PageAmount"] = "ba"
        docs["02-phu-luc-phan-bo-kinh-phi.docx"]["metadata"]["Subject"] = "x" * 501
        docs["05-bao-cao-tong-hop.docx"]["metadata"]["Subject"] = "lone \ud800 surrogate \uffff"
        docs["04-bao-cao-ket-qua/xa-my-quy.docx"]["status"] = ["issued"]
        manifest["pdfs"]["03-giay-moi/xa-my-quy.docx"]["metadata"] = 5
        manifest["pdfs"]["03-giay-moi/xa-my-quy.docx"]["signed"]["path"] = "."

    _rewrite_manifest(out, tamper)
    before = (out / "pdf" / "01-ke-hoach.metadata.json").read_bytes()
    code, stdout, stderr = run_main(["pdf", str(out)])
    text = flat(stdout + stderr)
    assert code == 0, text
    for source in ("01-ke-hoach.docx", "01-quyet-dinh-to-cong-tac.docx",
                   "02-phu-luc-phan-bo-kinh-phi.docx", "05-bao-cao-tong-hop.docx"):  # fmt: skip
        assert f"dữ liệu đặc tả của {source} không hợp lệ" in text
    assert "Traceback" not in text
    assert (out / "pdf" / "01-ke-hoach.metadata.json").read_bytes() == before  # left as it was
    # The review page shows what it can and says what it cannot.
    code, stdout, stderr = run_main(["review", str(out)])
    assert code == 0, stdout + stderr
    page = (out / "review" / "index.html").read_text("utf-8")
    assert "manifest.json ghi sai, không hiển thị" in page and "\ud800" not in page


def test_a_register_that_is_no_workbook_is_named_and_nothing_is_written(
    office: Office, tmp_path: Path
) -> None:
    out = copy_of(office, tmp_path)
    register = next((out / REGISTERS_DIR).glob(f"uy-ban-nhan-dan-xa-my-quy/{REGISTER_NAME}"))
    register.write_bytes(b"PK\x03\x04 not a workbook")
    (out / "01-ke-hoach.docx").write_bytes((out / "01-ke-hoach.docx").read_bytes())
    entries = _entries(out)
    os.remove(out / "pdf" / "01-ke-hoach.pdf")  # a PDF it would write again
    code, stdout, stderr = run_main(["pdf", str(out)])
    text = flat(stdout + stderr)
    assert code == 2, text
    assert f"{REGISTERS_DIR}/uy-ban-nhan-dan-xa-my-quy/{REGISTER_NAME}" in text
    assert "Traceback" not in text
    assert not (out / "pdf" / "01-ke-hoach.pdf").exists()  # nothing written
    assert _entries(out) == entries


def test_a_link_where_a_register_goes_is_refused(office: Office, tmp_path: Path) -> None:
    out = copy_of(office, tmp_path)
    folder = out / REGISTERS_DIR / "uy-ban-nhan-dan-xa-my-quy"
    (folder / REGISTER_NAME).unlink()
    outside = tmp_path / "elsewhere.xlsx"
    outside.write_bytes(b"")
    (folder / REGISTER_NAME).symlink_to(outside)
    code, stdout, stderr = run_main(["pdf", str(out)])
    text = flat(stdout + stderr)
    assert code != 0 and "liên kết" in text, text
    assert outside.read_bytes() == b""
