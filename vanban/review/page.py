"""The review page: one self-contained HTML file a signer reads before signing.

The page is written to ``<output>/review/index.html`` and works opened straight from disk with no
network: inline CSS, no fonts or scripts from elsewhere, thumbnails and PDFs by relative links
inside ``review/``, the .docx by ``../<path>``. Every piece of text that comes from data is escaped.

Each document is an ``<article class="doc">`` with a stable ``id`` and ``data-path``,
``data-status``, ``data-kind``, ``data-stage`` and ``data-unit`` attributes, so tests and scripts
can find it. A small inline script marks every ``<img>`` with ``data-loaded="true|false"`` once
the page has loaded, which shows a broken thumbnail both to a reader and to a headless browser.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from vanban.issuing.jobs import STATUSES, DocState
from vanban.review.textdiff import DiffLine, Segment, hunks
from vanban.text.names import slugify

STATUS_LABELS = {status: sentence for status, (_, sentence) in STATUSES.items()}
# What the page says of a document: its status after the last run, or "unknown" for a file that
# no manifest lists (or one listed with a status this version does not know).
ShownState = DocState | Literal["unknown"]
UNKNOWN_STATUS = "Không rõ tình trạng"

NO_CHANGE = "Không thay đổi so với lần phát hành trước"
FIRST_ISSUE = "Phát hành lần đầu"
FORMAT_OK = "Đạt thể thức"


@dataclass
class DocumentReview:
    """One document of the run as the page shows it; paths are POSIX and relative.

    ``path`` is relative to the output folder; ``pdf`` and ``png`` to ``review/``.
    ``findings`` is None when the format was not checked (``check_note`` says why) and an empty
    list when it passed. ``diff`` is None when there is nothing to compare (``diff_note`` says why).
    """

    kind: str
    label: str
    status: ShownState
    stage: int | None = None
    stage_label: str = ""
    unit: str | None = None
    path: str | None = None
    reason: str | None = None
    exists: bool = False
    pdf: str | None = None
    png: str | None = None
    preview_note: str | None = None
    findings: list[Any] | None = None
    check_note: str | None = None
    diff: list[DiffLine] | None = None
    diff_note: str | None = None
    previous: str | None = None
    # ``vanban pdf`` and ``vanban signed``: paths relative to the output folder, and what to say.
    signing_pdf: str | None = None
    signed_pdf: str | None = None
    signing_note: str | None = None
    # Its metadata (Decree 30, annex VI) as a person reads it, and the records office's files:
    # the metadata beside its PDF and the edXML package beside its signed copy.
    metadata: list[tuple[str, str]] | None = None
    issuing_body: str = ""  # the metadata's OrganName: whose outgoing register lists it
    office_files: list[tuple[str, str]] = field(default_factory=list)  # (label, path)


@dataclass
class ReviewPage:
    title: str
    symbol: str | None = None
    generated_at: str | None = None
    reviewed_at: str | None = None
    message: str | None = None
    documents: list[DocumentReview] = field(default_factory=list)
    # The outgoing registers, one per issuing body: (the body's name, the register's path).
    registers: list[tuple[str, str]] = field(default_factory=list)


def anchors(documents: Sequence[DocumentReview]) -> list[str]:
    """A stable, unique id per document: from its path, or from its kind and unit."""
    out: list[str] = []
    seen: set[str] = set()
    for doc in documents:
        base = "doc-" + (slugify(doc.path) if doc.path else slugify(f"{doc.kind} {doc.unit or ''}"))
        anchor, n = base, 2
        while anchor in seen:
            anchor, n = f"{base}-{n}", n + 1
        seen.add(anchor)
        out.append(anchor)
    return out


def ordered(documents: Iterable[DocumentReview]) -> list[DocumentReview]:
    """By stage; within a stage the unit-less document first, then units in the run's order."""
    indexed = list(enumerate(documents))
    indexed.sort(key=lambda item: (_stage_key(item[1].stage), item[1].unit is not None, item[0]))
    return [doc for _, doc in indexed]


