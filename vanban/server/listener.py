"""Which process listens on a port, proved by /proc or psutil; and ending a proved server."""

from __future__ import annotations

import importlib
import os
import signal
import time
from pathlib import Path
from typing import Any


def alive(pid: int) -> bool:
    if os.name == "nt":
        # Signal 0 is CTRL_C_EVENT there: it would interrupt the process, not probe it.
        psutil = _psutil()
        return bool(psutil.pid_exists(pid)) if psutil is not None else False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    except (OSError, OverflowError):
        return False
    return True


def pid_listens(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` holds a socket listening on TCP ``port``; None where this
    machine cannot tell (no /proc, and psutil not installed)."""
    if os.path.exists("/proc/net/tcp"):
        return _proc_pid_listens(pid, port)
    return _psutil_pid_listens(pid, port)


def _proc_pid_listens(pid: int, port: int) -> bool:
    # Linux: the listening sockets of the port by inode, then the process's descriptors. Another
    # user's process cannot be read, and is not vanban's server.
    inodes = _listening_inodes(port)
    if not inodes:
        return False
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for descriptor in descriptors:
        try:
            if os.readlink(f"/proc/{pid}/fd/{descriptor}") in wanted:
                return True
        except OSError:
            continue  # closed meanwhile
    return False


def _listening_inodes(port: int) -> set[str]:
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text("ascii").splitlines()[1:]
        except OSError:
            continue  # no IPv6
        for row in rows:
            fields = row.split()  # sl, local address:port (hex), remote, state (0A: LISTEN), ...
            if len(fields) > 9 and fields[3] == "0A":
                if int(fields[1].rpartition(":")[2], 16) == port:
                    found.add(fields[9])
    return found


def _psutil() -> Any:
    """psutil where it is installed (a dependency where there is no /proc), else None."""
    try:
        return importlib.import_module("psutil")
    except ImportError:
        return None


def _psutil_pid_listens(pid: int, port: int) -> bool | None:
    psutil = _psutil()
    if psutil is None:
        return None
    try:
        process = psutil.Process(pid)
        connections = getattr(process, "net_connections", None) or process.connections
        return any(
            c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port
            for c in connections(kind="tcp")
        )
    except psutil.Error:
        return False  # gone, or another user's


def end(pid: int) -> None:
    """Stop a server proved to be vanban's: SIGTERM, then SIGKILL after 15 s."""
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.1)
    if alive(pid):
        _signal(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        _reap(pid)


def _signal(pid: int, sig: int) -> None:
    try:
        # The server leads the session it was started in: its group holds the workers it started.
        if hasattr(os, "killpg") and os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    # A server this very process started is its child: without waiting it stays a zombie.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
