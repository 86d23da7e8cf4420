"""`vanban templates check`: what a clerk who broke a template in Word is told."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.text.paragraph import Paragraph

from tests.conftest import TEMPLATES
from vanban.documents.lint import lint_templates


def _edit(path: Path, change: Callable[[Paragraph], bool]) -> None:
    doc = Document(str(path))
    paragraphs = list(doc.paragraphs) + [
        p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]
    assert any(change(p) for p in paragraphs), "the template no longer holds the text to break"
    doc.save(str(path))


def _replace(old: str, new: str) -> Callable[[Paragraph], bool]:
    def change(p: Paragraph) -> bool:
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                return True
        return False

    return change


def _split(tag: str) -> Callable[[Paragraph], bool]:
    def change(p: Paragraph) -> bool:
        for run in p.runs:
            if tag in run.text:
                head, tail = run.text.split(tag, 1)
                half = len(tag) // 2
                run.text = head + tag[:half]
                new = p.add_run(tag[half:] + tail)
                new.bold = not run.bold  # Word splits runs where formatting changes
                run._r.addnext(new._r)
                return True
        return False

    return change


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    shutil.copytree(TEMPLATES, tmp_path / "docx")
    return tmp_path / "docx"


def test_shipped_templates_are_clean() -> None:
    assert lint_templates(TEMPLATES) == []


CASES = [
    ("misspelt variable", _replace("{{ schedule.venue }}", "{{ schedule.venu }}"),
     ['"venu"', "venue", "giay-moi.docx", "Địa điểm"]),
    ("unknown variable at the top", _replace("{{ addressee }}", "{{ adressee }}"),
     ['"adressee"', "addressee", "bao-cao-ket-qua.docx"]),
    ("unknown filter", _replace("{{ unit.poor | so }}", "{{ unit.poor | soo }}"),
     ['bộ lọc "soo"', "so", "giay-moi.docx"]),
    ("broken tag", _replace("{{ schedule.venue }}", "{{ schedule.venue }"),
     ["giay-moi.docx", "{{", "}}"]),
    ("tag split by Word", _split("{{ schedule.venue }}"),
     ["giay-moi.docx", "tách", "schedule.venue"]),
]


@pytest.mark.parametrize(("what", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_broken_template_is_reported(
    templates: Path, what: str, change: Callable[[Paragraph], bool], expected: list[str]
) -> None:
    target = "bao-cao-ket-qua.docx" if "top" in what else "giay-moi.docx"
    _edit(templates / target, change)
    findings = lint_templates(templates)
    assert findings, what
    text = "\n".join(str(f) for f in findings)
    for needle in expected:
        assert needle in text, f"{needle!r} not in {text}"


def test_cli_exits_1_and_names_the_problem(templates: Path) -> None:
    _edit(templates / "giay-moi.docx", _replace("{{ schedule.venue }}", "{{ schedule.venu }}"))
    proc = subprocess.run(
        [sys.executable, "-m", "vanban", "templates", "check", str(templates)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1
    assert "venu" in proc.stdout and "Traceback" not in proc.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "vanban", "templates", "check", str(TEMPLATES)],
        capture_output=True, text=True, check=False,
    )
    assert ok.returncode == 0
