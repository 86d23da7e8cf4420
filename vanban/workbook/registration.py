"""The rules about what registers a document (Decree 30, annex VI): its summary's length and
the identifier codes of the bodies that issue and receive it.

A code is not needed to issue a document, so a missing one is a warning, never an error: the
metadata then leaves that field empty. A workbook with no code at all (an office that does not
exchange documents electronically) gets one warning, not one per body.
"""

from __future__ import annotations

from vanban.metadata import FIELD, refers_back
from vanban.text.names import match_key
from vanban.workbook import schema
from vanban.workbook.draft import Draft, Record
from vanban.workbook.reader import Problems
from vanban.workbook.schema import UNIT_ISSUER_OF
from vanban.workbook.unitref import unit_label

_SUBJECT = FIELD["Subject"].max_length
_SHOWN = 4  # names quoted in one warning; the others are counted


def check_registration(d: Draft, problems: Problems) -> None:
    _check_subjects(d, problems)
    _check_codes(d, problems)


def _check_subjects(d: Draft, problems: Problems) -> None:
    """A "Văn bản" summary of several lines is one subject: all its lines together fit."""
    for rec in d.documents:
        summary = rec.get("summary")
        if summary is None:
            continue
        joined = " ".join(line.strip() for line in str(summary).split("\n") if line.strip())
        if len(joined) > _SUBJECT:
            problems.error(
                rec.sheet, rec.coord("summary"),
                f"trích yếu dài {len(joined)} ký tự, tối đa {_SUBJECT} (dữ liệu đặc tả văn bản, "
                "Nghị định 30, Phụ lục VI: Subject)",
            )


def recipient_names(d: Draft) -> list[str]:
    """Every body the plan's documents are sent to, once each, in the order first named."""
    names: list[str] = []
    for section, lines in d.texts.sections.items():
        if section.startswith("Nơi nhận"):
            names += lines
    for rec in d.documents:
        names += [line.strip() for line in str(rec.get("recipients") or "").split("\n")]
    names += [str(d.meta.get(k) or "") for k in ("unit_report_addressee", "summary_addressee")]
    seen: dict[str, str] = {}
    for name in names:
        if name and not refers_back(name):
            seen.setdefault(match_key(name), name)
    return list(seen.values())


def _listed(names: list[str], what: str) -> str:
    shown = "; ".join(f'"{n}"' for n in names[:_SHOWN])
    more = f" và {len(names) - _SHOWN} {what} khác" if len(names) > _SHOWN else ""
    return shown + more


def _check_codes(d: Draft, problems: Problems) -> None:
    meta = d.meta
    by_unit = UNIT_ISSUER_OF.get(meta.get("unit_issuer") or "đơn vị") == "unit"
    coded = {match_key(str(r.get("name"))) for r in d.codes if r.get("name") and r.get("code")}
    if not coded and not meta.get("issuer_code") and not meta.get("summary_code") and not any(
        u.get("code") for u in d.units
    ):
        problems.warning(
            schema.PLAN.name, meta.coord("issuer_code"),
            "bảng tính chưa có mã định danh điện tử nào (Quyết định 20/2020/QĐ-TTg): dữ liệu "
            "đặc tả và gói tin edXML để trống mã của cơ quan ban hành và nơi nhận. Ghi mục "
            f'"{schema.PLAN.field("issuer_code").label}", cột "Mã định danh" ở sheet '
            f'"{schema.UNITS.name}" và sheet "{schema.CODES.name}" nếu gửi văn bản điện tử.',
        )
        return
    if not meta.get("issuer_code"):
        problems.warning(
            schema.PLAN.name, meta.coord("issuer_code"),
            f'chưa ghi mục "{schema.PLAN.field("issuer_code").label}": mã cơ quan ban hành '
            "(OrganId) trong dữ liệu đặc tả để trống",
        )
    if not meta.get("summary_code") and not summary_is_issuer(meta):
        problems.warning(
            schema.PLAN.name, meta.coord("summary_code"),
            f'chưa ghi mục "{schema.PLAN.field("summary_code").label}": mã cơ quan lập báo cáo '
            "tổng hợp trong dữ liệu đặc tả để trống",
        )
    if by_unit:
        missing = [unit_label(u.unit) for u in d.units if u.unit and not u.get("code")]
        if missing:
            problems.warning(
                schema.UNITS.name, None,
                f'{len(missing)} đơn vị chưa có "Mã định danh" ({_listed(missing, "đơn vị")}): '
                "mã cơ quan ban hành trong dữ liệu đặc tả văn bản của đơn vị để trống",
            )
    uncoded = [n for n in recipient_names(d) if match_key(n) not in coded]
    if uncoded:
        problems.warning(
            schema.CODES.name, None,
            f"{len(uncoded)} nơi nhận chưa có mã định danh ({_listed(uncoded, 'nơi nhận')}): "
            "mã nơi nhận (To/OrganId) trong dữ liệu đặc tả để trống",
        )


def summary_is_issuer(meta: Record) -> bool:
    """Whether the summary comes from the plan's own issuer, which then lends it its code."""
    same_kind = match_key(str(meta.get("summary_body") or "")) == match_key(
        str(meta.get("issuer_kind") or "")
    )
    return same_kind and not meta.get("summary_governing")
