"""Build ``inputs/thap-muoi-2022.xlsx``: the seed plan (Kế hoạch 6662/KH-UBND of Tháp Mười) as a
workbook, filled into the same blank workbook that ``vanban new-workbook`` writes.

The plan, its units, counts and funding are the seed's, word for word. The schedule, results,
opinions and the roster of two units are illustrative (the seed has none) and are marked so in
the workbook: they exist so that the default run shows every kind of document.

Run: ``python -m tools.example_workbook [PATH]``.
"""

from __future__ import annotations

import sys
from datetime import date, time, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl.comments import Comment
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tools.example_roster import ROSTER_NOTE, roster_rows
from vanban.workbook import schema
from vanban.workbook.blank import build_blank_workbook

DEFAULT_PATH = Path("inputs/thap-muoi-2022.xlsx")
ILLUSTRATIVE = "Số liệu minh họa: kế hoạch gốc không có lịch, kết quả và ý kiến của từng xã."

PLAN: dict[str, Any] = {
    "governing": None,
    "issuer_kind": "Ủy ban nhân dân",
    "issuer_abbr": "UBND",
    # The seed names no identifier codes (Decision 20/2020/QĐ-TTg): its metadata leaves them blank.
    "issuer_code": None,
    "place_kind": "huyện",
    "place_name": "Tháp Mười",
    "date_place": "Tháp Mười",
    "number": 6662,
    "date": date(2022, 11, 2),
    "summary_line": "Thực hiện đối thoại chính sách giảm nghèo chương trình mục tiêu quốc gia giảm "
    "nghèo bền vững huyện Tháp Mười năm 2022",
    "legal_basis": "Thực hiện Nghị quyết số 10/NQ-HĐND ngày 15/7/2022 của Hội đồng nhân dân tỉnh "
    "Đồng Tháp về phân bổ ngân sách nhà nước từ nguồn ngân sách Trung ương năm 2022 thực hiện "
    "Chương trình mục tiêu quốc gia giảm nghèo bền vững trên địa bàn tỉnh Đồng Tháp; Kế hoạch số "
    "291/KH-UBND ngày 18/8/2022 của Ủy ban nhân dân tỉnh Đồng Tháp về thực hiện Chương trình mục "
    "tiêu giảm nghèo bền vững giai đoạn 2022-2025 tỉnh Đồng Tháp.",
    "intro": "Ủy ban nhân dân huyện xây dựng Kế hoạch tổ chức đối thoại chính sách giảm nghèo "
    "chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2022, cụ thể như sau:",
    "dialogue_name": "đối thoại chính sách giảm nghèo chương trình mục tiêu quốc gia giảm nghèo "
    "bền vững năm 2022",
    "content_intro": "Đối thoại chính sách giảm nghèo, nhằm tạo cơ hội cho người nghèo nói lên "
    "tiếng nói của mình và lắng nghe ý kiến của chính quyền địa phương, trong việc triển khai, tổ "
    "chức thực hiện chính sách giảm nghèo, từ đó tăng tính làm chủ và tính trách nhiệm của các bên "
    "với chính sách giảm nghèo cần tập trung:",
    "period_start": date(2022, 11, 11),
    "period_end": date(2022, 11, 20),
    "venue": "Tổ chức đối thoại theo xã, thị trấn.",
    "issuer_level": "Cấp huyện",
    "issuer_group": "Tổ công tác đối thoại chính sách giảm nghèo",
    "unit_level": "Cấp xã",
    "steering_name": "Ban Chỉ đạo Giảm nghèo",
    "steering_count": 3,
    "officials_name": "cán bộ khóm, ấp",
    "officials_count": 5,
    "budget": 11_300_000,
    "funding_source": "Quyết định 1023/QĐ-UBND ngày 21/9/2022 của Ủy ban nhân dân tỉnh Đồng Tháp "
    "về việc giao dự toán vốn sự nghiệp thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền "
    "vững năm 2022 (Tiểu dự án 2 thuộc Dự án 6: Truyền thông về giảm nghèo đa chiều)",
    "contact_office": "Phòng Lao động – TB&XH huyện",
    "phone": "02773826212",
    "archive": "VT, NCVX(Sang)",
    "signer_collective": "Ủy ban nhân dân",
    "signer_authority": "KT.",
    "signer_head": "Chủ tịch",
    "signer_title": "Phó Chủ tịch",
    "signer_name": "Nguyễn Văn Hiệp",
    "annex_title": "Phân bố kinh phí đối thoại chính sách giảm nghèo\ncác xã, thị trấn năm 2022",
    "annex_note": "Hỗ trợ Nước uống + Bánh ngọt.",
    "thousand": "ngàn",
    "zero_tens": "lẻ",
    "four": "tư",
    # Each commune and town issued its own invitation and report, dated from its own name.
    "unit_issuer": "đơn vị",
    "unit_body_kind": "Ủy ban nhân dân",
    "unit_body_abbr": "UBND",
    "unit_governing": None,
    "unit_head": "Chủ tịch",
    "unit_date_place": None,
    "unit_archive": None,
    # Each commune had its committee: "Ban Chỉ đạo Giảm nghèo xã".
    "steering_unit_kind": "có",
    "roster_place_header": "Ấp, khóm",
    "people_digits": "hai chữ số",
    "unit_report_addressee": "Phòng Lao động - Thương binh và Xã hội huyện Tháp Mười",
    "summary_governing": "UBND huyện Tháp Mười",
    "summary_body": "Phòng Lao động - Thương binh và Xã hội",
    "summary_abbr": "LĐTBXH",
    "summary_code": None,
    "summary_number": None,
    "summary_date": date(2022, 11, 25),
    "summary_addressee": "Sở Lao động - Thương binh và Xã hội tỉnh Đồng Tháp",
    "summary_archive": None,
    "summary_signer_collective": None,
    "summary_signer_authority": None,
    "summary_signer_head": None,
    "summary_signer_title": "Trưởng phòng",
    "summary_signer_name": "Lê Văn A",
}

