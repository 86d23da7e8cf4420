"""Turning a draft without errors into the :class:`~vanban.model.Plan`.

Only :func:`vanban.workbook.loader.load_plan` calls this, after the reader and the rules found no error:
every required value is then present and typed, which the ``_need`` checks restate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vanban.metadata import PRIORITIES
from vanban.model import (
    Body,
    DocumentMeta,
    DocumentRef,
    FundingLine,
    FundingTier,
    Opinions,
    OrganisationItem,
    Participants,
    Place,
    Plan,
    Result,
    Schedule,
    Signer,
    SummaryReport,
    Topic,
    Unit,
    UnitIssuer,
    unit_dateline,
    unit_signer,
)
from vanban.text.formatting import Dialect
from vanban.text.names import match_key
from vanban.workbook import schema
from vanban.workbook.draft import Draft, Record, one_per_unit
from vanban.workbook.registration import summary_is_issuer
from vanban.workbook.roster import invitees_of, roster_by_unit
from vanban.workbook.schema import UNIT_ISSUER_OF

_NUMERIC = frozenset({"int", "money", "date", "time"})


def _need(rec: Record, key: str) -> Any:
    value = rec.get(key)
    if value is None:
        raise AssertionError(f"{rec.sheet} {rec.row}: {key} is missing after validation")
    return value


def _signer(meta: Record, prefix: str, collective: bool) -> Signer | None:
    name = meta.get(f"{prefix}_name")
    if not name:
        return None
    return Signer(
        name=name,
        title=meta.get(f"{prefix}_title"),
        collective=meta.get(f"{prefix}_collective") if collective else None,
        authority=meta.get(f"{prefix}_authority"),
        head=meta.get(f"{prefix}_head"),
    )


def unit_issuer(meta: Record) -> UnitIssuer:
    """Who issues the units' documents: "unit" unless the workbook names the plan's issuer."""
    return "issuer" if UNIT_ISSUER_OF.get(meta.get("unit_issuer") or "") == "issuer" else "unit"


def _unit_head(meta: Record) -> str | None:
    """Whose authority a unit document's deputy signs for: the units' head, else the plan's."""
    head = meta.get("unit_head") or meta.get("signer_head")
    return str(head) if head else None


def _unit_signer(rec: Record, meta: Record) -> Signer:
    by_issuer = unit_issuer(meta) == "issuer"
    return unit_signer(
        _need(rec, "signer_name"),
        rec.get("signer_title"),
        rec.get("authority"),
        issuer=unit_issuer(meta),
        body_kind=meta.get("issuer_kind") if by_issuer else meta.get("unit_body_kind"),
        head=_unit_head(meta),
        plan_collective=meta.get("signer_collective"),
    )


def _unit_ref(rec: Record, unit: Unit, meta: Record) -> DocumentRef:
    place = unit_dateline(
        unit.place, unit_issuer(meta), meta.get("unit_date_place"), _need(meta, "date_place")
    )
    return DocumentRef(rec.get("number"), _need(rec, "date"), place)


def _schedule(rec: Record, unit: Unit, meta: Record) -> Schedule:
    return Schedule(
        day=_need(rec, "day"),
        start=rec.get("start"),
        venue=_need(rec, "venue"),
        chair_name=rec.get("chair_name") or "",
        chair_title=rec.get("chair_title") or "",
        invitation=_unit_ref(rec, unit, meta),
        signer=_unit_signer(rec, meta),
    )


def _result(rec: Record, unit: Unit, meta: Record, opinions: list[Record]) -> Result:
    """``opinions``: the unit's rows of sheet "Ý kiến"."""
    mine = [
        Opinions(_need(o, "topic"), _need(o, "raised"), _need(o, "answered"),
                 _need(o, "passed_up"), o.get("content") or "")
        for o in opinions
    ]
    return Result(
        report=_unit_ref(rec, unit, meta),
        steering=_need(rec, "steering"),
        officials=_need(rec, "officials"),
        poor=_need(rec, "poor"),
        near_poor=_need(rec, "near_poor"),
        issuer_delegates=rec.get("issuer_delegates") or 0,
        policies=_need(rec, "policies"),
        proposals=rec.get("proposals") or "",
        spent=_need(rec, "spent"),
        signer=_unit_signer(rec, meta),
        opinions=tuple(sorted(mine, key=lambda o: o.topic)),
        cells=tuple(rec.coords.items()),
    )


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(line.strip() for line in str(value or "").split("\n") if line.strip())


