"""The domain model: a plan, its issuer, its participating units and their results.

Everything that differs between two plans lives here, read from the workbook; templates only
arrange it. Nothing assumes the issuer is a district or that units are communes: since 1 July 2025
a plan comes from a province or a commune and its units may be hamlets.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from typing import Any, Literal

from vanban.text.formatting import Dialect, capitalize_first, upper_vn
from vanban.text.names import match_key

Day = date  # the type, where a dataclass has a field named "date"


@dataclass(frozen=True)
class Place:
    """An administrative place: its common noun (lower case) and its name."""

    kind: str  # "huyện", "xã", "thị trấn", "ấp", ...
    name: str  # "Tháp Mười"

    @property
    def text(self) -> str:
        """As written inside a sentence: "huyện Tháp Mười"."""
        return f"{self.kind} {self.name}"

    @property
    def title(self) -> str:
        """As written at the start of a table cell: "Huyện Tháp Mười"."""
        return capitalize_first(self.text)

    @property
    def upper(self) -> str:
        return upper_vn(self.text)


@dataclass(frozen=True)
class Body:
    """An issuing body: "Ủy ban nhân dân" of "huyện Tháp Mười", abbreviated "UBND".

    ``governing`` is the optional line above it in the header ("UBND huyện Tháp Mười" above
    "Phòng Lao động - Thương binh và Xã hội").
    """

    kind: str
    abbr: str
    place: Place | None = None
    governing: str | None = None
    code: str = ""  # its electronic identifier code (Decision 20/2020/QĐ-TTg), "" if not given

    @property
    def name(self) -> str:
        """Full name in a sentence: "Ủy ban nhân dân huyện Tháp Mười"."""
        return f"{self.kind} {self.place.text}" if self.place else self.kind

    @property
    def short_name(self) -> str:
        """Name without the place's proper name, as a body says of itself: "Ủy ban nhân dân huyện"."""
        return f"{self.kind} {self.place.kind}" if self.place else self.kind

    @property
    def header_lines(self) -> list[str]:
        """The issuing-body lines of the header, in capitals.

        Kind and place go on two lines, as a People's Committee writes "ỦY BAN NHÂN DÂN" over
        "HUYỆN THÁP MƯỜI"; when the governing body's line already names the place ("UBND HUYỆN
        THÁP MƯỜI" over "PHÒNG LAO ĐỘNG ..."), the place is not said twice.
        """
        if self.place is None:
            return [upper_vn(self.kind)]
        if self.governing and upper_vn(self.place.text) in upper_vn(self.governing):
            return [upper_vn(self.kind)]
        return [upper_vn(self.kind), self.place.upper]

    @property
    def governing_lines(self) -> list[str]:
        return [upper_vn(self.governing)] if self.governing else []


@dataclass(frozen=True)
class Signer:
    """Who signs and on whose authority (Decree 30: TM., KT., Q., TL., TUQ.)."""

    name: str
    title: str | None = None  # "Phó Chủ tịch"
    collective: str | None = None  # "Ủy ban nhân dân" -> "TM. ỦY BAN NHÂN DÂN"
    authority: str | None = None  # "KT.", "Q.", "TL.", "TUQ."
    head: str | None = None  # whose authority: "Chủ tịch" -> "KT. CHỦ TỊCH"

    @property
    def position(self) -> str:
        """The signer's own title, as the metadata records it: "Phó Chủ tịch" (an acting head's
        is "Q. Chủ tịch"); "" when the block prints none (a deputy is not the head)."""
        if self.authority == "Q.":
            return f"Q. {self.head or self.title or ''}".rstrip()
        return self.title or ""

    @property
    def competence(self) -> str:
        """On whose authority: the line above the signer's own title ("KT. CHỦ TỊCH", "TM. ỦY
        BAN NHÂN DÂN"), "" when the signer signs in their own name."""
        lines = self.lines
        if self.title or self.authority == "Q.":
            lines = lines[:-1]  # the last line is the signer's own title
        return lines[-1] if lines else ""

    @property
    def lines(self) -> list[str]:
        out: list[str] = []
        if self.collective:
            out.append(f"TM. {upper_vn(self.collective)}")
        if self.authority == "Q.":
            # An acting head signs with the acting title itself: "Q. CHỦ TỊCH".
            out.append(f"Q. {upper_vn(self.head or self.title or '')}".rstrip())
            return out
        if self.authority and self.head:
            out.append(f"{self.authority} {upper_vn(self.head)}")
        if self.title:
            out.append(upper_vn(self.title))
        return out