# (kind, name, poor, near-poor) in the order of the plan's attendance table.
UNITS = [
    ("xã", "Mỹ Quý", 41, 46),
    ("xã", "Mỹ Đông", 3, 51),
    ("xã", "Láng Biển", 32, 65),
    ("xã", "Phú Điền", 31, 22),
    ("xã", "Thanh Mỹ", 33, 52),
    ("thị trấn", "Mỹ An", 50, 60),
    ("xã", "Mỹ An", 27, 90),
    ("xã", "Đốc Bình Kiều", 50, 45),
    ("xã", "Mỹ Hòa", 40, 70),
    ("xã", "Tân Kiều", 57, 45),
    ("xã", "Trường Xuân", 36, 60),
    ("xã", "Hưng Thạnh", 64, 45),
    ("xã", "Thạnh Lợi", 28, 36),
]

# The annex lists the units in its own order (Thanh Mỹ before Phú Điền). The seed's annex spells
# "Láng Biền": the workbook keeps one spelling, the units sheet's.
FUNDING = [
    ("Xã Mỹ Quý", 850_000),
    ("Xã Mỹ Đông", 850_000),
    ("Xã Láng Biển", 850_000),
    ("Xã Thanh Mỹ", 850_000),
    ("Xã Phú Điền", 850_000),
    ("Thị trấn Mỹ An", 900_000),
    ("Xã Mỹ An", 900_000),
    ("Xã Đốc Bình Kiều", 850_000),
    ("Xã Mỹ Hòa", 900_000),
    ("Xã Tân Kiều", 900_000),
    ("Xã Trường Xuân", 850_000),
    ("Xã Hưng Thạnh", 900_000),
    ("Xã Thạnh Lợi", 850_000),
]

TIERS = [(0, 850_000), (100, 900_000)]

