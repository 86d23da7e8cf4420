"""What the terminal shows: short Rich summaries in Vietnamese.

Nothing printed here names a person from the roster; units are places, not people. Rich markup
is vanban's own: every piece of data (a cell's text, a unit or file name, a message that quotes
one) goes through ``escape`` or a ``Text``, so "[/]" or "41 [hộ]" in a workbook prints as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from vanban.errors import Problem, VanbanError, WorkbookError
from vanban.issuing.jobs import STATUSES, DocState, RunReport
from vanban.model import Plan
from vanban.outdir import HISTORY_DIR, PACKAGE_SUFFIX, REGISTERS_DIR, SIGNED_DIR
from vanban.text.formatting import group_digits, short_date, vnd

STATUS_LABELS = {status: short for status, (short, _) in STATUSES.items()}
# Shown one by one, in red: what the clerk must act on.
_FAILURES: frozenset[DocState] = frozenset({"failed", "refused"})
# Grouped by their common reason: what waits for data or for an earlier stage.
_WAITING: frozenset[DocState] = frozenset({"pending", "not_attempted"})
# Grouped too, but dim and last: what the plan does not call for is no work outstanding.
_NOT_EXPECTED: frozenset[DocState] = frozenset({"not_expected"})


def error(console: Console, exc: VanbanError) -> None:
    if isinstance(exc, WorkbookError):
        console.print(Text(exc.message.splitlines()[0], style="bold red"))
        for p in exc.errors:
            console.print(Text.assemble("  ", ("✗", "red"), f" {p}"))
        warnings = [p for p in exc.problems if not p.is_error]
        if warnings:
            console.print(f"Cảnh báo ({len(warnings)}):")
            for p in warnings:
                console.print(Text.assemble("  ", ("!", "yellow"), f" {p}"))
        return
    console.print(Text.assemble(("Lỗi:", "bold red"), f" {exc.message}"))


def warnings(console: Console, items: Iterable[Problem | str]) -> None:
    items = list(items)
    if items:
        console.print(f"Cảnh báo ({len(items)}):")
        for w in items:
            console.print(Text.assemble("  ", ("!", "yellow"), f" {w}"))


def plan_summary(console: Console, plan: Plan, symbol: str) -> None:
    """The plan in a few lines; ``symbol`` as the run's registry writes it ("6662/KH-UBND")."""
    console.print(f"[bold green]Bảng tính hợp lệ.[/] Kế hoạch số {escape(symbol)}")
    console.print(f"  Cơ quan ban hành: {plan.issuer.name}", markup=False)
    console.print(f"  Thời gian: {short_date(plan.period_start)} – {short_date(plan.period_end)}")
    console.print(
        f"  Đơn vị: {len(plan.units)}; hộ nghèo {group_digits(plan.poor)}, hộ cận nghèo "
        f"{group_digits(plan.near_poor)}, tổng {group_digits(plan.households)} hộ"
    )
    console.print(f"  Kinh phí: {vnd(plan.budget)}")
    console.print(f"  Đã có kết quả: {len(plan.units_with_results)}/{len(plan.units)} đơn vị")


def run_summary(console: Console, report: RunReport) -> None:
    """One row per kind of document with its counts, then only what needs the clerk's eye."""
    kinds: dict[str, dict[DocState, int]] = {}  # in the order of the run: by stage
    for s in report.statuses:
        counts = kinds.setdefault(s.job.kind.label, {})
        counts[s.status] = counts.get(s.status, 0) + 1
    table = Table(title="Văn bản")
    table.add_column("Văn bản")
    columns = [k for k in STATUS_LABELS if report.count(k)]
    for key in columns:
        table.add_column(STATUS_LABELS[key], justify="right")
    for label, counts in kinds.items():
        table.add_row(Text(label), *(str(counts.get(k, "")) for k in columns))
    console.print(table)

    # Failures and refusals one by one; the others grouped by their common reason.
    for s in report.statuses:
        if s.status in _FAILURES:
            console.print(
                Text.assemble(
                    (f"✗ {STATUS_LABELS[s.status]}", "red"), f" {s.job.relpath}: {s.reason or ''}"
                )
            )
    for (label, reason), names in _grouped(report, _WAITING).items():
        console.print(Text.assemble((f"… {label}", "yellow"), f" ({_some(names)}): {reason}"))
    for (label, reason), names in _grouped(report, _NOT_EXPECTED).items():
        not_needed = f"– {label}, {STATUS_LABELS['not_expected']}"
        console.print(Text.assemble((not_needed, "dim"), f" ({_some(names)}): {reason}"))

    counts_line = ", ".join(
        f"{STATUS_LABELS[k]} {report.count(k)}" for k in STATUS_LABELS if report.count(k)
    )
    console.print(f"Tổng: {counts_line}.")
    console.print(Text.assemble("Thư mục: ", (str(report.out_dir), "bold")))
    if report.forms is not None:
        forms_received(console, report.forms)


