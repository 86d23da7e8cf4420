"""Which server a run talks to, and the flow module imported while that server gets ready."""

from __future__ import annotations

import importlib
import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Literal, Protocol

from vanban.errors import TransientIOError
from vanban.server.home import startup_timeout
from vanban.server.local import running_local
from vanban.server.ports import answers, ui_url
from vanban.server.temporary import TemporaryServer

# The module that runs the flow for the command line. flows/ installs as the package
# vanban_flows (the editable install maps it too), so this name works in a checkout and a wheel.
FLOW_MODULE = "vanban_flows.local_run"
# How long closing a connection waits for the flow's import to finish (it takes a few seconds).
_IMPORT_WAIT_S = 60.0


def _set(event: threading.Event) -> threading.Event:
    event.set()
    return event


def flow_module() -> ModuleType:
    """The flow side of a command-line run (imports Prefect: a few seconds, so call it late)."""
    return importlib.import_module(FLOW_MODULE)


@dataclass
class Connection:
    """The server a run talks to, and what its first line says about it."""

    kind: Literal["configured", "local", "temporary"]
    url: str = ""
    temporary: TemporaryServer | None = None
    closed: bool = False
    # PREFECT_API_URL as it was before the run pointed it at this server: put back on close, so
    # a later run in the same process (a script, the tests) does not find a stopped server.
    previous_api_url: str | None = field(default_factory=lambda: os.environ.get("PREFECT_API_URL"))
    # Set once the background thread is done importing (or never started one): see close().
    imported: threading.Event = field(default_factory=lambda: _set(threading.Event()))

    @property
    def api_url(self) -> str:
        return self.temporary.api_url if self.temporary is not None else self.url

    def describe(self) -> str:
        if self.kind == "configured":
            return f"Prefect: dùng máy chủ tại {self.url} (PREFECT_API_URL)."
        if self.kind == "local":
            return f"Prefect: dùng máy chủ cục bộ đang chạy, giao diện tại {ui_url(self.url)}"
        return (
            "Prefect: không có máy chủ cục bộ, dùng máy chủ tạm (`vanban server start` để giữ "
            "một máy chủ có giao diện)."
        )

    def wait_ready(self) -> None:
        if self.temporary is not None:
            self.temporary.wait_ready(startup_timeout())
        elif self.kind == "configured" and not answers(self.url, healthy_only=False):
            raise TransientIOError(
                f"Không kết nối được máy chủ Prefect tại {self.url} (PREFECT_API_URL): hãy "
                "kiểm tra máy chủ đó, hoặc bỏ PREFECT_API_URL để dùng máy chủ tạm."
            )

    def close(self) -> None:
        self.closed = True
        # A process that exits while another thread is half-way through importing Prefect's
        # C extensions can abort at shutdown (SIGABRT instead of the exit code the README
        # promises): bad input found meanwhile waits for the import, never for the server.
        # Still importing after that long: exit anyway rather than hang.
        self.imported.wait(_IMPORT_WAIT_S)
        if self.temporary is not None:
            self.temporary.stop()
        if self.previous_api_url is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = self.previous_api_url


def connect(home: Path) -> Connection:
    """The server of this run; a temporary one is started here and only waited for later."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return Connection("configured", configured)
    local = running_local(home)
    if local is not None:
        return Connection("local", local)
    server = TemporaryServer(home)
    server.start()
    return Connection("temporary", temporary=server)


class _Step(Protocol):
    def finish(self, note: str = ...) -> None: ...

    def fail(self) -> None: ...


def prepare_in_background(
    connection: Connection, step: _Step, dask: bool = False
) -> Future[ModuleType]:
    """Import the flow, wait for the server and warm it up (the flow module's ``warm_up``, which
    with ``dask`` starts the run's local cluster too) in a thread; the future holds the flow
    module.

    A daemon thread: bad input found meanwhile ends the command without waiting for Prefect.
    """
    future: Future[ModuleType] = Future()
    connection.imported.clear()  # set again by the thread once its import is over

    def work() -> None:
        try:
            # Set before Prefect is imported, so that its settings and child processes see it.
            os.environ["PREFECT_API_URL"] = connection.api_url
            try:
                module = flow_module()
            finally:
                connection.imported.set()
            connection.wait_ready()
            # The run's first requests and imports, while the workbook is still being read.
            module.warm_up(connection.api_url, dask=dask)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            if not connection.closed:  # else the run has ended (bad input): nothing to say
                step.fail()
            future.set_exception(exc)
        else:
            step.finish()
            future.set_result(module)

    threading.Thread(target=work, name="vanban-prefect", daemon=True).start()
    return future
