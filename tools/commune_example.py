"""Build ``inputs/thap-muoi-2026.xlsx``: a commune's plan after 1 July 2025, as a second example.

Since 1 July 2025 there are no districts: Tháp Mười is a commune of the merged province of Đồng
Tháp, and poverty reduction is the work of the Ministry of Agriculture and Environment (in the
province, the Sở Nông nghiệp và Môi trường; in the commune, its People's Committee and offices
such as the Phòng Văn hóa - Xã hội). Here the commune's People's Committee plans dialogues in
its eight hamlets (ấp) and issues every document itself ("cơ quan ban hành kế hoạch"): the plan,
the decision that sets up its working group, the annex, each hamlet's invitation (with the
sign-in lists of two hamlets), each hamlet's report and the summary to the province's
department. Every hamlet has results, so the whole set is issued.

All of it is illustrative: no real plan stands behind it. Hamlet names, households, numbers,
dates, people and the documents cited are invented, and the workbook says so on every sheet
that holds them (orange tabs, a note on A1, a line at the top of "Hướng dẫn"). The numbers read
the Southern way, like the seed (ngàn, lẻ, tư).

The file is written byte for byte the same on every run (fixed timestamps), so a test can check
that the committed workbook is what this module writes.

Run: ``python -m tools.commune_example [PATH]``.
"""

from __future__ import annotations

import random
import re
import sys
import zipfile
import zlib
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from tools.example_roster import name_drawer
from tools.example_workbook import fill, mark
from vanban.workbook import schema
from vanban.workbook.blank import build_blank_workbook

DEFAULT_PATH = Path("inputs/thap-muoi-2026.xlsx")
# Every part of the file gets this time, so two runs write the same bytes.
STAMP = datetime(2026, 3, 30, 8, 0, 0)

ILLUSTRATIVE = (
    "Số liệu minh họa: kế hoạch năm 2026 của xã Tháp Mười là giả định (tên ấp, số hộ, số và "
    "ngày văn bản, người ký, lịch, kết quả, ý kiến); không có kế hoạch thật nào đứng sau."
)
ROSTER_NOTE = (
    "Danh sách mời minh họa của ấp Mỹ Lợi và ấp Mỹ Điền: họ tên do máy tạo ngẫu nhiên, không "
    "phải người thật; số người mỗi thành phần khớp với kế hoạch."
)
MEMBERS_NOTE = (
    "Quyết định minh họa: số, ngày, họ tên thành viên Tổ công tác và người ký là giả định."
)
GUIDE_LINE = (
    "Lưu ý: đây là ví dụ minh họa, mọi sheet có dữ liệu đều giả định (tab màu cam). "
    + ILLUSTRATIVE
    + " "
    + ROSTER_NOTE
    + " "
    + MEMBERS_NOTE
)

# The commune's leaders and office (invented people).
CHAIRMAN = "Trần Văn Nghĩa"
VICE_CHAIR = "Lê Thị Mỹ Hạnh"
OFFICE = "Phòng Văn hóa - Xã hội"

