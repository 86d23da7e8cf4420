"""An illustrative roster for the example workbook: invented people, consistent with the plan.

The seed names no household, so the example's "Danh sách mời" is made up: Vietnamese names drawn
from short lists of family, middle and given names, hamlets named after the unit. The draw is
seeded by the unit's name, so the same unit always gets the same people; counts per group are the
unit's and the plan's, so the roster is valid. No row is a real person.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from typing import Any

FAMILY = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng",
    "Đỗ", "Ngô", "Hồ", "Dương", "Lâm", "Đoàn", "Lý", "Châu", "Mai", "Cao",
)  # fmt: skip
MIDDLE = {
    "m": ("Văn", "Văn", "Hữu", "Minh", "Thanh", "Công", "Quốc", "Hoàng", "Đức"),
    "f": ("Thị", "Thị", "Thị", "Ngọc", "Thanh", "Kim", "Mỹ"),
}
GIVEN = {
    "m": ("Bình", "Cường", "Dũng", "Hùng", "Khánh", "Lộc", "Nam", "Phúc", "Quang", "Sơn", "Tài",
          "Thắng", "Toàn", "Trung", "Vinh", "Tâm", "Hải", "Long", "Phước", "Nghĩa", "Thành",
          "Tuấn"),
    "f": ("Hoa", "Lan", "Mai", "Nga", "Hồng", "Thảo", "Trang", "Tuyết", "Yến", "Liên", "Hạnh",
          "Nhung", "Phượng", "Xuân", "Cúc", "Loan", "Diễm", "Hương"),
}  # fmt: skip
HAMLET_WORDS = ("Phước", "Thạnh", "Lợi", "Hưng", "Phú", "Hòa", "An", "Thới")
ROSTER_NOTE = (
    "họ tên do máy tạo ngẫu nhiên, không phải người thật; số người mỗi thành phần khớp với kế "
    "hoạch."
)


def name_drawer(rng: random.Random) -> Callable[[], str]:
    """A source of invented full names, none twice, drawn from ``rng`` (seeded by the caller, so
    a workbook is the same on every build)."""
    used: set[str] = set()

    def person() -> str:
        while True:
            sex = rng.choice("mf")
            full = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
            if full not in used:
                used.add(full)
                return full

    return person


def roster_rows(
    label: str, name: str, poor: int, near_poor: int, steering: int, officials: int
) -> list[list[Any]]:
    """Rows of "Danh sách mời" for one unit ("Xã Mỹ Quý", "Mỹ Quý"), as a clerk would type them:
    the committee, the hamlet officials, then the households hamlet by hamlet."""
    rng = random.Random(zlib.crc32(label.encode("utf-8")))
    last = name.split()[-1]
    hamlets = [f"{last} {word}" for word in rng.sample(HAMLET_WORDS, 4)]
    person = name_drawer(rng)

    rows: list[list[Any]] = [[label, None, person(), "Ban Chỉ đạo", None] for _ in range(steering)]
    rows += [
        [label, hamlets[i % len(hamlets)], person(), "cán bộ ấp/khóm",
         "Trưởng ấp" if i < len(hamlets) else "Phó trưởng ấp"]
        for i in range(officials)
    ]  # fmt: skip
    households = [
        (rng.randrange(len(hamlets)), [category, person()])
        for category, count in (("hộ nghèo", poor), ("hộ cận nghèo", near_poor))
        for _ in range(count)
    ]
    households.sort(key=lambda h: h[0])  # stable: the poor first within each hamlet
    return rows + [[label, hamlets[i], name, category, None] for i, (category, name) in households]
