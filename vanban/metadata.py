"""The metadata of an outgoing document (Decree 30, annex VI, part II §I): its fields, their
types and lengths, and the record vanban writes of each issued document.

One definition serves the workbook (a cell whose value would overflow its field is bad input at
that cell), the documents (each document's record is built and checked here) and whatever
describes, registers or packs a document (JSON and XML beside each signing PDF, the outgoing
register, the edXML package). Nothing here reads a file or knows a plan.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

FieldType = Literal["string", "number", "date"]


@dataclass(frozen=True)
class MetaField:
    name: str  # as annex VI names it: "Subject"
    label: str  # what the clerk reads: "trích yếu"
    type: FieldType
    max_length: int


# Annex VI, part II §I, in its order. SignerInfo and To are groups; their parts follow.
FIELDS: tuple[MetaField, ...] = (
    MetaField("OrganId", "mã định danh cơ quan lưu trữ hồ sơ", "string", 13),
    MetaField("FileCatalog", "năm hình thành hồ sơ", "number", 4),
    MetaField("FileNotation", "số và ký hiệu hồ sơ", "string", 20),
    MetaField("DocOrdinal", "số thứ tự văn bản trong hồ sơ", "number", 3),
    MetaField("TypeName", "tên loại văn bản", "string", 100),
    MetaField("CodeNumber", "số văn bản", "string", 11),
    MetaField("CodeNotation", "ký hiệu văn bản", "string", 30),
    MetaField("IssuedDate", "ngày ban hành", "date", 10),
    MetaField("OrganName", "tên cơ quan ban hành", "string", 200),
    MetaField("Subject", "trích yếu", "string", 500),
    MetaField("Language", "ngôn ngữ", "string", 30),
    MetaField("PageAmount", "số trang", "number", 3),
    MetaField("Description", "ghi chú", "string", 500),
    MetaField("Position", "chức vụ người ký", "string", 100),
    MetaField("FullName", "họ tên người ký", "string", 50),
    MetaField("ToOrganId", "mã định danh nơi nhận", "string", 13),
    MetaField("ToOrganName", "tên nơi nhận", "string", 200),
    MetaField("Priority", "độ khẩn", "number", 1),
    MetaField("IssuedAmount", "số lượng bản phát hành", "number", 3),
    MetaField("DueDate", "hạn trả lời", "date", 10),
)
FIELD: Mapping[str, MetaField] = {f.name: f for f in FIELDS}

LANGUAGE = "Tiếng Việt"
# Urgency as the workbook writes it, and its number in the metadata and an edXML package
# (0 for an ordinary document; the paper stamps HỎA TỐC, THƯỢNG KHẨN, KHẨN at box 10b).
PRIORITIES: Mapping[str, int] = {"thường": 0, "khẩn": 1, "thượng khẩn": 2, "hỏa tốc": 3}
# An electronic identifier code of an agency (Decision 20/2020/QĐ-TTg): four groups of 3, 2, 2
# and 3 characters, "000.00.00.G22", 13 characters in all.
CODE_LENGTH = FIELD["OrganId"].max_length
CODE_SHAPE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$")
CODE_EXAMPLE = "000.00.00.G22"


def code_problem(code: str) -> str | None:
    """Why ``code`` is no identifier code, or None when it is one."""
    if len(code) > CODE_LENGTH:
        return f"mã định danh dài {len(code)} ký tự, tối đa {CODE_LENGTH}"
    if not CODE_SHAPE.match(code):
        return f'mã định danh có dạng "{CODE_EXAMPLE}" (Quyết định 20/2020/QĐ-TTg)'
    return None


def refers_back(recipient: str) -> bool:
    """Whether a "Nơi nhận" line names no body of its own but points back ("Như trên", "Như Điều
    3", "Như thành phần mời"): it is no recipient of the metadata."""
    return recipient.strip().casefold().startswith("như ")


@dataclass(frozen=True)
class Recipient:
    organ_id: str  # "" when the workbook has no code for it
    organ_name: str


@dataclass(frozen=True)
class SignerInfo:
    position: str  # "Phó Chủ tịch"
    full_name: str
    competence: str = ""  # "KT. CHỦ TỊCH": not annex VI's, an edXML package's SignerInfo has it


@dataclass(frozen=True)
class OutgoingMetadata:
    """What annex VI records of one issued document, and what an edXML package needs besides.

    Text is "" and numbers and dates None where vanban has no source: the fields the workbook
    may leave blank (codes, copies, reply date, file, note) and the number of a draft.
    """

    organ_id: str
    type_name: str
    code_number: str  # "6662", "" while the document awaits its number
    code_notation: str  # "KH-UBND"
    issued_date: date | None
    organ_name: str
    subject: str
    signer: SignerInfo
    to: tuple[Recipient, ...] = ()
    priority: int = 0
    issued_amount: int | None = None
    due_date: date | None = None
    description: str = ""
    file_notation: str = ""
    file_catalog: int | None = None
    doc_ordinal: int | None = None
    page_amount: int | None = None
    language: str = LANGUAGE
    # Not annex VI's: where the document is dated from and the body above its issuer (an
    # edXML package's PromulgationInfo and OrganizationInCharge), its kind and its .docx.
    place: str = ""
    organ_in_charge: str = ""
    kind: str = ""
    document: str = ""
    archive: str = ""  # the "Lưu" line: who keeps the file copy (the outgoing register)
    annex_of: str = ""  # a separate annex: the document it belongs to, whose number it carries

    @property
    def number_and_notation(self) -> str:
        """ "6662/KH-UBND", or "/KH-UBND" while it awaits its number."""
        return f"{self.code_number}/{self.code_notation}"

    def values(self) -> dict[str, Any]:
        """Every annex VI field by name, recipients and signer parts listed one by one."""
        return {
            "OrganId": self.organ_id,
            "FileCatalog": self.file_catalog,
            "FileNotation": self.file_notation,
            "DocOrdinal": self.doc_ordinal,
            "TypeName": self.type_name,
            "CodeNumber": self.code_number,
            "CodeNotation": self.code_notation,
            "IssuedDate": self.issued_date,
            "OrganName": self.organ_name,
            "Subject": self.subject,
            "Language": self.language,
            "PageAmount": self.page_amount,
            "Description": self.description,
            "Position": self.signer.position,
            "FullName": self.signer.full_name,
            "Priority": self.priority,
            "IssuedAmount": self.issued_amount,
            "DueDate": self.due_date,
        }


PRIORITY_NAMES: Mapping[int, str] = {n: name for name, n in PRIORITIES.items()}


def shown_rows(meta: OutgoingMetadata) -> list[tuple[str, str]]:
    """The record as a person reads it, one (label, value) per line: the review page and the
    desk show these."""

    def coded(code: str, name: str) -> str:
        return f"{name} (mã {code})" if code else f"{name} (chưa có mã)"

    number = meta.number_and_notation if meta.code_number else f"chưa có số (…/{meta.code_notation})"
    signer = ", ".join(x for x in (meta.signer.competence, meta.signer.position) if x)
    rows = [
        ("Số, ký hiệu", number),
        ("Ngày ban hành", meta.issued_date.strftime("%d/%m/%Y") if meta.issued_date else ""),
        ("Tên loại", meta.type_name),
        ("Trích yếu", meta.subject),
        ("Cơ quan ban hành", coded(meta.organ_id, meta.organ_name)),
        ("Người ký", f"{meta.signer.full_name} ({signer})" if signer else meta.signer.full_name),
        ("Nơi nhận", "; ".join(coded(r.organ_id, r.organ_name) for r in meta.to) or "không có"),
        ("Độ khẩn", PRIORITY_NAMES.get(meta.priority, str(meta.priority))),
        ("Số bản", str(meta.issued_amount) if meta.issued_amount is not None else ""),
        ("Số trang", str(meta.page_amount) if meta.page_amount is not None else "chưa xuất PDF"),
    ]
    if meta.due_date:
        rows.append(("Hạn trả lời", meta.due_date.strftime("%d/%m/%Y")))
    if meta.file_notation:
        rows.append(("Hồ sơ", meta.file_notation))
    if meta.description:
        rows.append(("Ghi chú", meta.description))
    return rows


def problems_of(meta: OutgoingMetadata) -> list[str]:
    """Every field whose value overflows annex VI's type or length, in Vietnamese."""
    found = [
        problem
        for name, value in meta.values().items()
        if (problem := value_problem(name, value)) is not None
    ]
    for r in meta.to:
        for name, value in (("ToOrganId", r.organ_id), ("ToOrganName", r.organ_name)):
            if (problem := value_problem(name, value)) is not None:
                found.append(problem)
    return found


def value_problem(name: str, value: Any) -> str | None:
    """Why ``value`` does not fit field ``name``, or None when it fits (or is empty)."""
    f = FIELD[name]
    if value is None or value == "":
        return None
    if f.type == "number":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{f.label} ({f.name}) phải là số không âm, nhận được {value!r}"
        text = str(value)
    elif f.type == "date":
        if not isinstance(value, date):
            return f"{f.label} ({f.name}) phải là ngày"
        text = value.isoformat()
    else:
        text = str(value)
    if len(text) > f.max_length:
        return f"{f.label} ({f.name}) dài {len(text)} ký tự, tối đa {f.max_length}"
    return None


# The record's "Extra": what vanban keeps beside annex VI's fields, by its JSON name.
_EXTRA = {
    "Place": "place",
    "OrganInCharge": "organ_in_charge",
    "Archive": "archive",
    "Kind": "kind",
    "Document": "document",
    "AnnexOf": "annex_of",
}


def to_json(meta: OutgoingMetadata) -> dict[str, Any]:
    """The record as JSON data: annex VI's names and order, dates as ISO 8601 (YYYY-MM-DD)."""
    v = meta.values()
    out: dict[str, Any] = {}
    for f in FIELDS:
        if f.name in ("Position", "FullName", "ToOrganId", "ToOrganName"):
            continue
        value = v[f.name]
        out[f.name] = value.isoformat() if isinstance(value, date) else value
        if f.name == "Description":
            out["SignerInfo"] = {"Position": meta.signer.position, "FullName": meta.signer.full_name}
            out["To"] = [{"OrganId": r.organ_id, "OrganName": r.organ_name} for r in meta.to]
    out["Extra"] = {"Competence": meta.signer.competence} | {
        name: getattr(meta, attribute) for name, attribute in _EXTRA.items()
    }
    return out


def from_json(data: Any) -> OutgoingMetadata:
    """The record written by :func:`to_json`; ValueError when ``data`` is not one (it is read
    back from a folder anyone may write to)."""
    if not isinstance(data, dict):
        raise ValueError("không phải bản ghi dữ liệu đặc tả")
    extra = _mapping(data.get("Extra"))
    signer = _mapping(data.get("SignerInfo"))
    to = data.get("To") or []
    if not isinstance(to, list):
        raise ValueError("To phải là danh sách")
    meta = OutgoingMetadata(
        organ_id=_text(data, "OrganId"),
        type_name=_text(data, "TypeName"),
        code_number=_text(data, "CodeNumber"),
        code_notation=_text(data, "CodeNotation"),
        issued_date=_date(data.get("IssuedDate")),
        organ_name=_text(data, "OrganName"),
        subject=_text(data, "Subject"),
        signer=SignerInfo(
            _text(signer, "Position"), _text(signer, "FullName"), _text(extra, "Competence")
        ),
        to=tuple(
            Recipient(_text(_mapping(r), "OrganId"), _text(_mapping(r), "OrganName")) for r in to
        ),
        priority=_number(data.get("Priority")) or 0,
        issued_amount=_number(data.get("IssuedAmount")),
        due_date=_date(data.get("DueDate")),
        description=_text(data, "Description"),
        file_notation=_text(data, "FileNotation"),
        file_catalog=_number(data.get("FileCatalog")),
        doc_ordinal=_number(data.get("DocOrdinal")),
        page_amount=_number(data.get("PageAmount")),
        language=_text(data, "Language") or LANGUAGE,
        **{attribute: _text(extra, name) for name, attribute in _EXTRA.items()},
    )
    problems = problems_of(meta)
    if problems:
        raise ValueError("; ".join(problems))
    return meta


def _mapping(value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("mục lồng nhau phải là đối tượng")
    return value


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} phải là chuỗi")
    if not xml_safe(value) or any(unicodedata.category(ch) == "Cc" for ch in value):
        # No text vanban records holds one, and XML (the metadata file, the register, the
        # package) cannot carry it.
        raise ValueError(f"{key} có ký tự không hợp lệ")
    return value


def xml_safe(text: str) -> bool:
    """Whether every character of ``text`` is one XML 1.0 can carry (no lone surrogate, no
    U+FFFE or U+FFFF, no control character but tab and line breaks)."""
    return all(
        ch in "\t\n\r"
        or "\x20" <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or ch >= "\U00010000"
        for ch in text
    )


def _number(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} không phải số nguyên")
    return value


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} không phải ngày")
    return date.fromisoformat(value)


__all__ = [
    "CODE_EXAMPLE",
    "CODE_LENGTH",
    "FIELDS",
    "LANGUAGE",
    "PRIORITIES",
    "MetaField",
    "OutgoingMetadata",
    "Recipient",
    "SignerInfo",
    "code_problem",
    "from_json",
    "problems_of",
    "refers_back",
    "shown_rows",
    "to_json",
    "value_problem",
    "xml_safe",
]
