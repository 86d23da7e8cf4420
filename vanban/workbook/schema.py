"""The plan workbook's schema: its sheets, their Vietnamese headers, types, help and examples.

One definition serves the reader (columns are found by header, not position), the blank
workbook of ``vanban new-workbook`` (headers, dropdowns, formats, the "Hướng dẫn" sheet) and the
README's description of the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vanban.metadata import CODE_EXAMPLE, CODE_LENGTH, PRIORITIES
from vanban.metadata import FIELD as METADATA_FIELD
from vanban.model import INVITEE_CATEGORIES

FieldType = Literal[
    "text", "long", "int", "money", "date", "time", "choice", "phone", "lines", "code"
]

AUTHORITIES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
# "Đơn vị: văn bản do ai ban hành", and what each value means in the model.
UNIT_ISSUERS = ("đơn vị", "cơ quan ban hành kế hoạch")
UNIT_ISSUER_OF = {"đơn vị": "unit", "cơ quan ban hành kế hoạch": "issuer"}
# "Số người: cách viết": words, not "03"/"3", which a spreadsheet would read as one number.
PEOPLE_DIGITS = ("hai chữ số", "như số hộ")
# A unit since 1 July 2025: a commune, ward or special zone of a province, or a hamlet or
# residential group of a commune; "thị trấn" (a town of a former district) stays, last.
UNIT_KINDS = (
    "xã", "phường", "đặc khu", "ấp", "khóm", "khu phố", "tổ dân phố", "thôn", "bản", "thị trấn"
)
# Since 1 July 2025 a plan comes from a province (tỉnh, thành phố) or a commune (xã, phường, đặc
# khu); the district levels stay readable for the plans written before, listed last.
PLACE_KINDS = ("tỉnh", "thành phố", *UNIT_KINDS, "huyện", "quận", "thị xã")
TOTAL_LABEL = "Tổng cộng"


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the header (table sheets) or the "Mục" text (the plan sheet)
    type: FieldType
    required: bool
    help: str
    example: object = None
    choices: tuple[str, ...] = ()
    # The annex VI metadata field (``vanban.metadata``) the value lands in, whose length bounds
    # it: a longer value is bad input at its cell. For a field of lines, each line.
    metadata: str | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    fields: tuple[Field, ...]
    required: bool = True
    key_value: bool = False  # "Kế hoạch" lists one field per row: Mục | Giá trị | Hướng dẫn
    # Rows of a sheet with a context key reach every template that gets the generic context as
    # ``tables.<key>``: one mapping of field key -> typed value per row, in the sheet's order.
    # Such a sheet needs no code beyond its declaration here.
    context_key: str | None = None

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


def _f(
    key: str,
    label: str,
    type_: FieldType,
    required: bool,
    help_: str,
    example: object = None,
    choices: tuple[str, ...] = (),
    *,
    metadata: str | None = None,
    max_length: int | None = None,
) -> Field:
    """A field; ``metadata`` names the annex VI field whose length bounds it, ``max_length`` a
    tighter bound for a value that is one part of such a field (a unit's name in a summary)."""
    bound = max_length or (METADATA_FIELD[metadata].max_length if metadata else None)
    if bound is not None and type_ not in ("int", "money", "code"):
        # The guide says each bound where the clerk reads the field's help.
        per = "mỗi dòng " if type_ == "lines" else ""
        help_ = f"{help_} Tối đa {bound} ký tự {per}(dữ liệu đặc tả văn bản)."
    return Field(key, label, type_, required, help_, example, choices, metadata, bound)


# The electronic identifier code of an agency (Decision 20/2020/QĐ-TTg), as the guide says it.
CODE_HELP = (
    f"Mã định danh điện tử của cơ quan (Quyết định 20/2020/QĐ-TTg), dạng {CODE_EXAMPLE}, tối đa "
    f"{CODE_LENGTH} ký tự; dùng trong dữ liệu đặc tả và gói tin edXML. Bỏ trống: trường mã để "
    "trống (có cảnh báo)."
)


KV_HEADERS = ("Mục", "Giá trị", "Hướng dẫn")

PLAN = Sheet(
    "Kế hoạch",
    "Thông tin chung của kế hoạch: mỗi dòng một mục, ghi giá trị vào cột \"Giá trị\".",
    (
        _f("governing", "Cơ quan chủ quản", "text", False,
           "Dòng trên tên cơ quan ban hành (bỏ trống nếu không có).", ""),
        _f("issuer_kind", "Cơ quan ban hành", "text", True,
           "Loại cơ quan ban hành, viết thường như trong câu.", "Ủy ban nhân dân",
           metadata="OrganName", max_length=120),
        _f("issuer_abbr", "Viết tắt cơ quan ban hành", "text", True,
           "Dùng trong ký hiệu văn bản: 15/KH-UBND.", "UBND", metadata="CodeNotation",
           max_length=20),
        _f("place_kind", "Cấp địa bàn", "choice", True,
           "Cấp hành chính của địa bàn cơ quan ban hành: từ 01/7/2025 là tỉnh, thành phố, xã, "
           "phường hoặc đặc khu (huyện, quận, thị xã, thị trấn chỉ cho kế hoạch trước đó).", "xã",
           PLACE_KINDS),
        _f("place_name", "Tên địa bàn", "text", True, "Tên riêng của địa bàn.", "Tháp Mười",
           metadata="OrganName", max_length=60),
        _f("date_place", "Địa danh ghi ngày tháng", "text", True,
           "Địa danh đứng trước \"ngày … tháng … năm …\".", "Tháp Mười"),
        _f("number", "Số kế hoạch", "int", False,
           "Số do văn thư cấp; bỏ trống để in bản dự thảo.", 15),
        _f("date", "Ngày ban hành", "date", True, "Ngày ký kế hoạch.", "05/03/2026"),
        _f("summary_line", "Trích yếu", "long", True,
           "Dòng trích yếu dưới chữ KẾ HOẠCH.",
           "Tổ chức đối thoại chính sách giảm nghèo … năm 2026", metadata="Subject"),
        _f("legal_basis", "Căn cứ", "long", True, "Đoạn căn cứ mở đầu kế hoạch.",
           "Thực hiện Kế hoạch số …/KH-UBND ngày … của Ủy ban nhân dân tỉnh Đồng Tháp …"),
        _f("intro", "Lời dẫn", "long", True, "Câu dẫn trước phần I.",
           "Ủy ban nhân dân xã xây dựng Kế hoạch … cụ thể như sau:"),
        _f("dialogue_name", "Tên cuộc đối thoại", "long", True,
           "Dùng trong giấy mời và báo cáo: \"… dự buổi <tên cuộc đối thoại>\"; là một phần "
           "trích yếu của chúng.",
           "đối thoại chính sách giảm nghèo năm 2026", metadata="Subject", max_length=400),
        _f("content_intro", "Nội dung đối thoại", "long", True,
           "Đoạn mở đầu mục II.1; các chủ đề ghi ở sheet \"Nội dung\".",
           "Đối thoại chính sách giảm nghèo, nhằm … cần tập trung:"),
        _f("period_start", "Thời gian từ ngày", "date", True, "Ngày đầu đợt đối thoại.",
           "16/03/2026"),
        _f("period_end", "Thời gian đến ngày", "date", True, "Ngày cuối đợt đối thoại.",
           "27/03/2026"),
        _f("venue", "Địa điểm", "long", True, "Mục II.3.",
           "Tổ chức đối thoại tại nhà văn hóa các ấp."),
        _f("issuer_level", "Tên cấp ban hành", "text", True,
           "Mục III.1: \"Cấp xã\" (xã ban hành cho các ấp), \"Cấp tỉnh\" (tỉnh cho các xã).",
           "Cấp xã"),
        _f("issuer_group", "Thành phần cấp ban hành", "text", True, "Mục III.1.",
           "Tổ công tác đối thoại chính sách giảm nghèo"),
        _f("unit_level", "Tên cấp đơn vị", "text", True,
           "Mục III.2: \"Cấp ấp\" (các ấp của xã), \"Cấp xã\" (các xã của tỉnh).", "Cấp ấp"),
        _f("steering_name", "Tên Ban Chỉ đạo", "text", True, "Mục III.2.",
           "Ban Chỉ đạo các chương trình mục tiêu quốc gia xã"),
        _f("steering_count", "Số người Ban Chỉ đạo mỗi đơn vị", "int", True, "Mục III.2.", 3),
        _f("officials_name", "Tên nhóm cán bộ ấp, khóm", "text", True,
           "Mục III.2; in như đã ghi trong giấy mời và danh sách (cán bộ ấp, cán bộ khu phố…).",
           "cán bộ ấp"),
        _f("officials_count", "Số cán bộ ấp, khóm mỗi đơn vị", "int", True, "Mục III.2.", 5),
        _f("budget", "Tổng kinh phí (đồng)", "money", True,
           "Phải bằng tổng sheet \"Kinh phí\".", 7200000),
        _f("funding_source", "Nguồn kinh phí", "long", True,
           "Viết tiếp sau \"được phân bổ kèm theo\".",
           "Quyết định số …/QĐ-UBND ngày … của Ủy ban nhân dân tỉnh Đồng Tháp …"),
        _f("contact_office", "Đầu mối liên hệ", "text", True, "Đơn vị nhận phản ánh, vướng mắc.",
           "Phòng Văn hóa - Xã hội xã"),
        _f("phone", "Số điện thoại liên hệ", "phone", True, "Ghi dạng chữ để giữ số 0 đầu.",
           "02773826212"),
        _f("archive", "Lưu", "text", True, "Dòng \"- Lưu: …\" cuối nơi nhận.", "VT, VHXH"),
        _f("signer_collective", "Người ký: thay mặt (TM.)", "text", False,
           "Tập thể mà người ký thay mặt; bỏ trống nếu không ký TM.", "Ủy ban nhân dân"),
        _f("signer_authority", "Người ký: thẩm quyền", "choice", False,
           "KT. (ký thay), Q. (quyền), TL. (thừa lệnh), TUQ. (thừa ủy quyền).", "KT.",
           ("KT.", "Q.", "TL.", "TUQ.")),
        _f("signer_head", "Người ký: chức danh thủ trưởng", "text", False,
           "Người mà người ký ký thay: \"KT. CHỦ TỊCH\".", "Chủ tịch",
           metadata="Position"),
        _f("signer_title", "Người ký: chức vụ", "text", False, "Chức vụ người ký.", "Phó Chủ tịch",
           metadata="Position"),
        _f("signer_name", "Người ký: họ tên", "text", True, "Họ tên người ký.", "Nguyễn Văn Hiệp",
           metadata="FullName"),
        _f("annex_title", "Phụ lục: tiêu đề", "lines", True,
           "Tiêu đề danh sách phân bổ kinh phí; xuống dòng bằng Alt+Enter.",
           "Phân bổ kinh phí đối thoại chính sách giảm nghèo\ncác ấp năm 2026"),
        _f("annex_note", "Phụ lục: phụ chú", "long", False, "Dòng \"* Phụ chú: …\".",
           "Hỗ trợ Nước uống + Bánh ngọt."),
        _f("thousand", "Đọc số: nghìn hay ngàn", "choice", False,
           "Cách đọc số tiền bằng chữ.", "ngàn", ("ngàn", "nghìn")),
        _f("zero_tens", "Đọc số: lẻ hay linh", "choice", False, "105: một trăm lẻ năm.", "lẻ",
           ("lẻ", "linh")),
        _f("four", "Đọc số: tư hay bốn", "choice", False, "24: hai mươi tư.", "tư", ("tư", "bốn")),
        _f("unit_issuer", "Đơn vị: văn bản do ai ban hành", "choice", False,
           '"đơn vị": mỗi đơn vị ký giấy mời, danh sách, báo cáo của mình (tỉnh cho các xã); '
           '"cơ quan ban hành kế hoạch": cơ quan ban hành kế hoạch lập cho từng đơn vị (xã cho '
           'các ấp). Bỏ trống là "đơn vị".', "đơn vị", UNIT_ISSUERS),
        _f("unit_body_kind", "Đơn vị: cơ quan ban hành", "text", False,
           'Cơ quan của mỗi đơn vị ký giấy mời và báo cáo; bắt buộc khi văn bản do đơn vị ban '
           "hành.", "Ủy ban nhân dân", metadata="OrganName", max_length=120),
        _f("unit_body_abbr", "Đơn vị: viết tắt", "text", False,
           "Ký hiệu: …/GM-UBND; bắt buộc khi văn bản do đơn vị ban hành.", "UBND",
           metadata="CodeNotation", max_length=20),
        _f("unit_governing", "Đơn vị: cơ quan chủ quản", "text", False,
           "Dòng trên tên cơ quan của đơn vị (thường bỏ trống).", ""),
        _f("unit_head", "Đơn vị: chức danh thủ trưởng", "text", False,
           "Dùng khi người ký giấy mời, báo cáo ký thay (KT.); bắt buộc khi văn bản do đơn vị "
           "ban hành; khi do cơ quan ban hành kế hoạch, bỏ trống thì lấy chức danh thủ trưởng "
           "của người ký kế hoạch.", "Chủ tịch", metadata="Position"),
        _f("unit_date_place", "Đơn vị: địa danh ghi ngày tháng", "text", False,
           "Bỏ trống: tên đơn vị khi đơn vị là xã, phường, thị trấn, đặc khu tự ban hành; nếu "
           'không, "Địa danh ghi ngày tháng" của kế hoạch (một ấp không phải địa danh hành chính).',
           ""),
        _f("unit_archive", "Đơn vị: lưu", "text", False,
           'Dòng "- Lưu: …" cuối nơi nhận của giấy mời và báo cáo đơn vị; bỏ trống là VT.',
           "VT, VHXH"),
        _f("steering_unit_kind", "Ban Chỉ đạo: ghi kèm loại đơn vị", "choice", False,
           '"có": giấy mời, danh sách in "Ban Chỉ đạo Giảm nghèo xã" (mỗi xã có Ban Chỉ đạo); '
           '"không": in đúng tên đã ghi (Ban Chỉ đạo của xã dự đối thoại ở các ấp). Bỏ trống: '
           '"có" khi văn bản do đơn vị ban hành, "không" khi do cơ quan ban hành kế hoạch.',
           "không", ("có", "không")),
        _f("roster_place_header", "Danh sách: tên cột nơi ở", "text", False,
           'Tiêu đề cột nơi ở của người được mời trong danh sách ký nhận; bỏ trống là "Nơi ở".',
           "Ấp, khu phố"),
        _f("people_digits", "Số người: cách viết", "choice", False,
           '"hai chữ số": số người dưới 10 viết "(03 người)"; "như số hộ": "(3 người)", như "6 '
           'hộ nghèo". Bỏ trống là "hai chữ số".', "hai chữ số", PEOPLE_DIGITS),
        _f("unit_report_addressee", "Báo cáo đơn vị: kính gửi", "text", True,
           "Nơi nhận báo cáo kết quả của từng đơn vị (tỉnh: Sở Nông nghiệp và Môi trường).",
           "Phòng Văn hóa - Xã hội xã Tháp Mười", metadata="ToOrganName"),
        _f("summary_governing", "Báo cáo tổng hợp: cơ quan chủ quản", "text", False,
           "Dòng trên tên cơ quan báo cáo tổng hợp (bỏ trống khi Ủy ban nhân dân báo cáo).", ""),
        _f("summary_body", "Báo cáo tổng hợp: cơ quan ban hành", "text", True,
           "Cơ quan lập báo cáo tổng hợp.", "Ủy ban nhân dân", metadata="OrganName",
           max_length=120),
        _f("summary_abbr", "Báo cáo tổng hợp: viết tắt", "text", True, "Ký hiệu: …/BC-UBND.",
           "UBND", metadata="CodeNotation", max_length=20),
        _f("summary_number", "Báo cáo tổng hợp: số", "int", False, "Bỏ trống để in dự thảo.", None),
        _f("summary_date", "Báo cáo tổng hợp: ngày", "date", False,
           "Bỏ trống thì báo cáo tổng hợp chờ.", "31/03/2026"),
        _f("summary_addressee", "Báo cáo tổng hợp: kính gửi", "text", True,
           "Cơ quan cấp trên nhận báo cáo tổng hợp (tỉnh: Bộ Nông nghiệp và Môi trường).",
           "Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp", metadata="ToOrganName"),
        _f("summary_archive", "Báo cáo tổng hợp: lưu", "text", False,
           'Dòng "- Lưu: …" cuối nơi nhận; bỏ trống là VT.', "VT, VHXH"),
        _f("summary_signer_collective", "Báo cáo tổng hợp: thay mặt (TM.)", "text", False,
           "Tập thể mà người ký thay mặt; bỏ trống nếu không ký TM.", "Ủy ban nhân dân"),
        _f("summary_signer_authority", "Báo cáo tổng hợp: thẩm quyền ký", "choice", False,
           "KT., Q., TL., TUQ. hoặc bỏ trống.", "KT.", ("KT.", "Q.", "TL.", "TUQ.")),
        _f("summary_signer_head", "Báo cáo tổng hợp: chức danh thủ trưởng", "text", False,
           "Dùng khi ký thay.", "Chủ tịch", metadata="Position"),
        _f("summary_signer_title", "Báo cáo tổng hợp: chức vụ người ký", "text", False,
           "Chức vụ in dưới thẩm quyền ký.",
           "Phó Chủ tịch", metadata="Position"),
        _f("summary_signer_name", "Báo cáo tổng hợp: người ký", "text", False,
           "Họ tên người ký báo cáo tổng hợp.", "Lê Văn A", metadata="FullName"),
        # Last, so that a workbook made before they existed keeps every other item's row.
        _f("issuer_code", "Mã định danh cơ quan ban hành", "code", False, CODE_HELP,
           "000.00.00.H00"),
        _f("summary_code", "Báo cáo tổng hợp: mã định danh", "code", False,
           "Mã định danh của cơ quan lập báo cáo tổng hợp; bỏ trống khi đó là cơ quan ban hành "
           "kế hoạch (dùng mã của cơ quan ban hành).", "000.00.00.H00"),
    ),
    key_value=True,
)

UNITS = Sheet(
    "Đơn vị",
    "Mỗi đơn vị tham gia một dòng, theo thứ tự của bảng thành phần tham dự. Dòng \"Tổng cộng\" "
    "(nếu có) được đối chiếu với tổng tính ra.",
    (
        _f("no", "STT", "int", False, "Số thứ tự.", 1),
        _f("kind", "Loại đơn vị", "choice", True, "xã, phường, thị trấn, đặc khu, ấp, khóm…", "xã",
           UNIT_KINDS),
        _f("name", "Tên đơn vị", "text", True, "Tên riêng, không kèm loại.", "Mỹ Quý",
           metadata="OrganName", max_length=60),
        _f("poor", "Số hộ nghèo", "int", True, "Số hộ nghèo được mời.", 41),
        _f("near_poor", "Số hộ cận nghèo", "int", True, "Số hộ cận nghèo được mời.", 46),
        _f("total", "Tổng số hộ", "int", False, "Nếu ghi, phải bằng hộ nghèo + cận nghèo.", 87),
        _f("code", "Mã định danh", "code", False,
           "Mã định danh của cơ quan đơn vị (Ủy ban nhân dân xã…), khi đơn vị tự ban hành giấy "
           f"mời, báo cáo; dạng {CODE_EXAMPLE}.", "000.00.00.H00"),
    ),
)

FUNDING = Sheet(
    "Kinh phí",
    "Phân bổ kinh phí theo thứ tự in trong phụ lục; tên đơn vị như ở sheet \"Đơn vị\".",
    (
        _f("no", "STT", "int", False, "Số thứ tự.", 1),
        _f("unit", "Đơn vị", "text", True, "Loại và tên đơn vị.", "Xã Mỹ Quý"),
        _f("amount", "Số tiền (đồng)", "money", True, "Số tiền phân bổ.", 850000),
        _f("note", "Ghi chú", "text", False, "In ở cột \"Ghi chú\" của phụ lục.", ""),
    ),
)

TIERS = Sheet(
    "Định mức kinh phí",
    "Không bắt buộc. Mức kinh phí theo số hộ được mời: đơn vị có từ N hộ trở lên nhận mức của "
    "dòng có N lớn nhất không vượt quá số hộ.",
    (
        _f("min_households", "Số hộ tham dự từ", "int", True,
           "Số hộ nghèo và cận nghèo được mời tối thiểu của mức này; ghi 0 cho mức thấp nhất.",
           100),
        _f("amount", "Mức kinh phí (đồng)", "money", True,
           "Số tiền mỗi đơn vị của mức này được phân bổ.", 900000),
    ),
    required=False,
)

SCHEDULE = Sheet(
    "Lịch đối thoại",
    "Mỗi đơn vị một dòng: ngày, giờ, địa điểm đối thoại và giấy mời của đơn vị.",
    (
        _f("unit", "Đơn vị", "text", True, "Loại và tên đơn vị.", "Xã Mỹ Quý"),
        _f("day", "Ngày đối thoại", "date", True, "Trong thời gian của kế hoạch.", "11/11/2022"),
        _f("start", "Giờ bắt đầu", "time", False, "Ví dụ 07:30.", "07:30"),
        _f("venue", "Địa điểm", "text", True, "Nơi tổ chức, in trong giấy mời.",
           "Hội trường Ủy ban nhân dân xã Mỹ Quý"),
        _f("chair_name", "Người chủ trì", "text", True, "Họ tên người chủ trì buổi đối thoại.",
           "Trần Văn B"),
        _f("chair_title", "Chức vụ người chủ trì", "text", True,
           "Chức vụ đầy đủ, in trong báo cáo.", "Chủ tịch Ủy ban nhân dân xã"),
        _f("number", "Số giấy mời", "int", False, "Bỏ trống để in dự thảo.", None),
        _f("date", "Ngày giấy mời", "date", True, "Không sau ngày đối thoại.", "07/11/2022"),
        _f("authority", "Thẩm quyền ký", "choice", False, "TM., KT., Q., TL., TUQ.", "TM.",
           AUTHORITIES),
        _f("signer_title", "Chức vụ người ký", "text", False, "Chức vụ in dưới thẩm quyền ký.",
           "Chủ tịch", metadata="Position"),
        _f("signer_name", "Người ký", "text", True, "Họ tên người ký giấy mời.", "Trần Văn B",
           metadata="FullName"),
    ),
)

# The roster's "Thành phần" column: the groups a unit invites, as the plan's section III lists
# them, plus anyone else the unit invites by name. No choice may hold a comma (Excel's list
# separator in a dropdown).
ROSTER_CATEGORIES = tuple(INVITEE_CATEGORIES.values())

ROSTER = Sheet(
    "Danh sách mời",
    "Không bắt buộc. Mỗi hộ hoặc người được mời một dòng. Đơn vị có dòng ở đây được in thêm giấy "
    "mời riêng cho từng người (sau giấy mời chung) và danh sách ký nhận; đơn vị không có dòng nào "
    "chỉ có giấy mời chung, danh sách của đơn vị là \"không cần lập\" chứ không phải đang chờ; "
    "số dòng mỗi thành phần "
    "phải bằng số được mời (hộ nghèo, hộ cận nghèo ở sheet \"Đơn vị\"; Ban Chỉ đạo, cán bộ ấp, "
    "khóm ở sheet \"Kế hoạch\"). Họ tên được in chuẩn (viết hoa chữ đầu mỗi tiếng), bảng tính "
    "không bị sửa.",
    (
        _f("unit", "Đơn vị", "text", True, "Loại và tên đơn vị.", "Xã Mỹ Quý"),
        _f("hamlet", "Ấp, khóm", "text", False,
           "Nơi ở; chỉ ghi tên thì in \"ấp …\" (xã) hoặc \"khóm …\" (thị trấn, phường); ghi "
           "cả loại nếu khác (\"Thôn Đông\"). Bỏ trống thì không in.", "Quý Phước"),
        _f("name", "Họ và tên", "text", True,
           "Họ tên chủ hộ (hộ nghèo, hộ cận nghèo) hoặc người được mời.", "Nguyễn Văn Bình"),
        _f("category", "Thành phần", "choice", True, ", ".join(ROSTER_CATEGORIES), "hộ nghèo",
           ROSTER_CATEGORIES),
        _f("note", "Ghi chú", "text", False, "In ở cột \"Ghi chú\" của danh sách ký nhận.", ""),
    ),
    required=False,
)

RESULTS = Sheet(
    "Kết quả",
    "Kết quả sau đối thoại, mỗi đơn vị đã đối thoại một dòng. Đơn vị chưa có dòng ở đây thì "
    "báo cáo của đơn vị và báo cáo tổng hợp chờ.",
    (
        _f("unit", "Đơn vị", "text", True, "Loại và tên đơn vị.", "Xã Mỹ Quý"),
        _f("number", "Số báo cáo", "int", False, "Bỏ trống để in dự thảo.", None),
        _f("date", "Ngày báo cáo", "date", True, "Không trước ngày đối thoại.", "14/11/2022"),
        _f("steering", "Ban Chỉ đạo tham dự", "int", True, "Số người.", 3),
        _f("officials", "Cán bộ ấp, khóm tham dự", "int", True, "Số người.", 5),
        _f("poor", "Hộ nghèo tham dự", "int", True, "Không quá số được mời.", 40),
        _f("near_poor", "Hộ cận nghèo tham dự", "int", True, "Không quá số được mời.", 45),
        _f("issuer_delegates", "Đại biểu cấp ban hành tham dự", "int", False, "Số người.", 2),
        _f("policies", "Chính sách đã thông tin", "long", True,
           "Các chính sách đã giới thiệu tại buổi đối thoại.", "Chính sách hỗ trợ …"),
        _f("proposals", "Đề xuất, kiến nghị", "long", False,
           "Đề xuất, kiến nghị của đơn vị gửi cấp trên.", "Đề nghị …"),
        _f("spent", "Kinh phí đã chi (đồng)", "money", True, "Không quá số được phân bổ.", 850000),
        _f("authority", "Thẩm quyền ký", "choice", False, "TM., KT., Q., TL., TUQ.", "TM.",
           AUTHORITIES),
        _f("signer_title", "Chức vụ người ký", "text", False, "Chức vụ in dưới thẩm quyền ký.",
           "Chủ tịch", metadata="Position"),
        _f("signer_name", "Người ký", "text", True, "Họ tên người ký báo cáo.", "Trần Văn B",
           metadata="FullName"),
    ),
    required=False,
)

OPINIONS = Sheet(
    "Ý kiến",
    "Ý kiến tại mỗi buổi đối thoại theo nhóm chủ đề (số thứ tự chủ đề ở sheet \"Nội dung\").",
    (
        _f("unit", "Đơn vị", "text", True, "Loại và tên đơn vị.", "Xã Mỹ Quý"),
        _f("topic", "Nhóm chủ đề", "int", True, "Số thứ tự của chủ đề.", 1),
        _f("raised", "Số ý kiến", "int", True, "Số ý kiến người dân nêu về nhóm chủ đề này.", 4),
        _f("answered", "Trả lời tại chỗ", "int", True, "Số ý kiến được trả lời ngay tại buổi.", 3),
        _f("passed_up", "Chuyển cấp trên", "int", True, "Trả lời + chuyển = số ý kiến.", 1),
        _f("content", "Nội dung chính", "long", False,
           "Tóm tắt các ý kiến; in trong báo cáo của đơn vị, dưới nhóm chủ đề.",
           "Vay vốn chăn nuôi"),
    ),
    required=False,
)

SECTIONS = (
    "Mục đích",
    "Chủ đề",
    "Tổ chức thực hiện",
    "Nơi nhận kế hoạch",
    "Nơi nhận giấy mời",
    "Nơi nhận báo cáo đơn vị",
    "Nơi nhận báo cáo tổng hợp",
)

TEXTS = Sheet(
    "Nội dung",
    "Các đoạn văn của kế hoạch theo thứ tự. \"Tổ chức thực hiện\": dòng có \"Đề mục\" mở một mục "
    "mới, các dòng sau không có đề mục là đoạn tiếp theo của mục đó. Nơi nhận ghi không kèm "
    "\"- \" và \";\".",
    (
        _f("section", "Phần", "choice", True, ", ".join(SECTIONS), "Tổ chức thực hiện", SECTIONS),
        _f("heading", "Đề mục", "text", False,
           "Chỉ dùng ở phần \"Tổ chức thực hiện\": cơ quan được giao nhiệm vụ.",
           "Phòng Kinh tế xã"),
        _f("text", "Nội dung", "long", True,
           "Một đoạn văn, một chủ đề hoặc một nơi nhận mỗi dòng.",
           "Phối hợp với Phòng Văn hóa - Xã hội xã hướng dẫn …"),
    ),
)

DOCUMENTS = Sheet(
    "Văn bản",
    "Không bắt buộc. Số, ngày, căn cứ, nơi nhận và người ký riêng của một loại văn bản dùng dữ "
    "liệu chung (như quyết định thành lập Tổ công tác), mỗi loại một dòng. Ô bỏ trống thì lấy "
    "như nguồn của loại văn bản (thường là sheet \"Kế hoạch\"); riêng \"Số\" bỏ trống là bản "
    "dự thảo. Kế hoạch, giấy mời và các báo cáo vẫn ghi ở sheet \"Kế hoạch\", \"Lịch đối "
    "thoại\" và \"Kết quả\"; dòng của chúng ở đây chỉ ghi các cột đăng ký (độ khẩn, số bản, "
    "hạn trả lời, hồ sơ, ghi chú đặc tả).",
    (
        _f("kind", "Loại văn bản", "text", True,
           "Tên loại văn bản (như \"Quyết định thành lập Tổ công tác\") hoặc mã của nó trong "
           "kinds.toml.", "Quyết định thành lập Tổ công tác"),
        _f("number", "Số", "int", False,
           "Số do văn thư cấp; bỏ trống để in bản dự thảo. Văn bản theo đơn vị: bỏ trống.", None),
        _f("date", "Ngày", "date", False, "Ngày ký văn bản.", "04/11/2022"),
        _f("summary", "Trích yếu", "lines", False,
           "Dòng trích yếu dưới tên loại văn bản, nếu mẫu in trích yếu riêng; xuống dòng bằng "
           "Alt+Enter.", ""),
        _f("addressee", "Kính gửi", "text", False,
           "Nơi nhận chính; ở quyết định: những người chịu trách nhiệm thi hành (Điều 3).",
           "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã, Trưởng phòng …"),
        _f("bases", "Căn cứ", "lines", False,
           "Mỗi căn cứ một dòng (Alt+Enter), không ghi chữ \"Căn cứ\" đầu dòng và dấu \";\" cuối "
           "dòng; căn cứ là kế hoạch này thì mẫu tự ghi.",
           "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"),
        _f("proposer", "Theo đề nghị của", "text", False,
           "Người đề nghị ban hành (quyết định).",
           "Trưởng phòng Văn hóa - Xã hội xã"),
        _f("recipients", "Nơi nhận", "lines", False,
           "Mỗi nơi nhận một dòng (Alt+Enter), không kèm \"- \" và \";\"; dòng \"Lưu\" ghi ở "
           "cột sau.", "Như Điều 3", metadata="ToOrganName"),
        _f("archive", "Lưu", "text", False, "Dòng \"- Lưu: …\" cuối nơi nhận; bỏ trống là VT.",
           "VT, NCVX"),
        _f("collective", "Thay mặt (TM.)", "text", False,
           "Tập thể mà người ký thay mặt; bỏ trống nếu không ký TM.", ""),
        _f("authority", "Thẩm quyền ký", "choice", False,
           "TM., KT., Q., TL., TUQ.; bỏ trống khi người đứng đầu ký.", "", AUTHORITIES),
        _f("head", "Chức danh thủ trưởng", "text", False,
           "Người mà người ký ký thay (\"KT. CHỦ TỊCH\"); bỏ trống khi người đứng đầu ký.", "",
           metadata="Position"),
        _f("signer_title", "Chức vụ người ký", "text", False, "Chức vụ in dưới thẩm quyền ký.",
           "Chủ tịch", metadata="Position"),
        _f("signer_name", "Người ký", "text", False, "Họ tên người ký.", "Lê Văn K",
           metadata="FullName"),
        # Registration (annex VI): any kind's row may give these, the built-in kinds' too.
        _f("priority", "Độ khẩn", "choice", False,
           f"Độ khẩn ghi trong dữ liệu đặc tả và gói tin: {', '.join(PRIORITIES)}; bỏ trống là "
           "thường.", "thường", tuple(PRIORITIES)),
        _f("copies", "Số bản", "int", False,
           "Số lượng bản phát hành (sổ đăng ký văn bản đi, dữ liệu đặc tả); bỏ trống thì để "
           "trống.", 10, metadata="IssuedAmount"),
        _f("due_date", "Hạn trả lời", "date", False,
           "Hạn trả lời văn bản, nếu có (dữ liệu đặc tả DueDate).", None),
        _f("file_notation", "Hồ sơ", "text", False,
           "Số và ký hiệu hồ sơ lưu văn bản (dữ liệu đặc tả FileNotation).",
           "", metadata="FileNotation"),
        _f("description", "Ghi chú đặc tả", "long", False,
           "Ghi chú trong dữ liệu đặc tả (Description).", "",
           metadata="Description"),
    ),
    required=False,
)

CODES = Sheet(
    "Mã định danh",
    "Không bắt buộc. Mã định danh điện tử (Quyết định 20/2020/QĐ-TTg) của các nơi nhận văn "
    "bản, mỗi cơ quan một dòng, tên ghi như ở nơi nhận (\"Nơi nhận …\" ở sheet \"Nội dung\", "
    "\"Kính gửi\"). Dùng cho trường \"To\" của dữ liệu đặc tả và gói tin edXML; nơi nhận "
    "không có mã thì mã để trống (có cảnh báo).",
    (
        _f("name", "Cơ quan, tổ chức", "text", True, "Tên nơi nhận, như ghi ở nơi nhận.",
           "Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp", metadata="ToOrganName"),
        _f("code", "Mã định danh", "code", True, CODE_HELP, "000.00.00.H00"),
    ),
    required=False,
)

MEMBER_ROLES = ("Tổ trưởng", "Tổ phó", "thành viên")

MEMBERS = Sheet(
    "Tổ công tác",
    "Không bắt buộc. Thành viên Tổ công tác của cấp ban hành, in ở Điều 1 của quyết định thành "
    "lập theo thứ tự các dòng. Chưa có dòng nào thì quyết định chờ.",
    (
        _f("name", "Họ và tên", "text", True, "Họ tên thành viên.", "Nguyễn Văn A"),
        _f("title", "Chức vụ", "text", True, "Chức vụ và cơ quan của thành viên.",
           "Phó Chủ tịch Ủy ban nhân dân xã"),
        _f("role", "Vai trò", "choice", True, ", ".join(MEMBER_ROLES), "Tổ trưởng",
           MEMBER_ROLES),
    ),
    required=False,
    context_key="to_cong_tac",
)

SHEETS: tuple[Sheet, ...] = (
    PLAN, DOCUMENTS, UNITS, FUNDING, TIERS, SCHEDULE, ROSTER, RESULTS, OPINIONS, TEXTS, MEMBERS,
    CODES,
)
# The sheets whose rows templates print as ``tables.<context key>``.
TABLE_SHEETS: tuple[Sheet, ...] = tuple(s for s in SHEETS if s.context_key)
GUIDE_SHEET = "Hướng dẫn"