def _grouped(report: RunReport, states: frozenset[DocState]) -> dict[tuple[str, str], list[str]]:
    """The documents in ``states`` by kind and reason: the units (or paths) of each group."""
    groups: dict[tuple[str, str], list[str]] = {}
    for s in report.statuses:
        if s.status in states:
            group = (s.job.kind.label, s.reason or "")
            groups.setdefault(group, []).append(s.job.unit_name or s.job.relpath)
    return groups


def _some(names: list[str], others: str = "đơn vị") -> str:
    return ", ".join(names[:4]) + (f" và {len(names) - 4} {others} khác" if len(names) > 4 else "")


FORM_STATUS_LABELS = {
    "written": "đã tạo",
    "unchanged": "không đổi",
    "replaced": "đã thay (phiếu trống)",
    "forced": f"đã ghi đè (bản cũ trong {HISTORY_DIR}/)",
}


def forms_written(console: Console, written: list[Any], out_dir: Path) -> None:
    counts: dict[str, int] = {}
    for w in written:
        counts[w.status] = counts.get(w.status, 0) + 1
    line = ", ".join(f"{FORM_STATUS_LABELS[k]} {n}" for k, n in counts.items())
    folder = written[0].path.parent if written else out_dir
    console.print(f"Phiếu kết quả: {len(written)} đơn vị ({line}).", markup=False)
    console.print(f"Thư mục: {folder}", markup=False)
    for w in written:
        if w.history is not None:
            console.print(f"  ! {w.path.name}: bản đã điền được cất tại {w.history}", markup=False)
    console.print(
        "Gửi mỗi đơn vị phiếu của mình; khi nhận lại, đặt các phiếu vào một thư mục và chạy "
        "vanban run BẢNG_TÍNH --results THƯ_MỤC.", markup=False,
    )


def forms_received(console: Console, index: Any) -> None:
    """Which units returned a form (with its report date), which are still awaited."""
    table = Table(title=f"Phiếu kết quả đã nhận ({len(index.received)})")
    for col in ("Đơn vị", "Tệp", "Ngày báo cáo"):
        table.add_column(col)
    for r in index.received:
        table.add_row(
            escape(r.unit), escape(r.file), short_date(r.report_date) if r.report_date else ""
        )
    if index.received:
        console.print(table)
    if index.from_sheet:
        console.print(
            f'Kết quả lấy từ sheet "Kết quả" ({len(index.from_sheet)}): '
            + ", ".join(index.from_sheet), markup=False,
        )
    if index.skipped:
        console.print(
            f"Phiếu gửi về chưa điền, bỏ qua ({len(index.skipped)}): "
            + ", ".join(f"{unit} ({file})" for unit, file in index.skipped), markup=False,
        )
    if index.awaited:
        console.print(
            f"Còn chờ phiếu ({len(index.awaited)}): " + ", ".join(index.awaited), markup=False
        )
    else:
        console.print("Mọi đơn vị đã có kết quả.", markup=False)


def check_findings(console: Console, findings: Mapping[Path, list[Any]], root: Path) -> int:
    bad = 0
    for path, items in findings.items():
        rel = path.relative_to(root) if path.is_relative_to(root) else path
        if not items:
            console.print(Text.assemble(("✓", "green"), f" {rel}: đạt thể thức"))
            continue
        bad += 1
        console.print(Text.assemble(("✗", "red"), f" {rel}: {len(items)} lỗi thể thức"))
        for f in items:
            console.print(f"    - {f.message} ({f.where}) [{f.rule}]", markup=False)
    if not findings:
        console.print(f"Không có tệp .docx nào trong {root}.", markup=False)
    return bad


def review_summary(console: Console, result: Any) -> None:
    console.print(Text.assemble("Đã tạo trang xem trước: ", (str(result.index), "bold")))
    console.print(f"  {len(result.pdfs)} tệp PDF, {len(result.pngs)} ảnh trang đầu")
    if result.message:
        console.print(Text(str(result.message), style="yellow"))


_PUBLISHED = {
    "written": "mới",
    "replaced": "cập nhật",
    "forced": "ghi đè bản đã sửa",
    "unchanged": "không đổi",
}


