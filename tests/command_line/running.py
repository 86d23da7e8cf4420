"""Running ``vanban`` as a clerk does: a real process with the command line's own defaults."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# Settings the test session sets for itself, or a developer's shell may hold, that a clerk's
# machine does not: each run starts from the command line's own defaults.
_NOT_A_CLERKS = (
    "PREFECT_LOGGING_LEVEL",
    "PREFECT_SERVER_ANALYTICS_ENABLED",
    "PREFECT_API_URL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
)


def vanban(
    *args: str,
    home: Path | None = None,
    env: dict[str, str] | None = None,
    command: Sequence[str] = ("-m", "vanban"),
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in _NOT_A_CLERKS}
    full_env["COLUMNS"] = "200"
    if home is not None:
        full_env["PREFECT_HOME"] = str(home)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, *command, *args],
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
        timeout=600,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
