"""Where everything stands on a result form, and what identifies one.

The writer and the collector share this one description: the cells are a function of the
number of topics only, so a form is read back from the same coordinates it was written with. A
form's identity (its plan, its unit and a form id derived from both) lives on a very-hidden
sheet that Excel's menus cannot show, and the collector checks it against the plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from vanban.model import Plan, Unit
from vanban.text.names import match_key

FORM_SHEET = "Phiếu kết quả"
GUIDE_SHEET = "Hướng dẫn"
IDENTITY_SHEET = "vanban"
FORMAT = "vanban/phieu-ket-qua"
VERSION = 1

# Columns of the form sheet: A number, B label, C the figure the plan gives, D.. the inputs.
INPUT_COLUMN = "D"
# The opinions table: raised, answered on the spot, passed up, main content.
OPINION_COLUMNS = {"raised": "C", "answered": "D", "passed_up": "E", "content": "F"}

# Without a summary date, a unit may report up to this many days after the period ends.
REPORT_GRACE_DAYS = 30

# Identity keys on the hidden sheet, in the order written.
IDENTITY_KEYS = (
    "format", "version", "form_id", "plan_issuer", "plan_symbol", "plan_date", "plan_slug",
    "unit", "unit_slug", "topics",
)


@dataclass(frozen=True)
class Layout:
    """The rows of a form with ``topics`` topics; every input cell by the Result field it feeds."""

    topics: int

    @property
    def report_rows(self) -> dict[str, int]:
        return {"number": 8, "date": 9}

    @property
    def attendance_header(self) -> int:
        return 12

    @property
    def attendance_rows(self) -> dict[str, int]:
        return {"steering": 13, "officials": 14, "poor": 15, "near_poor": 16,
                "issuer_delegates": 17}

    @property
    def opinions_header(self) -> int:
        return 20

    def topic_row(self, number: int) -> int:
        return self.opinions_header + number

    @property
    def closing_start(self) -> int:
        """The heading row of section IV, after the topics."""
        return self.opinions_header + self.topics + 2

    @property
    def closing_rows(self) -> dict[str, int]:
        s = self.closing_start
        return {"policies": s + 1, "proposals": s + 2, "spent": s + 3,
                "authority": s + 6, "signer_title": s + 7, "signer_name": s + 8}

    @property
    def signer_heading(self) -> int:
        return self.closing_start + 5

    @property
    def cells(self) -> dict[str, str]:
        """Result field key -> its input cell ("D15")."""
        rows = self.report_rows | self.attendance_rows | self.closing_rows
        return {key: f"{INPUT_COLUMN}{row}" for key, row in rows.items()}

    def opinion_cells(self, number: int) -> dict[str, str]:
        row = self.topic_row(number)
        return {key: f"{col}{row}" for key, col in OPINION_COLUMNS.items()}

    def all_inputs(self) -> list[str]:
        out = list(self.cells.values())
        for n in range(1, self.topics + 1):
            out += list(self.opinion_cells(n).values())
        return out


def form_id(plan: Plan, unit: Unit) -> str:
    """The same plan and unit always give the same id; another plan or unit, another id.

    The plan's number is left out, so a form sent while the plan was a draft still belongs to it.
    """
    issued = plan.ref.date.isoformat() if plan.ref.date else ""
    key = "|".join((FORMAT, match_key(plan.issuer.name), issued, match_key(unit.place.text)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def dialogue_day(plan: Plan, unit: Unit) -> date:
    return unit.schedule.day if unit.schedule is not None else plan.period_start


def report_window(plan: Plan, unit: Unit) -> tuple[date, date]:
    """The dates a unit's report may carry: from its dialogue to the summary report.

    A report cannot precede the dialogue it reports; it must come before the summary that sums it
    up, or, when the plan has no summary date yet, within a month of the period's end.
    """
    first = dialogue_day(plan, unit)
    last = plan.summary.ref.date or plan.period_end + timedelta(days=REPORT_GRACE_DAYS)
    return first, max(first, last)
