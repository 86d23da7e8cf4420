"""The edXML package of one signed document (QCVN 102:2016/BTTTT, amended by Circular
01/2022/TT-BTTTT): built from its metadata and its signed PDF, and read back.

The package says only what :class:`~vanban.metadata.OutgoingMetadata` says; what vanban has no
source for (the sender's address, e-mail, telephone, fax and website, the sphere of
promulgation, the typist, the appendixes) is written as an empty element, so that every element
of the standard's tree is there.

No XML signature is written in ``edXMLHeader``: that signature is the sending system's. The
e-office system that hands the package to the national document exchange signs the envelope
with the organisation's certificate; vanban holds no such key and hands the package over
unsigned.

Reading treats the bytes as hostile: no DTD, no entities, no network, a size cap, and every
failure an :class:`~vanban.errors.InputError` in Vietnamese.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from lxml import etree

from vanban.errors import InputError
from vanban.metadata import OutgoingMetadata, problems_of, value_problem

_Element = Any  # an lxml element; lxml ships no type information

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
MAX_PACKAGE_BYTES = 300 * 1024 * 1024  # a signed PDF of ~220 MB, base64-encoded
CONTENT_TYPE = "application/pdf"
# DocumentType/Type: 1 is an administrative document (văn bản hành chính), the only kind vanban
# writes (Decree 30); 2 would be a legal normative one. TypeDetail 0 names no code of a list:
# the kind is in TypeName ("Kế hoạch"), which every receiving system shows.
DOCUMENT_TYPE = 1
TYPE_DETAIL = 0
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving: a fixed offset needs no tz database

_NS = f"{{{NAMESPACE}}}"
_MH = "edXMLEnvelope/edXMLHeader/MessageHeader"
_ORGAN = tuple(
    "OrganId OrganizationInCharge OrganName OrganAdd Email Telephone Fax Website".split()
)
_TRACE = "edXMLEnvelope/edXMLHeader/TraceHeaderList"
_REFERENCE = "edXMLEnvelope/edXMLBody/edXMLManifest/Reference"
_ATTACHMENT = "AttachmentEncoded/Attachment"

# The required tree: each parent (a path from the root) and the children it must have. A child
# is looked for in every element the parent path finds, so a repeated group (To) is checked in
# each occurrence, and a missing parent is reported once, not with all its descendants.
_REQUIRED: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (parent, tuple(children.split()))
    for parent, children in (
        ("", "edXMLEnvelope AttachmentEncoded"),
        ("edXMLEnvelope", "edXMLHeader edXMLBody"),
        ("edXMLEnvelope/edXMLHeader", "MessageHeader TraceHeaderList"),
        (
            _MH,
            "From DocumentId Code PromulgationInfo DocumentType Subject Content SignerInfo "
            "DueDate OtherInfo SteeringType ToPlaces",
        ),
        (f"{_MH}/From", " ".join(_ORGAN)),
        (f"{_MH}/To", " ".join(_ORGAN)),  # none at all is allowed: meta.to may be empty
        (f"{_MH}/Code", "CodeNumber CodeNotation"),
        (f"{_MH}/PromulgationInfo", "Place PromulgationDate"),
        (f"{_MH}/DocumentType", "Type TypeDetail TypeName"),
        (f"{_MH}/SignerInfo", "Competence Position FullName"),
        (
            f"{_MH}/OtherInfo",
            "Priority SphereOfPromulgation TyperNotation PromulgationAmount PageAmount "
            "Direction Appendixes",
        ),
        (_TRACE, "TraceHeader Bussiness"),
        (f"{_TRACE}/TraceHeader", "OrganId Timestamp"),
        (f"{_TRACE}/Bussiness", "DocumentId BussinessDocType BussinessDocReason Paper StaffInfo"),
        ("edXMLEnvelope/edXMLBody", "edXMLManifest"),
        ("edXMLEnvelope/edXMLBody/edXMLManifest", "Reference"),
        (_REFERENCE, "ContentId ContentType Description AttachmentName"),
        ("AttachmentEncoded", "Attachment"),
        (_ATTACHMENT, "ContentId AttachmentName ContentType ContentTransferEncoded"),
    )
)
# Text elements and the annex VI field (vanban.metadata.FIELD) whose type and length bind them.
_FIELDS: tuple[tuple[str, str], ...] = (
    (f"{_MH}/From/OrganId", "OrganId"),
    (f"{_MH}/From/OrganName", "OrganName"),
    (f"{_MH}/To/OrganId", "ToOrganId"),
    (f"{_MH}/To/OrganName", "ToOrganName"),
    (f"{_MH}/Code/CodeNumber", "CodeNumber"),
    (f"{_MH}/Code/CodeNotation", "CodeNotation"),
    (f"{_MH}/Subject", "Subject"),
    (f"{_MH}/DocumentType/TypeName", "TypeName"),
    (f"{_MH}/SignerInfo/Position", "Position"),
    (f"{_MH}/SignerInfo/FullName", "FullName"),
    (f"{_MH}/ToPlaces/Place", "ToOrganName"),  # each recipient's name again
    (f"{_TRACE}/TraceHeader/OrganId", "OrganId"),
    (f"{_REFERENCE}/Description", "Subject"),  # the attachment described by the summary
)
_NUMBERS: tuple[tuple[str, str], ...] = (
    (f"{_MH}/OtherInfo/Priority", "Priority"),
    (f"{_MH}/OtherInfo/PageAmount", "PageAmount"),
    (f"{_MH}/OtherInfo/PromulgationAmount", "IssuedAmount"),
)
# Dates: the element, its form (strptime's and the clerk's), and whether it may be empty.
_DATES: tuple[tuple[str, str, str, bool], ...] = (
    (f"{_MH}/PromulgationInfo/PromulgationDate", "%Y/%m/%d", "YYYY/MM/DD", False),
    (f"{_MH}/DueDate", "%Y/%m/%d", "YYYY/MM/DD", True),  # empty: no reply due
    (
        f"{_TRACE}/TraceHeader/Timestamp",
        "%Y/%m/%d %H:%M:%S",
        "YYYY/MM/DD hh:mm:ss",
        False,
    ),
)
_DIGITS = re.compile(r"[0-9]+")
_DOCTYPE = "Gói tin edXML có khai báo DOCTYPE; gói tin không được có DOCTYPE hay thực thể."
_WRAPPING = re.compile(r"[ \t\r\n]+")  # XML whitespace: what may wrap base64 lines


@dataclass(frozen=True)
class Package:
    """What :func:`read_package` found in a package."""

    document_id: str
    code_number: str
    code_notation: str
    organ_id: str
    organ_name: str
    promulgation_date: date | None
    subject: str
    type_name: str
    signer_full_name: str
    signer_position: str
    recipients: tuple[tuple[str, str], ...]  # (OrganId, OrganName) of each To
    page_amount: int | None
    priority: int | None
    attachment_name: str
    attachment: bytes  # decoded


def build_package(
    meta: OutgoingMetadata, attachment: bytes, attachment_name: str, *, sent_at: datetime
) -> bytes:
    """The edXML package of the signed document ``attachment`` (a PDF) described by ``meta``,
    as UTF-8 XML; the same arguments give the same bytes. InputError (every reason at once)
    when ``meta`` overflows annex VI or the document has no number or date."""
    if sent_at.utcoffset() is None:
        raise ValueError("sent_at must be timezone-aware")  # a caller's bug, not bad input
    refusals = problems_of(meta)
    if not meta.code_number:
        refusals.append("văn bản chưa có số (CodeNumber)")
    issued = meta.issued_date
    if issued is None:
        refusals.append("văn bản chưa có ngày ban hành (IssuedDate)")
    if b"%PDF-" not in attachment[:1024]:  # the header may follow up to 1 KB of junk
        refusals.append(f'tệp đính kèm "{attachment_name}" không phải tệp PDF')
    if not attachment_name:
        refusals.append("tệp đính kèm chưa có tên")
    if refusals or issued is None:
        which = meta.number_and_notation if meta.code_number else f"«{meta.subject[:80]}»"
        raise InputError(
            f"Không lập được gói tin edXML cho văn bản {which}: gói tin "
            "chỉ lập cho văn bản đã ký, có số và ngày.\n- " + "\n- ".join(refusals)
        )
    document_id = f"{meta.organ_id},{_day(issued)},{meta.number_and_notation}"
    # Stable: the same file gets the same id in every package, and the id says which file it is.
    content_id = "cid:" + hashlib.sha256(attachment).hexdigest()

    root = etree.Element(_NS + "edXML", nsmap={"edXML": NAMESPACE})
    header = _add(_add(root, "edXMLEnvelope"), "edXMLHeader")
    message = _add(header, "MessageHeader")
    _organ(message, "From", meta.organ_id, meta.organ_in_charge, meta.organ_name)
    for recipient in meta.to:
        _organ(message, "To", recipient.organ_id, "", recipient.organ_name)
    _add(message, "DocumentId", document_id)
    _group(message, "Code", CodeNumber=meta.code_number, CodeNotation=meta.code_notation)
    _group(message, "PromulgationInfo", Place=meta.place, PromulgationDate=_day(issued))
    _group(
        message, "DocumentType", Type=str(DOCUMENT_TYPE), TypeDetail=str(TYPE_DETAIL),
        TypeName=meta.type_name,
    )  # fmt: skip
    _add(message, "Subject", meta.subject)
    _add(message, "Content")
    signer = meta.signer
    _group(
        message, "SignerInfo", Competence=signer.competence, Position=signer.position,
        FullName=signer.full_name,
    )  # fmt: skip
    _add(message, "DueDate", _day(meta.due_date) if meta.due_date else "")
    _group(
        message, "OtherInfo", Priority=str(meta.priority), SphereOfPromulgation="",
        TyperNotation="", PromulgationAmount=_number(meta.issued_amount),
        PageAmount=_number(meta.page_amount), Direction="false", Appendixes="",
    )  # fmt: skip
    _add(message, "SteeringType", "0")
    places = _add(message, "ToPlaces")
    for recipient in meta.to:
        _add(places, "Place", recipient.organ_name)

    traces = _add(header, "TraceHeaderList")
    sent = sent_at.astimezone(VIETNAM)
    _group(
        traces, "TraceHeader", OrganId=meta.organ_id,
        Timestamp=f"{_day(sent)} {sent:%H:%M:%S}",
    )  # fmt: skip
    _group(
        traces, "Bussiness", DocumentId=document_id, BussinessDocType="0",
        BussinessDocReason="", Paper="0", StaffInfo="",
    )  # fmt: skip
    body = _add(root[0], "edXMLBody")
    _group(
        _add(body, "edXMLManifest"), "Reference", ContentId=content_id,
        ContentType=CONTENT_TYPE, Description=meta.subject, AttachmentName=attachment_name,
    )  # fmt: skip
    _group(
        _add(root, "AttachmentEncoded"), "Attachment", ContentId=content_id,
        AttachmentName=attachment_name, ContentType=CONTENT_TYPE,
        ContentTransferEncoded=base64.encodebytes(attachment).decode("ascii"),
    )  # fmt: skip
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def read_package(data: bytes) -> Package:
    """The facts and the attachment of the package ``data``; InputError, listing every problem,
    when it is no well-formed, complete edXML package of one attachment."""
    root = _parse(data)
    problems, attachment = _examine(root)
    if problems:
        raise InputError(f"Gói tin edXML có {len(problems)} lỗi:\n- " + "\n- ".join(problems))

    def text(path: str, within: _Element = root) -> str:
        found: str | None = within.findtext(_path(path))
        return found or ""

    day = text(f"{_MH}/PromulgationInfo/PromulgationDate")
    return Package(
        document_id=text(f"{_MH}/DocumentId"),
        code_number=text(f"{_MH}/Code/CodeNumber"),
        code_notation=text(f"{_MH}/Code/CodeNotation"),
        organ_id=text(f"{_MH}/From/OrganId"),
        organ_name=text(f"{_MH}/From/OrganName"),
        promulgation_date=datetime.strptime(day, "%Y/%m/%d").date() if day else None,
        subject=text(f"{_MH}/Subject"),
        type_name=text(f"{_MH}/DocumentType/TypeName"),
        signer_full_name=text(f"{_MH}/SignerInfo/FullName"),
        signer_position=text(f"{_MH}/SignerInfo/Position"),
        recipients=tuple(
            (text("OrganId", to), text("OrganName", to)) for to in root.iterfind(_path(f"{_MH}/To"))
        ),
        page_amount=_int_or_none(text(f"{_MH}/OtherInfo/PageAmount")),
        priority=_int_or_none(text(f"{_MH}/OtherInfo/Priority")),
        attachment_name=text(f"{_ATTACHMENT}/AttachmentName"),
        attachment=attachment,
    )


def package_problems(data: bytes) -> list[str]:
    """Every problem of the package ``data`` at once, in Vietnamese; [] for a good package."""
    try:
        root = _parse(data)
    except InputError as exc:
        return [exc.message]
    return _examine(root)[0]


class _Target:
    """Parser events into lxml's tree builder. A Python target, not the parser's own tree,
    because libxml2 refuses a text node over 10 MB (a 7 MB PDF in base64) unless huge_tree,
    which would lift its depth and size limits for the whole document too; a target's text
    comes in chunks the builder joins. It also sees a DOCTYPE."""

    def __init__(self) -> None:
        self.builder = etree.TreeBuilder()
        self.doctype_seen = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        self.builder.end(tag)

    def data(self, data: str) -> None:
        self.builder.data(data)

    def doctype(self, name: str | None, pubid: str | None, system: str | None) -> None:
        self.doctype_seen = True  # noted, not raised: lxml would replace the exception

    def close(self) -> _Element:
        return self.builder.close()


def _parse(data: bytes) -> _Element:
    if len(data) > MAX_PACKAGE_BYTES:
        raise InputError(
            f"Gói tin edXML lớn {len(data) // 2**20} MB, quá giới hạn "
            f"{MAX_PACKAGE_BYTES // 2**20} MB."
        )
    target = _Target()
    # A fresh parser each time (lxml parsers are not shared between threads); nothing it reads
    # may fetch, expand or define anything.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, target=target
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError, TypeError) as exc:
        if target.doctype_seen:
            raise InputError(_DOCTYPE) from None
        raise InputError(f"Gói tin edXML không phải XML hợp lệ: {exc}") from None
    if target.doctype_seen:
        raise InputError(_DOCTYPE)
    return root


def _examine(root: _Element) -> tuple[list[str], bytes]:
    """The problems of a parsed package, and its attachment decoded (b"" when it is not)."""
    if root.tag != _NS + "edXML":
        return [f"phần tử gốc là {root.tag}, không phải edXML thuộc {NAMESPACE}"], b""
    problems = [
        f"thiếu phần tử {parent + '/' if parent else ''}{child}"
        for parent, children in _REQUIRED
        for element in ([root] if not parent else root.iterfind(_path(parent)))
        for child in children
        if element.find(_NS + child) is None
    ]
    for path, name in _FIELDS:
        for element in root.iterfind(_path(path)):
            if (problem := value_problem(name, element.text or "")) is not None:
                problems.append(f"{path}: {problem}")
    for path, name in _NUMBERS:
        for element in root.iterfind(_path(path)):
            value = (element.text or "").strip()
            if value and not _DIGITS.fullmatch(value):
                problems.append(f'{path}: "{value}" không phải số')
            elif value and (problem := value_problem(name, int(value))) is not None:
                problems.append(f"{path}: {problem}")
    for path, form, shown, optional in _DATES:
        for element in root.iterfind(_path(path)):
            value = element.text or ""
            if not (optional and not value) and not _is_date(value, form, shown):
                problems.append(f'{path}: "{value}" không phải ngày dạng {shown}')

    references = root.findall(_path(_REFERENCE))
    attachments = root.findall(_path(_ATTACHMENT))
    if len(references) > 1 or len(attachments) > 1:
        problems.append("gói tin có nhiều hơn một tệp đính kèm; vanban chỉ đọc gói một văn bản")
    decoded = b""
    encoded = attachments[0].findtext(_NS + "ContentTransferEncoded") if attachments else None
    if encoded is not None:
        try:
            # Lines may be wrapped: whitespace is no base64 character, anything else must be.
            decoded = base64.b64decode(_WRAPPING.sub("", encoded), validate=True)
        except (binascii.Error, ValueError):
            problems.append(f"{_ATTACHMENT}/ContentTransferEncoded: không giải mã được base64")
        else:
            if not decoded:
                problems.append(f"{_ATTACHMENT}/ContentTransferEncoded: tệp đính kèm rỗng")
    if references and attachments:
        listed = references[0].findtext(_NS + "ContentId")
        carried = attachments[0].findtext(_NS + "ContentId")
        if listed is not None and carried is not None and listed != carried:
            problems.append(
                f'ContentId của Reference ("{listed}") khác ContentId của Attachment ("{carried}")'
            )
    return problems, decoded


def _add(parent: _Element, name: str, text: str = "") -> _Element:
    element = etree.SubElement(parent, _NS + name)
    try:
        # lxml escapes it: a subject is data, never markup. "" stays None, an empty element,
        # so that pretty printing still indents (it keeps away from any text).
        element.text = text or None
    except ValueError:
        raise InputError(
            f"Không lập được gói tin edXML: {name} có ký tự điều khiển không được có trong XML."
        ) from None
    return element


def _group(parent: _Element, name: str, **children: str) -> _Element:
    """``name`` with one text child per keyword, in the keywords' order."""
    group = _add(parent, name)
    for child, text in children.items():
        _add(group, child, text)
    return group


def _organ(parent: _Element, name: str, organ_id: str, in_charge: str, organ_name: str) -> None:
    values = {"OrganId": organ_id, "OrganizationInCharge": in_charge, "OrganName": organ_name}
    _group(parent, name, **{child: values.get(child, "") for child in _ORGAN})


def _path(path: str) -> str:
    return "/".join(_NS + step for step in path.split("/"))


def _day(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"  # %Y leaves year 999 unpadded


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


def _is_date(value: str, form: str, shown: str) -> bool:
    # strptime alone takes "2022/1/4"; the standard writes every digit the shown form has.
    if not re.fullmatch(re.sub("[YMDhms]", "[0-9]", shown), value):
        return False
    try:
        datetime.strptime(value, form)
    except ValueError:
        return False
    return True


__all__ = [
    "CONTENT_TYPE",
    "DOCUMENT_TYPE",
    "MAX_PACKAGE_BYTES",
    "NAMESPACE",
    "TYPE_DETAIL",
    "VIETNAM",
    "Package",
    "build_package",
    "package_problems",
    "read_package",
]
