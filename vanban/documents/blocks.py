"""The blocks every document's context is assembled from, each built in one place.

A template never sees the model objects, only these plain dicts, lists, strings, numbers and
dates; figures and dates stay raw so templates format them with the Vietnamese filters
(``{{ plan.budget | vnd }}``). Every value that comes from the workbook is plain text here: the
renderer escapes it and never evaluates it. The built-in arrangements
(``vanban.documents.contexts``) and the generic context (``vanban.documents.generic``) put these
blocks under their names; a block that two contexts print is built by one function here.
"""

from __future__ import annotations

from datetime import time
from typing import Any, Protocol

from vanban.model import INVITEE_GROUPS, Body, DocumentRef, Plan, Schedule, Signer, Unit
from vanban.text.formatting import capitalize_first, symbol

Context = dict[str, Any]


class KindInfo(Protocol):
    """What a context builder needs of its document kind (vanban.documents.kinds.DocumentKind)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def metadata(self) -> str: ...

    @property
    def plan_type(self) -> str: ...


def time_text(t: time | None) -> str:
    """ "07 giờ 30 phút", as invitations write a time."""
    if t is None:
        return ""
    return f"{t.hour:02d} giờ {t.minute:02d} phút" if t.minute else f"{t.hour:02d} giờ"


def recipients(items: tuple[str, ...], archive: str) -> list[str]:
    """Decree 30's "Nơi nhận" lines: "- X;" each, the last "- Lưu: ...." with a full stop."""
    lines = [f"- {item.rstrip(';. ')};" for item in items]
    return lines + [f"- Lưu: {archive.rstrip('. ')}."]


def recipient_items(lines: list[str]) -> tuple[list[str], str]:
    """The recipients and the archive line that :func:`recipients` wrote, read back."""
    items: list[str] = []
    archive = ""
    for line in lines:
        text = line.removeprefix("- ").rstrip(";.").strip()
        if text.startswith("Lưu:"):
            archive = text.removeprefix("Lưu:").strip()
        elif text:
            items.append(text)
    return items, archive


def doc_block(
    body: Body,
    ref: DocumentRef,
    type_abbr: str,
    type_name: str | None,
    summary: list[str],
    signer: Signer | None,
    recipient_lines: list[str],
) -> Context:
    """The document's own block (``doc``): who issues it, its number, date, signer, recipients."""
    return {
        "governing": body.governing_lines,
        "issuer": body.header_lines,
        "issuer_name": body.name,
        "symbol": symbol(ref.number, type_abbr, body.abbr),
        "place": ref.place,
        "date": ref.date,
        "type_name": type_name or "",
        "summary": summary,
        "recipients": recipient_lines,
        "signature": signer.lines if signer else [],
        "signer": signer.name if signer else "",
        # What the document's metadata records (annex VI) besides what it prints.
        "number": ref.number,
        "issuer_code": body.code,
        "issuer_in_charge": body.governing or "",
        "signer_position": signer.position if signer else "",
        "signer_competence": signer.competence if signer else "",
    }


def plan_symbol(plan: Plan, plan_type: str) -> str:
    """The plan's number and symbol, "6662/KH-UBND" ("     /KH-UBND" for a draft).

    ``plan_type`` is the plan's own type abbreviation, which only the registry declares
    (``Registry.plan_type``): a document citing the plan prints the plan's type, not its own.
    """
    return symbol(plan.ref.number, plan_type, plan.issuer.abbr)


def plan_block(plan: Plan, plan_type: str) -> Context:
    """The plan as every document may cite it (``plan``); ``plan_type`` as for plan_symbol."""
    p = plan.participants
    return {
        "symbol": plan_symbol(plan, plan_type),
        "date": plan.ref.date,
        "issuer_name": plan.issuer.name,
        "issuer_short": plan.issuer.short_name,
        "issuer_place": plan.issuer.place.text if plan.issuer.place else "",
        "summary_line": plan.summary_line,
        "legal_basis": plan.legal_basis,
        "intro": plan.intro,
        "purposes": list(plan.purposes),
        "content_intro": plan.content_intro,
        "topics": [t.text for t in plan.topics],
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "venue": plan.venue,
        "dialogue_name": plan.dialogue_name,
        "issuer_level": p.issuer_level,
        "issuer_group": p.issuer_group,
        "unit_level": p.unit_level,
        "steering_name": p.steering_name,
        "steering_count": p.steering_count,
        "officials_name": p.officials_name,
        "officials_count": p.officials_count,
        "units_phrase": plan.unit_kinds_phrase,
        "budget": plan.budget,
        "funding_source": plan.funding_source,
        "contact_office": plan.contact_office,
        "phone": plan.phone,
        "year": plan.year,
    }