@dataclass(frozen=True)
class DocumentRef:
    """Number, date and place of one issued document."""

    number: int | None  # None: left blank for the records office to fill in
    date: date | None
    place: str


@dataclass(frozen=True)
class Topic:
    number: int
    text: str


@dataclass(frozen=True)
class OrganisationItem:
    """One numbered item of "Tổ chức thực hiện": a heading and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class FundingTier:
    min_households: int
    amount: int


@dataclass(frozen=True)
class Schedule:
    """When and where a unit holds its dialogue, and its invitation."""

    day: date
    start: time | None
    venue: str
    chair_name: str
    chair_title: str
    invitation: DocumentRef
    signer: Signer


@dataclass(frozen=True)
class Opinions:
    topic: int
    raised: int
    answered: int
    passed_up: int
    content: str = ""  # "Nội dung chính": the clerk's summary of what was raised


@dataclass(frozen=True)
class Result:
    """What a unit reports after its dialogue."""

    report: DocumentRef
    steering: int
    officials: int
    poor: int
    near_poor: int
    issuer_delegates: int
    policies: str
    proposals: str
    spent: int
    signer: Signer
    opinions: tuple[Opinions, ...] = ()
    # Where each field was read ("poor" -> "E7" of sheet "Kết quả"), so a returned form that
    # disagrees names the sheet's cell without the workbook being opened again. Not compared:
    # two results that say the same are the same wherever they were read.
    cells: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def households(self) -> int:
        return self.poor + self.near_poor

    @property
    def attendees(self) -> int:
        return self.steering + self.officials + self.poor + self.near_poor + self.issuer_delegates

    @property
    def raised(self) -> int:
        return sum(o.raised for o in self.opinions)

    @property
    def answered(self) -> int:
        return sum(o.answered for o in self.opinions)

    @property
    def passed_up(self) -> int:
        return sum(o.passed_up for o in self.opinions)


# The groups of a unit's roster, in the order the plan's section III and the list print them.
INVITEE_GROUPS = ("steering", "officials", "poor", "near_poor", "other")
# Each group's word in the roster's "Thành phần" column and the sign-in list's subtotals.
INVITEE_CATEGORIES = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "steering": "Ban Chỉ đạo",
    "officials": "cán bộ ấp/khóm",
    "other": "khác",
}


@dataclass(frozen=True)
class Invitee:
    """One person a unit invites by name: a household head, a committee member, an official.

    Personal data: it goes into the unit's documents only, never into logs or the audit log.
    """

    # A repr never shows the name or the note, so a traceback or a log line cannot carry them.
    name: str = field(repr=False)  # cleaned: "Nguyễn Văn Bình"
    hamlet: str = field(repr=False)  # as printed after the name: "ấp Quý Phước"; "" if not given
    group: str  # one of INVITEE_GROUPS
    note: str = field(default="", repr=False)


@dataclass(frozen=True)
class Unit:
    """A participating unit (commune, town, ward, hamlet...)."""

    place: Place
    poor: int
    near_poor: int
    row: int  # its row on the units sheet, for messages
    schedule: Schedule | None = None
    result: Result | None = None
    invitees: tuple[Invitee, ...] = field(default=(), repr=False)  # roster, in print order
    name_cell: str | None = None  # where its name stands on the units sheet ("C7"), for messages
    code: str = ""  # its body's identifier code, when it issues its own documents

    @property
    def name(self) -> str:
        """As the tables write it: "Xã Mỹ Quý"."""
        return self.place.title

    @property
    def households(self) -> int:
        return self.poor + self.near_poor


@dataclass(frozen=True)
class FundingLine:
    unit: Unit
    amount: int
    note: str = ""


@dataclass(frozen=True)
class Participants:
    """Who attends, as the plan's section III says it."""

    issuer_level: str  # "Cấp huyện"
    issuer_group: str  # "Tổ công tác đối thoại chính sách giảm nghèo"
    unit_level: str  # "Cấp xã"
    steering_name: str  # "Ban Chỉ đạo Giảm nghèo"
    steering_count: int
    officials_name: str  # "cán bộ khóm, ấp"
    officials_count: int
    # Whose committee a unit's documents name: True appends the unit's kind ("Ban Chỉ đạo Giảm
    # nghèo xã", as each commune of the seed had its own); False prints the name as written (a
    # hamlet has no committee: its invitation names the commune's).
    steering_with_unit_kind: bool = False

    def steering_for(self, unit: Unit) -> str:
        """The steering committee as a unit's documents name it."""
        name, kind = self.steering_name, unit.place.kind
        if self.steering_with_unit_kind and not match_key(name).endswith(match_key(kind)):
            return f"{name} {kind}"
        return name