PURPOSES = [
    "Đối thoại chính sách giảm nghèo nhằm tạo cơ hội cho người dân, tổ chức có liên quan nói lên "
    "tiếng nói của mình và lắng nghe ý kiến trong việc triển khai, tổ chức thực hiện chính sách "
    "giảm nghèo. Từ đó tăng tính làm chủ và tính trách nhiệm của các bên với chính sách giảm nghèo.",
    "Đối thoại giúp đem lại những sáng kiến, ý tưởng, cách làm mới có hiệu quả và phù hợp với địa "
    "phương trong quá trình triển khai, thực hiện các chính sách giảm nghèo có hiệu quả hơn; các "
    "cơ quan chức năng nắm bắt đầy đủ hơn những tồn tại, vướng mắc trong tổ chức thực hiện chính "
    "sách để có biện pháp điều chỉnh, khắc phục và giải pháp thực hiện tốt hơn trong thời gian tới.",
    "Ngoài việc đối thoại trực tiếp tại địa phương, nội dung các cuộc đối thoại được phát trên "
    "sóng truyền thanh huyện và trang tin điện tử huyện, để củng cố, tăng cường nhận thức về chính "
    "sách giảm nghèo của các cấp, các ngành và người dân.",
]

TOPICS = [
    "Chính sách học nghề, việc làm, đưa người lao động đi làm việc ở nước ngoài có thời hạn theo "
    "hợp đồng;",
    "Chính sách hỗ trợ sản xuất, nhân rộng mô hình giảm nghèo, hỗ trợ khuyến nông- ngư, tiếp cận "
    "tín dụng;",
    "Chính sách bảo hiểm y tế, giáo dục, nhà ở, nước sạch, tiếp cận thông tin, bình xét hộ "
    "nghèo,...",
]

ORGANISATION = [
    (
        "Phòng Lao động – Thương binh và Xã hội huyện",
        "Tham mưu Ủy ban nhân dân huyện thành lập Tổ công tác đối thoại chính sách giảm nghèo và "
        "triển khai thực hiện tốt Kế hoạch này; theo dõi tiến độ triển khai thực hiện cho cuộc đối "
        "thoại và quyết toán kinh phí tổ chức đối thoại về tỉnh theo quy định.",
    ),
    (
        None,
        "Báo cáo kết quả thực hiện về Sở Lao động – Thương binh và Xã hội, Ủy ban nhân dân huyện sau "
        "khi kết thúc đối thoại.",
    ),
    (
        "Phòng Tài chính – Kế hoạch huyện",
        "Phối hợp với Phòng Lao động - Thương binh và Xã hội huyện hướng dẫn các đơn vị thực hiện chi "
        "và quyết toán kinh phí tổ chức đối thoại chính sách giảm nghèo đúng quy định.",
    ),
    (
        "Từng ngành thành viên của Tổ công tác đối thoại cấp huyện",
        "Tùy theo chức năng nhiệm vụ của ngành cần chủ động xây dựng Kế hoạch phối hợp thực hiện, "
        "thường xuyên theo dõi, kiểm tra, giám sát, hỗ trợ các xã, thị trấn thực hiện.",
    ),
    (
        "Ủy ban nhân dân các xã, thị trấn",
        "Căn cứ Kế hoạch này xây dựng Kế hoạch triển khai thực hiện; phát hành thư mời; lập danh "
        "sách thành phần tham dự đúng thời gian quy định; báo cáo kết quả đối thoại về Phòng Lao "
        "động – TB&XH huyện.",
    ),
]

RECIPIENTS = {
    "Nơi nhận kế hoạch": [
        "Sở Lao động – TB&XH",
        "TT.Huyện ủy; TT.HĐND huyện",
        "CT, các PCT.UBND huyện",
        "Thành viên BCĐ Khối VH-XH huyện",
        "UBND các xã, thị trấn",
        "LĐVP",
    ],
    "Nơi nhận giấy mời": ["Như thành phần mời", "Phòng Lao động – TB&XH huyện"],
    "Nơi nhận báo cáo đơn vị": ["Như trên", "Thường trực Đảng ủy, HĐND xã"],
    "Nơi nhận báo cáo tổng hợp": ["Như trên", "UBND huyện"],
}