def unit_rows(plan: Plan) -> list[Context]:
    """The plan's units as a table prints them (``units``), numbered from 1."""
    return [
        {
            "no": no,
            "name": unit.name,
            "poor": unit.poor,
            "near_poor": unit.near_poor,
            "households": unit.households,
        }
        for no, unit in enumerate(plan.units, start=1)
    ]


def invited_totals(plan: Plan) -> Context:
    """The households the plan invites, over all its units."""
    return {"poor": plan.poor, "near_poor": plan.near_poor, "households": plan.households}


def funding_rows(plan: Plan) -> list[Context]:
    """The funding annex's lines (``funding``), numbered from 1."""
    return [
        {"no": no, "name": line.unit.name, "amount": line.amount, "note": line.note}
        for no, line in enumerate(plan.funding, start=1)
    ]


def unit_block(plan: Plan, unit: Unit) -> Context:
    """One unit, for its own documents (``unit``)."""
    body = plan.unit_body(unit)
    return {
        "name": unit.name,
        "text": unit.place.text,
        "kind": unit.place.kind,
        "place_name": unit.place.name,
        "body_name": body.name,
        # The steering committee as this unit's documents name it (data: see Participants).
        "steering": plan.participants.steering_for(unit),
        "poor": unit.poor,
        "near_poor": unit.near_poor,
        "households": unit.households,
        "funding": plan.funding_for(unit) or 0,
    }


def roster_counts(unit: Unit) -> Context:
    """How many of the unit's invitees are in each group, in all, and how many households:
    never who."""
    counts = {key: sum(1 for p in unit.invitees if p.group == key) for key in INVITEE_GROUPS}
    return {
        **counts,
        "people": len(unit.invitees),
        "households": counts["poor"] + counts["near_poor"],
    }


def schedule_block(s: Schedule) -> Context:
    """When and where the unit holds its dialogue, and who chairs it (``schedule``)."""
    return {
        "day": s.day,
        "time": time_text(s.start),
        "venue": s.venue,
        "chair_name": s.chair_name,
        "chair_title": s.chair_title,
    }


def opinion_rows(plan: Plan, rows: list[tuple[int, int, int, int, str]]) -> list[Context]:
    """One row per topic; ``content`` is the clerk's summary of the opinions ("" when none)."""
    topics = {t.number: t.text for t in plan.topics}
    return [
        {
            "topic": n,
            "topic_text": capitalize_first(topics.get(n, str(n)).rstrip(";., ")),
            "raised": raised,
            "answered": answered,
            "passed_up": passed_up,
            "content": content,
        }
        for n, raised, answered, passed_up, content in rows
    ]


def result_block(plan: Plan, unit: Unit) -> Context:
    """What the unit reported after its dialogue (``result``); the unit must have reported."""
    r = unit.result
    assert r is not None
    allocated = plan.funding_for(unit) or 0
    return {
        "steering": r.steering,
        "officials": r.officials,
        "poor": r.poor,
        "near_poor": r.near_poor,
        "issuer_delegates": r.issuer_delegates,
        "attendees": r.attendees,
        "policies": r.policies,
        "proposals": r.proposals,
        "spent": r.spent,
        "allocated": allocated,
        "remaining": allocated - r.spent,
        "raised": r.raised,
        "answered": r.answered,
        "passed_up": r.passed_up,
        "opinions": opinion_rows(
            plan, [(o.topic, o.raised, o.answered, o.passed_up, o.content) for o in r.opinions]
        ),
    }
