"""The second example, ``inputs/thap-muoi-2026.xlsx``: a commune after 1 July 2025 issuing for
its hamlets (``tools/commune_example.py``, illustrative data).

The workbook in ``inputs/`` is byte for byte what the tool writes. Issued through the library
(no Prefect), its plan, decision, annex, the invitation, sign-in list and report of ấp Mỹ Lợi
and the summary say what their golden texts say (tests/golden/thap-muoi-2026/: extracted text,
never zip bytes); every document is the commune's own (its header, its dateline, its number
series, no district, no office of the dissolved labour ministry), passes the Decree 30 checker
and is valid against the Office schema.

After a deliberate change of the data or a template, rewrite the golden texts from an issued
folder with ``vanban.review.docxtext.blocks`` (one line per line, as ``_lines`` reads them) and
read the difference before committing it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, TEMPLATES
from tests.plans import apart_from_codes
from tools.commune_example import UNITS, commune_bytes
from vanban.decree30.checker import check_document
from vanban.issuing.jobs import RunReport
from vanban.issuing.run import issue_prepared
from vanban.prepare import prepare_run
from vanban.rendering.schema import schema_findings
from vanban.review.docxtext import blocks
from vanban.text.names import slugify

EXAMPLE = ROOT / "inputs" / "thap-muoi-2026.xlsx"
GOLDEN = ROOT / "tests" / "golden" / "thap-muoi-2026"
SLUGS = [slugify(f"Ấp {name}") for _, name, _, _ in UNITS]
WITH_ROSTER = ["ap-my-loi", "ap-my-dien"]
# The plan, the decision, the annex, 8 invitations, 2 sign-in lists, 8 reports and the summary.
ISSUED = sorted(
    ["01-ke-hoach.docx", "01-quyet-dinh-to-cong-tac.docx", "02-phu-luc-phan-bo-kinh-phi.docx",
     "05-bao-cao-tong-hop.docx"]
    + [f"03-giay-moi/{s}.docx" for s in SLUGS]
    + [f"03-giay-moi/{s}-danh-sach.docx" for s in WITH_ROSTER]
    + [f"04-bao-cao-ket-qua/{s}.docx" for s in SLUGS]
)  # fmt: skip
GOLDEN_DOCS = sorted(str(p.relative_to(GOLDEN).with_suffix(".docx")) for p in GOLDEN.rglob("*.txt"))
INVITATIONS = [f"03-giay-moi/{s}.docx" for s in SLUGS]
REPORTS = [f"04-bao-cao-ket-qua/{s}.docx" for s in SLUGS]
# "Tháp Mười, ngày 06 tháng 4 năm 2026": a place, then the date, nothing else on the line.
DATELINE = re.compile(r"[^,:]+, ngày \d{2} tháng \d{1,2} năm \d{4}")


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunReport]:
    """The example's whole set, issued once for the module through the library."""
    out = tmp_path_factory.mktemp("thap-muoi-2026")
    prepared = prepare_run(EXAMPLE, out_dir=out, templates_dir=TEMPLATES)
    assert (prepared.errors, apart_from_codes(prepared.warnings)) == ((), ())
    report = issue_prepared(prepared)
    assert report.exit_code == 0, [(s.job.relpath, s.reason) for s in report.statuses]
    return out, report


@pytest.fixture(scope="module")
def docs(issued: tuple[Path, RunReport]) -> Path:
    return issued[0]


def _lines(path: Path) -> list[str]:
    """The extracted text line by line: a table cell's lines (header, signature) one each."""
    return "\n".join(blocks(path)).splitlines()


def test_the_workbook_is_what_the_tool_writes() -> None:
    # The blank workbook's guide comes from the schema: a change of its help text changes the
    # example too, which is then written again with the tool.
    assert EXAMPLE.read_bytes() == commune_bytes(), "run: python -m tools.commune_example"


def test_the_tool_writes_the_same_bytes_every_time() -> None:
    # openpyxl dates a workbook with the time of saving; the tool fixes every date it writes.
    assert commune_bytes() == commune_bytes()


def test_the_workbook_follows_the_office_schema() -> None:
    assert schema_findings(EXAMPLE) == []