def published(console: Console, report: Any) -> None:
    """What ``vanban pdf`` wrote: counts, the documents awaiting their number, the warnings."""
    pubs = report.publications
    counts: dict[str, int] = {}
    for pub in pubs:
        counts[pub.status] = counts.get(pub.status, 0) + 1
    parts = [f"{n} {_PUBLISHED[s]}" for s, n in counts.items() if n]
    console.print(
        Text.assemble(
            f"Đã xuất {len(pubs)} PDF để ký số ({', '.join(parts) or 'không có'}); ",
            f"{report.converted} tệp vừa chuyển bằng LibreOffice.",
        )
    )
    console.print(Text.assemble("Thư mục: ", (str(report.out_dir / "pdf"), "bold")))
    _office(console, report.office)
    awaiting = [p.source for p in pubs if p.awaiting_number]
    if awaiting:
        console.print(
            Text(
                f"{len(awaiting)} văn bản chưa có số (dòng số để trống, chờ văn thư cấp số khi "
                "ký số): " + _some(awaiting, "văn bản"),
                style="yellow",
            )
        )
    resign = [p.source for p in pubs if p.resign]
    if resign:
        console.print(
            Text("Cần ký lại (văn bản đã đổi sau lần ký trước): " + _some(resign, "văn bản"))
        )
    for warning in report.warnings:
        console.print(Text(f"! {warning}", style="yellow"))


def signed(console: Console, report: Any, note: str) -> None:
    """What ``vanban signed`` recorded: each copy and its signers, then what was not checked."""
    console.print(f"Đã ghi nhận {len(report.copies)} bản đã ký số:")
    for copy in report.copies:
        console.print(
            Text.assemble(
                "  ",
                ("✓", "green"),
                f" {copy.file.name} → {copy.path}",
                (f"  ({'; '.join(copy.signers)})", "dim"),
            )  # fmt: skip
        )
    if report.packages:
        console.print(
            f"Gói edXML để gửi qua trục liên thông: {len(report.packages)} "
            f"(bên cạnh bản đã ký, {SIGNED_DIR}/…{PACKAGE_SUFFIX})."
        )
    for warning in report.warnings:
        console.print(Text(f"! {warning}", style="yellow"))
    console.print(Text(note, style="yellow"))


def _office(console: Console, outcomes: Any) -> None:
    """The metadata files and registers ``vanban pdf`` wrote, counted; where the registers are."""
    described = [o for o in outcomes if not o.relpath.startswith(REGISTERS_DIR + "/")]
    registers = [o for o in outcomes if o.relpath.startswith(REGISTERS_DIR + "/")]
    if described:
        console.print(
            f"Dữ liệu đặc tả (Phụ lục VI): {len(described) // 2} văn bản, mỗi văn bản một tệp "
            f".json và một tệp .xml bên cạnh PDF."
        )
    if registers:
        console.print(
            Text.assemble(
                f"Sổ đăng ký văn bản đi: {len(registers)} sổ (mỗi cơ quan ban hành một sổ) trong ",
                (str(REGISTERS_DIR) + "/", "bold"),
            )
        )


def verify_report(console: Console, result: Any) -> bool:
    if result.ok:
        console.print(
            f"[green]Sổ nhật ký toàn vẹn:[/] {result.checked_entries} dòng, "
            f"{result.checked_files} tệp khớp."
        )
        return True
    console.print(f"[red]Sổ nhật ký có {len(result.problems)} vấn đề:[/]")
    for p in result.problems:
        console.print(Text.assemble("  ", ("✗", "red"), f" {p}"))
    return False


def history_table(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(title="Lịch sử phát hành")
    for col in ("Thời gian", "Sự kiện", "Loại", "Đơn vị", "Tệp", "Mã băm", "Trạng thái", "Lần thử"):
        table.add_column(col)
    for r in rows:
        # Text, not str: a table cell given a str is read as markup.
        table.add_row(
            *(
                Text(str(r.get(k) or ""))
                for k in ("time", "event", "kind", "unit", "path", "hash", "status", "attempts")
            )
        )
    console.print(table)


def lint_findings(console: Console, findings: list[Any]) -> bool:
    if not findings:
        console.print("[green]Mọi mẫu đều hợp lệ.[/]")
        return True
    for f in findings:
        mark = ("!", "yellow") if getattr(f, "warning", False) else ("✗", "red")
        console.print(Text.assemble(mark, f" {f}"))
    if all(getattr(f, "warning", False) for f in findings):
        console.print("[green]Mọi mẫu đều dùng được.[/]")
        return True
    return False
