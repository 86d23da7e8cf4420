"""Runs started from the desk: the same Prefect flow as ``vanban run``, in a thread of the desk.

The desk connects to one Prefect server for its lifetime (``vanban.server.connection.connect``:
the configured one, the local one when it is up, else a temporary one it stops with itself), and
imports the flow while the clerk looks at the first page. A run's progress is kept here, per plan,
so a page opened later (the browser closed meanwhile) shows it. One run at a time: Prefect's
settings for a run are the process's, and the folder lock would refuse a second run of a plan.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal

from vanban.desk.workspace import Plan
from vanban.errors import VanbanError, WorkbookError
from vanban.issuing.jobs import STATUSES, DocStatus, RunReport

__all__ = ["Busy", "RunState", "Runner"]

Phase = Literal["preparing", "running", "done", "failed"]


class Busy(VanbanError):
    """A run is going on: the desk runs one at a time."""

    exit_code = 4


@dataclass
class Stage:
    key: str
    label: str
    total: int
    done: int = 0


@dataclass
class RunState:
    """One run as the pages show it; updated by the run's thread, read by the pages'."""

    plan_id: str
    units: tuple[str, ...] = ()
    phase: Phase = "preparing"
    started: float = field(default_factory=time.time)
    ended: float | None = None
    stages: list[Stage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # as ``vanban check`` says them
    message: str | None = None  # the error that ended it, in Vietnamese
    counts: dict[str, int] = field(default_factory=dict)  # status label -> documents
    waiting: list[str] = field(default_factory=list)  # what is pending, and why
    edited: list[str] = field(default_factory=list)  # documents refused: edited by hand
    exit_code: int = 0
    # The documents' previews, made after the run as ``vanban review`` makes them: "making",
    # "done", or None (no document was issued)
    previews: str | None = None

    def as_json(self) -> dict[str, Any]:
        """A copy, taken while the run's thread may be adding to it."""
        return {
            "plan": self.plan_id,
            "units": list(self.units),
            "phase": self.phase,
            "seconds": round((self.ended or time.time()) - self.started, 1),
            "stages": [dict(s.__dict__) for s in list(self.stages)],
            "problems": list(self.problems),
            "message": self.message,
            "counts": dict(self.counts) if self.phase in ("done", "failed") else {},
            "waiting": list(self.waiting) if self.phase in ("done", "failed") else [],
            "edited": list(self.edited),
            "exit_code": self.exit_code,
            "previews": self.previews,
        }


