"""The numbers and words of Decree 30/2020/NĐ-CP that documents are built and checked against.

One source for both sides: ``vanban.decree30.layout`` writes documents with these measurements and the
checker (``vanban.decree30.checker`` and its ``checks`` modules) demands them, so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

FONT_NAME: Final = "Times New Roman"
A4_MM: Final = (210.0, 297.0)
# Ranges allowed by annex I of the decree; MARGINS_MM are the values the builder writes.
MARGIN_RANGES_MM: Final[Mapping[str, tuple[float, float]]] = MappingProxyType(
    {"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0), "right": (15.0, 20.0)}
)
MARGINS_MM: Final[Mapping[str, float]] = MappingProxyType(
    {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
)
# A landscape page is bound on the same physical edge as a portrait one, so its binding margin
# (30-35 mm) moves to the top and the narrow one to the bottom: what Word does when a clerk turns
# the page.
LANDSCAPE_MARGINS_MM: Final[Mapping[str, float]] = MappingProxyType(
    {"top": 30.0, "bottom": 15.0, "left": 20.0, "right": 20.0}
)

# Point sizes the decree allows for each element (inclusive).
SIZE_RANGES: Final[Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        "governing": (12.0, 13.0),
        "issuer": (12.0, 13.0),
        "number_line": (13.0, 13.0),
        "quoc_hieu": (12.0, 13.0),
        "tieu_ngu": (13.0, 14.0),
        "place_date": (13.0, 14.0),
        "title": (13.0, 14.0),
        "summary": (13.0, 14.0),
        "body": (13.0, 14.0),
        "recipients_heading": (12.0, 12.0),
        "recipients": (11.0, 11.0),
        "signature": (13.0, 14.0),
        "page_number": (13.0, 14.0),
    }
)
# The size the builder picks inside each range ("table" is the body tables' text, which the decree
# leaves open: 13 pt keeps a wide table on the page).
SIZES: Final[Mapping[str, float]] = MappingProxyType(
    {
        "governing": 13.0,
        "issuer": 13.0,
        "number_line": 13.0,
        "quoc_hieu": 13.0,
        "tieu_ngu": 14.0,
        "place_date": 14.0,
        "title": 14.0,
        "summary": 14.0,
        "body": 14.0,
        "recipients_heading": 12.0,
        "recipients": 11.0,
        "signature": 14.0,
        "page_number": 14.0,
        "table": 13.0,
    }
)
BODY_INDENT_CM_RANGE: Final = (1.0, 1.27)
BODY_INDENT_CM: Final = 1.27
BODY_SPACE_MIN_PT: Final = 6.0
LINE_SPACING_RANGE: Final = (1.0, 1.5)
BODY_LINE_SPACING: Final = 1.15
# Short rules under the issuing body and under the summary: the decree wants 1/3 to 1/2 of the
# text line above; the builder cannot measure text that is still a Jinja tag, so it sizes them
# from the column / text width, which for real names lands inside that band.
ISSUER_LINE_RATIO: Final = 1 / 3
TITLE_LINE_RATIO: Final = 1 / 3
HEADER_SPLIT: Final = 0.38
FOOTER_SPLIT: Final = 0.45
SIGNATURE_SPACE_LINES: Final = 4

QUOC_HIEU: Final = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU: Final = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEADING: Final = "Nơi nhận:"
# Abbreviation in the number symbol -> the type name printed as the title (decree 30, annex III).
TYPE_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "NQ": "NGHỊ QUYẾT",
        "QĐ": "QUYẾT ĐỊNH",
        "CT": "CHỈ THỊ",
        "QC": "QUY CHẾ",
        "QyĐ": "QUY ĐỊNH",
        "TC": "THÔNG CÁO",
        "TB": "THÔNG BÁO",
        "HD": "HƯỚNG DẪN",
        "CTr": "CHƯƠNG TRÌNH",
        "KH": "KẾ HOẠCH",
        "PA": "PHƯƠNG ÁN",
        "ĐA": "ĐỀ ÁN",
        "DA": "DỰ ÁN",
        "BC": "BÁO CÁO",
        "BB": "BIÊN BẢN",
        "TTr": "TỜ TRÌNH",
        "HĐ": "HỢP ĐỒNG",
        "CĐ": "CÔNG ĐIỆN",
        "GN": "BẢN GHI NHỚ",
        "TTh": "BẢN THỎA THUẬN",
        "GUQ": "GIẤY ỦY QUYỀN",
        "GM": "GIẤY MỜI",
        "GGT": "GIẤY GIỚI THIỆU",
        "GNP": "GIẤY NGHỈ PHÉP",
        "PG": "PHIẾU GỬI",
        "PC": "PHIẾU CHUYỂN",
        "PB": "PHIẾU BÁO",
    }
)