def render_page(page: ReviewPage) -> str:
    docs = ordered(page.documents)
    ids = anchors(docs)
    parts = [_HEAD.format(title=_e(f"Rà soát trước khi ký: {page.title}"), css=_CSS)]
    parts.append('<body data-images-checked="false">\n<header class="top">')
    parts.append("<h1>Rà soát trước khi ký</h1>")
    parts.append(f'<p class="plan">{_e(page.title)}</p>')
    meta = []
    if page.symbol:
        meta.append(f"Số ký hiệu: {_e(page.symbol)}")
    if page.generated_at:
        meta.append(f"Lần chạy: {_e(page.generated_at)}")
    if page.reviewed_at:
        meta.append(f"Trang lập lúc: {_e(page.reviewed_at)}")
    if meta:
        parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if page.message:
        parts.append(f'<div class="notice" role="note">{_lines(page.message)}</div>')
    if page.registers:
        links = " · ".join(
            f'<a class="register" href="{_url("../" + path)}">{_e(body)}</a>'
            for body, path in page.registers
        )
        parts.append(f'<p class="registers">Sổ đăng ký văn bản đi: {links}</p>')
    parts.append("</header>")
    parts.append(_overview(docs, ids))
    for stage, group in _by_stage(docs, ids):
        heading = _stage_heading(stage, group[0][0].stage_label)
        parts.append(f'<section class="stage" id="stage-{_e(_stage_id(stage))}">')
        parts.append(f"<h2>{_e(heading)}</h2>")
        parts.extend(_document(doc, anchor) for doc, anchor in group)
        parts.append("</section>")
    parts.append(_SCRIPT)
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def _overview(docs: Sequence[DocumentReview], ids: Sequence[str]) -> str:
    counts: dict[ShownState, int] = {}
    for doc in docs:
        counts[doc.status] = counts.get(doc.status, 0) + 1
    summary = ", ".join(f"{_status_label(s)}: {n}" for s, n in counts.items())
    rows = []
    for doc, anchor in zip(docs, ids, strict=True):
        findings = "" if doc.findings is None else str(len(doc.findings))
        rows.append(
            f'<tr class="status-{_e(doc.status)}"><td>{_e(_stage_text(doc))}</td>'
            f'<td><a href="#{_e(anchor)}">{_e(doc.label)}</a></td><td>{_e(doc.unit or "")}</td>'
            f"<td>{_e(_status_label(doc.status))}</td><td>{_e(findings)}</td>"
            f"<td>{_e(_signing_state(doc))}</td></tr>"
        )
    return (
        f'<nav class="overview"><p>{len(docs)} văn bản. {_e(summary)}</p>\n'
        "<table><thead><tr><th>Bước</th><th>Văn bản</th><th>Đơn vị</th><th>Tình trạng</th>"
        "<th>Lỗi thể thức</th><th>Ký số</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></nav>"
    )


def _signing_state(doc: DocumentReview) -> str:
    if doc.signed_pdf:
        return "đã ký"
    return "chờ ký" if doc.signing_pdf else ""


def _document(doc: DocumentReview, anchor: str) -> str:
    title = doc.label + (f" — {doc.unit}" if doc.unit else "")
    attrs = {
        "class": f"doc status-{doc.status}",
        "id": anchor,
        "data-path": doc.path or "",
        "data-status": doc.status,
        "data-kind": doc.kind,
        "data-stage": "" if doc.stage is None else str(doc.stage),
        "data-unit": doc.unit or "",
    }
    out = [f"<article {_attrs(attrs)}>"]
    out.append(
        f'<header><h3>{_e(title)}</h3> <span class="badge">{_e(_status_label(doc.status))}</span>'
        "</header>"
    )
    if doc.reason:
        out.append(f'<p class="reason">Lý do: {_lines(doc.reason)}</p>')
    out.append('<div class="columns">')
    out.append(_thumbnail(doc, title))
    out.append('<div class="details">')
    out.append(_links(doc))
    if doc.metadata:
        out.append(_metadata(doc.metadata))
    if doc.exists:
        out.append(_findings(doc))
    out.append(_changes(doc))
    out.append("</div></div></article>")
    return "\n".join(out)


