"""Each issued document's metadata (Decree 30, annex VI), from the context it is rendered with.

What the document prints (issuer, number, symbol, date, type, summary, signer, recipients) comes
from its ``doc`` block, the one place each kind decides those; what it does not print comes from
the workbook: the identifier codes (the issuing body's, each recipient's from sheet "Mã định
danh") and the registration columns of the kind's "Văn bản" row (urgency, copies, reply date,
file, note). The page count is the PDF's, added when it is published.

A document that has no ``doc`` block of its own (the funding annex) is described as the annex of
the plan it belongs to: the plan's issuer, number, date, signer and recipients.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from vanban.decree30.spec import TYPE_NAMES
from vanban.documents.blocks import Context, recipient_items
from vanban.documents.kinds import DocumentKind
from vanban.errors import InputError
from vanban.metadata import OutgoingMetadata, Recipient, SignerInfo, problems_of, refers_back
from vanban.model import DocumentMeta, Plan
from vanban.text.formatting import capitalize_first, upper_vn
from vanban.text.names import match_key

ANNEX_TYPE = "Phụ lục"


def document_metadata(
    kind: DocumentKind, context: Context, plan: Plan, relpath: str, *, annex_of: str = ""
) -> OutgoingMetadata:
    """The metadata of the document at ``relpath``, of ``kind``, rendered with ``context``.

    InputError, naming the document and each field, when a value overflows annex VI's length:
    the workbook's cells are bounded one by one, but a registry's label or a template's summary
    may still make a field too long. ``annex_of`` is the path of the plan's own document, which
    a separate annex belongs to.
    """
    row = plan.document_meta(kind.key, kind.label)
    doc = context.get("doc") or {}
    if "type_name" in doc:
        meta = _printed(kind, doc, context, plan)
    else:
        meta = replace(_annex(context, plan), annex_of=annex_of)
    meta = _registered(meta, row, kind=kind.key, document=relpath)
    problems = problems_of(meta)
    if problems:
        raise InputError(
            f"{relpath}: dữ liệu đặc tả (Nghị định 30, Phụ lục VI) không hợp lệ: "
            + "; ".join(problems)
        )
    return meta


def _printed(kind: DocumentKind, doc: Context, context: Context, plan: Plan) -> OutgoingMetadata:
    items, archive = recipient_items(list(doc.get("recipients") or []))
    addressee = context.get("addressee")
    # A report's "Kính gửi" is its first recipient; "Như trên" in its list points back to it.
    named = ([addressee] if isinstance(addressee, str) and addressee else []) + items
    when = doc.get("date")
    return OutgoingMetadata(
        organ_id=str(doc.get("issuer_code") or ""),
        type_name=_type_name(str(doc.get("type_name") or ""), kind.type),
        code_number=_number(doc.get("number")),
        code_notation=_notation(str(doc.get("symbol") or "")),
        issued_date=when if isinstance(when, date) else None,
        organ_name=str(doc.get("issuer_name") or ""),
        subject=" ".join(str(line).strip() for line in doc.get("summary") or []).strip(),
        signer=SignerInfo(
            str(doc.get("signer_position") or ""),
            str(doc.get("signer") or ""),
            str(doc.get("signer_competence") or ""),
        ),
        to=_recipients(named, plan),
        place=str(doc.get("place") or ""),
        organ_in_charge=str(doc.get("issuer_in_charge") or ""),
        archive=archive,
    )


def _annex(context: Context, plan: Plan) -> OutgoingMetadata:
    """A separate annex: the plan's own facts, its number included (Decree 30: the records office
    signs it showing the number and symbol of the document it belongs to)."""
    cited = str((context.get("plan") or {}).get("symbol") or "")
    signer = plan.signer
    return OutgoingMetadata(
        organ_id=plan.issuer.code,
        type_name=ANNEX_TYPE,
        code_number=_number(plan.ref.number),
        code_notation=_notation(cited),
        issued_date=plan.ref.date,
        organ_name=plan.issuer.name,
        subject=capitalize_first(" ".join(plan.annex_title)),
        signer=SignerInfo(signer.position, signer.name, signer.competence),
        to=_recipients(list(plan.recipients), plan),
        place=plan.ref.place,
        organ_in_charge=plan.issuer.governing or "",
        archive=plan.archive,
    )


def _registered(
    meta: OutgoingMetadata, row: DocumentMeta | None, *, kind: str, document: str
) -> OutgoingMetadata:
    """``meta`` with what the kind's "Văn bản" row registers, and whose it is."""
    if row is None:
        return replace(meta, kind=kind, document=document)
    return replace(
        meta,
        priority=row.priority,
        issued_amount=row.copies,
        due_date=row.due_date,
        description=row.description,
        file_notation=row.file_notation,
        # The file's year is the year its documents were issued in.
        file_catalog=meta.issued_date.year if row.file_notation and meta.issued_date else None,
        kind=kind,
        document=document,
    )


def _recipients(names: list[str], plan: Plan) -> tuple[Recipient, ...]:
    """Each body named once, with its code where sheet "Mã định danh" gives one."""
    seen: set[str] = set()
    out: list[Recipient] = []
    for name in names:
        key = match_key(name)
        if refers_back(name) or key in seen:
            continue
        seen.add(key)
        out.append(Recipient(plan.code_of(name), name))
    return tuple(out)


def _type_name(printed: str, abbr: str) -> str:
    """Decree 30's name of the type ("Quyết định"), which the printed heading may extend
    ("QUYẾT ĐỊNH THÀNH LẬP …"); a heading of no listed type is its own name ("Danh sách")."""
    listed = TYPE_NAMES.get(abbr, "")
    heading = upper_vn(printed).strip()
    name = listed if listed and heading.startswith(listed) else heading
    return capitalize_first(name.lower())


def _number(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""


def _notation(symbol: str) -> str:
    """ "KH-UBND" of "6662/KH-UBND" (or of a draft's "     /KH-UBND")."""
    return symbol.split("/", 1)[1].strip() if "/" in symbol else symbol.strip()


__all__ = ["ANNEX_TYPE", "document_metadata"]
