"""The registry of document kinds, read from ``kinds.toml`` beside the templates.

The file is the one place that says which documents a run issues: each kind's template, whether
it is issued once or per unit, its stage, its output name, when it is ready, its type
abbreviation, where its number and signer come from and what its template receives. Stages, the
CLI's ``--only`` choices and the README's tables follow from it. A folder given with
``--templates`` may carry its own ``kinds.toml``; without one, the shipped registry applies.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from vanban.documents import contexts
from vanban.documents.blocks import Context, plan_symbol
from vanban.documents.generic import generic_context
from vanban.errors import TemplateError
from vanban.model import Plan, Unit
from vanban.workbook.schema import TABLE_SHEETS

REGISTRY_NAME = "kinds.toml"
Scope = Literal["plan", "unit"]


def default_templates_dir() -> Path:
    """The templates vanban ships: package data when installed, ``templates/docx`` in a checkout.

    Found from this package's own location, never from the working folder.
    """
    package = Path(__file__).resolve().parents[1]
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates" / "docx"


def _always(plan: Plan, unit: Unit | None) -> str | None:
    return None


def _unit_has_result(plan: Plan, unit: Unit | None) -> str | None:
    if unit is not None and unit.result is None:
        return 'chưa có kết quả đối thoại ở sheet "Kết quả"'
    return None


def _unit_has_roster(plan: Plan, unit: Unit | None) -> str | None:
    if unit is not None and not unit.invitees:
        return (
            'đơn vị không có dòng nào ở sheet "Danh sách mời" (không bắt buộc): chỉ có giấy mời '
            "chung, không lập danh sách tham dự"
        )
    return None


def _all_units_have_results(plan: Plan, unit: Unit | None) -> str | None:
    missing = [u.name for u in plan.units if u.result is None]
    if missing:
        return f"còn {len(missing)} đơn vị chưa có kết quả: " + ", ".join(missing)
    if plan.summary.ref.date is None:
        return 'chưa có "Báo cáo tổng hợp: ngày" ở sheet "Kế hoạch"'
    return None


# Why a document cannot be issued now (not an error), or None when it is ready. Whether it then
# waits for data or is not called for at all is the run's to say (vanban.issuing.jobs).
READINESS: Mapping[str, Callable[[Plan, Unit | None], str | None]] = {
    "always": _always,
    "unit_has_result": _unit_has_result,
    "unit_has_roster": _unit_has_roster,
    "all_units_have_results": _all_units_have_results,
}
# What a kind's template receives, by the name kinds.toml gives ("context = ..."): the generic
# context unless it names a built-in arrangement.
BUILDERS: Mapping[str, Callable[[Plan, Unit | None, Any], Context]] = {
    "generic": generic_context,
    **contexts.BUILTIN,
}
METADATA = ("plan", "invitation", "report", "summary")
# Where each metadata source is written in the workbook, for messages.
METADATA_SOURCES: Mapping[str, str] = {
    "plan": 'sheet "Kế hoạch"',
    "invitation": 'sheet "Lịch đối thoại"',
    "report": 'sheet "Kết quả"',
    "summary": 'các mục "Báo cáo tổng hợp: …" của sheet "Kế hoạch"',
}
_FIELDS = {"key", "label", "template", "scope", "stage", "output", "ready", "type", "metadata"}
_OPTIONAL = {"context", "prints_roster", "needs_table", "signing"}
# How its PDF is signed (``vanban pdf``): "document", by the signer and then the organisation;
# "annex", a file of its own that only the organisation signs, at the top right of page 1.
SIGNING = ("document", "annex")
# A kind may wait for the rows of a sheet declared with a context key (its "needs_table").
TABLE_SHEET_NAMES: Mapping[str, str] = {str(s.context_key): s.name for s in TABLE_SHEETS}


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str  # Vietnamese, for the terminal and the review page
    template: str  # file name in the templates folder
    scope: Scope
    stage: str  # a stage runs only when the one before it succeeded
    output: str  # relative path; "{unit}" is replaced by the unit's slug
    ready: str  # a name in READINESS
    type: str  # the type abbreviation in the document's number
    metadata: str  # a name in METADATA: where number, date and signer come from
    context: str = "generic"  # a name in BUILDERS
    prints_roster: bool = False  # the audit log records how many people, never who
    needs_table: str | None = None  # a context key: pending while that sheet has no row
    signing: str = "document"  # a name in SIGNING: which signature fields its PDF has
    stage_number: int = field(default=0, compare=False)  # 1 for the first stage
    stage_label: str = field(default="", compare=False)
    # The plan's own type abbreviation (the registry's ``plan_type``): every document that cites
    # the plan prints its number with it, whatever its own type.
    plan_type: str = field(default="", compare=False)

    def unmet(self, plan: Plan, unit: Unit | None) -> tuple[str, str] | None:
        """The first condition the document waits on and why: ("needs_table", why) or its
        ``ready`` name and why; None when it can be issued now.

        The condition is named so that the run can tell data still to come from data the plan
        may go without (``vanban.issuing.jobs.NOT_CALLED_FOR``).
        """
        if self.needs_table is not None and not plan.tables.get(self.needs_table):
            return "needs_table", f'chưa có dòng nào ở sheet "{TABLE_SHEET_NAMES[self.needs_table]}"'
        why = READINESS[self.ready](plan, unit)
        return (self.ready, why) if why else None

    def build_context(self, plan: Plan, unit: Unit | None) -> Context:
        return BUILDERS[self.context](plan, unit, self)


@dataclass(frozen=True)
class Registry:
    kinds: tuple[DocumentKind, ...]
    stage_labels: Mapping[str, str]  # in issue order
    source: Path
    plan_type: str  # the type abbreviation of the plan itself: "KH" in "6662/KH-UBND"

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(self.stage_labels)

    def plan_symbol(self, plan: Plan) -> str:
        """ "6662/KH-UBND"; a draft's "     /KH-UBND" leaves the number to the records office."""
        return plan_symbol(plan, self.plan_type)

    def kind(self, key: str) -> DocumentKind:
        for k in self.kinds:
            if k.key == key:
                return k
        raise KeyError(key)


