"""The servers' addresses: a free port, and who answers at an API address."""

from __future__ import annotations

import http.client
import os
import socket
import urllib.error
import urllib.request
from typing import Literal

# The server's own address is never reached through an HTTP proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def answers(api_url: str, *, healthy_only: bool = True, timeout: float = 2.0) -> bool:
    """Whether a Prefect API answers at ``api_url`` (with ``healthy_only``: its health check)."""
    try:
        with _OPENER.open(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError:
        return not healthy_only  # a server that answers, if only to refuse (a hosted API)
    except (OSError, ValueError, http.client.HTTPException):
        return False


Answer = Literal["prefect", "other", "nothing", "silent"]


def prefect_answers(api_url: str, *, timeout: float = 2.0) -> Answer:
    """Who answers at ``api_url``: a Prefect server ("prefect": its health check says ``true``),
    another program ("other"), nothing at all ("nothing": the connection is refused), or a
    listener that does not answer in time ("silent": a busy or hung server, or not HTTP)."""
    try:
        with _OPENER.open(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            body = response.read(64)
            status = response.status
    except urllib.error.HTTPError:
        return "other"
    except urllib.error.URLError as exc:
        return "nothing" if isinstance(exc.reason, ConnectionRefusedError) else "silent"
    except ConnectionRefusedError:
        return "nothing"
    except http.client.HTTPException:
        return "other"  # it answered, but not in HTTP
    except (OSError, ValueError):
        return "silent"
    return "prefect" if status == 200 and body.strip() == b"true" else "other"


def free_port() -> int:
    with socket.socket() as probe:  # a free port, as the kernel picks them
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        if os.name == "posix":
            # A port a stopped server left in TIME_WAIT is free for a new listener, as Prefect
            # binds it (on Windows this option would let two listeners share a port: not there).
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def ui_url(api_url: str) -> str:
    return api_url.removesuffix("/").removesuffix("/api")
