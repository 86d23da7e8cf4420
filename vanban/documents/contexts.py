"""The built-in arrangements: what the templates of the shipped kinds receive.

Each is assembled from the blocks of ``vanban.documents.blocks`` (plain data, never the model
objects) and adds what only its own document prints: an invitation's letters, a sign-in list's
groups, the summary's table.
"""

from __future__ import annotations

from typing import Any

from vanban.documents.blocks import (
    Context,
    KindInfo,
    doc_block,
    funding_rows,
    invited_totals,
    opinion_rows,
    plan_block,
    recipients,
    result_block,
    roster_counts,
    schedule_block,
    unit_block,
    unit_rows,
)
from vanban.model import INVITEE_CATEGORIES, INVITEE_GROUPS, Plan, Unit
from vanban.text.formatting import capitalize_first, roman, upper_vn


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
        "plan": plan_block(plan, kind.plan_type),
        "units": unit_rows(plan),
        "totals": invited_totals(plan),
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
        "plan": plan_block(plan, kind.plan_type),
        "funding": funding_rows(plan),
        "total": plan.funding_total,
        "dialect": plan.dialect,
    }


def _invitees(plan: Plan, unit: Unit) -> list[Context]:
    """One personal letter's data per invitee, in the list's order (``no`` is the list's STT)."""
    roles = {
        "steering": f"thành viên {plan.participants.steering_for(unit)}",
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
            recipients(plan.invitation_recipients, plan.unit_archive),
        ),
        "plan": plan_block(plan, kind.plan_type),
        "unit": unit_block(plan, unit),
        "schedule": schedule_block(s),
        "dialect": plan.dialect,
    }


def _groups(plan: Plan, unit: Unit) -> list[Context]:
    # Every label from the plan's own words: a hamlet's officials are "cán bộ ấp", a ward's
    # "cán bộ khu phố"; the roster's category words only say which group a row belongs to.
    titles = {
        "steering": capitalize_first(plan.participants.steering_for(unit)),
        "officials": capitalize_first(plan.participants.officials_name),
        "poor": "Hộ nghèo",
        "near_poor": "Hộ cận nghèo",
        "other": "Thành phần khác",
    }
    shorts = {key: capitalize_first(INVITEE_CATEGORIES[key]) for key in INVITEE_GROUPS}
    shorts["officials"] = titles["officials"]
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
                "short": shorts[key],
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
        "plan": plan_block(plan, kind.plan_type),
        "unit": unit_block(plan, unit),
        "steering": plan.participants.steering_for(unit),
        "place_header": plan.roster_place_header,
        "groups": _groups(plan, unit),
        "totals": roster_counts(unit),
        "annex_note": plan.annex_note.strip().rstrip("."),
        "dialect": plan.dialect,
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
            # Issued by the plan's issuer, one report per unit: the summary says whose it is.
            [f"Kết quả tổ chức {plan.dialogue_name}" + (
                f" tại {unit.place.text}" if plan.unit_issuer == "issuer" else ""
            )],
            r.signer,
            recipients(plan.unit_recipients, plan.unit_archive),
        ),
        "plan": plan_block(plan, kind.plan_type),
        "unit": unit_block(plan, unit),
        "schedule": schedule_block(s),
        "addressee": plan.unit_report_addressee,
        "result": result_block(plan, unit),
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
            recipients(sr.recipients, sr.archive),
        ),
        "plan": plan_block(plan, kind.plan_type),
        "addressee": sr.addressee,
        "reporter": sr.body.name,
        "rows": rows,
        "totals": totals,
        "invited": invited_totals(plan),
        "unit_count": len(done),
        # The summary adds up the units' figures; each unit's own words are in its report.
        "topics": opinion_rows(
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