PLAN: dict[str, Any] = {
    "governing": None,
    "issuer_kind": "Ủy ban nhân dân",
    "issuer_abbr": "UBND",
    "issuer_code": None,
    "place_kind": "xã",
    "place_name": "Tháp Mười",
    "date_place": "Tháp Mười",
    "number": 52,
    "date": date(2026, 3, 30),
    "summary_line": "Tổ chức đối thoại chính sách giảm nghèo tại các ấp trên địa bàn xã Tháp "
    "Mười năm 2026",
    "legal_basis": "Thực hiện Kế hoạch số 85/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Đồng "
    "Tháp về tổ chức đối thoại chính sách giảm nghèo trên địa bàn tỉnh năm 2026.",
    "intro": "Ủy ban nhân dân xã xây dựng Kế hoạch tổ chức đối thoại chính sách giảm nghèo tại "
    "các ấp năm 2026, cụ thể như sau:",
    "dialogue_name": "đối thoại chính sách giảm nghèo năm 2026",
    "content_intro": "Đối thoại chính sách giảm nghèo, nhằm tạo cơ hội cho người nghèo nói lên "
    "tiếng nói của mình và lắng nghe ý kiến của chính quyền xã, trong việc triển khai, tổ chức "
    "thực hiện chính sách giảm nghèo, từ đó tăng tính làm chủ và tính trách nhiệm của các bên "
    "với chính sách giảm nghèo cần tập trung:",
    "period_start": date(2026, 4, 13),
    "period_end": date(2026, 4, 24),
    "venue": "Tổ chức đối thoại theo ấp, tại nhà văn hóa ấp.",
    "issuer_level": "Cấp xã",
    "issuer_group": "Tổ công tác đối thoại chính sách giảm nghèo",
    "unit_level": "Cấp ấp",
    "steering_name": "Ban Chỉ đạo các chương trình mục tiêu quốc gia xã",
    "steering_count": 2,
    "officials_name": "cán bộ ấp",
    "officials_count": 3,
    "budget": 4_600_000,
    "funding_source": "Quyết định số 21/QĐ-UBND ngày 16/01/2026 của Ủy ban nhân dân xã Tháp "
    "Mười về việc giao dự toán ngân sách xã năm 2026 (kinh phí thực hiện chính sách giảm nghèo)",
    "contact_office": f"{OFFICE} xã",
    "phone": "02773123456",
    "archive": "VT, VHXH",
    "signer_collective": "Ủy ban nhân dân",
    "signer_authority": "KT.",
    "signer_head": "Chủ tịch",
    "signer_title": "Phó Chủ tịch",
    "signer_name": VICE_CHAIR,
    "annex_title": "Phân bổ kinh phí đối thoại chính sách giảm nghèo\ncác ấp năm 2026",
    "annex_note": "Hỗ trợ nước uống, bánh ngọt cho người tham dự.",
    "thousand": "ngàn",
    "zero_tens": "lẻ",
    "four": "tư",
    # The commune issues every hamlet's documents: its own header, number series, dateline and
    # signer; a hamlet has no body of its own to name.
    "unit_issuer": "cơ quan ban hành kế hoạch",
    "unit_body_kind": None,
    "unit_body_abbr": None,
    "unit_governing": None,
    "unit_head": "Chủ tịch",
    "unit_date_place": None,
    "unit_archive": "VT, VHXH",
    # One committee for the commune attends each hamlet's dialogue: its name is printed as is.
    "steering_unit_kind": "không",
    # Every invitee's hamlet is written "ấp Mỹ Lợi", so a letter reads "Ông/Bà …, ấp Mỹ Lợi";
    # the list's column then holds "Ấp Mỹ Lợi", under a header that is not "Ấp" again.
    "roster_place_header": "Địa chỉ",
    "people_digits": "hai chữ số",
    # The province's plan asks for a report after each dialogue, and the summary at the end.
    "unit_report_addressee": "Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp",
    "summary_governing": None,
    "summary_body": "Ủy ban nhân dân",
    "summary_abbr": "UBND",
    "summary_code": None,
    "summary_number": 72,
    "summary_date": date(2026, 4, 28),
    "summary_addressee": "Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp",
    "summary_archive": "VT, VHXH",
    "summary_signer_collective": "Ủy ban nhân dân",
    "summary_signer_authority": "KT.",
    "summary_signer_head": "Chủ tịch",
    "summary_signer_title": "Phó Chủ tịch",
    "summary_signer_name": VICE_CHAIR,
}

# (kind, name, poor, near-poor): invented hamlets and households.
UNITS = [
    ("ấp", "Mỹ Phước", 14, 22),
    ("ấp", "Mỹ Thạnh", 9, 17),
    ("ấp", "Mỹ Hưng", 21, 25),
    ("ấp", "Mỹ Lợi", 6, 11),
    ("ấp", "Mỹ Thới", 17, 28),
    ("ấp", "Mỹ Phú", 12, 19),
    ("ấp", "Mỹ Tân", 25, 30),
    ("ấp", "Mỹ Điền", 8, 15),
]

# A hamlet inviting 40 households or more gets the higher amount.
TIERS = [(0, 500_000), (40, 700_000)]


def _amount(poor: int, near_poor: int) -> int:
    return max(a for least, a in TIERS if poor + near_poor >= least)


FUNDING = [(f"Ấp {n}", _amount(p, q)) for _, n, p, q in UNITS]

