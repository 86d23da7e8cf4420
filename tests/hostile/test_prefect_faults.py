"""Prefect's faults on a clerk's machine: each named in one Vietnamese line, with its exit code.

A corrupt database, a Prefect home that cannot be written or is full, a server that exits at
once, a port another program holds: 69 for a fault that waits for a person, 75 for one that may
clear, never a traceback and never a retry loop on a fault that will not clear. And a stale
``vanban-server.json`` never makes ``vanban server stop`` signal a process it cannot prove is
this home's server.

Most cases test the diagnosis (a server's output and exit code in, a fault out) and the library's
handling of small stand-in server processes; each class has one case through the real command
line, and only the corrupt database boots a real Prefect server.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest

from tests.command_line.running import free_port, vanban
from tests.conftest import EXAMPLE
from tests.hostile.support import Result, cli
from tests.workbook_mutations import flat
from vanban.errors import PrefectUnavailableError, TransientIOError, VanbanError
from vanban.server import diagnosis, ports
from vanban.server import home as server_home
from vanban.server import local as local_server
from vanban.server import temporary as temporary_server
from vanban.server.record import PID_FILE

HOME = Path("/srv/vanban/prefect")
LOG = HOME / "logs" / "temporary-server.log"


def place(
    kind: Literal["temporary", "local"] = "temporary", port: int = 4321
) -> diagnosis.ServerPlace:
    name = "Máy chủ tạm của Prefect" if kind == "temporary" else "Máy chủ Prefect cục bộ"
    return diagnosis.ServerPlace(name, kind, HOME, str(HOME / "prefect.db"), LOG, port)


def assert_one_clean_line(message: str) -> None:
    assert "\n" not in message, message
    for word in ("Traceback", "File \"", "sqlalchemy"):
        assert word not in message, message


# --- what servers really printed (trimmed), captured from Prefect 3 on Linux -------------------

_FRAMES = """  File "/venv/lib/python3.11/site-packages/sqlalchemy/engine.py", line 154, in init
    self._dbapi_connection = engine.raw_connection()
                             ^^^^^^^^^^^^^^^^^^^^^^^
