"""The generic context: what a kind of document without Python of its own may print.

Its ``doc`` block takes the kind's number, date, signer and recipients from its row of sheet
"Văn bản" when it has one, else from the source its ``metadata`` names.
"""

from __future__ import annotations

from vanban.documents.blocks import (
    Context,
    KindInfo,
    doc_block,
    funding_rows,
    invited_totals,
    plan_block,
    recipients,
    result_block,
    roster_counts,
    schedule_block,
    unit_block,
    unit_rows,
)
from vanban.model import Body, DocumentRef, Plan, Signer, Unit
from vanban.text.formatting import capitalize_first, upper_vn
from vanban.text.names import match_key


def _metadata(
    plan: Plan, unit: Unit | None, kind: KindInfo
) -> tuple[Body, DocumentRef, Signer | None, list[str]]:
    """Who issues a document of ``kind``, its number and date, its signer and recipients."""
    if kind.metadata == "summary":
        sr = plan.summary
        return sr.body, sr.ref, sr.signer, recipients(sr.recipients, sr.archive)
    if kind.metadata == "plan" or unit is None:
        return plan.issuer, plan.ref, plan.signer, recipients(plan.recipients, plan.archive)
    if kind.metadata == "report" and unit.result is not None:
        r = unit.result
        return plan.unit_body(unit), r.report, r.signer, recipients(plan.unit_recipients, plan.unit_archive)
    s = unit.schedule
    assert s is not None  # every unit has its row in "Lịch đối thoại" (workbook rules)
    return (
        plan.unit_body(unit),
        s.invitation,
        s.signer,
        recipients(plan.invitation_recipients, plan.unit_archive),
    )


def _basis(line: str) -> str:
    """A legal basis as the template prints it after "Căn cứ " and before ";"."""
    text = line.strip().rstrip(";. ")
    return text[len("Căn cứ") :].lstrip() if match_key(text).startswith("căn cứ ") else text


def generic_doc(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    """The ``doc`` block of a generic kind: its "Văn bản" row where the workbook has one, else
    what its ``metadata`` source says.

    A plan-wide document's row gives its number even when blank (a draft): it never borrows
    another document's number; a unit's document keeps the unit's own (the run refuses a row
    that gives one). The row's date, signer and recipients replace the source's when given.
    """
    body, ref, signer, recipient_lines = _metadata(plan, unit, kind)
    summary = [capitalize_first(plan.dialogue_name)]
    row = plan.document_meta(kind.key, kind.label)
    addressee, bases, proposer = "", [], ""
    if row is not None:
        number = row.number if unit is None else ref.number
        ref = DocumentRef(number, row.date or ref.date, ref.place)
        signer = row.signer or signer
        summary = list(row.summary) or summary
        if row.recipients:
            archive = row.archive or "VT"
            recipient_lines = recipients(row.recipients, archive)
        addressee, bases, proposer = row.addressee, [_basis(b) for b in row.bases], row.proposer
    doc = doc_block(body, ref, kind.type, upper_vn(kind.label), summary, signer, recipient_lines)
    doc.update(
        {
            "addressee": addressee,
            "bases": bases,
            "proposer": proposer,
            # Who decides: the head the signer signs for, or the signer's own title.
            "head": (signer.head or signer.title or "") if signer else "",
        }
    )
    return doc


def generic_context(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    """Everything a new kind of document may print, with no Python of its own.

    The whole plan (``plan``, ``units``, ``totals``, ``funding``), the document's own block
    (``doc``: issuer, number, date, summary, signer, recipients, addressee and legal bases, from
    the kind's row of sheet "Văn bản" or else its ``metadata`` source), the rows of every sheet
    declared with a context key (``tables``: ``tables.to_cong_tac``, ...), and for a unit's
    document ``unit``, ``schedule``, ``result`` (None until it has reported) and ``roster`` (how
    many invitees of each group, in all and households, never who).
    """
    context: Context = {
        "doc": generic_doc(plan, unit, kind),
        "kind": {"key": kind.key, "label": kind.label},
        "plan": plan_block(plan, kind.plan_type),
        "units": unit_rows(plan),
        "totals": invited_totals(plan),
        "funding": funding_rows(plan),
        "tables": {key: [dict(row) for row in rows] for key, rows in plan.tables.items()},
        "dialect": plan.dialect,
    }
    if unit is not None:
        context["unit"] = unit_block(plan, unit)
        context["schedule"] = schedule_block(unit.schedule) if unit.schedule else None
        context["result"] = result_block(plan, unit) if unit.result else None
        context["roster"] = roster_counts(unit)
    return context
