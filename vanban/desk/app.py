"""The desk's web application: pages in Vietnamese over the library's own functions.

Every page and action calls the library (``prepare_run``, the Prefect flow through
:mod:`vanban.desk.runs`, ``review_folder``, ``write_forms``, ``verify``, ``history_rows``); the
desk has no logic of its own beyond showing. What a request may do is guarded in
:mod:`vanban.desk.guard`; what it may name, in :mod:`vanban.desk.workspace`. Data reaches a page
only through Jinja's autoescape, never as markup.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from vanban.desk import views
from vanban.desk.guard import Guard, TooLarge, read_body
from vanban.desk.runs import Runner
from vanban.desk.workspace import Workspace
from vanban.errors import InputError, VanbanError
from vanban.issuing.jobs import STATUSES

__all__ = ["Desk", "create_app"]

_log = logging.getLogger("vanban.desk")

# Caps on what may be uploaded: a plan's workbook (a national plan with 108,000 roster rows is
# about 6 MB) and one returned form.
WORKBOOK_LIMIT = 30 * 1024 * 1024
FORM_LIMIT = 5 * 1024 * 1024
SIGNED_LIMIT = 100 * 1024 * 1024  # a signed PDF: a 100-page letter with images is a few MB
_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".jsonl": "application/json",
    ".html": "text/html; charset=utf-8",
}


class Desk:
    """What the pages share: the workspace, the runner, the token, the templates."""

    def __init__(self, workspace: Workspace, runner: Runner, token: str) -> None:
        self.workspace = workspace
        self.runner = runner
        self.token = token
        folder = str(resources.files("vanban.desk") / "pages")
        # Autoescape on every page: whatever a workbook, a form or a file name holds is text.
        # Sandboxed like every template vanban renders, though these pages are its own.
        env = SandboxedEnvironment(loader=FileSystemLoader(folder), autoescape=True)
        self.templates = Jinja2Templates(env=env)

    def page(self, request: Request, name: str, **context: Any) -> Response:
        context |= {"token": self.token, "server": self.runner.server}
        response: Response = self.templates.TemplateResponse(request, name, context)
        return response


Handler = Callable[[Request], Awaitable[Response]]


def _answer(desk: Desk, handler: Callable[[Desk, Request], Awaitable[Response]]) -> Handler:
    """A route whose VanbanError becomes the clerk's message (JSON for the API, a page else)."""

    async def route(request: Request) -> Response:
        try:
            return await handler(desk, request)
        except TooLarge as exc:
            text = f"Tệp quá lớn: tối đa {exc.limit // (1024 * 1024)} MB."
            return _error(desk, request, text, 413)
        except VanbanError as exc:
            status = 409 if exc.exit_code == 4 else 400
            return _error(desk, request, exc.message, status)
        except Exception:  # noqa: BLE001 - the clerk reads a sentence; the window, the details
            _log.exception("desk: %s %s", request.method, request.url.path)
            text = "Lỗi không lường trước; chi tiết ở cửa sổ chạy bàn làm việc. Hãy thử lại."
            return _error(desk, request, text, 500)

    return route


def _error(desk: Desk, request: Request, text: str, status: int) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": text}, status_code=status)
    response = desk.page(request, "error.html", message=text)
    response.status_code = status
    return response


# --- pages ---------------------------------------------------------------------------------------


async def plans_page(desk: Desk, request: Request) -> Response:
    rows = await run_in_threadpool(views.plan_rows, desk.workspace, desk.runner)
    loose = desk.workspace.loose_workbooks()
    return desk.page(
        request, "plans.html", plans=rows, loose=loose, workspace=str(desk.workspace.root)
    )


