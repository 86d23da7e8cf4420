"""The edXML package of one signed document: built from its metadata, read back, checked, and
refused when hostile or incomplete."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from lxml import etree

from vanban.errors import InputError
from vanban.metadata import OutgoingMetadata, Recipient, SignerInfo
from vanban.registering import edxml
from vanban.registering.edxml import NAMESPACE, build_package, package_problems, read_package

NS = f"{{{NAMESPACE}}}"
MH = "edXMLEnvelope/edXMLHeader/MessageHeader"
SENT = datetime(2022, 11, 4, 1, 0, tzinfo=UTC)
# A small PDF-looking file; every byte value appears, so base64 has to carry them all.
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
NAME = "6662-KH-UBND.pdf"


def metadata(**changes: Any) -> OutgoingMetadata:
    meta = OutgoingMetadata(
        organ_id="000.00.30.H19",
        type_name="Kế hoạch",
        code_number="6662",
        code_notation="KH-UBND",
        issued_date=date(2022, 11, 4),
        organ_name="Ủy ban nhân dân huyện Tháp Mười",
        subject="Tổ chức Hội thi tìm hiểu pháp luật năm 2022",
        signer=SignerInfo("Phó Chủ tịch", "Nguyễn Văn Bình", "KT. CHỦ TỊCH"),
        to=(
            Recipient("000.00.31.H19", "Ủy ban nhân dân xã Mỹ Hòa"),
            Recipient("", "Các phòng, ban chuyên môn huyện"),
        ),
        priority=1,
        issued_amount=15,
        page_amount=4,
        place="Tháp Mười",
        organ_in_charge="Tỉnh Đồng Tháp",
    )
    return dataclasses.replace(meta, **changes)


def package(**changes: Any) -> bytes:
    return build_package(metadata(**changes), PDF, NAME, sent_at=SENT)


def edited(data: bytes, edit: Callable[[Any], None]) -> bytes:
    """``data`` (our own package, trusted) after ``edit`` changed its tree."""
    root = etree.fromstring(data)
    edit(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def find(root: Any, path: str) -> Any:
    element = root.find("/".join(NS + step for step in path.split("/")))
    assert element is not None, path
    return element


def setter(path: str, text: str) -> Callable[[Any], None]:
    def edit(root: Any) -> None:
        find(root, path).text = text

    return edit


# Building


def test_package_has_the_root_the_namespace_and_every_required_element() -> None:
    data = package()
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    assert root.tag == NS + "edXML"
    assert [child.tag for child in root] == [NS + "edXMLEnvelope", NS + "AttachmentEncoded"]
    assert [child.tag for child in root[0]] == [NS + "edXMLHeader", NS + "edXMLBody"]
    header = [child.tag for child in find(root, MH)]
    assert header[:4] == [NS + "From", NS + "To", NS + "To", NS + "DocumentId"]
    assert header[-2:] == [NS + "SteeringType", NS + "ToPlaces"]
    # The sending system signs the envelope; vanban writes no signature element.
    assert [child.tag for child in root[0][0]] == [NS + "MessageHeader", NS + "TraceHeaderList"]
    assert package_problems(data) == []


def test_package_says_what_the_metadata_says() -> None:
    root = etree.fromstring(package())
    assert find(root, f"{MH}/DocumentId").text == "000.00.30.H19,2022/11/04,6662/KH-UBND"
    assert (
        find(root, "edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/DocumentId").text
        == "000.00.30.H19,2022/11/04,6662/KH-UBND"
    )
    assert find(root, f"{MH}/From/OrganizationInCharge").text == "Tỉnh Đồng Tháp"
    assert find(root, f"{MH}/From/Email").text is None  # vanban has no source for it
    assert find(root, f"{MH}/PromulgationInfo/PromulgationDate").text == "2022/11/04"
    assert find(root, f"{MH}/SignerInfo/Competence").text == "KT. CHỦ TỊCH"
    assert find(root, f"{MH}/OtherInfo/PromulgationAmount").text == "15"
    assert find(root, f"{MH}/DueDate").text is None
    places = find(root, f"{MH}/ToPlaces")
    assert [p.text for p in places] == [
        "Ủy ban nhân dân xã Mỹ Hòa",
        "Các phòng, ban chuyên môn huyện",
    ]
    reference = find(root, "edXMLEnvelope/edXMLBody/edXMLManifest/Reference/ContentId").text
    assert reference.startswith("cid:")
    assert reference == find(root, "AttachmentEncoded/Attachment/ContentId").text


@pytest.mark.parametrize(
    ("sent_at", "shown"),
    [
        (SENT, "2022/11/04 08:00:00"),
        (datetime(2022, 11, 3, 20, 30, 5, tzinfo=UTC), "2022/11/04 03:30:05"),
        (datetime(2022, 11, 4, 9, 15, tzinfo=timezone(timedelta(hours=9))), "2022/11/04 07:15:00"),
    ],
)
def test_timestamp_is_vietnam_time(sent_at: datetime, shown: str) -> None:
    data = build_package(metadata(), PDF, NAME, sent_at=sent_at)
    timestamp = "edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader/Timestamp"
    assert find(etree.fromstring(data), timestamp).text == shown


def test_a_naive_sending_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        build_package(metadata(), PDF, NAME, sent_at=datetime(2022, 11, 4, 8))


def test_same_input_gives_the_same_bytes() -> None:
    assert package() == package()
    assert package() != build_package(metadata(), PDF, NAME, sent_at=SENT + timedelta(seconds=1))


def test_special_characters_survive_a_round_trip() -> None:
    subject = "Về việc <thử> & \"kiểm tra\" 'dấu' — Đắk Lắk, Quảng Ngãi ]]> &amp;"
    data = package(subject=subject)
    assert "&lt;thử&gt; &amp;".encode() in data  # escaped by lxml, not pasted in
    found = read_package(data)
    assert found.subject == subject
    reference = "edXMLEnvelope/edXMLBody/edXMLManifest/Reference/Description"
    assert find(etree.fromstring(data), reference).text == subject


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"subject": "trích yếu " * 60}, "Subject"),
        ({"organ_id": "000.00.30.H19X"}, "OrganId"),
        ({"code_number": ""}, "CodeNumber"),
        ({"issued_date": None}, "IssuedDate"),
        ({"to": (Recipient("000.00.31.H19", "x" * 201),)}, "ToOrganName"),
    ],
)
def test_metadata_that_cannot_make_a_package_is_refused(
    changes: dict[str, Any], named: str
) -> None:
    with pytest.raises(InputError, match=named) as raised:
        package(**changes)
    assert "Không lập được gói tin edXML" in str(raised.value)


def test_every_refusal_is_listed_at_once() -> None:
    with pytest.raises(InputError) as raised:
        package(subject="x" * 600, code_number="", issued_date=None)
    message = str(raised.value)
    assert "Subject" in message and "CodeNumber" in message and "IssuedDate" in message


def test_an_attachment_that_is_no_pdf_is_refused() -> None:
    with pytest.raises(InputError, match="không phải tệp PDF"):
        build_package(metadata(), b"PK\x03\x04 a .docx", NAME, sent_at=SENT)


def test_a_control_character_is_input_error_not_a_crash() -> None:
    with pytest.raises(InputError, match="Subject"):
        package(subject="trích yếu\x00")


# Reading back


def test_read_package_gives_back_the_facts_and_the_attachment_byte_for_byte() -> None:
    found = read_package(package())
    assert found.attachment == PDF
    assert found.document_id == "000.00.30.H19,2022/11/04,6662/KH-UBND"
    assert (found.code_number, found.code_notation) == ("6662", "KH-UBND")
    assert (found.organ_id, found.organ_name) == (
        "000.00.30.H19",
        "Ủy ban nhân dân huyện Tháp Mười",
    )
    assert found.promulgation_date == date(2022, 11, 4)
    assert (found.type_name, found.signer_position) == ("Kế hoạch", "Phó Chủ tịch")
    assert found.signer_full_name == "Nguyễn Văn Bình"
    assert found.recipients == (
        ("000.00.31.H19", "Ủy ban nhân dân xã Mỹ Hòa"),
        ("", "Các phòng, ban chuyên môn huyện"),
    )
    assert (found.page_amount, found.priority) == (4, 1)
    assert found.attachment_name == NAME


def test_an_attachment_over_libxml2s_text_limit_reads_back() -> None:
    # 8 MB is 11 MB of base64: one text node over the 10 MB libxml2 allows without huge_tree.
    big = b"%PDF-1.7\n" + bytes(range(256)) * 32768
    data = build_package(metadata(), big, NAME, sent_at=SENT)
    assert read_package(data).attachment == big


# Checking


def test_package_problems_names_a_missing_element() -> None:
    def drop_subject(root: Any) -> None:
        subject = find(root, f"{MH}/Subject")
        subject.getparent().remove(subject)

    problems = package_problems(edited(package(), drop_subject))
    assert problems == [f"thiếu phần tử {MH}/Subject"]


def test_package_problems_names_an_overlong_subject() -> None:
    problems = package_problems(edited(package(), setter(f"{MH}/Subject", "x" * 501)))
    assert len(problems) == 1
    assert "Subject" in problems[0] and "501" in problems[0] and "500" in problems[0]


def test_package_problems_names_an_overlong_recipient_by_its_field() -> None:
    problems = package_problems(edited(package(), setter(f"{MH}/To/OrganId", "0" * 14)))
    assert len(problems) == 1 and "ToOrganId" in problems[0]


@pytest.mark.parametrize("bad", ["2022-11-04", "2022/13/04", "2022/1/4", "04/11/2022", ""])
def test_package_problems_names_a_bad_date(bad: str) -> None:
    path = f"{MH}/PromulgationInfo/PromulgationDate"
    problems = package_problems(edited(package(), setter(path, bad)))
    assert len(problems) == 1
    assert "PromulgationDate" in problems[0] and "YYYY/MM/DD" in problems[0]


def test_package_problems_names_broken_base64() -> None:
    path = "AttachmentEncoded/Attachment/ContentTransferEncoded"
    problems = package_problems(edited(package(), setter(path, "JVBERi0x@@@not base64")))
    assert len(problems) == 1 and "base64" in problems[0]


def test_package_problems_names_a_content_id_mismatch() -> None:
    path = "AttachmentEncoded/Attachment/ContentId"
    problems = package_problems(edited(package(), setter(path, "cid:other")))
    assert len(problems) == 1 and "ContentId" in problems[0]


def test_every_problem_is_found_at_once_and_read_package_refuses_them() -> None:
    def break_four(root: Any) -> None:
        setter(f"{MH}/Subject", "x" * 501)(root)
        setter(f"{MH}/DueDate", "mai")(root)
        setter(f"{MH}/OtherInfo/PageAmount", "bốn")(root)
        setter("AttachmentEncoded/Attachment/ContentTransferEncoded", "%%%")(root)

    data = edited(package(), break_four)
    problems = package_problems(data)
    assert len(problems) == 4
    with pytest.raises(InputError, match="có 4 lỗi"):
        read_package(data)


def test_wrapped_base64_lines_are_read() -> None:
    path = "AttachmentEncoded/Attachment/ContentTransferEncoded"
    data = package()
    encoded = find(etree.fromstring(data), path).text
    unwrapped = edited(data, setter(path, "".join(encoded.split())))
    assert unwrapped != data
    assert read_package(unwrapped).attachment == PDF


# Hostile input

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&secret;</edXML>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "external"])
def test_a_doctype_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="DOCTYPE"):
        read_package(data)
    assert len(package_problems(data)) == 1 and "DOCTYPE" in package_problems(data)[0]


def test_a_doctype_before_a_good_package_is_refused() -> None:
    data = package().replace(b"?>\n", b'?>\n<!DOCTYPE edXML:edXML SYSTEM "edxml.dtd">\n', 1)
    assert b"<!DOCTYPE" in data
    with pytest.raises(InputError, match="DOCTYPE"):
        read_package(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.7 this is no XML",
        b"\xff\xfe\x00garbage",
        b"<edXML><unclosed></edXML>",
        b"<a>" * 100_000 + b"</a>" * 100_000,  # deeper than libxml2 allows
    ],
    ids=["empty", "pdf", "binary", "unclosed", "deep"],
)
def test_non_xml_is_input_error_never_an_lxml_exception(data: bytes) -> None:
    with pytest.raises(InputError, match="không phải XML hợp lệ"):
        read_package(data)
    assert len(package_problems(data)) == 1


def test_xml_that_is_no_edxml_package_is_refused() -> None:
    data = package().replace(NAMESPACE.encode(), b"urn:other")
    with pytest.raises(InputError, match="edXML"):
        read_package(data)
    assert package_problems(data) == [
        f"phần tử gốc là {{urn:other}}edXML, không phải edXML thuộc {NAMESPACE}"
    ]


def test_a_package_over_the_size_cap_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = package()
    monkeypatch.setattr(edxml, "MAX_PACKAGE_BYTES", len(data) - 1)
    with pytest.raises(InputError, match="quá giới hạn"):
        read_package(data)
    monkeypatch.setattr(edxml, "MAX_PACKAGE_BYTES", len(data))
    assert read_package(data).attachment == PDF
