"""What each document's template receives: plain dicts, lists, strings, numbers and dates.

Templates never see the model objects, only this prepared data; figures and dates stay raw so
templates format them with the Vietnamese filters (``{{ plan.budget | vnd }}``). Every value
that comes from the workbook is plain text here: the renderer escapes it and never evaluates it.
"""

from __future__ import annotations

from datetime import time
from typing import Any, Protocol

from vanban.model import (
    INVITEE_CATEGORIES,
    INVITEE_GROUPS,
    Body,
    DocumentRef,
    Plan,
    Schedule,
    Signer,
    Unit,
)
from vanban.text.formatting import capitalize_first, roman, symbol, upper_vn
from vanban.text.names import match_key

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


def time_text(t: time | None) -> str:
    """ "07 giờ 30 phút", as invitations write a time."""
    if t is None:
        return ""
    return f"{t.hour:02d} giờ {t.minute:02d} phút" if t.minute else f"{t.hour:02d} giờ"


def recipients(items: tuple[str, ...], archive: str) -> list[str]:
    """Decree 30's "Nơi nhận" lines: "- X;" each, the last "- Lưu: ...." with a full stop."""
    lines = [f"- {item.rstrip(';. ')};" for item in items]
    return lines + [f"- Lưu: {archive.rstrip('. ')}."]


def doc_block(
    body: Body,
    ref: DocumentRef,
    type_abbr: str,
    type_name: str | None,
    summary: list[str],
    signer: Signer | None,
    recipient_lines: list[str],
) -> Context:
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
    }