def _thumbnail(doc: DocumentReview, title: str) -> str:
    if doc.png:
        img = f'<img src="{_url(doc.png)}" alt="{_e("Trang đầu: " + title)}" width="150">'
        inner = f'<a href="{_url(doc.pdf)}">{img}</a>' if doc.pdf else img
        return f'<div class="thumb">{inner}</div>'
    note = doc.preview_note or ("Chưa có văn bản" if not doc.exists else "Chưa có bản xem trước")
    return f'<div class="thumb none">{_lines(note)}</div>'


def _links(doc: DocumentReview) -> str:
    links = []
    if doc.path and doc.exists:
        links.append(f'<a class="docx" href="{_url("../" + doc.path)}">{_e(doc.path)}</a>')
    elif doc.path:
        links.append(f'<span class="missing">{_e(doc.path)} (không có tệp)</span>')
    if doc.pdf:
        links.append(f'<a class="pdf" href="{_url(doc.pdf)}">PDF</a>')
    if doc.signing_pdf:
        links.append(f'<a class="signing" href="{_url("../" + doc.signing_pdf)}">PDF để ký số</a>')
    if doc.signed_pdf:
        links.append(f'<a class="signed" href="{_url("../" + doc.signed_pdf)}">Bản đã ký số</a>')
    for label, path in doc.office_files:
        links.append(f'<a class="office" href="{_url("../" + path)}">{_e(label)}</a>')
    shown = f'<p class="links">{" · ".join(links)}</p>' if links else ""
    if doc.signing_note:
        shown += f'<p class="signing-note">{_lines(doc.signing_note)}</p>'
    return shown


