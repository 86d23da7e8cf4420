"""Bad input ends a run while Prefect is still being imported in the background: the process must
not exit in the middle of that import (it aborted at shutdown, SIGABRT instead of exit 2, in
about one run in seven), so closing the connection waits for the import, never for the server."""

from __future__ import annotations

import threading
import time
from types import ModuleType

import pytest

from vanban.server import connection as conn


class _Step:
    def __init__(self) -> None:
        self.finished = self.failed = False

    def finish(self) -> None:
        self.finished = True

    def fail(self) -> None:
        self.failed = True


def test_closing_waits_for_the_import_not_for_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    importing = threading.Event()
    done: list[float] = []

    def slow_import() -> ModuleType:
        importing.set()
        time.sleep(0.5)
        done.append(time.monotonic())
        return ModuleType("flow")

    server_asked = threading.Event()

    def never_ready(self: conn.Connection) -> None:
        server_asked.set()
        time.sleep(30)  # a server that takes its time: close() must not wait for it

    monkeypatch.setattr(conn, "flow_module", slow_import)
    monkeypatch.setattr(conn.Connection, "wait_ready", never_ready)
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    connection = conn.Connection("configured", "http://127.0.0.1:9/api")
    step = _Step()
    conn.prepare_in_background(connection, step)
    assert importing.wait(5)
    connection.close()
    closed = time.monotonic()
    assert done and done[0] <= closed  # the import was over before close() returned
    assert server_asked.wait(5)
    assert closed - done[0] < 5  # and close() did not wait for the server


def test_a_connection_without_a_background_import_closes_at_once() -> None:
    connection = conn.Connection("configured", "http://127.0.0.1:9/api")
    started = time.monotonic()
    connection.close()
    assert time.monotonic() - started < 1