class _Progress:
    """The run's Progress hook (``vanban.issuing.run.Progress``), writing into a RunState."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def stage(self, stage: str, label: str, total: int) -> None:
        self.state.phase = "running"
        self.state.stages.append(Stage(stage, label, total))

    def done(self, status: DocStatus) -> None:
        if self.state.stages:
            self.state.stages[-1].done += 1


class Runner:
    """The desk's Prefect connection and its runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: RunState | None = None
        self.last: dict[str, RunState] = {}
        self._connection: Any = None
        self._flows: Future[ModuleType] | None = None

    def connect(self) -> None:
        """Start (or find) the Prefect server and import the flow, in the background."""
        from vanban.server.connection import connect, prepare_in_background
        from vanban.server.home import configure

        self._connection = connect(configure(verbose=False))
        self._flows = prepare_in_background(self._connection, _Quiet())

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    @property
    def server(self) -> str:
        return str(self._connection.describe()) if self._connection is not None else ""

    def state(self, plan_id: str) -> RunState | None:
        return self.last.get(plan_id)

    def running(self, plan_id: str) -> bool:
        current = self._running
        return current is not None and current.plan_id == plan_id

    def start(
        self,
        plan: Plan,
        *,
        units: Sequence[str] = (),
        force: bool = False,
    ) -> RunState:
        """Start issuing ``plan`` (only ``units``, when given) in a thread; Busy if a run is on."""
        with self._lock:
            if self._running is not None:
                raise Busy(
                    f'Đang phát hành kế hoạch "{self._running.plan_id}"; chờ lần này xong rồi '
                    "bấm lại."
                )
            state = RunState(plan.id, tuple(units))
            self._running = state
            self.last[plan.id] = state
        thread = threading.Thread(
            target=self._run, args=(plan, state, force), daemon=True, name="vanban-desk"
        )
        thread.start()
        return state

    def _run(self, plan: Plan, state: RunState, force: bool) -> None:
        try:
            self._issue(plan, state, force)
            if state.counts:
                # Still this run's: no other run touches the folder while its previews are made.
                _preview(plan, state)
        except VanbanError as exc:
            state.phase, state.exit_code = "failed", exc.exit_code
            state.message = exc.message
            if isinstance(exc, WorkbookError):
                state.problems = [str(p) for p in exc.errors]
        except Exception as exc:  # noqa: BLE001 - said on the page, never a traceback there
            state.phase, state.exit_code = "failed", 1
            state.message = f"Lỗi không lường trước ({type(exc).__name__}); xem cửa sổ lệnh."
        finally:
            state.ended = time.time()
            with self._lock:
                self._running = None

    def _issue(self, plan: Plan, state: RunState, force: bool) -> None:
        from vanban.prepare import prepare_run

        prepared = prepare_run(
            plan.workbook,
            out_dir=plan.out,
            # The forms a plan has received are part of it, on every run (as on its check page).
            results_dir=plan.forms if plan.returned_forms() else None,
            units=state.units,
            force=force,
        )
        if not prepared.ok:
            state.phase, state.exit_code = "failed", 2
            state.problems = [str(p) for p in prepared.problems if p.is_error]
            state.message = "Bảng tính còn lỗi, chưa phát hành văn bản nào."
            return
        report: RunReport = self._flow_module().run_locally(
            prepared, api_url=self._connection.api_url, progress=_Progress(state)
        )
        _summarise(state, report)


    def _flow_module(self) -> ModuleType:
        """The flow, connecting again when the first connection failed (the server it found was
        stopped, say): a desk open all day does not need a restart for that."""
        assert self._flows is not None, "connect() first"
        try:
            return self._flows.result()
        except Exception:  # noqa: BLE001 - whatever failed, a new connection is the remedy
            self.close()
            self.connect()
            return self._flows.result()


def _preview(plan: Plan, state: RunState) -> None:
    """The documents page's pictures, PDFs and format findings, made once the run is over (only
    what changed is converted again; the signing PDFs reuse the conversions)."""
    from vanban.review.build import review_folder

    state.previews = "making"
    try:
        result = review_folder(plan.out)
    except VanbanError as exc:
        state.previews = "done"
        state.message = f"{state.message or ''}\nChưa tạo được bản xem trước: {exc.message}".strip()
        return
    state.previews = "done"
    if result.message:
        state.message = f"{state.message or ''}\n{result.message}".strip()


def _summarise(state: RunState, report: RunReport) -> None:
    for status in report.statuses:
        label = STATUSES[status.status][0]
        state.counts[label] = state.counts.get(label, 0) + 1
        where = f" ({status.job.unit_name})" if status.job.unit_name else ""
        if status.status == "pending":
            state.waiting.append(f"{status.job.kind.label}{where}: {status.reason}")
        elif status.status == "refused":
            state.edited.append(status.job.relpath)
        elif status.status == "failed":
            state.waiting.append(f"Lỗi — {status.job.kind.label}{where}: {status.reason}")
    state.exit_code = report.exit_code
    state.phase = "done" if report.exit_code == 0 else "failed"
    if state.edited:
        state.message = (
            f"{len(state.edited)} văn bản đã bị sửa tay sau khi phát hành nên chưa ghi đè."
        )


class _Quiet:
    """The background import's step: the pages show the server's state, not this."""

    def finish(self, note: str = "") -> None:
        return None

    def fail(self) -> None:
        return None
