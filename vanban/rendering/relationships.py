"""A package's relationships followed as Word follows them, from the package to every part.

Each relationship must be of a type on the list and reach a part that is in the file; the one
external target allowed is a web hyperlink, and an attached template is removed (both named in
:mod:`vanban.rendering.allowlist`). A data binding names a custom XML item by the id its
properties part holds: :func:`item_of` finds the item from the relationship to those properties.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from lxml import etree

from vanban.rendering.allowlist import (
    ALLOWED_CONTENT_TYPES,
    ALLOWED_RELATIONSHIP_TYPES,
    ATTACHED_TEMPLATE,
    CUSTOM_XML_PROPS,
    HYPERLINK,
    LINK_SCHEMES,
    MAIN,
    OFFICE_DOCUMENT,
)
from vanban.rendering.findings import Finding, Inspection, class_of, shown, unknown_type
from vanban.rendering.parts import REL_NS, W, parse, rels_of, resolve


def reach(
    parts: Mapping[str, bytes],
    by_lower: Mapping[str, str],
    type_of: Callable[[str], str],
    out: Inspection,
) -> tuple[dict[str, str], set[str]]:
    """The parts the relationships reach from the package, with their content types, in the
    order reached; and the relationships parts read on the way."""
    reached: dict[str, str] = {}
    rels_read: set[str] = set()
    queue: deque[str] = deque([""])  # "" is the package itself
    while queue:
        source = queue.popleft()
        rels = by_lower.get(rels_of(source).lower()) if source else by_lower.get("_rels/.rels")
        if rels is None or rels in rels_read:
            continue
        rels_read.add(rels)
        try:
            relationships = list(parse(parts[rels]))
        except etree.XMLSyntaxError:
            out.refused.append(Finding(rels, "không phải XML hợp lệ"))
            continue
        for rel in relationships:
            if rel.tag != REL_NS + "Relationship":
                continue
            kind = (rel.get("Type") or "").strip()
            part = _target(source, rels, kind, rel, by_lower, out)
            if part is None or part in reached:
                continue
            reached[part] = type_of(part)
            if kind == OFFICE_DOCUMENT:
                _check_main(part, reached[part], out)
            queue.append(part)
    return reached, rels_read


def _target(
    source: str,
    rels: str,
    kind: str,
    rel: etree._Element,
    by_lower: Mapping[str, str],
    out: Inspection,
) -> str | None:
    """The part a relationship of ``source`` reaches, or None when it reaches none to read
    (an external target, a type off the list, a part not in the file: each found here)."""
    target = rel.get("Target") or ""
    if (rel.get("TargetMode") or "").lower() == "external" or kind == ATTACHED_TEMPLATE:
        _external(source, rels, kind, target, rel.get("Id") or "", out)
        return None
    if kind not in ALLOWED_RELATIONSHIP_TYPES:
        out.refused.append(Finding(rels, unknown_type(kind, "quan hệ kiểu")))
        return None
    part = by_lower.get(resolve(source, target).lower())
    if part is None:
        out.refused.append(Finding(rels, f'quan hệ tới phần "{shown(target)}" không có trong tệp'))
    return part


def _check_main(part: str, ct: str, out: Inspection) -> None:
    """The main part must be the document: another allowed type there is refused (a type off
    the list was refused with the content types)."""
    if ct in ALLOWED_CONTENT_TYPES - {MAIN}:
        out.refused.append(
            Finding(part, unknown_type(ct, "phần chính của văn bản có kiểu nội dung"))
        )


def _external(
    source: str, source_rels: str, kind: str, target: str, rel_id: str, out: Inspection
) -> None:
    """An external relationship: an attached template removed, a web hyperlink allowed, the
    rest refused."""
    if kind == ATTACHED_TEMPLATE:
        out.removed.append(
            Finding(
                source_rels,
                f'mẫu đính kèm (attached template) "{shown(target)}", mà Word tải về khi mở '
                "văn bản",
            )
        )
        out.drop_rels.setdefault(source_rels, set()).add(rel_id)
        if source:  # the settings' w:attachedTemplate names the relationship: both go
            out.drop_elements.setdefault(source, set()).add(W + "attachedTemplate")
        return
    if kind == HYPERLINK:
        scheme = urlsplit(target.strip()).scheme.lower() if target.strip() else ""
        if scheme in LINK_SCHEMES:
            return
        out.refused.append(
            Finding(
                source_rels,
                f'siêu liên kết tới "{shown(target)}": chỉ được liên kết tới trang web hay địa '
                "chỉ thư (http, https, mailto), không tới tệp trên máy hay trên mạng nội bộ",
            )
        )
        return
    danger = class_of(kind)
    what = f"{danger}: " if danger else ""
    out.refused.append(
        Finding(
            source_rels,
            f'{what}liên kết ra ngoài tệp tới "{shown(target)}" (quan hệ '
            f'"{shown(kind.rsplit("/", 1)[-1], 40)}"): Word tự mở địa chỉ này khi mở văn bản',
        )
    )


def item_of(props: str, parts: Mapping[str, bytes], by_lower: Mapping[str, str]) -> str | None:
    """The custom XML item whose properties part is ``props``."""
    for name in parts:
        if not name.lower().endswith(".rels") or "/_rels/" not in f"/{name}":
            continue
        folder, rels_name = posixpath.split(name)
        source = posixpath.join(posixpath.dirname(folder), rels_name[: -len(".rels")])
        try:
            relationships = parse(parts[name])
        except etree.XMLSyntaxError:
            continue
        for rel in relationships:
            if (
                rel.get("Type") == CUSTOM_XML_PROPS
                and by_lower.get(resolve(source, rel.get("Target") or "").lower()) == props
            ):
                return by_lower.get(source.lower())
    return None


__all__ = ["item_of", "reach"]