POLICIES = (
    "Chính sách học nghề, việc làm; hỗ trợ sản xuất, tín dụng ưu đãi; bảo hiểm y tế, giáo dục, "
    "nhà ở, nước sạch và bình xét hộ nghèo."
)
# The decision that establishes the district's working group (the seed only says the labour
# office advises it): illustrative, like the schedule; placeholder names, posts of the district.
MEMBERS_NOTE = (
    "Quyết định minh họa: kế hoạch gốc chỉ giao Phòng Lao động – TB&XH tham mưu thành lập Tổ công "
    "tác; số, ngày, họ tên thành viên và người ký là giả định."
)
MEMBERS = [
    ("Nguyễn Văn A", "Phó Chủ tịch Ủy ban nhân dân huyện", "Tổ trưởng"),
    ("Trần Văn B", "Trưởng phòng Lao động - Thương binh và Xã hội huyện", "Tổ phó"),
    ("Lê Thị C", "Phó Trưởng phòng Tài chính - Kế hoạch huyện", "thành viên"),
    ("Phạm Văn D", "Phó Trưởng phòng Văn hóa và Thông tin huyện", "thành viên"),
    ("Võ Thị E", "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "thành viên"),
    ("Huỳnh Văn G", "Chuyên viên Phòng Lao động - Thương binh và Xã hội huyện", "thành viên"),
]
# Sheet "Văn bản": one row per kind that has metadata of its own (columns as in the schema).
DOCUMENTS: list[dict[str, Any]] = [
    {
        "kind": "Quyết định thành lập Tổ công tác",
        "number": None,
        "date": date(2022, 11, 4),
        "addressee": "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện, Trưởng phòng "
        "Lao động - Thương binh và Xã hội huyện, Thủ trưởng các cơ quan, đơn vị có liên quan",
        "bases": "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
        "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
        "22 tháng 11 năm 2019\nKế hoạch số 291/KH-UBND ngày 18/8/2022 của Ủy ban nhân dân tỉnh "
        "Đồng Tháp về thực hiện Chương trình mục tiêu giảm nghèo bền vững giai đoạn 2022-2025 "
        "tỉnh Đồng Tháp",
        "proposer": "Trưởng phòng Lao động - Thương binh và Xã hội huyện",
        "recipients": "Như Điều 3\nSở Lao động – TB&XH\nCT, các PCT.UBND huyện\nUBMTTQVN "
        "huyện\nLĐVP",
        "archive": "VT, NCVX",
        "signer_title": "Chủ tịch",
        "signer_name": "Lê Văn K",
    }
]

PROPOSALS = "Đề nghị tiếp tục hỗ trợ vốn vay ưu đãi và mở lớp dạy nghề ngắn hạn tại địa phương."


def _schedule_row(i: int, kind: str, name: str, start: date) -> list[Any]:
    day = start + timedelta(days=i % 10)
    hall = f"Hội trường Ủy ban nhân dân {kind} {name}"
    return [
        f"{kind.capitalize()} {name}",
        day,
        time(7, 30) if i % 2 == 0 else time(13, 30),
        hall,
        "Nguyễn Văn A",
        f"Chủ tịch Ủy ban nhân dân {kind}",
        None,
        start - timedelta(days=4),
        "TM.",
        "Chủ tịch",
        "Nguyễn Văn A",
    ]


def _result_row(
    i: int, kind: str, name: str, poor: int, near: int, amount: int, plan: dict[str, Any]
) -> list[Any]:
    day = plan["period_start"] + timedelta(days=i % 10)
    return [
        f"{kind.capitalize()} {name}",
        None,
        day + timedelta(days=2),
        plan["steering_count"],
        plan["officials_count"],
        max(poor - i % 3, 0),
        max(near - i % 4, 0),
        2,
        POLICIES,
        PROPOSALS,
        amount,
        "TM.",
        "Chủ tịch",
        "Nguyễn Văn A",
    ]


def _opinion_rows(i: int, kind: str, name: str, topics: int) -> list[list[Any]]:
    rows = []
    for topic in range(1, topics + 1):
        raised = 2 + (i + topic) % 3
        passed = (i + topic) % 2
        rows.append([f"{kind.capitalize()} {name}", topic, raised, raised - passed, passed, ""])
    return rows


def _write_rows(ws: Worksheet, rows: list[list[Any]]) -> None:
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value


def seed_data() -> dict[str, Any]:
    """The seed's data, as ``fill`` takes it; tests change parts of a copy to make other plans."""
    return {
        "plan": dict(PLAN),
        "units": list(UNITS),
        "funding": list(FUNDING),
        "tiers": list(TIERS),
        "purposes": list(PURPOSES),
        "topics": list(TOPICS),
        "organisation": list(ORGANISATION),
        "recipients": {k: list(v) for k, v in RECIPIENTS.items()},
        "with_results": None,  # None: every unit has results; else the set of unit names that do
        # Units that get an illustrative roster (when the plan has them): invented people.
        "roster_units": ["Xã Mỹ Đông", "Xã Phú Điền"],
        "roster_rows": [],  # more roster rows, written as given: unit, hamlet, name, group, note
        "members": list(MEMBERS),  # sheet "Tổ công tác": name, post, role
        "documents": [dict(row) for row in DOCUMENTS],  # sheet "Văn bản", by field key
    }


def many_units(units: int, households: int | None = None) -> dict[str, Any]:
    """The seed's data with ``units`` hamlets "Số 1", "Số 2" … instead of its communes, each
    funded, no funding tiers: a large plan for the benches and the concurrency tests.

    With ``households``, every hamlet has that many households, half poor, and a roster (its
    committee, its officials and each household, invited by name).
    """
    d = seed_data()
    names = [f"Số {i}" for i in range(1, units + 1)]
    if households is None:
        d["units"] = [("ấp", n, 10 + i % 7, 12 + i % 5) for i, n in enumerate(names, start=1)]
    else:
        poor = households // 2
        d["units"] = [("ấp", n, poor, households - poor) for n in names]
        d["roster_units"] = [f"Ấp {n}" for n in names]
    d["funding"] = [(f"Ấp {n}", 200_000) for n in names]
    d["tiers"] = []
    d["plan"]["budget"] = 200_000 * units
    return d


def write_workbook(path: Path, data: dict[str, Any]) -> Path:
    """A workbook of ``data`` (see ``seed_data``), without the illustrative marks, at ``path``."""
    fill(build_blank_workbook(), mark_illustrative=False, data=data).save(path)
    return path


def fill(
    wb: Workbook, *, mark_illustrative: bool = True, data: dict[str, Any] | None = None
) -> Workbook:
    """Fill a blank workbook (from ``build_blank_workbook``) with the seed's data (or ``data``).

    ``data`` may also give "schedule", "results" and "opinions": rows written as given, in place
    of the ones generated from the units (see ``tools.commune_example``).
    """
    d = data if data is not None else seed_data()
    units, funding, with_results = d["units"], d["funding"], d["with_results"]
    ws = wb[schema.PLAN.name]
    labels = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for f in schema.PLAN.fields:
        ws.cell(labels[f.label], 2).value = d["plan"][f.key]

    _write_rows(
        wb[schema.UNITS.name],
        [[i, k, n, p, q, p + q] for i, (k, n, p, q) in enumerate(units, start=1)]
        + [
            [
                "Tổng cộng",
                None,
                None,
                sum(u[2] for u in units),
                sum(u[3] for u in units),
                sum(u[2] + u[3] for u in units),
            ]
        ],
    )
    _write_rows(
        wb[schema.FUNDING.name],
        [[i, n, a, None] for i, (n, a) in enumerate(funding, start=1)]
        + [["Tổng cộng", None, sum(a for _, a in funding), None]],
    )
    _write_rows(wb[schema.TIERS.name], [list(t) for t in d["tiers"]])
    amounts = {n: a for n, a in funding}
    start: date = d["plan"]["period_start"]
    # Another example may give its schedule, results and opinions as rows (columns in the
    # schema's order) instead of the seed's generated ones: a hamlet's dialogue is chaired by a
    # commune leader, which the generated rows ("Chủ tịch Ủy ban nhân dân <unit kind>") cannot say.
    _write_rows(
        wb[schema.SCHEDULE.name],
        [list(r) for r in d["schedule"]]
        if d.get("schedule") is not None
        else [_schedule_row(i, k, n, start) for i, (k, n, _, _) in enumerate(units)],
    )
    reporting = [
        (i, u)
        for i, u in enumerate(units)
        if with_results is None or f"{u[0].capitalize()} {u[1]}" in with_results
    ]
    _write_rows(
        wb[schema.RESULTS.name],
        [list(r) for r in d["results"]]
        if d.get("results") is not None
        else [
            _result_row(i, k, n, p, q, amounts[f"{k.capitalize()} {n}"], d["plan"])
            for i, (k, n, p, q) in reporting
        ],
    )
    _write_rows(
        wb[schema.OPINIONS.name],
        [list(r) for r in d["opinions"]]
        if d.get("opinions") is not None
        else [
            row for i, (k, n, _, _) in reporting for row in _opinion_rows(i, k, n, len(d["topics"]))
        ],
    )
    plan = d["plan"]
    _write_rows(
        wb[schema.ROSTER.name],
        [
            row
            for k, n, p, q in units
            if f"{k.capitalize()} {n}" in d.get("roster_units", ())
            for row in roster_rows(
                f"{k.capitalize()} {n}", n, p, q, plan["steering_count"], plan["officials_count"]
            )
        ]
        + [list(row) for row in d.get("roster_rows", [])],
    )
    _write_rows(wb[schema.MEMBERS.name], [list(m) for m in d.get("members", [])])
    _write_rows(
        wb[schema.DOCUMENTS.name],
        [[row.get(f.key) for f in schema.DOCUMENTS.fields] for row in d.get("documents", [])],
    )
    texts: list[list[Any]] = [["Mục đích", None, t] for t in d["purposes"]]
    texts += [["Chủ đề", None, t] for t in d["topics"]]
    texts += [["Tổ chức thực hiện", h, t] for h, t in d["organisation"]]
    texts += [[section, None, t] for section, items in d["recipients"].items() for t in items]
    _write_rows(wb[schema.TEXTS.name], texts)

    if mark_illustrative:
        mark(
            wb,
            [
                (schema.SCHEDULE.name, ILLUSTRATIVE),
                (schema.RESULTS.name, ILLUSTRATIVE),
                (schema.OPINIONS.name, ILLUSTRATIVE),
                (schema.ROSTER.name, "Danh sách mời minh họa: " + ROSTER_NOTE),
                (schema.DOCUMENTS.name, MEMBERS_NOTE),
                (schema.MEMBERS.name, MEMBERS_NOTE),
            ],
            "Lưu ý: sheet Lịch đối thoại, Kết quả, Ý kiến (tab màu cam) là " + ILLUSTRATIVE
            + " Sheet Danh sách mời (tab màu cam) cũng là minh họa: " + ROSTER_NOTE
            + " Sheet Văn bản và Tổ công tác (tab màu cam): " + MEMBERS_NOTE,
        )
    return wb


def mark(wb: Workbook, notes: list[tuple[str, str]], guide_line: str) -> None:
    """Mark illustrative data where a clerk sees it: each named sheet gets an orange tab and
    its note as a comment on A1, and the guide sheet opens with ``guide_line``."""
    for name, note in notes:
        sheet = wb[name]
        sheet.sheet_properties.tabColor = "F4B183"
        sheet["A1"].comment = Comment(note, "vanban")
    guide = wb[schema.GUIDE_SHEET]
    guide.insert_rows(1)
    guide["A1"] = guide_line


def example_bytes() -> bytes:
    buf = BytesIO()
    fill(build_blank_workbook()).save(buf)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(example_bytes())
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
