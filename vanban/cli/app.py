"""The ``vanban`` command line: it parses, calls the library, and prints in Vietnamese.

Every error vanban raises on purpose is caught once, in :func:`main`, and becomes a message
and the exit code its class carries (see :mod:`vanban.errors`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from vanban.cli import report as show
from vanban.errors import VanbanError
from vanban.outdir import HISTORY_DIR

if TYPE_CHECKING:
    from vanban.issuing.jobs import RunReport

app = typer.Typer(
    help="vanban: phát hành văn bản hành chính (Nghị định 30/2020/NĐ-CP) từ bảng tính kế hoạch.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
audit_app = typer.Typer(help="Sổ nhật ký phát hành: kiểm tra và xem lịch sử.", no_args_is_help=True)
templates_app = typer.Typer(help="Mẫu văn bản Word.", no_args_is_help=True)
server_app = typer.Typer(
    help="Máy chủ Prefect cục bộ: giao diện web xem các lần chạy.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
app.add_typer(templates_app, name="templates")
app.add_typer(server_app, name="server")

# No emoji codes either: ":x:" in a cell is text, not a picture. Data is never markup (report.py).
console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)



WorkbookArg = Annotated[Path, typer.Argument(help="Tệp bảng tính .xlsx")]
TemplatesOpt = Annotated[
    Path | None,
    typer.Option("--templates", help="Thư mục mẫu .docx (có thể kèm kinds.toml riêng)"),
]
ResultsOpt = Annotated[
    Path | None,
    typer.Option("--results", help="Thư mục phiếu kết quả các đơn vị gửi về"),
]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Thư mục đầu ra")]
UnitOpt = Annotated[
    list[str] | None,
    typer.Option("--unit", help="Chỉ phát hành lại cho đơn vị này (lặp lại được)"),
]
OnlyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        help="Chỉ chạy giai đoạn (theo danh mục văn bản của mẫu): plan, annex, invitations, "
        "reports, summary",
    ),
]


@app.command()
def check(
    workbook: WorkbookArg,
    templates: TemplatesOpt = None,
    results: ResultsOpt = None,
    out: OutOpt = None,
    unit: UnitOpt = None,
    only: OnlyOpt = None,
) -> None:
    """Kiểm tra bảng tính (và phiếu kết quả, mẫu), không ghi gì: tóm tắt khi đúng, mọi lỗi kèm sheet và ô khi sai."""
    from vanban.prepare import prepare_run

    prepared = prepare_run(
        workbook, out_dir=out, results_dir=results, units=unit or (), only=only or (),
        templates_dir=templates,
    )
    if not prepared.ok:
        show.warnings(err_console, prepared.warnings)  # they may explain an error
        prepared.raise_errors()
    assert prepared.plan is not None and prepared.registry is not None
    show.plan_summary(console, prepared.plan, prepared.registry.plan_symbol(prepared.plan))
    show.warnings(console, prepared.warnings)


@app.command()
def run(
    workbook: WorkbookArg,
    out: OutOpt = None,
    unit: UnitOpt = None,
    only: OnlyOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=f"Ghi đè tệp đã sửa tay (bản đã sửa được cất vào {HISTORY_DIR}/)"
        ),
    ] = False,
    templates: TemplatesOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Hiện nhật ký của Prefect")] = False,
    dask: Annotated[
        bool,
        typer.Option("--dask", help="Chạy các tác vụ trên cụm Dask cục bộ (cần gói prefect-dask)"),
    ] = False,
    results: ResultsOpt = None,
) -> None:
    """Kiểm tra bảng tính rồi phát hành toàn bộ văn bản qua luồng Prefect."""
    from vanban.server.connection import connect
    from vanban.server.home import configure

    # The server (a temporary one starts here) and the flow's imports come up in the background
    # while the run is prepared: bad input is reported at once and nothing is written.
    connection = connect(configure(verbose))
    try:
        report = _run_with_progress(
            connection,
            verbose=verbose,
            dask=dask,
            workbook=workbook,
            out_dir=out,
            results_dir=results,
            units=unit or (),
            only=only or (),
            templates_dir=templates,
            force=force,
        )
    finally:
        connection.close()
        if verbose and connection.temporary is not None:
            err_console.print(f"Nhật ký máy chủ tạm ({connection.temporary.log_path}):")
            err_console.print(connection.temporary.log_of_this_run(), markup=False)
    show.run_summary(console, report)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _run_with_progress(
    connection: Any, *, verbose: bool, dask: bool, **request: Any
) -> RunReport:
    """Prepare the run while Prefect starts, then run the flow here, drawing the progress."""
    from vanban.cli.progress import RunProgress
    from vanban.server.connection import prepare_in_background

    with RunProgress(err_console, live=not verbose) as progress:
        progress.note(connection.describe())
        starting = progress.begin("Khởi động Prefect")
        flows = prepare_in_background(connection, starting, dask=dask)
        checking = progress.begin("Kiểm tra bảng tính")
        try:
            from vanban.prepare import prepare_run

            prepared = prepare_run(**request)
        except BaseException:
            checking.fail()
            raise
        if prepared.ok:
            checking.finish()
        else:
            checking.fail()
        # Said before the errors too: a warning may explain one (a form skipped, a link).
        show.warnings(err_console, prepared.warnings)
        prepared.raise_errors()
        report: RunReport = flows.result().run_locally(
            prepared, api_url=connection.api_url, progress=progress, dask=dask
        )
    return report


@server_app.command("start")
def server_start(
    port: Annotated[int, typer.Option("--port", help="Cổng của máy chủ")] = 4200,
) -> None:
    """Chạy máy chủ Prefect cục bộ ở chế độ nền (127.0.0.1), có giao diện web."""
    from vanban.server.home import configure
    from vanban.server.local import start_local
    from vanban.server.ports import ui_url

    home = configure(verbose=False)
    with err_console.status("Đang khởi động máy chủ Prefect…"):
        api_url = start_local(home, port)
    console.print(f"Máy chủ Prefect đang chạy. Giao diện: {ui_url(api_url)}")
    console.print(f"Thư mục Prefect: {home}; dừng bằng `vanban server stop`.", markup=False)


@server_app.command("status")
def server_status() -> None:
    """Cho biết máy chủ Prefect cục bộ có đang chạy không."""
    from vanban.server.home import prefect_home
    from vanban.server.local import check_local, status_line

    # Running only when proved: its port answers as Prefect and the recorded pid listens on it.
    home = prefect_home()
    found = check_local(home)
    console.print(status_line(found, home), markup=False)
    if found.state != "running":
        raise typer.Exit(1)


@server_app.command("stop")
def server_stop() -> None:
    """Dừng máy chủ Prefect cục bộ."""
    from vanban.server.home import prefect_home
    from vanban.server.local import stop_line, stop_local

    # Only a process proved to be this home's server is signalled; a stale record is removed.
    home = prefect_home()
    found, removed = stop_local(home)
    console.print(stop_line(found, removed, home), markup=False)
    if found.state in ("silent", "unproven"):
        raise typer.Exit(1)


@app.command()
def forms(
    workbook: WorkbookArg,
    out: OutOpt = None,
    force: Annotated[
        bool,
        typer.Option("--force", help=f"Ghi đè phiếu đã điền (bản cũ được cất vào {HISTORY_DIR}/)"),
    ] = False,
    templates: TemplatesOpt = None,
) -> None:
    """Lập phiếu kết quả cho từng đơn vị (.xlsx) để đơn vị điền sau buổi đối thoại."""
    from vanban.documents.kinds import load_registry
    from vanban.forms.writing import write_forms
    from vanban.issuing.jobs import default_out_dir
    from vanban.workbook.loader import load_plan

    plan = load_plan(workbook)
    show.warnings(err_console, plan.warnings)
    registry = load_registry(templates)  # names the units' files, as a run with it would
    target = out or default_out_dir(plan, registry)
    written = write_forms(plan, target, registry, force=force)
    show.forms_written(console, written, target)


@app.command()
def review(
    outdir: Annotated[Path, typer.Argument(help="Thư mục đầu ra của một lần chạy")],
    check_only: Annotated[
        bool, typer.Option("--check", help="Chỉ kiểm tra thể thức (Nghị định 30), không tạo trang")
    ] = False,
) -> None:
    """Tạo trang xem trước review/index.html (PDF, ảnh trang đầu, thay đổi) hoặc chỉ kiểm tra thể thức."""
    if check_only:
        from vanban.decree30.checker import check_folder

        findings = check_folder(outdir)
        bad = show.check_findings(console, findings, outdir)
        if bad:
            raise typer.Exit(1)
        return
    from vanban.review.build import review_folder

    result = review_folder(outdir)
    show.review_summary(console, result)


OutdirArg = Annotated[Path, typer.Argument(help="Thư mục đầu ra của một lần chạy")]


@app.command()
def pdf(
    outdir: OutdirArg,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=f"Ghi đè PDF, tệp đặc tả đã bị sửa (bản cũ được cất vào {HISTORY_DIR}/)",
        ),
    ] = False,
    templates: TemplatesOpt = None,
) -> None:
    """Xuất PDF/A để ký số cho mọi văn bản đã phát hành, có sẵn ô chữ ký người ký và cơ quan;
    kèm dữ liệu đặc tả (.json, .xml) và sổ đăng ký văn bản đi của từng cơ quan ban hành."""
    from vanban.publishing.publish import publish

    show.published(console, publish(outdir, templates=templates, force=force))


@app.command()
def signed(
    outdir: OutdirArg,
    folder: Annotated[Path, typer.Argument(help="Thư mục các tệp PDF đã ký số")],
    force: Annotated[
        bool,
        typer.Option("--force", help=f"Thay bản đã ký khác đang có (bản cũ vào {HISTORY_DIR}/)"),
    ] = False,
    workbook: Annotated[
        Path | None,
        typer.Option("--workbook", help="Bảng tính đã ghi số, ngày văn thư cấp khi ký số"),
    ] = None,
    templates: TemplatesOpt = None,
) -> None:
    """Nhận các bản PDF đã ký số: đối chiếu với PDF đã xuất, kiểm tra chữ ký, lưu vào da-ky/
    kèm gói edXML của từng văn bản đã có số."""
    from vanban.publishing.signed import TRUST_NOTE, collect_signed

    report = collect_signed(outdir, folder, force=force, workbook=workbook, templates=templates)
    show.signed(console, report, TRUST_NOTE)


@app.command()
def ui(
    port: Annotated[int, typer.Option("--port", help="Cổng trên 127.0.0.1")] = 8765,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Không tự mở trình duyệt")
    ] = False,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", help="Thư mục làm việc (mặc định ~/vanban)"),
    ] = None,
) -> None:
    """Mở bàn làm việc trên trình duyệt: kiểm tra, phát hành, xem văn bản, phiếu kết quả."""
    from vanban.desk.serve import default_workspace, serve

    serve(workspace or default_workspace(), port=port, browser=not no_browser)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="Văn bản cũ .docx")],
    new: Annotated[Path, typer.Argument(help="Văn bản mới .docx")],
) -> None:
    """In khác biệt nội dung của hai văn bản, từng đoạn và từng ô bảng."""
    from vanban.review.textdiff import diff_documents, format_diff

    lines = diff_documents(old, new)
    text = format_diff(lines)
    console.print(text if text.strip() else "Hai văn bản có nội dung giống nhau.", markup=False)


@app.command("new-workbook")
def new_workbook(
    path: Annotated[Path, typer.Argument(help="Tên tệp .xlsx mới")],
) -> None:
    """Tạo bảng tính kế hoạch trống, có sheet Hướng dẫn và danh sách chọn."""
    from vanban.workbook.blank import write_blank_workbook

    write_blank_workbook(path)
    console.print(f'Đã tạo {path}. Mở sheet "Hướng dẫn" để biết cách điền.', markup=False)


@audit_app.command("verify")
def audit_verify(outdir: Annotated[Path, typer.Argument(help="Thư mục đầu ra")]) -> None:
    """Kiểm tra sổ nhật ký: chuỗi mã băm, tệp bị sửa, thiếu hoặc không có trong sổ."""
    from vanban.issuing.verifying import verify

    result = verify(outdir)
    if not show.verify_report(console, result):
        raise typer.Exit(1)


@audit_app.command("show")
def audit_show(
    outdir: Annotated[Path, typer.Argument(help="Thư mục đầu ra")],
    unit: Annotated[str | None, typer.Option("--unit", help="Chỉ hiện một đơn vị")] = None,
) -> None:
    """In lịch sử phát hành dạng bảng."""
    from vanban.issuing.verifying import history_rows

    show.history_table(console, history_rows(outdir, unit))


@templates_app.command("check")
def templates_check(
    directory: Annotated[
        Path | None, typer.Argument(help="Thư mục mẫu (mặc định: các mẫu kèm theo vanban)")
    ] = None,
) -> None:
    """Soát mẫu Word: cú pháp, biến và bộ lọc không có, thẻ bị Word tách rời."""
    from vanban.documents.kinds import default_templates_dir
    from vanban.documents.lint import lint_templates

    findings = lint_templates(directory or default_templates_dir())
    if not show.lint_findings(console, findings):
        raise typer.Exit(1)


@templates_app.command("new")
def templates_new(
    key: Annotated[str, typer.Argument(help="Khóa của loại văn bản mới, ví dụ thong_bao")],
    label: Annotated[str, typer.Option("--label", help="Tên loại văn bản, ví dụ \"Thông báo\"")],
    scope: Annotated[
        str, typer.Option("--scope", help="plan: một văn bản; unit: mỗi đơn vị một văn bản")
    ] = "plan",
    stage: Annotated[
        str | None, typer.Option("--stage", help="Giai đoạn phát hành (mặc định giai đoạn đầu)")
    ] = None,
    type_abbr: Annotated[
        str, typer.Option("--type", help="Chữ viết tắt tên loại trong số, ký hiệu, ví dụ TB")
    ] = "",
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Thư mục mẫu (mặc định: các mẫu kèm theo vanban)")
    ] = None,
) -> None:
    """Tạo khung mẫu Word cho một loại văn bản mới và thêm mục của nó vào kinds.toml."""
    from vanban.documents.skeleton import new_kind

    template, registry = new_kind(
        key, label=label, scope=scope, stage=stage, type_abbr=type_abbr, directory=directory
    )
    console.print(f"Đã tạo {template} và thêm loại văn bản \"{key}\" vào {registry}.", markup=False)
    console.print("Mở mẫu trong Word để viết nội dung, rồi chạy: vanban templates check", markup=False)


def main() -> None:
    """Entry point: the one place that turns vanban's errors into messages and exit codes.

    Typer handles its own usage errors (exit 2 with its usage line); everything vanban raises on
    purpose comes out of the command as a VanbanError and is shown here without a traceback.
    """
    try:
        app()
    except VanbanError as exc:
        show.error(err_console, exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Đã dừng.")
        sys.exit(130)