PURPOSES = [
    "Đối thoại chính sách giảm nghèo nhằm tạo cơ hội cho người dân, tổ chức có liên quan nói lên "
    "tiếng nói của mình và lắng nghe ý kiến trong việc triển khai, tổ chức thực hiện chính sách "
    "giảm nghèo. Từ đó tăng tính làm chủ và tính trách nhiệm của các bên với chính sách giảm nghèo.",
    "Đối thoại giúp Ủy ban nhân dân xã nắm bắt đầy đủ hơn những tồn tại, vướng mắc của hộ nghèo, "
    "hộ cận nghèo ở từng ấp để có biện pháp điều chỉnh, khắc phục và giải pháp thực hiện tốt hơn "
    "chính sách giảm nghèo trong thời gian tới.",
    "Nội dung các cuộc đối thoại được đưa tin trên hệ thống truyền thanh xã và trang thông tin "
    "điện tử xã, để tăng cường nhận thức về chính sách giảm nghèo của cán bộ và người dân.",
]

TOPICS = [
    "Chính sách học nghề, việc làm, đưa người lao động đi làm việc ở nước ngoài có thời hạn theo "
    "hợp đồng;",
    "Chính sách hỗ trợ sản xuất, nhân rộng mô hình giảm nghèo, tiếp cận tín dụng ưu đãi;",
    "Chính sách bảo hiểm y tế, giáo dục, nhà ở, nước sạch, tiếp cận thông tin, rà soát hộ nghèo, "
    "hộ cận nghèo,...",
]

ORGANISATION = [
    (
        f"{OFFICE} xã",
        "Tham mưu Ủy ban nhân dân xã thành lập Tổ công tác đối thoại chính sách giảm nghèo; lập "
        "giấy mời và danh sách thành phần tham dự của từng ấp; theo dõi, tổng hợp kết quả, giúp "
        "Ủy ban nhân dân xã báo cáo Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp sau khi kết thúc "
        "đối thoại.",
    ),
    (
        "Phòng Kinh tế xã",
        f"Phối hợp với {OFFICE} xã hướng dẫn thực hiện chi và quyết toán kinh phí tổ chức đối "
        "thoại chính sách giảm nghèo đúng quy định.",
    ),
    (
        "Ban Chỉ đạo các chương trình mục tiêu quốc gia xã",
        "Phân công thành viên dự các buổi đối thoại tại ấp, trả lời ý kiến của người dân theo "
        "lĩnh vực được phân công.",
    ),
    (
        "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã",
        "Phối hợp vận động hộ nghèo, hộ cận nghèo tham dự đối thoại; giám sát việc thực hiện "
        "chính sách giảm nghèo tại các ấp.",
    ),
    (
        "Trưởng các ấp",
        "Mời hộ nghèo, hộ cận nghèo dự đối thoại đúng thành phần, thời gian; chuẩn bị địa điểm tại "
        "nhà văn hóa ấp.",
    ),
]

RECIPIENTS = {
    "Nơi nhận kế hoạch": [
        "Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp",
        "Thường trực Đảng ủy xã",
        "Thường trực Hội đồng nhân dân xã",
        "CT, các PCT UBND xã",
        "Ban Chỉ đạo các chương trình mục tiêu quốc gia xã",
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
        f"{OFFICE}, Phòng Kinh tế",
        "Các ấp",
    ],
    "Nơi nhận giấy mời": ["Như thành phần mời", f"{OFFICE}"],
    "Nơi nhận báo cáo đơn vị": [
        "Như trên",
        "Thường trực Đảng ủy xã",
        "CT, các PCT UBND xã",
        f"{OFFICE}",
    ],
    "Nơi nhận báo cáo tổng hợp": [
        "Như trên",
        "Thường trực Đảng ủy xã",
        "Thường trực Hội đồng nhân dân xã",
        "CT, các PCT UBND xã",
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
    ],
}

MEMBERS = [
    (VICE_CHAIR, "Phó Chủ tịch Ủy ban nhân dân xã", "Tổ trưởng"),
    ("Phan Văn Lộc", "Trưởng phòng Văn hóa - Xã hội xã", "Tổ phó"),
    ("Đặng Thị Kim Loan", "Phó Trưởng phòng Kinh tế xã", "thành viên"),
    ("Huỳnh Minh Quang", "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam xã", "thành viên"),
    ("Võ Thanh Tùng", f"Chuyên viên {OFFICE} xã", "thành viên"),
]