def _document(rec: Record, meta: Record) -> DocumentMeta:
    """A "Văn bản" row; a "TM." signer with no collective named signs for the issuing body."""
    authority = rec.get("authority")
    collective = rec.get("collective")
    if authority == "TM.":
        authority, collective = None, collective or meta.get("issuer_kind")
    name = rec.get("signer_name")
    signer = (
        Signer(name, rec.get("signer_title"), collective=collective, authority=authority,
               head=rec.get("head"))
        if name
        else None
    )
    return DocumentMeta(
        kind=_need(rec, "kind"),
        cell=rec.coords["kind"],
        cells=dict(rec.coords),
        number=rec.get("number"),
        date=rec.get("date"),
        summary=_lines(rec.get("summary")),
        addressee=rec.get("addressee") or "",
        bases=_lines(rec.get("bases")),
        proposer=rec.get("proposer") or "",
        recipients=_lines(rec.get("recipients")),
        archive=rec.get("archive") or "",
        signer=signer,
        priority=PRIORITIES.get(rec.get("priority") or "", 0),
        copies=rec.get("copies"),
        due_date=rec.get("due_date"),
        file_notation=rec.get("file_notation") or "",
        description=rec.get("description") or "",
    )


def _tables(d: Draft) -> Mapping[str, tuple[Mapping[str, Any], ...]]:
    """Each context-keyed sheet's rows as plain values by field key, in the sheet's order.

    Every field of the sheet is there, so a template may print an optional column the clerk left
    out: empty text is "", an empty number or date None. Plain dicts, so a plan still pickles for
    a Dask worker.
    """
    out: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for spec in schema.TABLE_SHEETS:
        key = str(spec.context_key)
        out[key] = tuple(
            {
                f.key: rec.get(f.key) if rec.get(f.key) is not None or f.type in _NUMERIC else ""
                for f in spec.fields
            }
            for rec in d.tables.get(key, [])
        )
    return out


def _units(d: Draft) -> list[Unit]:
    units = []
    roster = roster_by_unit(d)
    # Each sheet's row of each unit, found once for all units.
    schedules, results = one_per_unit(d.schedules), one_per_unit(d.results)
    opinions: dict[int, list[Record]] = {}
    for o in d.opinions:
        if o.unit is not None:
            opinions.setdefault(o.unit.row, []).append(o)
    for rec in d.units:
        placeholder = rec.unit
        assert placeholder is not None
        schedule = schedules.get(placeholder.row)
        result = results.get(placeholder.row)
        unit = Unit(
            Place(_need(rec, "kind"), _need(rec, "name")),
            _need(rec, "poor"), _need(rec, "near_poor"), rec.row,
        )
        units.append(Unit(
            unit.place, unit.poor, unit.near_poor, unit.row,
            schedule=_schedule(schedule, unit, d.meta) if schedule is not None else None,
            result=(_result(result, unit, d.meta, opinions.get(unit.row, []))
                    if result is not None else None),
            invitees=invitees_of(roster.get(rec.row, []), unit),
            name_cell=rec.coord("name"),
            code=rec.get("code") or "",
        ))
    return units


