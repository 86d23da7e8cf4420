"""A small, complete plan built in code: the shape every template's context takes.

``vanban templates check`` renders nothing from it; it only walks the contexts it produces to
know which names each kind of document receives. Its values are neutral placeholders.
"""

from __future__ import annotations

from datetime import date, time

from vanban.model import (
    INVITEE_GROUPS,
    Body,
    DocumentRef,
    FundingLine,
    Invitee,
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
)
from vanban.text.formatting import Dialect
from vanban.workbook.schema import TABLE_SHEETS


def sample_plan() -> Plan:
    signer = Signer("Người Ký", "Chủ tịch", collective="Ủy ban nhân dân")
    units = []
    for row, name in ((2, "Một"), (3, "Hai")):
        place = Place("xã", name)
        schedule = Schedule(
            date(2030, 3, 10),
            time(8, 0),
            "Hội trường",
            "Người Chủ Trì",
            "Chủ tịch",
            DocumentRef(None, date(2030, 3, 5), name),
            signer,
        )
        result = Result(
            DocumentRef(None, date(2030, 3, 12), name),
            3,
            5,
            10,
            10,
            1,
            "Chính sách",
            "Đề xuất",
            800_000,
            signer,
            (Opinions(1, 2, 1, 1),),
        )
        # One invitee of each group, so that every field of a roster reaches the templates.
        invitees = tuple(
            Invitee(f"Người Mời {i}", "ấp Mẫu", group, "Ghi chú")
            for i, group in enumerate(INVITEE_GROUPS, start=1)
        )
        units.append(Unit(place, 10, 10, row, schedule, result, invitees))
    issuer = Body("Ủy ban nhân dân", "UBND", Place("xã", "Mẫu"))
    return Plan(
        issuer=issuer,
        ref=DocumentRef(1, date(2030, 3, 1), "Mẫu"),
        summary_line="Trích yếu",
        legal_basis="Căn cứ",
        intro="Lời dẫn",
        dialogue_name="đối thoại",
        content_intro="Nội dung",
        topics=(Topic(1, "Chủ đề"),),
        purposes=("Mục đích",),
        period_start=date(2030, 3, 10),
        period_end=date(2030, 3, 20),
        venue="Địa điểm",
        participants=Participants(
            "Cấp xã", "Tổ công tác", "Cấp ấp", "Ban Chỉ đạo", 3, "cán bộ ấp", 5
        ),
        budget=1_600_000,
        funding_source="Nguồn",
        organisation=(OrganisationItem("Đơn vị", ("Nhiệm vụ",)),),
        contact_office="Đầu mối",
        phone="0123",
        recipients=("Nơi nhận",),
        archive="VT",
        signer=signer,
        annex_title=("Tiêu đề",),
        annex_note="Phụ chú",
        dialect=Dialect(),
        unit_body_kind="Ủy ban nhân dân",
        unit_body_abbr="UBND",
        unit_governing=None,
        unit_head="Chủ tịch",
        unit_report_addressee="Nơi nhận báo cáo",
        unit_recipients=("Như trên",),
        invitation_recipients=("Như trên",),
        summary=SummaryReport(
            Body("Phòng", "P", issuer.place, "UBND xã Mẫu"),
            DocumentRef(None, date(2030, 3, 25), "Mẫu"),
            "Cấp trên",
            signer,
            ("Như trên",),
        ),
        units=tuple(units),
        funding=tuple(FundingLine(u, 800_000) for u in units),
        # One row of each context-keyed sheet, its schema's example values: every column a
        # template may print is then a known name.
        tables={
            str(sheet.context_key): ({f.key: f.example for f in sheet.fields},)
            for sheet in TABLE_SHEETS
        },
    )