def _bad(source: Path, where: str, message: str) -> TemplateError:
    return TemplateError(f"Tệp danh mục văn bản {source}, {where}: {message}.")


def _kind(source: Path, n: int, raw: Mapping[str, Any], labels: Mapping[str, Any]) -> DocumentKind:
    stages = list(labels)
    where = f"mục [[kind]] thứ {n}"
    if not isinstance(raw, Mapping):
        raise _bad(source, where, "phải là một bảng khóa = giá trị")
    unknown = set(raw) - _FIELDS - _OPTIONAL
    if unknown:
        raise _bad(source, where, "không có trường " + ", ".join(sorted(unknown)))
    missing = _FIELDS - set(raw)
    if missing:
        raise _bad(source, where, "thiếu trường " + ", ".join(sorted(missing)))
    values = {k: raw[k] for k in _FIELDS | (_OPTIONAL & set(raw))}
    for name, value in values.items():
        valid = (
            isinstance(value, bool)
            if name == "prints_roster"
            else (isinstance(value, str) and bool(value.strip()))
        )
        if not valid:
            raise _bad(source, f"{where}, trường {name}", "giá trị không hợp lệ")
    choices: dict[str, Any] = {
        "scope": ("plan", "unit"),
        "stage": stages,
        "ready": tuple(READINESS),
        "metadata": METADATA,
        "context": tuple(BUILDERS),
        "needs_table": tuple(TABLE_SHEET_NAMES),
        "signing": SIGNING,
    }
    for name, allowed in choices.items():
        if name in values and values[name] not in allowed:
            raise _bad(
                source, f"{where}, trường {name}", f'"{values[name]}" không thuộc {list(allowed)}'
            )
    template, output = values["template"], values["output"]
    if "/" in template or "\\" in template or not template.endswith(".docx"):
        raise _bad(source, f"{where}, trường template", "phải là tên một tệp .docx trong thư mục")
    per_unit = "{unit}" in output
    if per_unit != (values["scope"] == "unit") or not output.endswith(".docx"):
        raise _bad(
            source,
            f"{where}, trường output",
            'văn bản theo đơn vị phải có "{unit}" trong tên tệp, văn bản chung thì không; '
            "tên tệp kết thúc bằng .docx",
        )
    try:
        output.format(unit="x")
    except (KeyError, IndexError, ValueError):
        raise _bad(source, f"{where}, trường output", 'chỉ được dùng "{unit}"') from None
    if values["metadata"] in ("invitation", "report") and values["scope"] != "unit":
        raise _bad(source, f"{where}, trường metadata", "chỉ văn bản theo đơn vị mới dùng được")
    if values["metadata"] == "report" and values["ready"] != "unit_has_result":
        raise _bad(
            source,
            f"{where}, trường ready",
            'văn bản lấy số và người ký từ "Kết quả" phải có ready = "unit_has_result"',
        )
    return DocumentKind(
        **values,
        stage_number=stages.index(values["stage"]) + 1,
        stage_label=str(labels[values["stage"]]),
    )


