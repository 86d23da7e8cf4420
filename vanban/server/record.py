"""``vanban-server.json`` in the Prefect home: the pid and address of the local server."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

PID_FILE = "vanban-server.json"
# The only address ``vanban server start`` records: a record naming any other is not its own.
_RECORDED_URL = re.compile(r"http://127\.0\.0\.1:(\d{1,5})/api")
_PID_MAX = 2**31 - 1  # pid_t


@dataclass(frozen=True)
class LocalRecord:
    """``vanban-server.json``: the pid and address ``vanban server start`` wrote."""

    pid: int
    api_url: str

    @property
    def port(self) -> int:
        match = _RECORDED_URL.fullmatch(self.api_url)
        return int(match.group(1)) if match else 0


def read_record(home: Path) -> LocalRecord | None:
    """The record in ``home``; None when there is none, pid 0 when it cannot be read."""
    path = home / PID_FILE
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return LocalRecord(0, "")
    try:
        record = json.loads(text)
        pid = int(record["pid"])
        url = str(record["api_url"])
    except (ValueError, KeyError, TypeError):
        return LocalRecord(0, "")
    # A pid no process can have (0, negative, past the kernel's range) is no record of ours:
    # signalling it would reach a process group or overflow.
    return LocalRecord(pid if 0 < pid <= _PID_MAX else 0, url)


def write_record(home: Path, record: LocalRecord) -> None:
    text = json.dumps({"pid": record.pid, "api_url": record.api_url})
    (home / PID_FILE).write_text(text, "utf-8")


def remove_record(home: Path) -> bool:
    try:
        (home / PID_FILE).unlink(missing_ok=True)
    except OSError:
        return False
    return True