# Who issues a unit's invitations, lists and reports: each unit itself (as the seed's communes
# did), or the plan's issuer for each unit (a commune for its hamlets).
UnitIssuer = Literal["unit", "issuer"]
# Places that are administrative units (Law on the Organisation of Local Government): a body
# sitting in one dates its documents from it; a hamlet or a residential group is not one.
ADMINISTRATIVE_KINDS = frozenset(
    {"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu"}
)


def unit_signer(
    name: str,
    title: str | None,
    authority: str | None,
    *,
    issuer: UnitIssuer,
    body_kind: str | None,
    head: str | None,
    plan_collective: str | None,
) -> Signer:
    """A unit document's signer: "TM." signs for the body that issues it (``body_kind``), the
    others for its ``head``. Issued by the plan's issuer, a deputy also signs under the plan's own
    collective ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH") when the plan is signed so."""
    if authority == "TM.":
        return Signer(name, title, collective=body_kind)
    collective = plan_collective if issuer == "issuer" and authority else None
    return Signer(name, title, collective=collective, authority=authority, head=head)


def unit_dateline(unit: Place, issuer: UnitIssuer, fixed: str | None, plan_place: str) -> str:
    """The place a unit's documents are dated from (Decree 30: where the issuing body sits).

    ``fixed`` (the workbook's field) wins; else a unit that issues its own documents and is an
    administrative unit dates them from its own name ("Mỹ Quý, ngày …"); else the plan's place.
    """
    if fixed:
        return fixed
    if issuer == "unit" and unit.kind in ADMINISTRATIVE_KINDS:
        # "Phường 1, ngày …": a numbered unit is named with its kind (Decree 30, annex I).
        return unit.title if unit.name[:1].isdigit() else unit.name
    return plan_place


@dataclass(frozen=True)
class SummaryReport:
    body: Body
    ref: DocumentRef
    addressee: str
    signer: Signer | None
    recipients: tuple[str, ...]
    archive: str = "VT"  # the "- Lưu: …" line


@dataclass(frozen=True)
class DocumentMeta:
    """One row of sheet "Văn bản": what a kind of document says of itself, where given.

    ``kind`` is the kind's key or label as the clerk wrote it; the workbook does not know the
    registry, so the run checks that it names a kind (see ``vanban.issuing.run``).
    """

    kind: str
    cell: str  # the cell naming the kind, for messages
    cells: Mapping[str, str] = field(default_factory=dict)  # field key -> its cell
    number: int | None = None  # None: a draft, the records office fills it in
    date: date | None = None
    summary: tuple[str, ...] = ()
    addressee: str = ""
    bases: tuple[str, ...] = ()
    proposer: str = ""
    recipients: tuple[str, ...] = ()
    archive: str = ""
    signer: Signer | None = None
    # Registration only (annex VI): what the metadata and the outgoing register say of it.
    priority: int = 0  # vanban.metadata.PRIORITIES
    copies: int | None = None
    due_date: Day | None = None  # "date" here would be the field above, not the type
    file_notation: str = ""
    description: str = ""

    @property
    def changes_print(self) -> bool:
        """Whether the row gives anything the document prints (not only its registration)."""
        printed = (self.number, self.date, self.summary, self.addressee, self.bases,
                   self.proposer, self.recipients, self.archive, self.signer)  # fmt: skip
        return any(value not in (None, "", ()) for value in printed)


