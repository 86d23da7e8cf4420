"""Workbooks with a roster for the roster tests: a small one typed the ways clerks type names."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from tests.conftest import TEMPLATES
from tools.example_workbook import seed_data, write_workbook
from vanban.issuing.run import run_issue
from vanban.model import Plan, Unit

SMALL_UNIT = "Xã Mỹ Đông"
SMALL_SLUG = "xa-my-dong"

# unit, hamlet, name, group, note: as typed, with the unit named three ways.
SMALL_ROWS: list[tuple[Any, ...]] = [
    ("Xã Mỹ Đông", None, "NGUYỄN  VĂN   BÌNH", "Ban Chỉ đạo", None),
    ("xã mỹ đông", "Khóm 2", unicodedata.normalize("NFD", "trần thị hoa"), "cán bộ ấp/khóm",
     "Trưởng khóm"),
    ("Mỹ Đông", "đông hưng", "lê văn\u00a0cường", "hộ nghèo", None),
    ("Xã Mỹ Đông", "Đông Hưng", " Phạm Thị Lan ", "Hộ Nghèo", None),
    ("Xã Mỹ Đông", "3", "võ minh tâm", "hộ cận nghèo", "Chủ hộ cao tuổi"),
    ("Xã Mỹ Đông", "Đông Phú", "Đỗ Thị Mai", "khác", "Hội Phụ nữ xã"),
]  # fmt: skip

# What the documents print for them, in the list's order (committee, officials, poor, near-poor,
# others): name, where they live, group.
SMALL_PRINTED = [
    ("Nguyễn Văn Bình", "", "steering"),
    ("Trần Thị Hoa", "khóm 2", "officials"),
    ("Lê Văn Cường", "ấp Đông Hưng", "poor"),
    ("Phạm Thị Lan", "ấp Đông Hưng", "poor"),
    ("Võ Minh Tâm", "ấp 3", "near_poor"),
    ("Đỗ Thị Mai", "ấp Đông Phú", "other"),
]


def small_roster_data() -> dict[str, Any]:
    """The seed's plan with Mỹ Đông shrunk to 2 poor and 1 near-poor household, one committee
    member and one official per unit, and a roster of six people for Mỹ Đông only."""
    d = seed_data()
    d["plan"]["steering_count"] = 1
    d["plan"]["officials_count"] = 1
    d["units"][1] = ("xã", "Mỹ Đông", 2, 1)
    d["roster_units"] = []
    d["roster_rows"] = list(SMALL_ROWS)
    return d


def small_roster_workbook(path: Path) -> Path:
    return write_workbook(path, small_roster_data())


def without_roster_workbook(path: Path) -> Path:
    d = small_roster_data()
    d["roster_rows"] = []
    return write_workbook(path, d)


def issue_unit(plan: Plan, unit_name: str, out: Path) -> dict[str, Path]:
    """Issue the unit's invitation and list (library only); their paths by kind."""
    report = run_issue(
        plan, out_dir=out, units=[unit_name], only=["invitations"], templates_dir=TEMPLATES
    )
    return {
        s.job.kind.key: out / s.job.relpath
        for s in report.statuses
        if s.status in ("issued", "unchanged")
    }


def unit_named(plan: Plan, name: str) -> Unit:
    return next(u for u in plan.units if u.name == name)