"""


def temporary_output(*causes: str) -> str:
    """A temporary server's log after a failed start: header, traceback, uvicorn's last word."""
    body = "\n".join(causes)
    return (
        "--- 2026-12-07 02:51:50 pid 12246 ---\n"
        "02:52:27.747 | ERROR   | uvicorn.error - Traceback (most recent call last):\n"
        f"{_FRAMES}{body}\n"
        "02:52:27.761 | ERROR   | uvicorn.error - Application startup failed. Exiting.\n"
    )


def local_output(*causes: str) -> str:
    """``prefect server start``'s output after a failed start: banner, uvicorn's own format."""
    body = "\n".join(causes)
    return (
        "--- 2026-12-07 03:01:10 pid 4242 ---\n\n ___ ___ ___ ___ ___ ___ _____\n"
        "Check out the dashboard at http://127.0.0.1:4200\n\n"
        f"ERROR:    Traceback (most recent call last):\n{_FRAMES}{body}\n\n"
        "ERROR:    Application startup failed. Exiting.\nServer stopped!\n"
    )


NOT_A_DATABASE = (
    "sqlite3.DatabaseError: file is not a database",
    "sqlalchemy.exc.DatabaseError: (sqlite3.DatabaseError) file is not a database\n"
    "(Background on this error at: https://sqlalche.me/e/21/4xp6)",
)
MALFORMED = (
    "sqlite3.DatabaseError: database disk image is malformed\n\n"
    "The above exception was the direct cause of the following exception:\n",
    "sqlalchemy.exc.DatabaseError: (sqlite3.DatabaseError) database disk image is malformed",
)
READONLY_DATABASE = (
    "sqlite3.OperationalError: attempt to write a readonly database",
    "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) attempt to write a readonly "
    "database\n[SQL: INSERT INTO block_type (name, slug) VALUES (:name, :slug)]",
)
UNOPENABLE_DATABASE = (
    "sqlite3.OperationalError: unable to open database file",
    "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) unable to open database file",
)
PORT_TAKEN = (
    "02:54:38.121 | ERROR   | uvicorn.error - [Errno 98] error while attempting to bind on "
    "address ('127.0.0.1', 4321): address already in use\n"
    "02:54:38.146 | ERROR   | uvicorn.error - Traceback (most recent call last):\n"
    f"{_FRAMES}AssertionError: Reactive triggers not started\n"
    "02:54:38.148 | ERROR   | uvicorn.error - Application shutdown failed. Exiting.\n"
)


# --- the diagnosis: a server's output and exit code in, one fault out -------------------------


@pytest.mark.parametrize(
    "output",
    [
        temporary_output(*NOT_A_DATABASE),
        temporary_output(*MALFORMED),
        local_output(*MALFORMED),
        temporary_output("sqlite3.DatabaseError: malformed database schema (flow_run) - x"),
    ],
    ids=["random-bytes", "malformed", "malformed-local", "malformed-schema"],
)
def test_a_corrupt_database_is_named_and_not_retried(output: str) -> None:
    fault = diagnosis.diagnose(output, 3, place())
    assert fault.kind == "corrupt-database" and not fault.may_clear
    error = fault.error()
    assert isinstance(error, PrefectUnavailableError) and error.exit_code == 69
    assert str(HOME / "prefect.db") in fault.message and "bị hỏng" in fault.message
    assert "chạy lại lệnh này" in fault.message  # what to do: move it aside, run again
    assert_one_clean_line(fault.message)


@pytest.mark.parametrize(
    ("output", "named"),
    [
        (temporary_output(*READONLY_DATABASE), "chỉ cho đọc"),
        (local_output(*UNOPENABLE_DATABASE), "không mở hay tạo được"),
        (
            temporary_output("OSError: [Errno 30] Read-only file system: '/srv/vanban/prefect/x'"),
            "/srv/vanban/prefect/x nằm trên ổ đĩa chỉ cho đọc",
        ),
        (
            temporary_output("PermissionError: [Errno 13] Permission denied: '/srv/vanban/p/m'"),
            "không có quyền ghi vào /srv/vanban/p/m",
        ),
    ],
    ids=["readonly-database", "unopenable-database", "read-only-disk", "permission"],
)
def test_a_home_that_cannot_be_written_is_named(output: str, named: str) -> None:
    fault = diagnosis.diagnose(output, 3, place("local"))
    assert fault.kind == "home-not-writable" and not fault.may_clear
    assert fault.error().exit_code == 69
    assert named in fault.message, fault.message
    assert "PREFECT_HOME" in fault.message and fault.message.startswith("Máy chủ Prefect cục bộ")
    assert_one_clean_line(fault.message)


@pytest.mark.parametrize(
    "cause",
    [
        "sqlite3.OperationalError: database or disk is full",
        "OSError: [Errno 28] No space left on device: '/srv/vanban/prefect/prefect.db-wal'",
        f"OSError: [Errno {getattr(errno, 'EDQUOT', 122)}] Disk quota exceeded",
    ],
    ids=["sqlite", "enospc", "quota"],
)
def test_a_full_home_is_a_passing_fault(cause: str) -> None:
    fault = diagnosis.diagnose(temporary_output(cause), 3, place())
    assert fault.kind == "home-full" and fault.may_clear
    assert isinstance(fault.error(), TransientIOError) and fault.error().exit_code == 75
    assert "đã đầy" in fault.message and str(HOME) in fault.message
    assert_one_clean_line(fault.message)


def test_a_port_taken_from_a_local_server_names_the_port_and_the_option() -> None:
    for output in (PORT_TAKEN, "Port 4321 is already in use. Please specify a different port"):
        fault = diagnosis.diagnose(output, 3, place("local"))
        assert fault.kind == "port-taken" and not fault.may_clear  # the program keeps it
        assert fault.error().exit_code == 69
        assert "Cổng 4321" in fault.message and "--port" in fault.message
        assert "Reactive triggers" not in fault.message  # the shutdown noise after the bind
        assert_one_clean_line(fault.message)


def test_a_port_taken_from_a_temporary_server_may_clear() -> None:
    # Its port was the kernel's pick a moment before: another one will do.
    fault = diagnosis.diagnose(PORT_TAKEN, 3, place("temporary"))
    assert fault.kind == "port-taken" and fault.may_clear and fault.error().exit_code == 75
    assert "4321" in fault.message


def test_a_locked_database_and_a_newer_one() -> None:
    locked = diagnosis.diagnose(
        temporary_output("sqlite3.OperationalError: database is locked"), 3, place()
    )
    assert locked.kind == "database-locked" and locked.error().exit_code == 75
    assert "khóa" in locked.message
    newer = diagnosis.diagnose(
        temporary_output("alembic.util.exc.CommandError: Can't locate revision identified by "
                         "'a1b2c3d4e5f6'"),
        3,
        place(),
    )
    assert newer.kind == "newer-database" and newer.error().exit_code == 69
    assert "phiên bản Prefect mới hơn" in newer.message


def test_a_server_killed_by_a_signal_may_clear() -> None:
    fault = diagnosis.diagnose("--- 2026-12-07 02:51:50 pid 1 ---\n", -signal.SIGKILL, place())
    assert fault.kind == "killed" and fault.error().exit_code == 75
    assert f"tín hiệu {int(signal.SIGKILL)}" in fault.message


@pytest.mark.parametrize(
    ("output", "cause"),
    [
        (
            temporary_output("RuntimeError: the settings file cannot be read"),
            "RuntimeError: the settings file cannot be read",
        ),
        (
            temporary_output(
                "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 9)"
            ),
            "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 9)",
        ),
        (
            "--- header ---\npydantic_core._pydantic_core.ValidationError: 1 validation error for "
            "Settings\nserver.api.port\n  Input should be a valid integer\n",
            "pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings",
        ),
        ("--- header ---\nsomething went wrong without a traceback\n", "went wrong"),
        ("--- 2026-12-07 02:51:50 pid 1 ---\n", "không ghi lại nguyên nhân"),
    ],
    ids=["runtime-error", "database-server-refused", "settings", "plain-line", "silent"],
)
def test_an_unknown_exit_shows_the_servers_own_cause(output: str, cause: str) -> None:
    fault = diagnosis.diagnose(output, 1, place())
    assert fault.kind == "exited" and not fault.may_clear and fault.error().exit_code == 69
    assert cause in fault.message and str(LOG) in fault.message
    assert "mã thoát 1" in fault.message
    assert_one_clean_line(fault.message)


def test_a_cause_line_is_short_and_single() -> None:
    long = "RuntimeError: " + "x" * 1000
    assert len(diagnosis.cause_line(temporary_output(long))) <= 200
    # The last exception of a chain is the one that stopped the server.
    assert diagnosis.cause_line(temporary_output(*MALFORMED)).startswith("sqlalchemy.exc.")


@pytest.mark.parametrize(
    ("code", "exit_code", "named"),
    [
        (errno.EROFS, 69, "nằm trên ổ đĩa chỉ cho đọc"),
        (errno.EACCES, 69, "không có quyền ghi vào"),
        (errno.EPERM, 69, "không có quyền ghi vào"),
        (errno.ENOTDIR, 69, "là tệp, không phải thư mục"),
        (errno.ENOSPC, 75, "đã đầy"),
        (errno.EIO, 69, "Input/output error"),
    ],
)
def test_an_os_refusal_in_the_home_is_named(code: int, exit_code: int, named: str) -> None:
    path = HOME / "logs" / "temporary-server.log"
    error = diagnosis.home_fault(OSError(code, os.strerror(code), str(path)), HOME)
    assert error.exit_code == exit_code and named in error.message, error.message
    assert str(HOME) in error.message
    assert_one_clean_line(error.message)


# --- the server's output is never silenced ------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """This process's environment as configure() finds it on a clerk's machine; put back after."""
    for name in (
        "PREFECT_API_URL",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL",
        "PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL",
        "PREFECT_SERVER_LOGGING_LEVEL",
        server_home.STARTUP_TIMEOUT_SETTING,
        "PREFECT_SERVER_ANALYTICS_ENABLED",
        *server_home._DATABASE_SETTINGS,
    ):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("PREFECT_HOME", str(home))
    return home


def test_a_server_never_inherits_the_quiet_terminal(clean_env: Path) -> None:
    server_home.configure(verbose=False)
    assert os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] == "CRITICAL"  # the terminal
    env = server_home.server_env()
    for name in server_home._NEVER_QUIETER_THAN_WARNING:
        assert server_home._level(env.get(name)) <= logging.WARNING, (name, env.get(name))
    assert env["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] == "WARNING"
    assert env["PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL"] == "WARNING"


def test_a_users_louder_setting_reaches_the_server(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_SERVER_LOGGING_LEVEL", "DEBUG")
    monkeypatch.setenv("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "50")
    env = server_home.server_env()
    assert env["PREFECT_SERVER_LOGGING_LEVEL"] == "DEBUG"
    assert env["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] == "WARNING"


# --- the library's handling of servers that fail, with small stand-in processes ---------------

# A stand-in for a server: prints what a broken Prefect server prints, exits as it does.
EXITS_WITH = "import sys; print(sys.argv[1]); sys.exit(int(sys.argv[2]))"

# A stand-in that answers Prefect's health check on its port, as Prefect does: ``true``.
FAKE_PREFECT = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/api/health"
        body = b"true" if ok else b"{}"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""

# Fails once as if another program took its port, then serves as FAKE_PREFECT does.
CLASH_ONCE = (
    "import pathlib, sys\n"
    "marker = pathlib.Path(sys.argv[2])\n"
    "if not marker.exists():\n"
    "    marker.write_text('1')\n"
    "    print('ERROR:    [Errno 98] error while attempting to bind on address: address already"
    " in use')\n"
    "    sys.exit(3)\n" + FAKE_PREFECT
)


def log_starts(log: Path) -> int:
    """How many times a server was started on this log (one header line per start)."""
    return sum(1 for line in log.read_text("utf-8").splitlines() if line.startswith("--- "))


def test_a_temporary_server_with_a_corrupt_database_is_tried_once(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "sqlite3.DatabaseError: database disk image is malformed"
    monkeypatch.setattr(
        temporary_server, "temporary_server_command",
        lambda port: [sys.executable, "-c", EXITS_WITH, said, "3"],
    )
    home = server_home.configure(verbose=False)
    temporary = temporary_server.TemporaryServer(home)
    temporary.start()
    began = time.monotonic()
    with pytest.raises(PrefectUnavailableError) as caught:
        temporary.wait_ready(60)
    assert time.monotonic() - began < 15  # no four attempts, no waiting for a timeout
    assert "bị hỏng" in caught.value.message and str(home / "prefect.db") in caught.value.message
    assert log_starts(temporary.log_path) == 1
    assert said in temporary.log_path.read_text("utf-8")  # the log carries the cause


def test_a_temporary_server_whose_port_was_taken_gets_a_new_one(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "clashed"
    monkeypatch.setattr(
        temporary_server, "temporary_server_command",
        lambda port: [sys.executable, "-c", CLASH_ONCE, str(port), str(marker)],
    )
    home = server_home.configure(verbose=False)
    temporary = temporary_server.TemporaryServer(home)
    temporary.start()
    try:
        temporary.wait_ready(30)
        assert ports.prefect_answers(temporary.api_url) == "prefect"
    finally:
        temporary.stop()
    assert log_starts(temporary.log_path) == 2


def test_a_port_taken_every_time_ends_after_a_few_attempts(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "[Errno 98] error while attempting to bind on address: address already in use"
    monkeypatch.setattr(
        temporary_server, "temporary_server_command",
        lambda port: [sys.executable, "-c", EXITS_WITH, said, "3"],
    )
    temporary = temporary_server.TemporaryServer(server_home.configure(verbose=False))
    temporary.start()
    with pytest.raises(TransientIOError, match="chiếm cổng"):
        temporary.wait_ready(60)
    assert log_starts(temporary.log_path) == 1 + temporary_server._REBINDS


def test_server_start_says_why_it_stopped_not_a_timeout(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "sqlite3.DatabaseError: file is not a database"
    monkeypatch.setattr(
        local_server, "local_server_command",
        lambda port: [sys.executable, "-c", EXITS_WITH, said, "3"],
    )
    home = server_home.configure(verbose=False)
    began = time.monotonic()
    with pytest.raises(PrefectUnavailableError) as caught:
        local_server.start_local(home, free_port())
    assert time.monotonic() - began < 15
    message = caught.value.message
    assert "bị hỏng" in message and "120" not in message and "giây" not in message
    assert not (home / PID_FILE).exists()
    assert said in (home / "logs" / "server.log").read_text("utf-8")


def test_server_start_that_times_out_says_how_long_it_waited(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        local_server, "local_server_command",
        lambda port: [sys.executable, "-c", "import time; time.sleep(60)"],
    )
    monkeypatch.setenv(server_home.STARTUP_TIMEOUT_SETTING, "1")
    home = server_home.configure(verbose=False)
    with pytest.raises(TransientIOError, match="sau 1 giây") as caught:
        local_server.start_local(home, free_port())
    assert caught.value.exit_code == 75
    assert not (home / PID_FILE).exists()


# --- processes that are not vanban's server: never signalled ------------------------------------


def wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, "the stand-in exited"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@contextmanager
def child(*args: str, port: int | None = None, new_session: bool = False) -> Iterator[
    subprocess.Popen[bytes]
]:
    """A process of this test, ended (and reaped) whatever happens."""
    process = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=new_session,
    )
    try:
        if port is not None:
            wait_listening(port, process)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def alive(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None


def plant(home: Path, pid: int, api_url: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    record = home / PID_FILE
    record.write_text(json.dumps({"pid": pid, "api_url": api_url}), "utf-8")
    return record


def server_cli(home: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setenv("PREFECT_HOME", str(home))
    result = cli("server", *args)
    result.assert_clean()
    return result


def test_a_stale_record_naming_an_http_server_never_stops_it(tmp_path: Path) -> None:
    # The real command line: a record left by a crash now names another program's pid and port.
    port = free_port()
    with child("-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
               str(tmp_path), port=port) as other:
        record = plant(tmp_path / "home", other.pid, f"http://127.0.0.1:{port}/api")
        status = vanban("server", "status", home=tmp_path / "home")
        assert status.returncode == 1 and "không chạy" in flat(status.stdout), status
        assert record.exists()  # status only reports
        stopped = vanban("server", "stop", home=tmp_path / "home")
        text = flat(stopped.stdout + stopped.stderr)
        assert stopped.returncode == 0, text
        assert "không chạy" in text and "không phải máy chủ Prefect" in text
        assert f"không động đến tiến trình {other.pid}" in text
        assert "Đã dừng" not in text and "Traceback" not in text
        assert not record.exists()
        time.sleep(0.2)
        assert alive(other)
        assert ports.prefect_answers(f"http://127.0.0.1:{port}/api") == "other"  # still serving


def test_a_record_naming_a_sleeping_process_and_a_dead_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    with child("-c", "import time; time.sleep(60)", new_session=True) as sleeper:
        record = plant(home, sleeper.pid, f"http://127.0.0.1:{free_port()}/api")
        status = server_cli(home, monkeypatch, "status")
        assert status.code == 1 and "không có chương trình nào nghe" in status.text
        stopped = server_cli(home, monkeypatch, "stop")
        assert stopped.code == 0 and "không chạy" in stopped.text
        assert not record.exists() and alive(sleeper)


def test_a_record_naming_a_sleeping_process_and_another_prefect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Prefect server answers on the recorded port, but the recorded pid is not what listens.
    home, port = tmp_path / "home", free_port()
    with child("-c", "import time; time.sleep(60)", new_session=True) as sleeper, child(
        "-c", FAKE_PREFECT, str(port), port=port, new_session=True
    ) as prefect:
        record = plant(home, sleeper.pid, f"http://127.0.0.1:{port}/api")
        assert local_server.check_local(home).state == "stale"
        assert local_server.running_local(home) is None  # nor does a run use that server
        stopped = server_cli(home, monkeypatch, "stop")
        assert stopped.code == 0
        assert f"tiến trình {sleeper.pid} không phải chương trình nghe ở cổng {port}" in (
            stopped.text
        )
        assert not record.exists() and alive(sleeper) and alive(prefect)


def test_a_record_naming_a_listener_that_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The recorded pid holds the port but answers nothing: maybe a hung server, maybe not one.
    home, port = tmp_path / "home", free_port()
    mute = (
        "import socket, sys, time\n"
        "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); time.sleep(60)"
    )
    with child("-c", mute, str(port), port=port, new_session=True) as listener:
        record = plant(home, listener.pid, f"http://127.0.0.1:{port}/api")
        stopped = server_cli(home, monkeypatch, "stop")
        assert stopped.code == 1 and "không trả lời" in stopped.text
        assert f"vanban không dừng tiến trình {listener.pid}" in stopped.text
        assert record.exists() and alive(listener)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"pid": "abc", "api_url": "http://127.0.0.1:4200/api"}),
        json.dumps({"pid": 0, "api_url": "http://127.0.0.1:4200/api"}),
        json.dumps({"pid": -1, "api_url": "http://127.0.0.1:4200/api"}),
        json.dumps({"api_url": "http://127.0.0.1:4200/api"}),
        json.dumps([1, 2]),
        json.dumps({"pid": 99999999999, "api_url": "http://127.0.0.1:4200/api"}),
        b"\xff\xfe{\x00",
    ],
    ids=["broken", "pid-text", "pid-zero", "pid-negative", "no-pid", "a-list", "pid-overflow",
         "not-utf-8"],
)
def test_an_unreadable_record_is_removed_and_nothing_signalled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    record = home / PID_FILE
    record.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    status = server_cli(home, monkeypatch, "status")
    assert status.code == 1 and "không chạy" in status.text
    stopped = server_cli(home, monkeypatch, "stop")
    assert stopped.code == 0 and "không chạy" in stopped.text
    assert not (home / PID_FILE).exists()


def test_a_record_naming_another_machine_is_never_contacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    with child("-c", "import time; time.sleep(60)", new_session=True) as sleeper:
        plant(home, sleeper.pid, "http://10.255.255.1:80/api")
        began = time.monotonic()
        found = local_server.check_local(home)
        assert found.state == "stale" and time.monotonic() - began < 1  # no connection tried
        stopped = server_cli(home, monkeypatch, "stop")
        assert stopped.code == 0 and alive(sleeper)


def test_a_proved_server_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What the proof accepts: the recorded pid listens on the recorded port, which answers as
    # Prefect. The stand-in leads its own session, as `vanban server start` starts the real one.
    home, port = tmp_path / "home", free_port()
    with child("-c", FAKE_PREFECT, str(port), port=port, new_session=True) as prefect:
        plant(home, prefect.pid, f"http://127.0.0.1:{port}/api")
        status = server_cli(home, monkeypatch, "status")
        assert status.code == 0 and f"http://127.0.0.1:{port}" in status.text
        assert local_server.running_local(home) == f"http://127.0.0.1:{port}/api"
        stopped = server_cli(home, monkeypatch, "stop")
        assert stopped.code == 0 and "Đã dừng" in stopped.text
        prefect.wait(timeout=10)
        assert not (home / PID_FILE).exists()


def test_server_start_on_a_port_another_prefect_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    port = free_port()
    with child("-c", FAKE_PREFECT, str(port), port=port, new_session=True) as prefect:
        result = server_cli(clean_env, monkeypatch, "start", "--port", str(port))
        assert result.code == 69, result.text
        assert f"Cổng {port}" in result.text and "máy chủ Prefect khác" in result.text
        assert "--port" in result.text and alive(prefect)
        assert not (clean_env / PID_FILE).exists()


# --- one real command line per class ----------------------------------------------------------


def assert_refused(proc: subprocess.CompletedProcess[str], code: int, *named: str) -> str:
    text = flat(proc.stdout + proc.stderr)
    assert proc.returncode == code, text
    assert "Traceback" not in text, text
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Lỗi:")]
    assert len(errors) == 1, proc.stderr
    for name in named:
        assert name in text, (name, text)
    return text


def test_run_with_a_corrupt_database(tmp_path: Path) -> None:
    # The one real Prefect server of this module: it reads the garbage and exits.
    home = tmp_path / "home"
    home.mkdir()
    (home / "prefect.db").write_bytes(os.urandom(8192))
    began = time.monotonic()
    proc = vanban("run", str(EXAMPLE), "--out", str(tmp_path / "out"), home=home)
    took = time.monotonic() - began
    assert_refused(proc, 69, str(home / "prefect.db"), "bị hỏng")
    assert took < 90, took  # one attempt: it used to be four, about 20 s on an idle machine
    log = home / "logs" / "temporary-server.log"
    assert log_starts(log) == 1
    assert "file is not a database" in log.read_text("utf-8")  # the server's cause, kept
    assert not (tmp_path / "out").exists()


@contextmanager
def unwritable(paths: list[Path]) -> Iterator[None]:
    """``paths`` refuse every write, as on a disk mounted read-only: their permission bits for a
    user; root ignores those, so for root the immutable attribute (``chattr +i``) on a file
    system that has it. Fails, saying so, where neither can be had: the case is not proved."""
    if os.geteuid() != 0:
        modes = [p.stat().st_mode for p in paths]
        for p in paths:
            p.chmod(p.stat().st_mode & ~0o222)
        try:
            yield
        finally:
            for p, mode in zip(paths, modes, strict=True):
                p.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", *map(str, paths)],
                                        capture_output=True, check=False).returncode != 0:
        pytest.fail("root, and no immutable attribute (chattr +i) here: no way to refuse writes")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", *map(str, paths)], capture_output=True, check=False)


def test_run_with_a_read_only_home(tmp_path: Path) -> None:
    # A home earlier runs used (its log, its database), now refusing every write.
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    log = home / "logs" / "temporary-server.log"
    log.write_text("--- an earlier run ---\n", "utf-8")
    (home / "prefect.db").write_bytes(b"")
    with unwritable([log, home / "prefect.db", home / "logs", home]):
        with pytest.raises(OSError):
            (home / "probe").write_text("x")  # the refusal is real
        proc = vanban("run", str(EXAMPLE), "--out", str(tmp_path / "out"), home=home)
        assert_refused(proc, 69, str(log), "PREFECT_HOME")
        assert "không có quyền ghi" in flat(proc.stderr) or "chỉ cho đọc" in flat(proc.stderr)
        assert log.read_text("utf-8") == "--- an earlier run ---\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_run_with_a_full_home(tmp_path: Path) -> None:
    # /dev/full refuses every write with ENOSPC, as a full disk does: the log is put there.
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    (home / "logs" / "temporary-server.log").symlink_to("/dev/full")
    proc = vanban("run", str(EXAMPLE), "--out", str(tmp_path / "out"), home=home)
    assert_refused(proc, 75, "đã đầy", str(home))
    assert not (tmp_path / "out").exists()


# The real command line, with the temporary server replaced by a process that fails at once in
# a way vanban does not know, saying why on its output, as a broken installation would.
EXITS_AT_ONCE = """
import sys
import vanban.server.temporary as temporary
said = "RuntimeError: this server cannot read its own settings"
temporary.temporary_server_command = lambda port: [
    sys.executable, "-c", "import sys; print(sys.argv[1]); sys.exit(1)", said
]
from vanban.cli.app import main
sys.argv = ["vanban", *sys.argv[1:]]
main()
"""


def test_run_whose_server_exits_at_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = vanban("run", str(EXAMPLE), "--out", str(tmp_path / "out"), home=home,
                  command=("-c", EXITS_AT_ONCE))
    log = home / "logs" / "temporary-server.log"
    assert_refused(proc, 69, "RuntimeError: this server cannot read its own settings", str(log))
    assert "mã thoát 1" in flat(proc.stderr)
    assert log_starts(log) == 1
    assert not (tmp_path / "out").exists()


def test_server_start_on_a_port_another_program_holds(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        proc = vanban("server", "start", "--port", str(port), home=tmp_path / "home")
        assert_refused(proc, 69, f"Cổng {port}", "--port")
    assert not (tmp_path / "home" / PID_FILE).exists()


def test_every_fault_is_a_vanban_error() -> None:
    # The CLI catches VanbanError once: every fault must be one, or it would be a traceback.
    for kind_output in (temporary_output(*MALFORMED), PORT_TAKEN, "", "garbage"):
        assert isinstance(diagnosis.diagnose(kind_output, 3, place()).error(), VanbanError)
