"""A run writes nothing from a broken or refused template: every one is named at once, exit 3.

Every template a run will render is compiled and tried on its first document while the run is
prepared, before the output folder is touched: a broken one in a later stage no longer leaves
the earlier stages issued, and two broken ones are both named.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import EXAMPLE, TEMPLATES
from tests.workbook_mutations import flat, run_main
from vanban.errors import PreparationError, TemplateError, VanbanError
from vanban.issuing.run import run_issue
from vanban.prepare import prepare_run

SYNTAX = "{{ plan.symbol "  # never closed
REFUSED = "{{ plan.symbol.__class__.__mro__ }}"  # the sandbox refuses it when it runs
UNKNOWN = "{{ plan.no_such_field }}"  # StrictUndefined: no such data


def _templates(tmp_path: Path, broken: dict[str, str] | None = None) -> Path:
    """The shipped templates with one paragraph added to each named one (file name -> text)."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    for name, text in (broken or {}).items():
        path = folder / name
        doc = Document(str(path))
        doc.add_paragraph(text)
        doc.save(str(path))
    return folder


def _refusal(folder: Path, out: Path, **options: object) -> VanbanError:
    with pytest.raises(VanbanError) as caught:
        run_issue(EXAMPLE, out_dir=out, templates_dir=folder, **options)  # type: ignore[arg-type]
    assert not out.exists(), "a refused template let the run write"
    return caught.value


@pytest.mark.parametrize(
    ("template", "text", "said"),
    [
        ("ke-hoach.docx", SYNTAX, "lỗi cú pháp"),
        # Python faults of the template's own expressions, on every document alike.
        ("quyet-dinh-to-cong-tac.docx", "{{ plan.venue | vnd }}", "(TypeError)"),
        ("phu-luc-phan-bo-kinh-phi.docx", "{{ plan.year // 0 }}", "(ZeroDivisionError)"),
        ("bao-cao-tong-hop.docx", REFUSED, "bị từ chối"),  # the last stage: no plan written
        ("giay-moi.docx", UNKNOWN, "dùng biến không có dữ liệu"),
        ("danh-sach-tham-du.docx", SYNTAX, "lỗi cú pháp"),  # printed for units with a roster
    ],
    ids=["syntax-in-the-plan", "a-filter-on-the-wrong-type", "a-division-by-zero",
         "refused-in-the-summary", "unknown-in-invitations", "syntax-in-the-sign-in-list"],
)  # fmt: skip
def test_one_broken_template_stops_the_whole_run_before_any_write(
    template: str, text: str, said: str, tmp_path: Path
) -> None:
    folder = _templates(tmp_path, {template: text})
    error = _refusal(folder, tmp_path / "out")
    assert isinstance(error, TemplateError) and error.exit_code == 3
    assert f"Mẫu {template}" in str(error) and said in str(error), str(error)


def test_every_broken_template_is_named_at_once(tmp_path: Path) -> None:
    folder = _templates(
        tmp_path,
        {"ke-hoach.docx": SYNTAX, "giay-moi.docx": REFUSED, "bao-cao-tong-hop.docx": UNKNOWN},
    )
    error = _refusal(folder, tmp_path / "out")
    assert isinstance(error, PreparationError) and error.exit_code == 3
    assert [type(e) for e in error.errors] == [TemplateError] * 3
    text = str(error)
    for name in ("ke-hoach.docx", "giay-moi.docx", "bao-cao-tong-hop.docx"):
        assert f"Mẫu {name}" in text
    # `vanban check` says the same, and also writes nothing.
    code, stdout, stderr = run_main(["check", str(EXAMPLE), "--templates", str(folder)])
    assert code == 3 and "Traceback" not in stderr
    assert all(f"Mẫu {n}" in flat(stderr) for n in ("ke-hoach.docx", "giay-moi.docx"))


def test_a_template_missing_from_the_folder_is_named(tmp_path: Path) -> None:
    folder = _templates(tmp_path)
    (folder / "phu-luc-phan-bo-kinh-phi.docx").unlink()
    error = _refusal(folder, tmp_path / "out")
    assert isinstance(error, TemplateError) and "phu-luc-phan-bo-kinh-phi.docx" in str(error)


def test_a_broken_template_the_run_does_not_render_does_not_stop_it(tmp_path: Path) -> None:
    """Only what the run renders is tried: a broken report template does not stop the plan."""
    folder = _templates(tmp_path, {"bao-cao-tong-hop.docx": SYNTAX})
    report = run_issue(EXAMPLE, out_dir=tmp_path / "out", templates_dir=folder, only=["plan"])
    assert report.exit_code == 0 and (tmp_path / "out" / "01-ke-hoach.docx").is_file()
    prepared = prepare_run(EXAMPLE, templates_dir=folder, only=["plan", "summary"])
    assert [type(e) for e in prepared.errors] == [TemplateError]


def test_vanban_run_writes_nothing_from_a_broken_template(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    folder = _templates(
        tmp_path, {"phu-luc-phan-bo-kinh-phi.docx": SYNTAX, "bao-cao-ket-qua.docx": REFUSED}
    )
    out = tmp_path / "out"
    code, stdout, stderr = run_main(["run", str(EXAMPLE), "--out", str(out), "--templates",
                                     str(folder)])  # fmt: skip
    assert code == 3, stdout + stderr
    text = flat(stderr)
    assert "Mẫu phu-luc-phan-bo-kinh-phi.docx" in text and "Mẫu bao-cao-ket-qua.docx" in text
    assert "Traceback" not in stdout + stderr
    assert not out.exists()
