"""``vanban ui``: the desk served on 127.0.0.1, its Prefect server kept for its lifetime.

The token the pages carry is drawn anew at every start; the browser is opened on the desk unless
told not to. Stopping the desk (Ctrl+C, or closing its window) stops the temporary Prefect
server it started, never a local one it found.
"""

from __future__ import annotations

import secrets
import signal
import socket
import threading
import webbrowser
from pathlib import Path

from vanban.desk.app import create_app
from vanban.desk.runs import Runner
from vanban.errors import InputError

__all__ = ["DEFAULT_PORT", "default_workspace", "serve"]

DEFAULT_PORT = 8765


def default_workspace() -> Path:
    return Path.home() / "vanban"


def serve(workspace: Path, *, port: int = DEFAULT_PORT, browser: bool = True) -> None:
    """Serve the desk until interrupted."""
    import uvicorn

    _port_free(port)
    runner = Runner()
    runner.connect()
    app = create_app(workspace, port=port, token=secrets.token_urlsafe(32), runner=runner)
    url = f"http://127.0.0.1:{port}/"
    if browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    print(f"Bàn làm việc vanban: {url} (thư mục làm việc {workspace}). Dừng bằng Ctrl+C.")
    _stop_cleanly_on_signals()
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    finally:
        runner.close()


def _stop_cleanly_on_signals() -> None:
    """SIGTERM (a service manager, ``kill``) and SIGHUP (the terminal closed) end the desk as
    Ctrl+C does, through its ``finally``: uvicorn, once shut down, raises the signal again with
    the handler it found, and the default one would end the process at once, leaving the
    temporary Prefect server running."""

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(0)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, leave)


def _port_free(port: int) -> None:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise InputError(
                f"Cổng {port} đang được dùng (có thể bàn làm việc đã mở sẵn: xem trình duyệt, "
                f"hoặc chọn cổng khác: vanban ui --port {port + 1})."
            ) from None