@lru_cache(maxsize=8)
def _load(source: Path, mtime_ns: int) -> Registry:
    try:
        data = tomllib.loads(source.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"Không đọc được tệp danh mục văn bản {source}: {exc}.") from exc
    stage_labels = data.get("stages")
    if not isinstance(stage_labels, dict) or not stage_labels:
        raise _bad(source, "bảng [stages]", "phải liệt kê các giai đoạn theo thứ tự phát hành")
    stages = list(stage_labels)
    raw_kinds = data.get("kind")
    if not isinstance(raw_kinds, list) or not raw_kinds:
        raise _bad(source, "mục [[kind]]", "chưa có loại văn bản nào")
    kinds = [_kind(source, n, raw, stage_labels) for n, raw in enumerate(raw_kinds, start=1)]
    for attribute in ("key", "output"):
        seen: set[str] = set()
        for k in kinds:
            value = getattr(k, attribute)
            if value in seen:
                raise _bad(source, f"trường {attribute}", f'"{value}" dùng cho hai loại văn bản')
            seen.add(value)
    plan_type = _plan_type(source, kinds)
    kinds = [replace(k, plan_type=plan_type) for k in kinds]
    ordered = tuple(sorted(kinds, key=lambda k: k.stage_number))
    return Registry(ordered, {s: str(stage_labels[s]) for s in stages}, source, plan_type)


def _plan_type(source: Path, kinds: list[DocumentKind]) -> str:
    """The plan's own type abbreviation: the ``type`` of the kind that is the plan itself, the
    first whose template receives the plan's arrangement (``context = "plan"``)."""
    for kind in kinds:
        if kind.context == "plan":
            return kind.type
    raise _bad(
        source,
        "mục [[kind]]",
        'chưa có loại văn bản nào là chính kế hoạch (context = "plan"); ký hiệu của kế hoạch '
        '(như "KH" trong "6662/KH-UBND") lấy từ trường type của loại văn bản đó',
    )


def read_registry(source: Path) -> Registry:
    """The registry in the file ``source``, read again only when the file changed."""
    try:
        mtime = source.stat().st_mtime_ns
    except OSError as exc:
        raise TemplateError(f"Không tìm thấy tệp danh mục văn bản {source}.") from exc
    return _load(source, mtime)


def load_registry(templates_dir: Path | None = None) -> Registry:
    """The registry of ``templates_dir`` (its own kinds.toml, else the shipped one)."""
    source = Path(templates_dir or default_templates_dir()) / REGISTRY_NAME
    if not source.is_file():
        source = default_templates_dir() / REGISTRY_NAME
    return read_registry(source)


def default_registry() -> Registry:
    return load_registry(None)