async def plan_home(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    return RedirectResponse(f"/plans/{plan.id}/check", status_code=303)


async def check_page(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    fresh = request.query_params.get("lai") == "1"
    check = await run_in_threadpool(lambda: views.checked(plan, fresh=fresh))
    return desk.page(request, "check.html", plan=plan, check=check, tab="check")


async def issue_page(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    state = desk.runner.state(plan.id)
    check = await run_in_threadpool(views.checked, plan)
    return desk.page(
        request, "issue.html", plan=plan, check=check, tab="issue",
        run=json.dumps(state.as_json() if state else None, ensure_ascii=False),
    )  # fmt: skip


async def documents_page(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    docs = await run_in_threadpool(views.documents, plan)
    labels = {state: sentence for state, (_, sentence) in STATUSES.items()}
    return desk.page(
        request, "documents.html", plan=plan, docs=docs, tab="documents", labels=labels
    )


async def changes_page(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    found = await run_in_threadpool(views.changes, plan, request.path_params["path"])
    return desk.page(request, "changes.html", plan=plan, changes=found, tab="documents")


async def forms_page(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    forms = await run_in_threadpool(views.forms_state, plan)
    return desk.page(request, "forms.html", plan=plan, forms=forms, tab="forms")


async def signing_page(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    state = await run_in_threadpool(views.signing_state, plan)
    return desk.page(request, "signing.html", plan=plan, signing=state, tab="signing")


async def history_page(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    unit = request.query_params.get("don-vi") or None
    history = await run_in_threadpool(views.history, plan, unit)
    return desk.page(request, "history.html", plan=plan, history=history, tab="history")


async def output_file(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    relpath = request.path_params["path"]
    data = await run_in_threadpool(plan.output_file, relpath)
    kind = _CONTENT_TYPES.get(Path(relpath).suffix.lower(), "application/octet-stream")
    inline = kind in ("application/pdf", "image/png")
    name = Path(relpath).name.encode("ascii", "replace").decode().replace('"', "")
    disposition = "inline" if inline else f'attachment; filename="{name}"'
    return Response(data, media_type=kind, headers={"content-disposition": disposition})


async def set_zip(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    only = "forms" if request.query_params.get("only") == "forms" else None
    _not_while_issuing(desk, plan.id)
    data = await run_in_threadpool(views.set_zip, plan, only)
    name = f"{plan.id}{'-' + only if only else ''}.zip"
    return Response(data, media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip


async def blank_workbook(desk: Desk, request: Request) -> Response:
    data = await run_in_threadpool(views.blank_workbook)
    return Response(data, media_type=_CONTENT_TYPES[".xlsx"],
                    headers={"content-disposition": 'attachment; filename="ke-hoach-trong.xlsx"'})  # fmt: skip


# --- actions (JSON) ------------------------------------------------------------------------------


async def add_plan(desk: Desk, request: Request) -> Response:
    data = await read_body(request, WORKBOOK_LIMIT)
    plan = await run_in_threadpool(views.add_plan, desk.workspace, data, _upload_name(request))
    return JSONResponse({"plan": plan.id, "url": f"/plans/{plan.id}/check"})


async def adopt_plan(desk: Desk, request: Request) -> Response:
    name = str((await _json(request)).get("name") or "")
    data = await run_in_threadpool(desk.workspace.loose_workbook, name)
    plan = await run_in_threadpool(views.add_plan, desk.workspace, data, name)
    return JSONResponse({"plan": plan.id, "url": f"/plans/{plan.id}/check"})


async def replace_workbook(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    data = await read_body(request, WORKBOOK_LIMIT)
    await run_in_threadpool(
        views.replace_workbook, desk.workspace, plan, data, _upload_name(request)
    )
    return JSONResponse({"plan": plan.id, "url": f"/plans/{plan.id}/check"})


async def start_run(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    asked = await _json(request)
    listed = asked.get("units")
    units = [u for u in listed if isinstance(u, str)][:50] if isinstance(listed, list) else []
    state = desk.runner.start(plan, units=units, force=bool(asked.get("force")))
    return JSONResponse(state.as_json(), status_code=202)


async def run_state(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    state = desk.runner.state(plan.id)
    return JSONResponse(state.as_json() if state else None)


async def make_previews(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    done = await run_in_threadpool(views.make_previews, plan)
    return JSONResponse(done)


async def write_forms(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    written = await run_in_threadpool(views.write_forms, plan)
    return JSONResponse({"written": written})


async def add_returned_form(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    data = await read_body(request, FORM_LIMIT)
    await run_in_threadpool(views.add_returned_form, plan, data, _upload_name(request))
    return JSONResponse({"url": f"/plans/{plan.id}/forms"})


async def publish_pdfs(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    _not_while_issuing(desk, plan.id)
    return JSONResponse(await run_in_threadpool(views.publish_pdfs, plan))


async def add_signed(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    data = await read_body(request, SIGNED_LIMIT)
    await run_in_threadpool(views.add_signed, plan, data)
    return JSONResponse({"url": f"/plans/{plan.id}/signing"})


async def remove_signed(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    await run_in_threadpool(plan.remove_signed, request.path_params["name"])
    return JSONResponse({"url": f"/plans/{plan.id}/signing"})


async def record_signed(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    _not_while_issuing(desk, plan.id)
    return JSONResponse(await run_in_threadpool(views.record_signed, plan))


def _not_while_issuing(desk: Desk, plan_id: str) -> None:
    if desk.runner.running(plan_id):
        raise InputError("Kế hoạch đang được phát hành; chờ phát hành xong rồi bấm lại.")


async def remove_returned_form(desk: Desk, request: Request) -> Response:
    plan = desk.workspace.plan(request.path_params["plan"])
    await run_in_threadpool(plan.remove_form, request.path_params["name"])
    return JSONResponse({"url": f"/plans/{plan.id}/forms"})


def _upload_name(request: Request) -> str:
    """The uploaded file's own name, for messages only (never a path): printable, short."""
    name = unquote(request.headers.get("x-file-name", ""))
    shown = "".join(ch for ch in name if ch.isprintable())[:120]
    return shown or "tệp tải lên"


async def _json(request: Request) -> dict[str, Any]:
    body = await read_body(request, 64 * 1024)
    if not body:
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        raise InputError("Yêu cầu không hợp lệ.") from None
    return value if isinstance(value, dict) else {}


def create_app(workspace: Path, *, port: int, token: str, runner: Runner | None = None) -> Guard:
    """The desk for ``workspace``, answering on 127.0.0.1:``port`` to pages holding ``token``."""
    desk = Desk(Workspace(workspace), runner or Runner(), token)
    desk.workspace.ensure()

    def r(path: str, handler: Callable[[Desk, Request], Awaitable[Response]],
          methods: tuple[str, ...] = ("GET",)) -> Route:  # fmt: skip
        return Route(path, _answer(desk, handler), methods=list(methods))

    static = StaticFiles(directory=str(resources.files("vanban.desk") / "static"))
    routes = [
        r("/", plans_page),
        r("/blank.xlsx", blank_workbook),
        r("/plans/{plan}", plan_home),
        r("/plans/{plan}/check", check_page),
        r("/plans/{plan}/issue", issue_page),
        r("/plans/{plan}/documents", documents_page),
        r("/plans/{plan}/forms", forms_page),
        r("/plans/{plan}/signing", signing_page),
        r("/plans/{plan}/history", history_page),
        r("/plans/{plan}/files/{path:path}", output_file),
        r("/plans/{plan}/changes/{path:path}", changes_page),
        r("/plans/{plan}/set.zip", set_zip),
        r("/api/plans", add_plan, ("POST",)),
        r("/api/plans/adopt", adopt_plan, ("POST",)),
        r("/api/plans/{plan}/workbook", replace_workbook, ("PUT",)),
        r("/api/plans/{plan}/runs", start_run, ("POST",)),
        r("/api/plans/{plan}/run", run_state),
        r("/api/plans/{plan}/previews", make_previews, ("POST",)),
        r("/api/plans/{plan}/forms", write_forms, ("POST",)),
        r("/api/plans/{plan}/returned", add_returned_form, ("PUT",)),
        r("/api/plans/{plan}/returned/{name}", remove_returned_form, ("DELETE",)),
        r("/api/plans/{plan}/pdf", publish_pdfs, ("POST",)),
        r("/api/plans/{plan}/signed", add_signed, ("PUT",)),
        r("/api/plans/{plan}/signed/{name}", remove_signed, ("DELETE",)),
        r("/api/plans/{plan}/signed/record", record_signed, ("POST",)),
        Mount("/static", static, name="static"),
    ]
    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(desk, request, "Không có trang này.", 404)

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return _error(desk, request, "Thao tác này không dùng được ở đây.", 405)

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed})
    app.state.desk = desk
    return Guard(app, port=port, token=token)

