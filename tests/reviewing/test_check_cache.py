"""A re-review checks the format of only the documents it has not checked before.

Findings are kept by the SHA-256 of a document's bytes and the checker's own source, in the
user's cache, never in the output folder (where a planted record could hide a fault).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest

import vanban.decree30.checker as checker_module
from vanban.review import build, checkstate
from vanban.review.build import review_folder


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(build, "find_soffice", lambda: None)  # the checks only, no previews
    calls: list[str] = []
    real = checker_module.check_document

    def counting(path: Path) -> Any:
        calls.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(checker_module, "check_document", counting)
    return calls


def _folder(example_docs: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for source in sorted(example_docs.glob("03-giay-moi/*.docx"))[:3]:
        shutil.copyfile(source, out / source.name)
    return out


def _findings(result: Any) -> dict[str, list[tuple[str, str, str | None]]]:
    return {
        str(doc.path): [(f.rule, f.message, f.where) for f in doc.findings or []]
        for doc in result.documents
    }


def test_a_re_review_checks_only_what_changed(
    example_docs: Path, tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _folder(example_docs, tmp_path)
    first = review_folder(out)
    assert len(counted) == 3
    assert all(doc.findings is not None for doc in first.documents)

    again = review_folder(out)
    assert len(counted) == 3  # nothing checked again
    assert _findings(again) == _findings(first)

    changed = sorted(out.glob("*.docx"))[0]
    document = docx.Document(str(changed))
    document.add_paragraph("Một đoạn thêm vào sau khi phát hành.")
    document.save(str(changed))
    review_folder(out)
    assert counted[3:] == [changed.name]

    monkeypatch.setattr(checkstate, "checker_version", lambda: "f" * 64)  # new rules
    review_folder(out)
    assert len(counted) == 3 + 1 + 3


def test_the_findings_are_kept_outside_the_output_folder(
    example_docs: Path, tmp_path: Path, counted: list[str]
) -> None:
    out = _folder(example_docs, tmp_path)
    review_folder(out)
    records = list((tmp_path / "cache" / "vanban" / "checks").iterdir())
    assert len(records) == 3
    assert all(re.fullmatch(r"[0-9a-f]{16}-[0-9a-f]{64}\.json", r.name) for r in records)
    assert not [p for p in out.rglob("*.json") if "check" in p.name]


def test_a_finding_recorded_is_shown_as_it_was_found(
    example_docs: Path, tmp_path: Path, counted: list[str]
) -> None:
    out = _folder(example_docs, tmp_path)
    broken = sorted(out.glob("*.docx"))[1]
    document = docx.Document(str(broken))
    for paragraph in document.paragraphs[:40]:
        for run in paragraph.runs:
            run.font.name = "Arial"  # not the font Decree 30 asks for
    document.save(str(broken))
    first = review_folder(out)
    found = _findings(first)[broken.name]
    assert found, "the checker should find the wrong font"
    html_first = first.index.read_text("utf-8")
    again = review_folder(out)
    assert _findings(again)[broken.name] == found
    assert len(counted) == 3
    section = re.compile(r'<section class="findings">.*?</section>', re.S)
    assert section.findall(again.index.read_text("utf-8")) == section.findall(html_first)
