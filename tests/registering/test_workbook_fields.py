"""The workbook's registration fields: every value that lands in a document's metadata is
bounded at its cell (annex VI's lengths), identifier codes have their shape, and a missing code
is a warning, never an error. ``vanban check`` finds each before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.registering.conftest import numbered_and_coded
from tests.workbook_mutations import (
    Mutation,
    both,
    flat,
    mutated,
    plan_row,
    put,
    put_plan,
    run_main,
)
from vanban.documents.kinds import load_registry
from vanban.errors import WorkbookError
from vanban.issuing.prepared import check_documents_sheet
from vanban.workbook import schema
from vanban.workbook.loader import collect_problems, load_plan


def _codes(rows: list[tuple[str, str]]) -> Mutation:
    def change(wb: Workbook) -> None:
        for r, (name, code) in enumerate(rows, start=2):
            wb["Mã định danh"].cell(r, 1).value = name
            wb["Mã định danh"].cell(r, 2).value = code

    return change


def _errors(path: Path) -> list[str]:
    _, problems = collect_problems(path)
    return [str(p) for p in problems if p.is_error]


def _warnings(path: Path) -> list[str]:
    _, problems = collect_problems(path)
    return [str(p) for p in problems if not p.is_error]


def _label_row(label: str) -> int:
    from tests.workbook_mutations import example_workbook

    return plan_row(example_workbook(), label)


BAD = [
    ("summary-600", put_plan("Trích yếu", "x" * 600), "Kế hoạch", "Trích yếu",
     "trích yếu dài 600 ký tự, tối đa 500 (dữ liệu đặc tả văn bản, Nghị định 30, Phụ lục VI: "
     "Subject)"),
    ("code-14", put_plan("Mã định danh cơ quan ban hành", "000.00.30.H201"), "Kế hoạch",
     "Mã định danh cơ quan ban hành", "mã định danh dài 14 ký tự, tối đa 13"),
    ("code-shape", put_plan("Mã định danh cơ quan ban hành", "UBND-THAPMUOI"), "Kế hoạch",
     "Mã định danh cơ quan ban hành", 'mã định danh có dạng "000.00.00.G22"'),
    ("signer-51", put_plan("Người ký: họ tên", "Nguyễn " * 7 + "Văn Hiệp"), "Kế hoạch",
     "Người ký: họ tên", "tối đa 50 (dữ liệu đặc tả văn bản, Nghị định 30, Phụ lục VI: FullName)"),
    ("dialogue-401", put_plan("Tên cuộc đối thoại", "đ" * 401), "Kế hoạch",
     "Tên cuộc đối thoại", "tối đa 400"),
]  # fmt: skip


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_a_value_over_its_metadata_length_is_bad_input_at_its_cell(
    case: tuple[str, Mutation, str, str, str], tmp_path: Path
) -> None:
    _, mutation, sheet, label, message = case
    path = mutated(mutation, tmp_path / "ke-hoach.xlsx")
    cell = f"B{_label_row(label)}"
    found = [e for e in _errors(path) if e.startswith(f'Sheet "{sheet}", ô {cell}:')]
    assert len(found) == 1 and message in found[0], _errors(path)
    code, stdout, stderr = run_main(["check", str(path)])
    assert code == 2 and f"ô {cell}" in flat(stdout + stderr)
    out = tmp_path / "out"
    code, _, _ = run_main(["run", str(path), "--out", str(out), "--local"])
    assert code == 2 and not out.exists()  # nothing written


def test_cells_of_the_other_sheets_are_bounded_too(tmp_path: Path) -> None:
    change = both(
        put("Văn bản", "D2", "Quyết định\n" + "y" * 495),  # two lines, 506 characters in all
        put("Văn bản", "H2", "z" * 201),  # one recipient line over 200
        _codes([("Sở Lao động – TB&XH", "000.00.12.h20"), ("Sở Lao động – TB&XH", "000.00.13.H20")]),
        put("Văn bản", "A3", "Kế hoạch"),
        put("Văn bản", "P3", 1000),  # "Số bản": three digits at most
    )
    path = mutated(change, tmp_path / "ke-hoach.xlsx")
    errors = _errors(path)
    assert any(e.startswith('Sheet "Văn bản", ô D2: trích yếu dài 506 ký tự, tối đa 500')
               for e in errors), errors  # fmt: skip
    assert any(e.startswith('Sheet "Văn bản", ô H2: mỗi dòng của nơi nhận dài 201 ký tự')
               for e in errors), errors  # fmt: skip
    assert any(e.startswith('Sheet "Mã định danh", ô A3: cơ quan "Sở Lao động – TB&XH" ghi hai lần')
               for e in errors), errors  # fmt: skip
    assert any(e.startswith('Sheet "Văn bản", ô P3: số bản quá lớn: tối đa 999')
               for e in errors), errors  # fmt: skip


def test_a_recipient_line_of_the_texts_sheet_is_bounded(tmp_path: Path) -> None:
    wb = load_workbook(mutated(lambda wb: None, tmp_path / "x.xlsx"))
    ws = wb["Nội dung"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Nơi nhận kế hoạch")
    ws.cell(row, 3).value = "Sở " + "n" * 198
    wb.save(tmp_path / "ke-hoach.xlsx")
    errors = _errors(tmp_path / "ke-hoach.xlsx")
    assert errors == [
        f'Sheet "Nội dung", ô C{row}: nơi nhận dài 201 ký tự, tối đa 200 (dữ liệu đặc tả văn '
        "bản, Nghị định 30, Phụ lục VI: ToOrganName)"
    ]


def test_a_code_is_read_in_capitals(tmp_path: Path) -> None:
    path = mutated(put_plan("Mã định danh cơ quan ban hành", " 000.00.30.h20 "), tmp_path / "k.xlsx")
    assert load_plan(path).issuer.code == "000.00.30.H20"


def test_a_workbook_without_any_code_gets_one_warning(example_workbook: Path) -> None:
    (warning,) = _warnings(example_workbook)
    assert "bảng tính chưa có mã định danh điện tử nào" in warning


def test_each_missing_code_is_a_warning_once_some_are_given(tmp_path: Path) -> None:
    path = mutated(_codes([("Sở Lao động – TB&XH", "000.00.12.H20")]), tmp_path / "k.xlsx")
    warnings = _warnings(path)
    assert len(warnings) == 4, warnings
    issuer, summary, units, recipients = warnings
    assert issuer.startswith(f'Sheet "Kế hoạch", ô B{_label_row("Mã định danh cơ quan ban hành")}:')
    assert "Báo cáo tổng hợp: mã định danh" in summary
    assert units.startswith('Sheet "Đơn vị": 13 đơn vị chưa có "Mã định danh" ("Xã Mỹ Quý"')
    assert recipients.startswith('Sheet "Mã định danh": 11 nơi nhận chưa có mã định danh ("TT.')
    assert "Sở Lao động – TB&XH" not in recipients
    load_plan(path)  # warnings only: the plan loads


def test_a_fully_coded_workbook_has_no_code_warning(tmp_path: Path) -> None:
    path = mutated(numbered_and_coded, tmp_path / "k.xlsx")
    warnings = _warnings(path)
    assert len(warnings) == 1 and warnings[0].startswith('Sheet "Mã định danh": '), warnings
    assert warnings[0].startswith('Sheet "Mã định danh": 8 nơi nhận chưa có mã')
    assert "Phòng Lao động – TB&XH huyện" not in warnings[0]


def test_a_built_in_kind_may_be_registered_but_not_renumbered(tmp_path: Path) -> None:
    registry = load_registry(None)
    ok = load_plan(mutated(numbered_and_coded, tmp_path / "ok.xlsx"))
    check_documents_sheet(ok, registry)  # "Kế hoạch" with urgency and copies only
    bad = load_plan(mutated(both(numbered_and_coded, put("Văn bản", "B3", 9)), tmp_path / "b.xlsx"))
    with pytest.raises(WorkbookError) as caught:
        check_documents_sheet(bad, registry)
    (problem,) = caught.value.problems
    assert problem.cell == "A3" and "chỉ được ghi các cột đăng ký" in problem.message


def test_the_blank_workbook_carries_the_new_fields_with_their_guide_lines(tmp_path: Path) -> None:
    path = tmp_path / "trong.xlsx"
    code, stdout, stderr = run_main(["new-workbook", str(path)])
    assert code == 0, stdout + stderr
    wb = load_workbook(path)
    labels = [wb["Kế hoạch"].cell(r, 1).value for r in range(1, wb["Kế hoạch"].max_row + 1)]
    assert "Mã định danh cơ quan ban hành" in labels
    assert "Báo cáo tổng hợp: mã định danh" in labels
    assert "Mã định danh" in [c.value for c in wb["Đơn vị"][1]]
    headers = [c.value for c in wb["Văn bản"][1]]
    assert [h for h in headers if h in ("Độ khẩn", "Số bản", "Hạn trả lời", "Hồ sơ",
                                        "Ghi chú đặc tả")] == [
        "Độ khẩn", "Số bản", "Hạn trả lời", "Hồ sơ", "Ghi chú đặc tả"
    ]  # fmt: skip
    assert [c.value for c in wb["Mã định danh"][1]] == ["Cơ quan, tổ chức", "Mã định danh"]
    guide = [
        " ".join(str(v) for v in row if v)
        for row in wb[schema.GUIDE_SHEET].iter_rows(values_only=True)
    ]
    for label in ("Mã định danh cơ quan ban hành", "Độ khẩn", "Số bản"):
        (line,) = [g for g in guide if g.startswith(label + " ")]
        assert "dữ liệu đặc tả" in line or "Quyết định 20/2020" in line
    assert any(g.startswith("Mã định danh không") and "edXML" in g for g in guide)
