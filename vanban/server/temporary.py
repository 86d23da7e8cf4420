"""A run's own temporary server: Prefect's ephemeral server, started and stopped by vanban."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from vanban.errors import TransientIOError
from vanban.server.diagnosis import ServerPlace, diagnose
from vanban.server.home import database_of, log_file, prefect_origin, read_from, server_env, spawn
from vanban.server.ports import answers, free_port

# Prefect's own command for its ephemeral server (uvicorn on the API factory), without the UI.
_SERVER_APP = "prefect.server.api.server:create_app"
# A temporary server's port is picked free by the kernel just before the server binds it; if
# another program takes it in between, a new port clears that, a few times at most.
_REBINDS = 3


def temporary_server_command(port: int) -> list[str]:
    """Prefect's ephemeral server on ``port``: uvicorn on the API factory, without the UI."""
    return (
        [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_origin().parents[1])]
        + ["--factory", _SERVER_APP, "--host", "127.0.0.1", "--port", str(port)]
        + ["--log-level", "error", "--lifespan", "on"]
    )


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

    def place(self) -> ServerPlace:
        return ServerPlace(
            "Máy chủ tạm của Prefect",
            "temporary",
            self._home,
            database_of(self._home),
            self.log_path,
            self.port,
        )

    def start(self) -> None:
        command = temporary_server_command(port := free_port())
        self.port = port
        log = log_file(self._home, self.log_path.name)
        self._log_start = log.tell()
        env = server_env() | {
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        with log:
            self._process = spawn(command, log, env=env)

    def wait_ready(self, timeout: float) -> None:
        """Until the server answers. A server that exits is diagnosed from its output and fails
        the run at once, tried again only when another program took its port (a new one clears
        that); one that never answers in ``timeout`` is a passing fault of a busy machine."""
        deadline = time.monotonic() + timeout
        rebinds = 0
        while True:
            process = self._process
            if process is None:
                raise TransientIOError("Máy chủ tạm của Prefect đã dừng.")  # the run was closed
            code = process.poll()
            if code is not None:
                fault = diagnose(self.log_of_this_run(), code, self.place())
                if fault.kind == "port-taken" and rebinds < _REBINDS:
                    rebinds += 1
                    self.start()
                    continue
                self._process = None
                raise fault.error()
            if answers(self.api_url, timeout=1.0):
                return
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
        return read_from(self.log_path, self._log_start)
