"""Hostile templates: a template that tries to run code, read files or reach Python's internals.

Each case copies the shipped templates, writes one tag into a paragraph (or a header, or a
document property) with python-docx, and issues the example with those templates. The run
refuses the template with exit 3, naming it and the tag, without a traceback; the canary the tag
would create does not exist; no document holds what the tag would have printed; and
``vanban templates check`` reports the same template and tag.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Cm

from tests.conftest import EXAMPLE, EXAMPLE_ISSUED, TEMPLATES
from tests.workbook_mutations import flat, run_main
from vanban.errors import TemplateError
from vanban.issuing.run import run_issue
from vanban.review.docxtext import blocks

SECRET = "vanban-canary-secret-4f1c"
PRINTED = "VANBAN-PWNED-42"  # what the shell commands print; the tags spell it $((6*7))


def _command(canary: Path) -> str:
    return f"echo VANBAN-PWNED-$((6*7)); touch {canary}"


@dataclass(frozen=True)
class Case:
    id: str
    template: str
    tag: Callable[[Path], str]  # the canary's path -> the tag
    reason: str  # what the message says is refused
    where: str = "body"  # a key of PLACES
    named: str = ""  # the tag the message names, when the planted text holds several


def _in_body(doc: DocxDocument, tag: str) -> None:
    anchors = ("{{ plan.intro }}", "{{ schedule.venue }}")
    paragraph = next(p for p in doc.paragraphs if any(a in p.text for a in anchors))
    run = next(r for r in paragraph.runs if any(a in r.text for a in anchors))
    run.text = f"{run.text} {tag}"


def _in_new_paragraph(doc: DocxDocument, tag: str) -> None:
    doc.add_paragraph(tag)


def _in_header(doc: DocxDocument, tag: str) -> None:
    doc.sections[0].header.paragraphs[0].add_run(tag)


def _in_property(doc: DocxDocument, tag: str) -> None:
    doc.core_properties.title = tag


PLACES = {
    "body": _in_body,
    "paragraph": _in_new_paragraph,
    "header": _in_header,
    "property": _in_property,
}

CASES = [
    Case(
        "popen-via-joiner-globals",
        "ke-hoach.docx",
        lambda c: "{{ joiner.__init__.__globals__.os.popen('" + _command(c) + "').read() }}",
        '"joiner"',
    ),
    Case(
        "popen-via-lipsum-in-a-header",
        "giay-moi.docx",
        lambda c: "{{ lipsum.__globals__['os'].popen('" + _command(c) + "').read() }}",
        '"lipsum"',
        "header",
    ),
    Case(
        "popen-in-a-document-property",
        "ke-hoach.docx",
        lambda c: "{{ cycler.__init__.__globals__.os.popen('" + _command(c) + "').read() }}",
        '"cycler"',
        "property",
    ),
    Case(
        "self-template-reference",
        "giay-moi.docx",
        lambda c: "{{ self._TemplateReference__context }}",
        '"self"',
    ),
    Case(
        "environment-variables",
        "ke-hoach.docx",
        lambda c: "{{ cycler.__init__.__globals__.os.environ['VANBAN_CANARY'] }}",
        '"cycler"',
    ),
    Case(
        "class-mro-subclasses",
        "ke-hoach.docx",
        lambda c: "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        '"__class__"',
    ),
    Case(
        "include-a-file",
        "ke-hoach.docx",
        lambda c: "{% include '/etc/passwd' %}",
        "thẻ include",
    ),
    Case(
        "import-a-file",
        "giay-moi.docx",
        lambda c: "{% from '/etc/passwd' import x %}",
        "thẻ import",
    ),
    Case(
        "huge-range",
        "ke-hoach.docx",
        lambda c: "{{ range(10**9) | list | length }}",
        '"range" quá lớn',
    ),
    Case(
        "format-method-of-a-data-string",
        "ke-hoach.docx",
        lambda c: "{{ '{0.__class__.__init__.__globals__}'.format(plan) }}",
        '("format")',
    ),
    Case(
        "reading-a-method-of-a-data-string",
        "ke-hoach.docx",
        lambda c: "{{ plan.symbol.format }}",
        'không được đọc "format"',
    ),
    Case(
        "attribute-named-in-a-filter-argument",
        "ke-hoach.docx",
        lambda c: "{{ [plan] | sort(attribute='__class__.__init__.__globals__') | first }}",
        '"__class__.__init__.__globals__"',
    ),
    Case(
        "a-string-doubled-by-set",
        "ke-hoach.docx",
        lambda c: "{% set a = 'xxxxxxxx' %}" + "{% set a = a ~ a %}" * 40 + "{{ a | length }}",
        "thẻ set",
        named="{% set a = 'xxxxxxxx' %}",
    ),
    Case(
        "a-loop-that-prints-without-end",
        "giay-moi.docx",
        lambda c: "{% for i in range(10000) %}{{ 'x' * 99999 }}{% endfor %}",
        "văn bản tạo ra quá dài",
        "paragraph",
        named="{% for i in range(10000) %}",
    ),
    Case(
        "autoescape-off",
        "giay-moi.docx",
        lambda c: "{% autoescape false %}{{ schedule.venue }}{% endautoescape %}",
        "thẻ autoescape",
        named="{% autoescape false %}",
    ),
]


def _hostile_templates(tmp_path: Path, case: Case) -> tuple[Path, Path, str]:
    """A templates folder with the case's tag planted; (folder, canary, tag as planted)."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    canary = tmp_path / "CANARY"
    tag = case.tag(canary)
    path = folder / case.template
    doc = Document(str(path))
    PLACES[case.where](doc, tag)
    doc.save(str(path))
    return folder, canary, tag


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _documents_text(out: Path) -> str:
    return "\n".join("\n".join(blocks(p)) for p in sorted(out.rglob("*.docx")))


