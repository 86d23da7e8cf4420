"""The Prefect home and what a server started in it gets: settings, log, environment, process.

The servers of a home keep their database there and write their own output to ``logs/``; they
are child processes started with :func:`spawn`, with an environment (:func:`server_env`) that
never silences their errors and warnings, the only place the cause of a failed start is written.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import subprocess
import time
from pathlib import Path
from typing import IO

from vanban.errors import TransientIOError, VanbanError
from vanban.server.diagnosis import home_fault

DEFAULT_HOME = Path("~/.vanban/prefect")
STARTUP_TIMEOUT_SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Prefect allows 20 s; a 2-core machine busy with other work was seen to need more than that.
STARTUP_TIMEOUT = 120
# Settings a user or vanban's quiet terminal (configure) may set that would also silence the
# servers' own output, the only place the cause of a failed start is written.
_NEVER_QUIETER_THAN_WARNING = (
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL",
    "PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL",
    "PREFECT_LOGGING_LEVEL",
    "PREFECT_SERVER_LOGGING_LEVEL",
)
_DATABASE_SETTINGS = (
    "PREFECT_SERVER_DATABASE_CONNECTION_URL",
    "PREFECT_API_DATABASE_CONNECTION_URL",
)


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
        raise home_fault(exc, home) from None
    if not verbose:
        # Everything a clerk needs (failures, refusals, retries) is in vanban's own summary and
        # the audit log; Prefect's tracebacks of the same failure would only bury it. Only the
        # terminal is spared: the run's logs still go to the server, for its UI, and the servers
        # themselves never inherit this (see server_env).
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL", "CRITICAL")
    return home


def startup_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(STARTUP_TIMEOUT_SETTING, STARTUP_TIMEOUT)))
    except ValueError:
        return float(STARTUP_TIMEOUT)


def database_of(home: Path) -> str:
    """Where the servers of ``home`` keep their database, as a clerk would look for it; a
    connection URL set by the office is named by its setting, never printed (it may hold a
    password)."""
    for name in _DATABASE_SETTINGS:
        url = os.environ.get(name)
        if url:
            prefix, _, path = url.partition(":///")
            return path if prefix.startswith("sqlite") and path else f"của {name}"
    return str(home / "prefect.db")


def log_file(home: Path, name: str) -> IO[bytes]:
    path = home / "logs" / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > 5 * 2**20:
            path.replace(path.with_suffix(".log.1"))  # keep the log small: this one and the last
        handle = open(path, "ab")  # noqa: SIM115 - the child process keeps writing to it
        header = f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} pid {os.getpid()} ---\n"
        try:
            handle.write(header.encode())
            handle.flush()
        except OSError:
            with contextlib.suppress(OSError):  # its unwritten header fails the close again
                handle.close()
            raise
    except OSError as exc:
        raise home_fault(exc, home) from None
    return handle


def read_from(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _level(value: str | None) -> int:
    text = (value or "").strip().upper()
    if text.isdigit():
        return int(text)
    return logging.getLevelNamesMapping().get(text, logging.NOTSET)


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    # The server's output is how vanban learns why it failed and what its log keeps: errors and
    # warnings always reach it, whatever quiet the clerk's terminal was given.
    for name in _NEVER_QUIETER_THAN_WARNING:
        if _level(env.get(name)) > logging.WARNING:
            env[name] = "WARNING"
    return env


def spawn(
    command: list[str],
    log: IO[bytes],
    *,
    env: dict[str, str],
    cwd: Path | None = None,
    new_session: bool = False,
) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=new_session,
        )
    except OSError as exc:  # no process to be had: too many, or no memory, for now
        raise TransientIOError(
            f"Không chạy được máy chủ Prefect ({exc.strerror or exc}): chạy lại lệnh này."
        ) from None


def prefect_origin() -> Path:
    spec = importlib.util.find_spec("prefect")  # where Prefect is, without importing it
    if spec is None or spec.origin is None:
        raise VanbanError("Chưa cài Prefect: hãy cài lại vanban (pip install -e .).")
    return Path(spec.origin)