@dataclass(frozen=True)
class Plan:
    issuer: Body
    ref: DocumentRef
    summary_line: str
    legal_basis: str
    intro: str
    dialogue_name: str
    content_intro: str
    topics: tuple[Topic, ...]
    purposes: tuple[str, ...]
    period_start: date
    period_end: date
    venue: str
    participants: Participants
    budget: int
    funding_source: str
    organisation: tuple[OrganisationItem, ...]
    contact_office: str
    phone: str
    recipients: tuple[str, ...]
    archive: str  # "VT, NCVX(Sang)"
    signer: Signer
    annex_title: tuple[str, ...]
    annex_note: str
    dialect: Dialect
    unit_body_kind: str  # "" when the plan's issuer issues for each unit
    unit_body_abbr: str
    unit_governing: str | None
    unit_head: str  # "Chủ tịch": whose authority a KT. signer of a unit signs for
    unit_report_addressee: str
    unit_recipients: tuple[str, ...]
    invitation_recipients: tuple[str, ...]
    summary: SummaryReport
    units: tuple[Unit, ...]
    funding: tuple[FundingLine, ...]
    funding_tiers: tuple[FundingTier, ...] = ()
    unit_issuer: UnitIssuer = "unit"
    unit_archive: str = "VT"  # the "- Lưu: …" line of the units' invitations and reports
    unit_date_place: str | None = None  # the units' dateline place, when the workbook fixes it
    roster_place_header: str = "Nơi ở"  # the sign-in list's column of where each person lives
    # Rows of the sheets declared with a context key (vanban.workbook.schema), plain values.
    tables: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    documents: tuple[DocumentMeta, ...] = ()  # sheet "Văn bản", one row per kind
    # Sheet "Mã định danh": each recipient's identifier code, by its name's match key.
    codes: Mapping[str, str] = field(default_factory=dict)
    workbook_sha256: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def year(self) -> int:
        return self.ref.date.year if self.ref.date else self.period_start.year

    @property
    def poor(self) -> int:
        return sum(u.poor for u in self.units)

    @property
    def near_poor(self) -> int:
        return sum(u.near_poor for u in self.units)

    @property
    def households(self) -> int:
        return self.poor + self.near_poor

    @property
    def funding_total(self) -> int:
        return sum(f.amount for f in self.funding)

    def unit_body(self, unit: Unit) -> Body:
        """Who issues ``unit``'s documents: the unit's own body, or the plan's issuer."""
        if self.unit_issuer == "issuer":
            return self.issuer
        return Body(
            kind=self.unit_body_kind,
            abbr=self.unit_body_abbr,
            place=unit.place,
            governing=self.unit_governing,
            code=unit.code,
        )

    def unit_ref(self, unit: Unit, number: int | None, when: date | None) -> DocumentRef:
        """A unit document's number, date and the place it is dated from (``unit_dateline``)."""
        place = unit_dateline(unit.place, self.unit_issuer, self.unit_date_place, self.ref.place)
        return DocumentRef(number, when, place)

    def unit_signer(self, name: str, title: str | None, authority: str | None) -> Signer:
        """A unit document's signer, as :func:`unit_signer` says for this plan."""
        by_issuer = self.unit_issuer == "issuer"
        return unit_signer(
            name,
            title,
            authority,
            issuer=self.unit_issuer,
            body_kind=self.issuer.kind if by_issuer else self.unit_body_kind,
            head=self.unit_head or None,
            plan_collective=self.signer.collective,
        )

    def document_meta(self, key: str, label: str) -> DocumentMeta | None:
        """The "Văn bản" row of the kind with this key or label, if the workbook has one."""
        wanted = {match_key(key), match_key(label)}
        return next((d for d in self.documents if match_key(d.kind) in wanted), None)

    def code_of(self, recipient: str) -> str:
        """A recipient's identifier code from sheet "Mã định danh", "" when it has none."""
        return self.codes.get(match_key(recipient), "")

    def funding_for(self, unit: Unit) -> int | None:
        """The amount of ``unit``'s funding line (the first one naming it), None without one."""
        found = self._funding_by_unit.get(id(unit))
        return found[1] if found is not None and found[0] is unit else None

    @cached_property
    def _funding_by_unit(self) -> dict[int, tuple[Unit, int]]:
        # A funding line names its unit by identity, as the plan holds it: indexed once, for a
        # walk over every line for each unit's documents made a 1.000-unit plan's run quadratic.
        # By id, since a Unit's hash would read all of its invitees; each id is that of a unit
        # the plan keeps alive, and the unit is kept with it to be compared. Never pickled: ids
        # are this process's own (__getstate__).
        index: dict[int, tuple[Unit, int]] = {}
        for line in self.funding:
            index.setdefault(id(line.unit), (line.unit, line.amount))
        return index

    def __getstate__(self) -> dict[str, Any]:
        """What pickling keeps (for a worker process): the fields and the plain caches."""
        return {k: v for k, v in self.__dict__.items() if k != "_funding_by_unit"}

    @property
    def units_with_results(self) -> list[Unit]:
        return [u for u in self.units if u.result is not None]

    @cached_property
    def unit_kinds_phrase(self) -> str:
        """ "xã, thị trấn": the kinds of the units in order of first appearance.

        Read once: every document cites the plan, and a walk over all the units for each of
        them made a 1.000-unit plan's run quadratic. (The plan is frozen: it cannot go stale.)
        """
        kinds: list[str] = []
        for u in self.units:
            if u.place.kind not in kinds:
                kinds.append(u.place.kind)
        return ", ".join(kinds)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a plan's objects are made (read from a workbook,
    unpickled from a parcel).

    A province's plan is a million objects that all stay: the collector, run again and again
    over everything kept so far, finds nothing to free. What is left over is collected when it
    runs again.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