def _plan_block(plan: Plan) -> Context:
    p = plan.participants
    return {
        "symbol": symbol(plan.ref.number, "KH", plan.issuer.abbr),  # the plan's own number
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


def _unit_row(no: int, unit: Unit) -> Context:
    return {
        "no": no,
        "name": unit.name,
        "poor": unit.poor,
        "near_poor": unit.near_poor,
        "households": unit.households,
    }


def _unit_block(plan: Plan, unit: Unit) -> Context:
    body = plan.unit_body(unit)
    return {
        "name": unit.name,
        "text": unit.place.text,
        "kind": unit.place.kind,
        "place_name": unit.place.name,
        "body_name": body.name,
        "poor": unit.poor,
        "near_poor": unit.near_poor,
        "households": unit.households,
        "funding": plan.funding_for(unit) or 0,
    }


def plan_context(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    return {
        "doc": doc_block(
            plan.issuer,
            plan.ref,
            kind.type,
            "KẾ HOẠCH",
            [plan.summary_line],
            plan.signer,
            recipients(plan.recipients, plan.archive),
        ),
        "plan": _plan_block(plan),
        "units": [_unit_row(i, u) for i, u in enumerate(plan.units, start=1)],
        "totals": {"poor": plan.poor, "near_poor": plan.near_poor, "households": plan.households},
        "organisation": [
            {
                "no": i,
                "heading": item.heading,
                # One paragraph goes on the heading's line ("2. Heading: text"); several go below it.
                "inline": len(item.paragraphs) == 1,
                "paragraphs": list(item.paragraphs),
            }
            for i, item in enumerate(plan.organisation, start=1)
        ],
        "dialect": plan.dialect,
    }


def annex_context(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    return {
        "doc": {"title": [upper_vn(line) for line in plan.annex_title], "note": plan.annex_note},
        "plan": _plan_block(plan),
        "funding": [
            {"no": i, "name": line.unit.name, "amount": line.amount, "note": line.note}
            for i, line in enumerate(plan.funding, start=1)
        ],
        "total": plan.funding_total,
        "dialect": plan.dialect,
    }


def _steering(plan: Plan, unit: Unit) -> str:
    """ "Ban Chỉ đạo Giảm nghèo xã"; a name that already ends with the unit's kind keeps it."""
    name = plan.participants.steering_name
    kind = unit.place.kind
    return name if match_key(name).endswith(match_key(kind)) else f"{name} {kind}"


def _invitees(plan: Plan, unit: Unit) -> list[Context]:
    """One personal letter's data per invitee, in the list's order (``no`` is the list's STT)."""
    roles = {
        "steering": f"thành viên {_steering(plan, unit)}",
        "officials": plan.participants.officials_name,
        "poor": "đại diện hộ nghèo",
        "near_poor": "đại diện hộ cận nghèo",
        "other": "",
    }
    return [
        {
            "no": i,
            "name": person.name,
            "hamlet": person.hamlet,
            "role": roles[person.group],
            # Households bring their letter to receive the support (water and cakes).
            "support": person.group in ("poor", "near_poor"),
        }
        for i, person in enumerate(unit.invitees, start=1)
    ]


def invitation_context(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    """The unit's general invitation, then one personal letter per roster row (none without)."""
    assert unit is not None and unit.schedule is not None
    s = unit.schedule
    summary = [f"Dự {plan.dialogue_name}"]
    return {
        "invitees": _invitees(plan, unit),
        "personal": {"recipients": recipients(("Như trên",), "VT")},
        "doc": doc_block(
            plan.unit_body(unit),
            s.invitation,
            kind.type,
            "GIẤY MỜI",
            summary,
            s.signer,
            recipients(plan.invitation_recipients, "VT"),
        ),
        "plan": _plan_block(plan),
        "unit": _unit_block(plan, unit),
        "schedule": _schedule_block(s),
        "dialect": plan.dialect,
    }


def _groups(plan: Plan, unit: Unit) -> list[Context]:
    titles = {
        "steering": capitalize_first(_steering(plan, unit)),
        "officials": capitalize_first(plan.participants.officials_name),
        "poor": "Hộ nghèo",
        "near_poor": "Hộ cận nghèo",
        "other": "Thành phần khác",
    }
    groups: list[Context] = []
    no = 0
    for key in INVITEE_GROUPS:
        people = [p for p in unit.invitees if p.group == key]
        if not people:
            continue
        rows = []
        for person in people:
            no += 1
            rows.append(
                {
                    "no": no,
                    "name": person.name,
                    "hamlet": capitalize_first(person.hamlet),
                    "note": person.note,
                }
            )
        groups.append(
            {
                "roman": roman(len(groups) + 1),
                "title": titles[key],
                "short": capitalize_first(INVITEE_CATEGORIES[key]),
                "count": len(people),
                "measure": "hộ" if key in ("poor", "near_poor") else "người",
                "people": rows,
            }
        )
    return groups


def roster_context(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    """The unit's participants' list, which doubles as the sign-in sheet that settles its funds."""
    assert unit is not None and unit.schedule is not None
    s = unit.schedule
    counts = {key: sum(1 for p in unit.invitees if p.group == key) for key in INVITEE_GROUPS}
    return {
        "doc": doc_block(
            plan.unit_body(unit),
            s.invitation,
            kind.type,
            "DANH SÁCH",
            [f"Thành phần tham dự {plan.dialogue_name}"],
            s.signer,
            [],
        ),
        "plan": _plan_block(plan),
        "unit": _unit_block(plan, unit),
        "steering": _steering(plan, unit),
        "groups": _groups(plan, unit),
        "totals": {
            **counts,
            "people": len(unit.invitees),
            "households": counts["poor"] + counts["near_poor"],
        },
        "annex_note": plan.annex_note.strip().rstrip("."),
        "dialect": plan.dialect,
    }


def _schedule_block(s: Schedule) -> Context:
    return {
        "day": s.day,
        "time": time_text(s.start),
        "venue": s.venue,
        "chair_name": s.chair_name,
        "chair_title": s.chair_title,
    }


def _opinions(plan: Plan, rows: list[tuple[int, int, int, int, str]]) -> list[Context]:
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


def _result_block(plan: Plan, unit: Unit) -> Context:
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
        "opinions": _opinions(
            plan, [(o.topic, o.raised, o.answered, o.passed_up, o.content) for o in r.opinions]
        ),
    }


def report_context(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    assert unit is not None and unit.result is not None and unit.schedule is not None
    r, s = unit.result, unit.schedule
    body = plan.unit_body(unit)
    return {
        "doc": doc_block(
            body,
            r.report,
            kind.type,
            "BÁO CÁO",
            [f"Kết quả tổ chức {plan.dialogue_name}"],
            r.signer,
            recipients(plan.unit_recipients, "VT"),
        ),
        "plan": _plan_block(plan),
        "unit": _unit_block(plan, unit),
        "schedule": _schedule_block(s),
        "addressee": plan.unit_report_addressee,
        "result": _result_block(plan, unit),
        "dialect": plan.dialect,
    }


def summary_context(plan: Plan, unit: Unit | None, kind: KindInfo) -> Context:
    sr = plan.summary
    done = plan.units_with_results
    rows: list[dict[str, Any]] = []
    for i, u in enumerate(done, start=1):
        r = u.result
        assert r is not None
        rows.append(
            {
                "no": i,
                "name": u.name,
                "poor": r.poor,
                "near_poor": r.near_poor,
                "attendees": r.attendees,
                "raised": r.raised,
                "answered": r.answered,
                "passed_up": r.passed_up,
                "spent": r.spent,
                "proposals": r.proposals,
            }
        )
    by_topic: dict[int, list[int]] = {}
    for u in done:
        assert u.result is not None
        for o in u.result.opinions:
            acc = by_topic.setdefault(o.topic, [0, 0, 0])
            acc[0] += o.raised
            acc[1] += o.answered
            acc[2] += o.passed_up
    totals = {
        k: sum(row[k] for row in rows)
        for k in ("poor", "near_poor", "attendees", "raised", "answered", "passed_up", "spent")
    }
    return {
        "doc": doc_block(
            sr.body,
            sr.ref,
            kind.type,
            "BÁO CÁO",
            [f"Kết quả tổ chức {plan.dialogue_name}"],
            sr.signer,
            recipients(sr.recipients, "VT"),
        ),
        "plan": _plan_block(plan),
        "addressee": sr.addressee,
        "reporter": sr.body.name,
        "rows": rows,
        "totals": totals,
        "invited": {"poor": plan.poor, "near_poor": plan.near_poor, "households": plan.households},
        "unit_count": len(done),
        # The summary adds up the units' figures; each unit's own words are in its report.
        "topics": _opinions(
            plan, [(n, v[0], v[1], v[2], "") for n, v in sorted(by_topic.items())]
        ),
        "remaining": plan.budget - totals["spent"],
        "proposals": [row for row in rows if bool(row["proposals"])],
        "dialect": plan.dialect,
    }


# The built-in arrangements a kind may name in kinds.toml ("context = ..."); the default, the
# generic context, is in ``vanban.documents.generic``.
BUILTIN = {
    "plan": plan_context,
    "annex": annex_context,
    "invitation": invitation_context,
    "roster": roster_context,
    "report": report_context,
    "summary": summary_context,
}