def _metadata(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>" for label, value in rows)
    return (
        '<section class="metadata"><h4>Dữ liệu đặc tả (Nghị định 30, Phụ lục VI)</h4>'
        f"<table>{cells}</table></section>"
    )


def _findings(doc: DocumentReview) -> str:
    head = '<section class="findings"><h4>Thể thức</h4>'
    if doc.findings is None:
        note = doc.check_note or "Chưa kiểm tra thể thức"
        return f'{head}<p class="unchecked">{_lines(note)}</p></section>'
    if not doc.findings:
        return f'{head}<p class="ok">{FORMAT_OK}</p></section>'
    items = []
    for finding in doc.findings:
        rule = str(getattr(finding, "rule", "") or "")
        message = str(getattr(finding, "message", finding))
        where = getattr(finding, "where", None)
        text = f"<code>{_e(rule)}</code> " if rule else ""
        text += _e(message)
        if where:
            text += f' <span class="where">({_e(str(where))})</span>'
        items.append(f"<li>{text}</li>")
    return f'{head}<ul class="problems">{"".join(items)}</ul></section>'


def _changes(doc: DocumentReview) -> str:
    head = '<section class="changes"><h4>So với lần phát hành trước</h4>'
    previous = f'<p class="previous">Bản trước: {_e(doc.previous)}</p>' if doc.previous else ""
    if doc.diff is None or not any(line.op != "=" for line in doc.diff):
        note = doc.diff_note or (NO_CHANGE if doc.diff is not None else "")
        if not note:
            return ""
        return f'{head}{previous}<p class="diff-note">{_lines(note)}</p></section>'
    rows = []
    for k, hunk in enumerate(hunks(doc.diff, context=1)):
        if k:
            rows.append('<p class="gap">…</p>')
        rows.extend(_diff_line(line) for line in hunk)
    return f'{head}{previous}<div class="diff">{"".join(rows)}</div></section>'


def _diff_line(line: DiffLine) -> str:
    if line.op == "=":
        return f'<p class="same"><span class="sign"> </span> {_lines(line.text)}</p>'
    cls, tag, sign = ("del", "del", "−") if line.op == "-" else ("ins", "ins", "+")
    if line.words:
        body = "".join(_segment(seg, tag) for seg in line.words)
    else:
        body = f"<{tag}>{_lines(line.text)}</{tag}>"
    return f'<p class="{cls}"><span class="sign">{sign}</span> {body}</p>'


def _segment(seg: Segment, tag: str) -> str:
    return _lines(seg.text) if seg.op == "=" else f"<{tag}>{_lines(seg.text)}</{tag}>"


def _by_stage(
    docs: Sequence[DocumentReview], ids: Sequence[str]
) -> list[tuple[int | None, list[tuple[DocumentReview, str]]]]:
    groups: list[tuple[int | None, list[tuple[DocumentReview, str]]]] = []
    for doc, anchor in zip(docs, ids, strict=True):
        if not groups or groups[-1][0] != doc.stage:
            groups.append((doc.stage, []))
        groups[-1][1].append((doc, anchor))
    return groups


def _stage_key(stage: int | None) -> tuple[int, int]:
    return (1, 0) if stage is None else (0, stage)


def _stage_id(stage: int | None) -> str:
    return "khac" if stage is None else str(stage)


def _stage_heading(stage: int | None, label: str) -> str:
    if stage is None:
        return label or "Khác"
    return f"{stage}. {label}" if label else f"Bước {stage}"


def _stage_text(doc: DocumentReview) -> str:
    return "" if doc.stage is None else str(doc.stage)


def _status_label(status: ShownState) -> str:
    return UNKNOWN_STATUS if status == "unknown" else STATUS_LABELS[status]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _lines(text: str) -> str:
    return "<br>".join(_e(line) for line in text.split("\n"))


def _url(relative: str) -> str:
    return _e(quote(relative, safe="/"))


def _attrs(attrs: dict[str, str]) -> str:
    return " ".join(f'{name}="{_e(value)}"' for name, value in attrs.items())


_HEAD = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' file:; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title>
<style>{css}</style>
</head>"""

_CSS = """
body { font-family: "Times New Roman", Times, serif; font-size: 15px; margin: 0 auto;
  max-width: 1100px; padding: 0 16px 48px; color: #111; background: #fff; }
h1 { font-size: 24px; margin: 16px 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid #333; padding-bottom: 4px; margin-top: 32px; }
h3 { display: inline; font-size: 17px; }
h4 { font-size: 15px; margin: 10px 0 4px; }
.plan { font-weight: bold; margin: 0; }
.meta { color: #555; margin: 4px 0; }
.notice { border: 1px solid #c90; background: #fff8e1; padding: 8px 12px; margin: 12px 0; }
.overview table { border-collapse: collapse; width: 100%; }
.overview th, .overview td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; }
.doc { border: 1px solid #ccc; border-left: 6px solid #888; padding: 10px 12px; margin: 14px 0; }
.badge { font-size: 13px; padding: 1px 8px; border-radius: 10px; background: #eee;
  margin-left: 8px; }
.status-issued { border-left-color: #2e7d32; } .status-unchanged { border-left-color: #607d8b; }
.status-pending, .status-not_attempted { border-left-color: #f9a825; }
.status-failed, .status-refused { border-left-color: #c62828; }
.status-not_expected { border-left-color: #bdbdbd; color: #555; }
.reason { color: #8a4b00; margin: 6px 0; }
.columns { display: flex; gap: 16px; align-items: flex-start; }
.thumb { flex: 0 0 150px; }
.thumb img { width: 150px; border: 1px solid #999; display: block; }
.thumb.none { height: 90px; border: 1px dashed #aaa; color: #666; font-size: 13px; padding: 6px;
  box-sizing: border-box; }
.thumb a.broken { outline: 2px solid #c62828; }
.details { flex: 1; min-width: 0; }
.links { margin: 0 0 6px; }
.ok { color: #2e7d32; font-weight: bold; margin: 0; }
.unchecked, .diff-note, .previous { color: #555; margin: 0; }
.problems { margin: 0; padding-left: 20px; color: #b71c1c; }
.diff { font-size: 14px; border: 1px solid #ddd; padding: 4px 8px; }
.diff p { margin: 2px 0; white-space: pre-wrap; }
.diff .same { color: #666; }
.diff .gap { color: #999; }
.diff del { background: #ffd7d5; text-decoration: line-through; }
.diff ins { background: #ccf0d1; text-decoration: none; }
.diff .sign { display: inline-block; width: 1em; color: #999; }
"""

_SCRIPT = """<script>
window.addEventListener("load", function () {
  document.querySelectorAll("img").forEach(function (img) {
    var ok = img.complete && img.naturalWidth > 0;
    img.setAttribute("data-loaded", ok ? "true" : "false");
    if (!ok && img.parentElement) { img.parentElement.classList.add("broken"); }
  });
  document.body.setAttribute("data-images-checked", "true");
});
</script>"""