DOCUMENTS: list[dict[str, Any]] = [
    {
        "kind": "quyet_dinh_to_cong_tac",
        "number": 118,
        "date": date(2026, 4, 1),
        "addressee": "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã, Trưởng phòng Văn "
        "hóa - Xã hội xã, Thủ trưởng các cơ quan, đơn vị có liên quan",
        "bases": "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025\nKế hoạch số "
        "85/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Đồng Tháp về tổ chức đối thoại chính "
        "sách giảm nghèo trên địa bàn tỉnh năm 2026",
        "proposer": "Trưởng phòng Văn hóa - Xã hội xã",
        "recipients": "Như Điều 3\nCT, các PCT UBND xã\nỦy ban Mặt trận Tổ quốc Việt Nam xã",
        "archive": "VT, VHXH",
        "signer_title": "Chủ tịch",
        "signer_name": CHAIRMAN,
    }
]

# Each hamlet's dialogue: its day (a working day in the period), start and who chairs it, a
# commune leader: a hamlet has no People's Committee and so no chairman of its own.
DAYS = [
    (date(2026, 4, 13), time(7, 30), VICE_CHAIR),
    (date(2026, 4, 14), time(7, 30), VICE_CHAIR),
    (date(2026, 4, 15), time(7, 30), CHAIRMAN),
    (date(2026, 4, 16), time(13, 30), VICE_CHAIR),
    (date(2026, 4, 17), time(7, 30), VICE_CHAIR),
    (date(2026, 4, 20), time(7, 30), VICE_CHAIR),
    (date(2026, 4, 21), time(7, 30), CHAIRMAN),
    (date(2026, 4, 22), time(13, 30), VICE_CHAIR),
]
CHAIR_TITLE = {
    CHAIRMAN: "Chủ tịch Ủy ban nhân dân xã",
    VICE_CHAIR: "Phó Chủ tịch Ủy ban nhân dân xã",
}
INVITATION_DATE = date(2026, 4, 6)
FIRST_INVITATION = 31
FIRST_REPORT = 61

POLICIES = (
    "Chính sách học nghề, việc làm; hỗ trợ sản xuất, tín dụng ưu đãi; bảo hiểm y tế, giáo dục, "
    "nhà ở, nước sạch và rà soát hộ nghèo, hộ cận nghèo."
)
PROPOSALS = [
    "Đề nghị mở lớp dạy nghề may công nghiệp ngắn hạn tại ấp.",
    "",
    "Đề nghị tăng vốn vay ưu đãi để hộ nghèo nuôi bò sinh sản.",
    "",
    "Đề nghị hỗ trợ sửa chữa nhà ở cho hộ nghèo có nhà xuống cấp.",
    "Đề nghị hỗ trợ lắp đặt đồng hồ nước sạch cho hộ cận nghèo.",
    "Đề nghị tăng vốn vay ưu đãi và mở lớp dạy nghề ngắn hạn tại ấp.",
    "",
]
# What people asked about, by topic (the plan's three), one line each hamlet picks from.
OPINION_TEXT = [
    ("Học nghề gắn với giới thiệu việc làm tại các công ty", "Thủ tục đi làm việc ở nước ngoài"),
    ("Vay vốn ưu đãi chăn nuôi", "Hỗ trợ cây giống, con giống"),
    ("Cấp thẻ bảo hiểm y tế cho hộ cận nghèo", "Hỗ trợ sửa chữa nhà ở"),
]


def _schedule() -> list[list[Any]]:
    rows = []
    for i, ((kind, name, _, _), (day, start, chair)) in enumerate(zip(UNITS, DAYS, strict=True)):
        rows.append(
            [
                f"{kind.capitalize()} {name}",
                day,
                start,
                f"Nhà văn hóa {kind} {name}",
                chair,
                CHAIR_TITLE[chair],
                FIRST_INVITATION + i,
                INVITATION_DATE,
                "KT.",
                "Phó Chủ tịch",
                VICE_CHAIR,
            ]
        )
    return rows


def _results() -> list[list[Any]]:
    rows = []
    for i, ((kind, name, poor, near), (day, _, _)) in enumerate(zip(UNITS, DAYS, strict=True)):
        amount = _amount(poor, near)
        rows.append(
            [
                f"{kind.capitalize()} {name}",
                FIRST_REPORT + i,
                day + timedelta(days=1),
                PLAN["steering_count"],
                PLAN["officials_count"],
                poor - i % 3,
                near - i % 4,
                3,
                POLICIES,
                PROPOSALS[i] or None,
                amount - 50_000 * (i % 2),
                "KT.",
                "Phó Chủ tịch",
                VICE_CHAIR,
            ]
        )
    return rows


