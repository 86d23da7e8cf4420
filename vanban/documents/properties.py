"""Each document's own properties (File › Properties in Word), from the context it is rendered
with: what the records office and a file browser read before opening it.

- title: the type and summary as the document prints them ("Kế hoạch thực hiện đối thoại …");
- subject: the summary (trích yếu) alone;
- author and last modifier: the issuing body;
- created and modified: the document's own date (never the clock: the same inputs give the same
  bytes); identifier: its number and symbol when it has a number; category: its kind.

A document that has no ``doc`` block of its own (the funding annex) is described as the annex of
the plan it belongs to, with the plan's issuer and date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vanban.documents.blocks import Context
from vanban.model import Plan
from vanban.rendering.wordfile import DocumentProperties
from vanban.text.formatting import capitalize_first, lower_first, upper_vn


def _decapitalised(text: str) -> str:
    """The summary as it reads after the type: "Thực hiện …" -> "thực hiện …" (not "UBND …")."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else lower_first(text)


def _type_as_written(type_name: str, label: str) -> str:
    """The type in a sentence: "Quyết định thành lập Tổ công tác" as the kind's label writes it
    when the label starts with the printed type, else the printed type in sentence case."""
    if upper_vn(label).startswith(upper_vn(type_name)):
        return label[: len(type_name)]
    return capitalize_first(type_name.lower())


def _number(symbol: Any) -> str:
    """The number and symbol, or "" while the number is left blank ("     /GM-UBND")."""
    text = str(symbol or "").strip()
    return "" if not text or text.startswith("/") else text


def document_properties(label: str, context: Context, plan: Plan) -> DocumentProperties:
    """The properties of the document of kind ``label`` rendered with ``context``."""
    doc = context.get("doc") or {}
    if "type_name" in doc:
        summary = " ".join(str(line) for line in doc.get("summary") or []).strip()
        kind_name = _type_as_written(str(doc.get("type_name") or label), label)
        title = f"{kind_name} {_decapitalised(summary)}".strip() if summary else kind_name
        when = doc.get("date")
        return DocumentProperties(
            title=title,
            subject=summary,
            author=str(doc.get("issuer_name") or plan.issuer.name),
            created=when if isinstance(when, date) else plan.ref.date,
            identifier=_number(doc.get("symbol")),
            category=label,
        )
    cited = (context.get("plan") or {}).get("symbol")
    of_plan = f" kèm theo văn bản số {_number(cited)}" if _number(cited) else ""
    return DocumentProperties(
        title=f"{label}{of_plan}",
        subject=plan.summary_line,
        author=plan.issuer.name,
        created=plan.ref.date,
        category=label,
    )


__all__ = ["document_properties"]