def test_the_whole_set_is_issued(issued: tuple[Path, RunReport]) -> None:
    _, report = issued
    done = sorted(s.job.relpath for s in report.statuses if s.status == "issued")
    assert done == ISSUED
    # Six hamlets have no roster: their lists are not expected, nothing waits.
    rest = {s.job.relpath: s.status for s in report.statuses if s.status != "issued"}
    assert set(rest.values()) == {"not_expected"} and len(rest) == len(SLUGS) - len(WITH_ROSTER)


def test_the_golden_set_covers_each_kind_of_document() -> None:
    assert GOLDEN_DOCS == sorted(
        ["01-ke-hoach.docx", "01-quyet-dinh-to-cong-tac.docx", "02-phu-luc-phan-bo-kinh-phi.docx",
         "03-giay-moi/ap-my-loi.docx", "03-giay-moi/ap-my-loi-danh-sach.docx",
         "04-bao-cao-ket-qua/ap-my-loi.docx", "05-bao-cao-tong-hop.docx"]
    )  # fmt: skip


@pytest.mark.parametrize("relpath", GOLDEN_DOCS)
def test_the_document_says_what_its_golden_text_says(relpath: str, docs: Path) -> None:
    golden = (GOLDEN / relpath).with_suffix(".txt").read_text("utf-8").splitlines()
    assert _lines(docs / relpath) == golden


@pytest.mark.parametrize("relpath", ISSUED)
def test_every_document_passes_the_decree_30_checker(relpath: str, docs: Path) -> None:
    assert check_document(docs / relpath) == []


@pytest.mark.parametrize("relpath", ISSUED)
def test_every_document_follows_the_office_schema(relpath: str, docs: Path) -> None:
    assert schema_findings(docs / relpath) == []


@pytest.mark.parametrize("relpath", ISSUED)
def test_every_document_is_the_communes_of_today(relpath: str, docs: Path) -> None:
    """No district, no office of the dissolved labour ministry, no hamlet People's Committee;
    the commune's header, and every dateline the commune's."""
    lines = _lines(docs / relpath)
    text = "\n".join(lines).lower()
    for gone in ("huyện", "thương binh", "tb&xh", "lđtbxh", "thị trấn", "ủy ban nhân dân ấp"):
        assert gone not in text, gone
    if relpath.startswith("02-"):  # the annex goes with the plan: no header, no dateline
        assert (
            "(Kèm theo Kế hoạch số 52/KH-UBND ngày 30 tháng 3 năm 2026 của Ủy ban nhân dân "
            "xã Tháp Mười)" in lines
        )
        return
    assert lines[:2] == ["ỦY BAN NHÂN DÂN", "XÃ THÁP MƯỜI"]
    datelines = [line for line in lines if DATELINE.fullmatch(line)]
    assert datelines and all(line.startswith("Tháp Mười, ngày ") for line in datelines)


def test_the_commune_numbers_the_hamlets_invitations_and_reports_in_its_series(
    docs: Path,
) -> None:
    numbers = {
        relpath: next(line for line in _lines(docs / relpath) if line.startswith("Số: "))
        for relpath in INVITATIONS + REPORTS
    }
    assert [numbers[r] for r in INVITATIONS] == [f"Số: {n}/GM-UBND" for n in range(31, 39)]
    assert [numbers[r] for r in REPORTS] == [f"Số: {n}/BC-UBND" for n in range(61, 69)]


@pytest.mark.parametrize("relpath", REPORTS)
def test_each_report_names_its_hamlet_and_goes_to_the_department(relpath: str, docs: Path) -> None:
    lines = _lines(docs / relpath)
    hamlet = next(name for _, name, _, _ in UNITS if slugify(f"Ấp {name}") in relpath)
    assert f"Kết quả tổ chức đối thoại chính sách giảm nghèo năm 2026 tại ấp {hamlet}" in lines
    assert "Kính gửi: Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp." in lines
    # A commune leader chairs each hamlet's dialogue.
    chair = next(line for line in lines if line.startswith("2. Chủ trì: "))
    assert chair.endswith("Chủ tịch Ủy ban nhân dân xã.")