def _opinions() -> list[list[Any]]:
    rows = []
    for i, (kind, name, _, _) in enumerate(UNITS):
        for topic, texts in enumerate(OPINION_TEXT, start=1):
            raised = 2 + (i + topic) % 3
            passed = (i + topic) % 2
            rows.append(
                [
                    f"{kind.capitalize()} {name}",
                    topic,
                    raised,
                    raised - passed,
                    passed,
                    texts[(i + topic) % 2],
                ]
            )
    return rows


def _roster(name: str, poor: int, near_poor: int) -> list[list[Any]]:
    """A hamlet's invitees: two members of the commune's committee (commune officials, so no
    hamlet is printed for them), the hamlet's officials, then its households; invented names
    drawn as ``tools.example_roster`` draws them, seeded by the hamlet's name."""
    label = f"Ấp {name}"
    rng = random.Random(zlib.crc32(label.encode("utf-8")))
    person = name_drawer(rng)

    committee = [f"Công chức {OFFICE}", "Phó Chủ tịch Hội Nông dân xã"]
    officials = ["Bí thư Chi bộ ấp", "Trưởng ấp", "Trưởng Ban công tác Mặt trận ấp"]
    rows: list[list[Any]] = [[label, None, person(), "Ban Chỉ đạo", note] for note in committee]
    home = f"ấp {name}"
    rows += [[label, home, person(), "cán bộ ấp/khóm", note] for note in officials]
    rows += [[label, home, person(), "hộ nghèo", None] for _ in range(poor)]
    rows += [[label, home, person(), "hộ cận nghèo", None] for _ in range(near_poor)]
    return rows


ROSTER_HAMLETS = ("Mỹ Lợi", "Mỹ Điền")


def commune_data() -> dict[str, Any]:
    """The 2026 commune plan's data, as ``tools.example_workbook.fill`` takes it."""
    return {
        "plan": dict(PLAN),
        "units": list(UNITS),
        "funding": list(FUNDING),
        "tiers": list(TIERS),
        "purposes": list(PURPOSES),
        "topics": list(TOPICS),
        "organisation": list(ORGANISATION),
        "recipients": {k: list(v) for k, v in RECIPIENTS.items()},
        "with_results": None,
        "schedule": _schedule(),
        "results": _results(),
        "opinions": _opinions(),
        # The seed's roster generator spreads a commune's people over its hamlets; a hamlet's
        # people all live in it, so its rows are written here.
        "roster_units": [],
        "roster_rows": [
            row for _, n, p, q in UNITS if n in ROSTER_HAMLETS for row in _roster(n, p, q)
        ],
        "members": list(MEMBERS),
        "documents": [dict(row) for row in DOCUMENTS],
    }


def _fixed_times(data: bytes) -> bytes:
    """The same workbook dated ``STAMP`` throughout: openpyxl dates each zip entry, and the
    document's "modified" property, with the time of saving."""
    out = BytesIO()
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content, count = modified.subn(rb"\g<1>" + stamp + rb"\g<2>", content)
                assert count == 1, "openpyxl wrote no modified date to replace"
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, content)
    return out.getvalue()


def commune_bytes() -> bytes:
    """The example workbook's bytes, the same on every run."""
    wb = fill(build_blank_workbook(), mark_illustrative=False, data=commune_data())
    mark(
        wb,
        [(s.name, ILLUSTRATIVE) for s in (schema.PLAN, schema.UNITS, schema.FUNDING,
                                          schema.TIERS, schema.SCHEDULE, schema.RESULTS,
                                          schema.OPINIONS, schema.TEXTS)]
        + [(schema.ROSTER.name, ROSTER_NOTE), (schema.DOCUMENTS.name, MEMBERS_NOTE),
           (schema.MEMBERS.name, MEMBERS_NOTE)],
        GUIDE_LINE,
    )  # fmt: skip
    wb.properties.created = STAMP  # else the time the workbook object was made
    buf = BytesIO()
    wb.save(buf)
    return _fixed_times(buf.getvalue())


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(commune_bytes())
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
