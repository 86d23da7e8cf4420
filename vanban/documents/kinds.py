"""The one registry of document kinds.

Adding a kind of document means one template in ``templates/docx/`` and one entry here: its
template, whether it is issued once or per unit, its stage, its output name, how its context is
built and when it is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from vanban.documents import contexts
from vanban.model import Plan, Unit

Scope = Literal["plan", "unit"]
STAGES = ("plan", "annex", "invitations", "reports", "summary")
STAGE_LABELS = {
    "plan": "Kế hoạch",
    "annex": "Phụ lục phân bổ kinh phí",
    "invitations": "Giấy mời",
    "reports": "Báo cáo kết quả",
    "summary": "Báo cáo tổng hợp",
}


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str  # Vietnamese, for the terminal and the review page
    template: str  # file name in templates/docx/
    scope: Scope
    stage: str  # one of STAGES; a stage runs only when the one before it succeeded
    output: str  # relative path; "{unit}" is replaced by the unit's slug
    context: Callable[[Plan, Unit | None], contexts.Context]
    # Why the document cannot be issued yet (it is pending, not an error), or None when ready.
    pending: Callable[[Plan, Unit | None], str | None]
    # It prints the unit's roster: the audit log records how many people, never who.
    roster: bool = False

    @property
    def stage_number(self) -> int:
        return STAGES.index(self.stage) + 1


def _always(plan: Plan, unit: Unit | None) -> str | None:
    return None


def _needs_result(plan: Plan, unit: Unit | None) -> str | None:
    if unit is not None and unit.result is None:
        return 'chưa có kết quả đối thoại ở sheet "Kết quả"'
    return None


def _needs_roster(plan: Plan, unit: Unit | None) -> str | None:
    if unit is not None and not unit.invitees:
        return (
            'chưa có dòng nào ở sheet "Danh sách mời": đơn vị chỉ có giấy mời chung, chưa lập '
            "danh sách tham dự"
        )
    return None


def _needs_all_results(plan: Plan, unit: Unit | None) -> str | None:
    missing = [u.name for u in plan.units if u.result is None]
    if missing:
        return f"còn {len(missing)} đơn vị chưa có kết quả: " + ", ".join(missing)
    if plan.summary.ref.date is None:
        return 'chưa có "Báo cáo tổng hợp: ngày" ở sheet "Kế hoạch"'
    return None


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "ke_hoach",
        "Kế hoạch",
        "ke-hoach.docx",
        "plan",
        "plan",
        "01-ke-hoach.docx",
        contexts.plan_context,
        _always,
    ),
    DocumentKind(
        "phu_luc",
        "Danh sách phân bổ kinh phí",
        "phu-luc-phan-bo-kinh-phi.docx",
        "plan",
        "annex",
        "02-phu-luc-phan-bo-kinh-phi.docx",
        contexts.annex_context,
        _always,
    ),
    DocumentKind(
        "giay_moi",
        "Giấy mời",
        "giay-moi.docx",
        "unit",
        "invitations",
        "03-giay-moi/{unit}.docx",
        contexts.invitation_context,
        _always,
        roster=True,
    ),
    DocumentKind(
        "danh_sach",
        "Danh sách tham dự",
        "danh-sach-tham-du.docx",
        "unit",
        "invitations",
        "03-giay-moi/{unit}-danh-sach.docx",
        contexts.roster_context,
        _needs_roster,
        roster=True,
    ),
    DocumentKind(
        "bao_cao_don_vi",
        "Báo cáo kết quả",
        "bao-cao-ket-qua.docx",
        "unit",
        "reports",
        "04-bao-cao-ket-qua/{unit}.docx",
        contexts.report_context,
        _needs_result,
    ),
    DocumentKind(
        "bao_cao_tong_hop",
        "Báo cáo tổng hợp",
        "bao-cao-tong-hop.docx",
        "plan",
        "summary",
        "05-bao-cao-tong-hop.docx",
        contexts.summary_context,
        _needs_all_results,
    ),
)


def kind(key: str) -> DocumentKind:
    for k in KINDS:
        if k.key == key:
            return k
    raise KeyError(key)