def assemble(d: Draft) -> Plan:
    meta = d.meta
    units = _units(d)
    by_row = {u.row: u for u in units}
    funding = [
        FundingLine(by_row[line.unit.row], _need(line, "amount"), line.get("note") or "")
        for line in d.funding
        if line.unit is not None
    ]
    tiers = sorted(
        (FundingTier(_need(t, "min_households"), _need(t, "amount")) for t in d.tiers),
        key=lambda t: t.min_households,
    )
    sections = d.texts.sections
    issuer = Body(
        kind=_need(meta, "issuer_kind"),
        abbr=_need(meta, "issuer_abbr"),
        place=Place(_need(meta, "place_kind"), _need(meta, "place_name")),
        governing=meta.get("governing"),
        code=meta.get("issuer_code") or "",
    )
    summary = SummaryReport(
        body=Body(
            kind=_need(meta, "summary_body"),
            abbr=_need(meta, "summary_abbr"),
            place=issuer.place,
            governing=meta.get("summary_governing"),
            # The plan's issuer lends the summary its code when it reports itself.
            code=meta.get("summary_code")
            or (meta.get("issuer_code") if summary_is_issuer(meta) else None)
            or "",
        ),
        ref=DocumentRef(meta.get("summary_number"), meta.get("summary_date"),
                        _need(meta, "date_place")),
        addressee=_need(meta, "summary_addressee"),
        signer=_signer(meta, "summary_signer", collective=True),
        recipients=tuple(sections["Nơi nhận báo cáo tổng hợp"]),
        archive=meta.get("summary_archive") or "VT",
    )
    signer = _signer(meta, "signer", collective=True)
    assert signer is not None  # signer_name is required
    return Plan(
        issuer=issuer,
        ref=DocumentRef(meta.get("number"), _need(meta, "date"), _need(meta, "date_place")),
        summary_line=_need(meta, "summary_line"),
        legal_basis=_need(meta, "legal_basis"),
        intro=_need(meta, "intro"),
        dialogue_name=_need(meta, "dialogue_name"),
        content_intro=_need(meta, "content_intro"),
        topics=tuple(Topic(i, t) for i, t in enumerate(sections["Chủ đề"], start=1)),
        purposes=tuple(sections["Mục đích"]),
        period_start=_need(meta, "period_start"),
        period_end=_need(meta, "period_end"),
        venue=_need(meta, "venue"),
        participants=Participants(
            issuer_level=_need(meta, "issuer_level"),
            issuer_group=_need(meta, "issuer_group"),
            unit_level=_need(meta, "unit_level"),
            steering_name=_need(meta, "steering_name"),
            steering_count=_need(meta, "steering_count"),
            officials_name=_need(meta, "officials_name"),
            officials_count=_need(meta, "officials_count"),
            # Blank: as each kind of plan did before the field existed.
            steering_with_unit_kind=(meta.get("steering_unit_kind") or (
                "có" if unit_issuer(meta) == "unit" else "không"
            )) == "có",
        ),
        budget=_need(meta, "budget"),
        funding_source=_need(meta, "funding_source"),
        organisation=tuple(OrganisationItem(h, tuple(ps)) for h, ps in d.texts.organisation),
        contact_office=_need(meta, "contact_office"),
        phone=_need(meta, "phone"),
        recipients=tuple(sections["Nơi nhận kế hoạch"]),
        archive=_need(meta, "archive"),
        signer=signer,
        annex_title=tuple(
            line.strip() for line in str(_need(meta, "annex_title")).split("\n") if line.strip()
        ),
        annex_note=meta.get("annex_note") or "",
        dialect=Dialect(
            thousand=meta.get("thousand") or "ngàn",
            zero_tens=meta.get("zero_tens") or "lẻ",
            four=meta.get("four") or "tư",
            people_two_digits=meta.get("people_digits") != "như số hộ",
        ),
        unit_issuer=unit_issuer(meta),
        unit_archive=meta.get("unit_archive") or "VT",
        unit_date_place=meta.get("unit_date_place"),
        # Required when each unit issues its own documents (checked with the other rules).
        unit_body_kind=meta.get("unit_body_kind") or "",
        unit_body_abbr=meta.get("unit_body_abbr") or "",
        unit_governing=meta.get("unit_governing"),
        unit_head=_unit_head(meta) or "",
        roster_place_header=meta.get("roster_place_header") or "Nơi ở",
        unit_report_addressee=_need(meta, "unit_report_addressee"),
        unit_recipients=tuple(sections["Nơi nhận báo cáo đơn vị"]),
        invitation_recipients=tuple(sections["Nơi nhận giấy mời"]),
        summary=summary,
        units=tuple(units),
        funding=tuple(funding),
        funding_tiers=tuple(tiers),
        tables=_tables(d),
        documents=tuple(_document(rec, meta) for rec in d.documents),
        codes={match_key(_need(r, "name")): _need(r, "code") for r in d.codes},
    )

