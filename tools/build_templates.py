"""Generate the starting Word templates in ``templates/docx/`` with the Decree 30 layout.

The committed .docx files are the source of truth once a clerk edits them in Word; this script
is how they were first made, and how a developer re-creates them after changing the layout.
It refuses to overwrite a template unless given ``--force``.

Run: ``python -m tools.build_templates [--force] [DIR]``.
Templates hold no name or figure of any plan: every one comes from the context.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from tools.roster_templates import personal_letters, roster_list_template
from tools.template_blocks import PLAIN, B, meeting
from tools.template_blocks import footer as _footer
from tools.template_blocks import header as _header
from tools.template_blocks import title as _title
from vanban.decree30.layout import Decree30Document
from vanban.documents.styles import prune_styles


def plan_template() -> Decree30Document:
    doc = Decree30Document()
    _header(doc)
    _title(doc)
    doc.paragraph("{{ plan.legal_basis }}")
    doc.paragraph("{{ plan.intro }}")
    doc.heading("I. MỤC ĐÍCH – YÊU CẦU")
    doc.control("{%p for text in plan.purposes %}")
    doc.paragraph("- {{ text }}")
    doc.control("{%p endfor %}")
    doc.heading("II. NỘI DUNG, THỜI GIAN VÀ ĐỊA ĐIỂM TỔ CHỨC ĐỐI THOẠI")
    doc.heading("1. Nội dung")
    doc.paragraph("{{ plan.content_intro }}")
    doc.control("{%p for text in plan.topics %}")
    doc.paragraph("- {{ text }}")
    doc.control("{%p endfor %}")
    doc.paragraph(
        "2. Thời gian: Từ ngày {{ plan.period_start | ngay_ngan }} đến ngày "
        "{{ plan.period_end | ngay_ngan }}."
    )
    doc.paragraph("3. Địa điểm: {{ plan.venue }}")
    doc.heading("III. THÀNH PHẦN THAM DỰ")
    doc.paragraph("1. {{ plan.issuer_level }}: {{ plan.issuer_group }}.")
    doc.paragraph(
        "2. {{ plan.unit_level }}: {{ plan.steering_name }} ({{ plan.steering_count | hai_so }} "
        "người), {{ plan.officials_name }} ({{ plan.officials_count | hai_so }} người); hộ nghèo, "
        "hộ cận nghèo mỗi {{ plan.units_phrase }} được phân bổ như sau:"
    )
    doc.table(
        [
            ["TT", "Đơn vị", "Số lượng tham dự", "", "Ghi chú"],
            ["", "", "Hộ nghèo", "Hộ cận nghèo", ""],
        ],
        [
            ["{%tr for u in units %}", "", "", "", ""],
            [
                "{{ u.no }}",
                "{{ u.name }}",
                "{{ u.poor | so }}",
                "{{ u.near_poor | so }}",
                "{{ u.households | so }}",
            ],
            ["{%tr endfor %}", "", "", "", ""],
            [
                "Tổng cộng",
                "",
                "{{ totals.poor | so }}",
                "{{ totals.near_poor | so }}",
                "{{ totals.households | so }}",
            ],
        ],
        widths_mm=[12, 55, 30, 30, 30],
        merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 1, 4), (5, 0, 5, 1)],
        bold_rows=[3],
    )
    doc.heading("IV. KINH PHÍ THỰC HIỆN")
    doc.paragraph(
        runs=[
            ("Kinh phí thực hiện là ", PLAIN),
            ("{{ plan.budget | vnd }} ({{ plan.budget | bang_chu }})", B),
            (" được phân bổ kèm theo {{ plan.funding_source }}.", PLAIN),
        ]
    )
    doc.paragraph("(Có danh sách phân bổ kinh phí kèm theo)")
    doc.heading("V. TỔ CHỨC THỰC HIỆN")
    doc.control("{%p for item in organisation %}")
    doc.control("{%p if item.inline %}")
    doc.paragraph(
        runs=[("{{ item.no }}. {{ item.heading }}: ", B), ("{{ item.paragraphs[0] }}", PLAIN)]
    )
    doc.control("{%p else %}")
    doc.heading("{{ item.no }}. {{ item.heading }}")
    doc.control("{%p for text in item.paragraphs %}")
    doc.paragraph("{{ text }}")
    doc.control("{%p endfor %}")
    doc.control("{%p endif %}")
    doc.control("{%p endfor %}")
    doc.paragraph(
        "Trong quá trình thực hiện nếu có khó khăn, vướng mắc các đơn vị kịp thời phản ánh, báo cáo "
        "về {{ plan.issuer_short }} (qua {{ plan.contact_office }}, SĐT: {{ plan.phone }}) để được "
        "hướng dẫn thực hiện./."
    )
    _footer(doc)
    return doc


def annex_template() -> Decree30Document:
    doc = Decree30Document()
    doc.centered("DANH SÁCH", bold=True)
    doc.control("{%p for line in doc.title %}")
    doc.centered("{{ line }}", bold=True)
    doc.control("{%p endfor %}")
    doc.centered(
        "(Kèm theo Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của {{ plan.issuer_name }})",
        italic=True,
        space_after=6,
    )
    doc.table(
        [["STT", "Đơn vị", "Số tiền", "Ghi chú"]],
        [
            ["{%tr for f in funding %}", "", "", ""],
            ["{{ f.no }}", "{{ f.name }}", "{{ f.amount | vnd }}", "{{ f.note }}"],
            ["{%tr endfor %}", "", "", ""],
            ["Tổng cộng", "", "{{ total | vnd }}", ""],
        ],
        widths_mm=[15, 70, 40, 40],
        merges=[(4, 0, 4, 1)],
        bold_rows=[3],
    )
    doc.control("{%p if doc.note %}")
    doc.paragraph(runs=[("* Phụ chú: {{ doc.note }}", B)])
    doc.control("{%p endif %}")
    return doc


def invitation_template() -> Decree30Document:
    doc = Decree30Document()
    _header(doc)
    _title(doc)
    doc.paragraph(
        "Thực hiện Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của {{ plan.issuer_name }} "
        "về {{ plan.summary_line | viet_thuong_dau }};"
    )
    doc.paragraph("{{ doc.issuer_name }} trân trọng kính mời:")
    doc.paragraph(
        "- {{ plan.steering_name }} {{ unit.kind }} ({{ plan.steering_count | hai_so }} người);"
    )
    doc.paragraph(
        "- {{ plan.officials_name | viet_hoa_dau }} ({{ plan.officials_count | hai_so }} người);"
    )
    doc.paragraph(
        "- {{ unit.poor | so }} hộ nghèo và {{ unit.near_poor | so }} hộ cận nghèo trên địa bàn "
        "{{ unit.text }} (tổng cộng {{ unit.households | so }} hộ);"
    )
    doc.paragraph("- Đại diện {{ plan.issuer_group }} của {{ plan.issuer_name }}.")
    doc.paragraph("Đến dự buổi {{ plan.dialogue_name }}.")
    meeting(doc)
    doc.paragraph(
        "Đề nghị các thành phần được mời đến dự đúng thời gian, địa điểm; hộ nghèo, hộ cận nghèo "
        "mang theo giấy mời này để làm thủ tục nhận hỗ trợ./."
    )
    _footer(doc)
    personal_letters(doc)
    return doc


def _opinion_table(doc: Decree30Document, rows: str, totals: str) -> None:
    doc.table(
        [["TT", "Nhóm chủ đề", "Số ý kiến", "Trả lời tại chỗ", "Chuyển cấp trên"]],
        [
            [f"{{%tr for o in {rows} %}}", "", "", "", ""],
            [
                "{{ o.topic }}",
                "{{ o.topic_text }}",
                "{{ o.raised | so }}",
                "{{ o.answered | so }}",
                "{{ o.passed_up | so }}",
            ],
            ["{%tr endfor %}", "", "", "", ""],
            [
                "Tổng cộng",
                "",
                f"{{{{ {totals}.raised | so }}}}",
                f"{{{{ {totals}.answered | so }}}}",
                f"{{{{ {totals}.passed_up | so }}}}",
            ],
        ],
        widths_mm=[12, 85, 22, 23, 23],
        merges=[(4, 0, 4, 1)],
        bold_rows=[3],
    )


def report_template() -> Decree30Document:
    doc = Decree30Document()
    _header(doc)
    _title(doc)
    doc.centered("Kính gửi: {{ addressee }}.")
    doc.paragraph(
        "Thực hiện Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của {{ plan.issuer_name }} "
        "về {{ plan.summary_line | viet_thuong_dau }}, {{ doc.issuer_name }} báo cáo kết quả tổ "
        "chức đối thoại như sau:"
    )
    doc.heading("I. KẾT QUẢ TỔ CHỨC ĐỐI THOẠI")
    doc.paragraph(
        "1. Thời gian, địa điểm: {% if schedule.time %}{{ schedule.time }}, {% endif %}"
        "{{ schedule.day | ngay }}, tại {{ schedule.venue }}."
    )
    doc.paragraph("2. Chủ trì: {{ schedule.chair_name }}, {{ schedule.chair_title }}.")
    doc.paragraph(
        "3. Thành phần tham dự: tổng số {{ result.attendees | so }} người, gồm {{ plan.steering_name }} "
        "{{ result.steering | hai_so }} người; {{ plan.officials_name }} {{ result.officials | hai_so }} "
        "người; {{ result.poor | so }}/{{ unit.poor | so }} hộ nghèo và {{ result.near_poor | so }}/"
        "{{ unit.near_poor | so }} hộ cận nghèo được mời; đại biểu {{ plan.issuer_group }} "
        "{{ result.issuer_delegates | hai_so }} người."
    )
    doc.paragraph("4. Chính sách đã thông tin, tuyên truyền: {{ result.policies }}")
    doc.paragraph(
        "5. Ý kiến của người dân: tổng số {{ result.raised | so }} ý kiến, trong đó "
        "{{ result.answered | so }} ý kiến được trả lời tại chỗ, {{ result.passed_up | so }} ý kiến "
        "chuyển cấp trên xem xét, giải quyết; cụ thể theo nhóm chủ đề như sau:"
    )
    _opinion_table(doc, "result.opinions", "result")
    doc.heading("II. ĐỀ XUẤT, KIẾN NGHỊ")
    doc.paragraph("{% if result.proposals %}{{ result.proposals }}{% else %}Không có.{% endif %}")
    doc.heading("III. KINH PHÍ")
    doc.paragraph(
        "Kinh phí được phân bổ {{ result.allocated | vnd }}; đã chi {{ result.spent | vnd }} "
        "({{ result.spent | bang_chu }}); còn lại {{ result.remaining | vnd }}."
    )
    doc.paragraph(
        "Trên đây là báo cáo kết quả tổ chức {{ plan.dialogue_name }} của {{ doc.issuer_name }}./."
    )
    _footer(doc)
    return doc


def summary_template() -> Decree30Document:
    doc = Decree30Document()
    _header(doc)
    _title(doc)
    doc.centered("Kính gửi: {{ addressee }}.")
    doc.paragraph(
        "Thực hiện Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của {{ plan.issuer_name }} "
        "về {{ plan.summary_line | viet_thuong_dau }}, {{ reporter }} báo cáo kết quả như sau:"
    )
    doc.heading("I. KẾT QUẢ CHUNG")
    doc.paragraph(
        "Từ ngày {{ plan.period_start | ngay_ngan }} đến ngày {{ plan.period_end | ngay_ngan }}, "
        "{{ unit_count }} {{ plan.units_phrase }} đã tổ chức đối thoại với tổng số "
        "{{ totals.attendees | so }} người tham dự, trong đó {{ totals.poor | so }}/"
        "{{ invited.poor | so }} hộ nghèo và {{ totals.near_poor | so }}/{{ invited.near_poor | so }} "
        "hộ cận nghèo được mời; kết quả từng đơn vị như sau:"
    )
    doc.table(
        [
            [
                "TT",
                "Đơn vị",
                "Hộ nghèo",
                "Hộ cận nghèo",
                "Người dự",
                "Ý kiến",
                "Trả lời",
                "Chuyển",
                "Đã chi (đồng)",
            ]
        ],
        [
            ["{%tr for r in rows %}", "", "", "", "", "", "", "", ""],
            [
                "{{ r.no }}",
                "{{ r.name }}",
                "{{ r.poor | so }}",
                "{{ r.near_poor | so }}",
                "{{ r.attendees | so }}",
                "{{ r.raised | so }}",
                "{{ r.answered | so }}",
                "{{ r.passed_up | so }}",
                "{{ r.spent | so }}",
            ],
            ["{%tr endfor %}", "", "", "", "", "", "", "", ""],
            [
                "Tổng cộng",
                "",
                "{{ totals.poor | so }}",
                "{{ totals.near_poor | so }}",
                "{{ totals.attendees | so }}",
                "{{ totals.raised | so }}",
                "{{ totals.answered | so }}",
                "{{ totals.passed_up | so }}",
                "{{ totals.spent | so }}",
            ],
        ],
        widths_mm=[9, 33, 17, 17, 17, 15, 17, 17, 23],
        merges=[(4, 0, 4, 1)],
        bold_rows=[3],
        size=11,
    )
    doc.heading("II. Ý KIẾN THEO NHÓM CHỦ ĐỀ")
    _opinion_table(doc, "topics", "totals")
    doc.heading("III. KINH PHÍ")
    doc.paragraph(
        "Tổng kinh phí được phân bổ {{ plan.budget | vnd }} ({{ plan.budget | bang_chu }}); đã chi "
        "{{ totals.spent | vnd }} ({{ totals.spent | bang_chu }}); còn lại {{ remaining | vnd }}."
    )
    doc.heading("IV. ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ")
    doc.control("{%p for r in proposals %}")
    doc.paragraph("- {{ r.name }}: {{ r.proposals }}")
    doc.control("{%p endfor %}")
    doc.control("{%p if not proposals %}")
    doc.paragraph("Không có.")
    doc.control("{%p endif %}")
    doc.paragraph(
        "Trên đây là báo cáo kết quả tổ chức {{ plan.dialogue_name }} của {{ reporter }}./."
    )
    _footer(doc)
    return doc


TEMPLATES = {
    "ke-hoach.docx": plan_template,
    "phu-luc-phan-bo-kinh-phi.docx": annex_template,
    "giay-moi.docx": invitation_template,
    "danh-sach-tham-du.docx": roster_list_template,
    "bao-cao-ket-qua.docx": report_template,
    "bao-cao-tong-hop.docx": summary_template,
}


def main(argv: list[str]) -> int:
    force = "--force" in argv
    args = [a for a in argv[1:] if a != "--force"]
    folder = Path(args[0]) if args else Path("templates/docx")
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        path = folder / name
        if path.exists() and not force:
            print(f"giữ nguyên {path} (đã có; dùng --force để tạo lại)")
            continue
        fresh = path.with_name(f".{name}.new")
        build().save(fresh)
        fresh.write_bytes(prune_styles(fresh.read_bytes()))  # python-docx's 790 KB of styles
        if path.exists() and _entries(path) == _entries(fresh):
            # Only the zip's timestamps differ: keep the file, and with it its hash in audit logs.
            fresh.unlink()
            print(f"giữ nguyên {path} (nội dung không đổi)")
            continue
        fresh.replace(path)
        print(path)
    return 0


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