def _assert_nothing_ran(out: Path, canary: Path) -> None:
    assert not canary.exists(), "the template ran a shell command"
    text = _documents_text(out) if out.exists() else ""
    for leaked in (PRINTED, SECRET, "root:x:0:0"):
        assert leaked not in text


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANBAN_CANARY", SECRET)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_hostile_template_is_refused_with_exit_3(case: Case, tmp_path: Path) -> None:
    folder, canary, tag = _hostile_templates(tmp_path, case)
    out = tmp_path / "out"
    # The template is tried before anything is written: the run writes nothing at all.
    with pytest.raises(TemplateError) as caught:
        run_issue(EXAMPLE, out_dir=out, templates_dir=folder)

    assert caught.value.exit_code == 3
    reason = str(caught.value)
    assert f"Mẫu {case.template}" in reason and (case.named or tag) in reason, reason
    assert case.reason in reason, reason
    assert "Traceback" not in reason and "jinja2" not in reason
    assert not out.exists()
    _assert_nothing_ran(out, canary)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_templates_check_reports_the_template_and_the_tag(case: Case, tmp_path: Path) -> None:
    folder, canary, tag = _hostile_templates(tmp_path, case)
    code, stdout, stderr = run_main(["templates", "check", str(folder)])
    assert code == 1
    # Without whitespace: Rich folds a long word of the tag at the terminal's width.
    assert case.template in stdout, stdout
    assert _squeezed(case.named or tag) in _squeezed(stdout), stdout
    assert "Traceback" not in stderr
    assert not canary.exists()
    assert PRINTED not in stdout and SECRET not in stdout


def test_vanban_run_refuses_the_template_and_exits_3(prefect_harness: None, tmp_path: Path) -> None:
    case = CASES[0]
    folder, canary, _ = _hostile_templates(tmp_path, case)
    out = tmp_path / "out"
    code, stdout, stderr = run_main(
        ["run", str(EXAMPLE), "--out", str(out), "--templates", str(folder)]
    )
    assert code == 3, stdout + stderr
    text = flat(stdout + stderr)
    assert "Mẫu ke-hoach.docx: bị từ chối ở thẻ {{ joiner.__init__.__globals__.os.popen(" in text
    assert "Traceback" not in stdout + stderr
    assert PRINTED not in text and SECRET not in text
    _assert_nothing_ran(out, canary)


def test_the_shipped_templates_render_in_the_sandbox(tmp_path: Path) -> None:
    """The sandbox refuses nothing the shipped templates do: the example issues in full."""
    report = run_issue(EXAMPLE, out_dir=tmp_path / "out", templates_dir=TEMPLATES)
    assert report.exit_code == 0, [(s.job.relpath, s.reason) for s in report.statuses]
    assert len([s for s in report.statuses if s.status == "issued"]) == EXAMPLE_ISSUED


def _zip_bomb(folder: Path, name: str) -> None:
    """The template with 40 MB of blanks in a comment of its body: 40 KB on disk."""
    path = folder / name
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "word/document.xml":
                data += b"<!--" + b" " * (40 * 2**20) + b"-->"
            archive.writestr(info.filename, data)
    assert path.stat().st_size < 200_000


def test_a_template_that_inflates_to_megabytes_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    _zip_bomb(folder, "giay-moi.docx")
    with pytest.raises(TemplateError) as caught:
        run_issue(EXAMPLE, out_dir=tmp_path / "out", templates_dir=folder)
    assert "Mẫu giay-moi.docx: tệp giải nén ra quá lớn" in str(caught.value)
    assert not (tmp_path / "out").exists()  # not even the plan, issued in an earlier stage
    code, stdout, stderr = run_main(["templates", "check", str(folder)])
    assert code == 1 and "giay-moi.docx" in stdout and "Traceback" not in stderr


def test_tags_that_open_and_close_in_different_places_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    doc = Document(str(folder / "ke-hoach.docx"))
    header = doc.sections[0].header
    header.paragraphs[0].add_run("{% if plan.symbol == 'x' %}A")
    header.add_table(1, 1, Cm(5)).cell(0, 0).paragraphs[0].add_run("{% endif %}B")
    doc.save(str(folder / "ke-hoach.docx"))
    with pytest.raises(TemplateError) as caught:
        run_issue(EXAMPLE, out_dir=tmp_path / "out", templates_dir=folder)
    assert "Mẫu ke-hoach.docx: các thẻ điều khiển" in str(caught.value)
    assert not (tmp_path / "out").exists()
