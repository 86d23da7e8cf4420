"""Which Prefect server a run talks to, and the local server that ``vanban server`` keeps up.

vanban's Prefect home is ``~/.vanban/prefect`` unless ``PREFECT_HOME`` is set (a user's setting
wins). It holds Prefect's database, so the runs made with a temporary server are still listed
when the office later starts the local one and opens its UI, and ``logs/`` with the servers' own
output, which never reaches the clerk's terminal.

A run talks to, in this order: the server named by ``PREFECT_API_URL``; the local server started
by ``vanban server start`` (pid file in the home); else a temporary server of its own, what
Prefect calls its ephemeral server. vanban starts that one itself, at once, so that it boots
while the workbook is read and validated, with the start-up time a busy machine needs.

Nothing here imports Prefect: a server is a child process and a run needs only its address. The
flow module is imported in one place, :func:`flow_module`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Literal, Protocol

from vanban.errors import TransientIOError, VanbanError

# The module that runs the flow for the command line. flows/ installs as the package
# vanban_flows (the editable install maps it too), so this name works in a checkout and a wheel.
FLOW_MODULE = "vanban_flows.local_run"

DEFAULT_HOME = Path("~/.vanban/prefect")
STARTUP_TIMEOUT_SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Prefect allows 20 s; a 2-core machine busy with other work was seen to need more than that.
STARTUP_TIMEOUT = 120
LOCAL_PORT = 4200
PID_FILE = "vanban-server.json"
# Prefect's own command for its ephemeral server (uvicorn on the API factory), without the UI.
_SERVER_APP = "prefect.server.api.server:create_app"
_UVICORN_STARTUP_FAILURE = 3  # uvicorn's exit code when it cannot bind its port
# The server's own address is never reached through an HTTP proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or DEFAULT_HOME).expanduser().absolute()


def configure(verbose: bool) -> Path:
    """vanban's defaults for Prefect, set before Prefect is imported; the user's settings win."""
    home = prefect_home()
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault(STARTUP_TIMEOUT_SETTING, str(STARTUP_TIMEOUT))
    # The temporary server's usage heartbeat races the first run for its SQLite file.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        (home / "logs").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VanbanError(
            f"Không tạo được thư mục Prefect {home} ({exc.strerror}): đặt PREFECT_HOME là một "
            "thư mục ghi được."
        ) from None
    if not verbose:
        # Everything a clerk needs (failures, refusals, retries) is in vanban's own summary and
        # the audit log; Prefect's tracebacks of the same failure would only bury it. Only the
        # terminal is spared: the run's logs still go to the server, for its UI.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL", "CRITICAL")
    return home


def startup_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(STARTUP_TIMEOUT_SETTING, STARTUP_TIMEOUT)))
    except ValueError:
        return float(STARTUP_TIMEOUT)


def flow_module() -> ModuleType:
    """The flow side of a command-line run (imports Prefect: a few seconds, so call it late)."""
    return importlib.import_module(FLOW_MODULE)


def answers(api_url: str, *, healthy_only: bool = True, timeout: float = 2.0) -> bool:
    """Whether a Prefect API answers at ``api_url`` (with ``healthy_only``: its health check)."""
    try:
        with _OPENER.open(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError:
        return not healthy_only  # a server that answers, if only to refuse (a hosted API)
    except (OSError, ValueError):
        return False


def _log_file(home: Path, name: str) -> IO[bytes]:
    path = home / "logs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > 5 * 2**20:
        path.replace(path.with_suffix(".log.1"))  # keep the log small: this one and the last
    handle = open(path, "ab")  # noqa: SIM115 - the child process keeps writing to it
    handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} pid {os.getpid()} ---\n".encode())
    handle.flush()
    return handle


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    return env


class TemporaryServer:
    """A run's own Prefect server: started at once, waited for later, stopped with the run."""

    def __init__(self, home: Path) -> None:
        self.log_path = home / "logs" / "temporary-server.log"
        self._home = home
        self._process: subprocess.Popen[bytes] | None = None
        self._log_start = 0
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        spec = importlib.util.find_spec("prefect")  # where Prefect is, without importing it
        if spec is None or spec.origin is None:
            raise VanbanError("Chưa cài Prefect: hãy cài lại vanban (pip install -e .).")
        with socket.socket() as probe:  # a free port, as the kernel picks them
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        log = _log_file(self._home, self.log_path.name)
        self._log_start = log.tell()
        env = _server_env() | {
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        with log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parents[1])]
                + ["--factory", _SERVER_APP, "--host", "127.0.0.1", "--port", str(self.port)]
                + ["--log-level", "error", "--lifespan", "on"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def wait_ready(self, timeout: float) -> None:
        """Until the server answers; a server that cannot start is a passing fault (exit 75)."""
        deadline = time.monotonic() + timeout
        restarts = 0
        while True:
            process = self._process
            if process is None:
                raise TransientIOError("Máy chủ tạm của Prefect đã dừng.")  # the run was closed
            code = process.poll()
            if code == _UVICORN_STARTUP_FAILURE and restarts < 3:
                restarts += 1  # another program took the port between our probe and its bind
                self.start()
                continue
            if code is None and answers(self.api_url, timeout=1.0):
                return
            if code is not None:
                self.stop()
                raise TransientIOError(
                    f"Máy chủ tạm của Prefect dừng khi đang khởi động (nhật ký: {self.log_path}): "
                    "hãy chạy `vanban server start` rồi chạy lại lệnh này."
                )
            if time.monotonic() >= deadline:
                self.stop()
                raise TransientIOError(
                    f"Máy chủ tạm của Prefect không khởi động được sau {timeout:g} giây (máy "
                    "đang bận?): hãy chạy `vanban server start` rồi chạy lại lệnh này."
                )
            time.sleep(0.1)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log_of_this_run(self) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(self._log_start)
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""


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


def prepare_in_background(connection: Connection, step: _Step) -> Future[ModuleType]:
    """Import the flow and wait for the server in a thread; the future holds the flow module.

    A daemon thread: bad input found meanwhile ends the command without waiting for Prefect.
    """
    future: Future[ModuleType] = Future()

    def work() -> None:
        try:
            # Set before Prefect is imported, so that its settings and child processes see it.
            os.environ["PREFECT_API_URL"] = connection.api_url
            module = flow_module()
            connection.wait_ready()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            if not connection.closed:  # else the run has ended (bad input): nothing to say
                step.fail()
            future.set_exception(exc)
        else:
            step.finish()
            future.set_result(module)

    threading.Thread(target=work, name="vanban-prefect", daemon=True).start()
    return future


def ui_url(api_url: str) -> str:
    return api_url.removesuffix("/").removesuffix("/api")


# --- the local server: `vanban server start|stop|status` ---------------------------------------


def _read_pid_file(home: Path) -> tuple[int, str] | None:
    try:
        record = json.loads((home / PID_FILE).read_text("utf-8"))
        return int(record["pid"]), str(record["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    return True


def running_local(home: Path) -> str | None:
    """The API address of the local server of this home, if it is up and answers."""
    record = _read_pid_file(home)
    if record is None or not _alive(record[0]):
        return None
    # Its process is there: give a busy server time to answer before booting a second one.
    return record[1] if answers(record[1], timeout=5.0) else None


def start_local(home: Path, port: int = LOCAL_PORT) -> str:
    """Start ``prefect server start`` in the background in ``home``; returns its API address."""
    timeout = startup_timeout()
    running = running_local(home)
    if running is not None:
        return running
    api_url = f"http://127.0.0.1:{port}/api"
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise VanbanError(
                f"Cổng {port} đang có chương trình khác dùng: chọn cổng khác với --port."
            ) from None
    with _log_file(home, "server.log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_server_env(),
            cwd=home,
            start_new_session=True,  # it outlives this command and the terminal it ran in
        )
    (home / PID_FILE).write_text(json.dumps({"pid": process.pid, "api_url": api_url}), "utf-8")
    deadline = time.monotonic() + timeout
    while not answers(api_url, timeout=1.0):
        if process.poll() is not None or time.monotonic() >= deadline:
            stop_local(home)
            raise TransientIOError(
                f"Máy chủ Prefect không khởi động được sau {timeout:g} giây; xem nhật ký "
                f"{home / 'logs' / 'server.log'}."
            )
        time.sleep(0.2)
    return api_url


def stop_local(home: Path) -> bool:
    """Stop the local server of this home; False if none was running."""
    record = _read_pid_file(home)
    (home / PID_FILE).unlink(missing_ok=True)
    if record is None or not _alive(record[0]):
        return False
    pid = record[0]
    try:
        _signal_group(pid, signal.SIGTERM)  # the server and the workers it started
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + 15
    while _alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.1)
    if _alive(pid):
        _signal_group(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    return True


def _signal_group(pid: int, sig: int) -> None:
    if hasattr(os, "killpg"):
        os.killpg(pid, sig)
    else:
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    # A server this very process started is its child: without waiting it stays a zombie.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
