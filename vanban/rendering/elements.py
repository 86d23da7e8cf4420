"""The elements a Word part may not hold: fields but page numbers, embedded and linked content.

Read for every XML part of a template (:mod:`vanban.rendering.package`), and for each rendered
body, header and footer of a document (:func:`check_rendered`), where a few substring searches
decide for almost every part.
"""

from __future__ import annotations

from lxml import etree

from vanban.rendering.fields import FIELD_TAGS, FieldCodes, refused_field
from vanban.rendering.findings import ContentRefused, Finding, shown
from vanban.rendering.parts import W, parse
from vanban.rendering.skeleton import Skeleton

_O = "{urn:schemas-microsoft-com:office:office}"

_ELEMENTS = {
    W + "altChunk": "nội dung nhập từ tệp khác (altChunk)",
    W + "object": "đối tượng nhúng OLE hay ActiveX (w:object)",
    _O + "OLEObject": "đối tượng nhúng OLE (o:OLEObject)",
    W + "control": "điều khiển ActiveX (w:control)",
    W + "subDoc": "văn bản con (subDoc) đọc từ tệp khác",
    W + "mailMerge": "trộn thư (mail merge): Word đọc nguồn dữ liệu của nó khi mở văn bản",
}

# A substring of each element a rendered part may not hold ("nstrText" is in instrText and
# delInstrText, "bject" in object and OLEObject; w:mailMerge means something only in the
# settings, which are never rendered): a part without any of them is clean. Each search costs
# about 0.2 ms on the largest body of the example, 0.5 MB.
MARKERS = (
    b"nstrText",
    b"fldSimple",
    b"altChunk",
    b"dataBinding",
    b"bject",
    b"control",
    b"subDoc",
)


def scan_elements(part: str, root: etree._Element) -> tuple[list[Finding], set[str]]:
    """The elements of one XML part that may not be there, and the custom XML items it binds.

    Field codes are read whole (:class:`~vanban.rendering.fields.FieldCodes`), however many
    runs Word split them into and however deeply they nest.
    """
    found: list[Finding] = []
    bound: set[str] = set()
    fields = FieldCodes()
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions
        if tag in FIELD_TAGS:
            found += _refused_fields(part, fields.read(el))
        elif tag in _ELEMENTS:
            found.append(Finding(part, _ELEMENTS[tag]))
        elif tag.endswith("}dataBinding"):
            store, finding = _binding(part, el)
            bound.add(store)
            found.append(finding)
    found += _refused_fields(part, fields.unclosed())
    return found, bound


def _refused_fields(part: str, codes: list[str]) -> list[Finding]:
    return [f for f in (refused_field(part, code) for code in codes) if f is not None]


def _binding(part: str, el: etree._Element) -> tuple[str, Finding]:
    """The custom XML item a data binding names (its id in upper case), and its finding."""
    store = next((v for k, v in el.attrib.items() if str(k).endswith("storeItemID")), "")
    xpath = next((v for k, v in el.attrib.items() if str(k).endswith("xpath")), "")
    finding = Finding(
        part,
        f'ràng buộc dữ liệu (data binding) "{shown(xpath, 60)}": Word hiện giá trị '
        "của phần XML được ràng buộc thay cho chữ vanban in vào văn bản",
    )
    return store.strip().upper(), finding


def check_rendered(part: str, xml: bytes, sketch: Skeleton | None = None) -> None:
    """Raise ContentRefused if a rendered body, header or footer holds a forbidden element.

    A few substring searches decide for almost every part; only a part that holds one of the
    markers (a page number field, or the word in the text) is parsed and walked. ``sketch``,
    the skeleton of ``xml`` (:mod:`vanban.rendering.skeleton`), answers the searches in a
    fraction of the bytes, and exactly as ``xml`` would.
    """
    if sketch is not None:
        if not any(sketch.holds(marker) for marker in MARKERS):
            return
    elif not any(marker in xml for marker in MARKERS):
        return
    try:
        root = parse(xml)
    except etree.XMLSyntaxError as exc:  # the renderer hands on well-formed XML only
        raise ContentRefused([Finding(part, "không phải XML hợp lệ")]) from exc
    found, _ = scan_elements(part, root)
    if found:
        raise ContentRefused(found)


__all__ = ["MARKERS", "check_rendered", "scan_elements"]
