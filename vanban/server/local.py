"""The local server of ``vanban server start|stop|status``, trusted only as far as it is proved."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vanban.errors import PrefectUnavailableError, TransientIOError, VanbanError
from vanban.server.diagnosis import ServerPlace, diagnose, home_fault, port_taken_message
from vanban.server.home import (
    database_of,
    log_file,
    prefect_origin,
    read_from,
    server_env,
    spawn,
    startup_timeout,
)
from vanban.server.listener import alive, end, pid_listens
from vanban.server.ports import port_is_free, prefect_answers, ui_url
from vanban.server.record import (
    PID_FILE,
    LocalRecord,
    read_record,
    remove_record,
    write_record,
)

LOCAL_PORT = 4200


def local_server_command(port: int) -> list[str]:
    """``prefect server start`` on 127.0.0.1:``port``, with its UI."""
    prefect_origin()
    return [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"] + [
        "--port",
        str(port),
    ]


LocalState = Literal["none", "running", "stale", "silent", "unproven"]


@dataclass(frozen=True)
class LocalServer:
    """What the record of a home's local server proved to be.

    ``running`` only when its port answers as Prefect and the recorded pid is the process that
    listens on it; ``stale`` when the record names something else (``why`` says what); ``silent``
    when the recorded pid listens on the port but nothing answers there (a hung server, or not
    one); ``unproven`` when Prefect answers but this machine cannot tell which process listens.
    Only ``running`` is ever used or signalled.
    """

    state: LocalState
    record: LocalRecord | None = None
    why: str = ""

    @property
    def api_url(self) -> str | None:
        return self.record.api_url if self.state == "running" and self.record else None


def check_local(home: Path, *, timeout: float = 5.0) -> LocalServer:
    """What ``vanban-server.json`` of ``home`` names, proved or not (see :class:`LocalServer`).

    A busy server has ``timeout`` to answer before it is called silent (and left alone).
    """
    record = read_record(home)
    if record is None:
        return LocalServer("none")
    if record.pid <= 0 or record.port == 0:
        return LocalServer("stale", record, "bản ghi không đọc được")
    if not alive(record.pid):
        return LocalServer("stale", record, f"tiến trình {record.pid} không còn chạy")
    answer = prefect_answers(record.api_url, timeout=timeout)
    if answer == "nothing":
        return LocalServer("stale", record, f"không có chương trình nào nghe ở cổng {record.port}")
    if answer == "other":
        return LocalServer(
            "stale", record, f"chương trình ở cổng {record.port} không phải máy chủ Prefect"
        )
    listens = pid_listens(record.pid, record.port)
    if listens is None:
        return LocalServer("unproven", record)
    if not listens:
        return LocalServer(
            "stale", record, f"tiến trình {record.pid} không phải chương trình nghe ở cổng "
            f"{record.port}",
        )
    return LocalServer("running" if answer == "prefect" else "silent", record)


def running_local(home: Path) -> str | None:
    """The API address of the local server of this home, if it is proved up and answering."""
    return check_local(home).api_url


def start_local(home: Path, port: int = LOCAL_PORT) -> str:
    """Start ``prefect server start`` in the background in ``home``; returns its API address."""
    timeout = startup_timeout()
    current = check_local(home)
    if current.api_url is not None:
        return current.api_url
    if not port_is_free(port):
        raise _port_refusal(home, port, current)
    api_url = f"http://127.0.0.1:{port}/api"
    command = local_server_command(port)
    place = ServerPlace(
        "Máy chủ Prefect cục bộ", "local", home, database_of(home), home / "logs" / "server.log",
        port,
    )
    with log_file(home, place.log_path.name) as log:
        log_start = log.tell()
        # A new session: it outlives this command and the terminal it ran in, and its process
        # group (the server and the workers it starts) is stopped as one.
        process = spawn(command, log, env=server_env(), cwd=home, new_session=True)
    try:
        write_record(home, LocalRecord(process.pid, api_url))
    except OSError as exc:
        end(process.pid)
        raise home_fault(exc, home) from None
    deadline = time.monotonic() + timeout
    while True:
        code = process.poll()
        if code is not None:
            remove_record(home)
            raise diagnose(read_from(place.log_path, log_start), code, place).error()
        if prefect_answers(api_url, timeout=1.0) == "prefect":
            return api_url
        if time.monotonic() >= deadline:
            end(process.pid)  # this command started it: its own beyond doubt
            remove_record(home)
            raise TransientIOError(
                f"Máy chủ Prefect cục bộ chưa trả lời sau {timeout:g} giây (máy đang bận?): "
                f"chạy lại `vanban server start`; nhật ký: {place.log_path}."
            )
        time.sleep(0.2)


def stop_local(home: Path) -> tuple[LocalServer, bool]:
    """Stop the local server of this home if it is proved to be it (see :func:`check_local`).

    Returns what the record was and whether the record is gone: it is removed when its server
    was stopped or when it is stale; a ``silent`` or ``unproven`` one is left, nothing signalled.
    """
    found = check_local(home)
    if found.state == "running" and found.record is not None:
        end(found.record.pid)
    if found.state in ("running", "stale"):
        return found, remove_record(home)
    return found, found.state == "none"


def status_line(found: LocalServer, home: Path) -> str:
    """What ``vanban server status`` says of ``found``, one Vietnamese line."""
    record = found.record
    if found.state == "running" and record is not None:
        return f"Máy chủ Prefect cục bộ đang chạy. Giao diện: {ui_url(record.api_url)}"
    if found.state == "stale" and record is not None:
        return (
            "Máy chủ Prefect cục bộ không chạy (`vanban server start` để chạy); bản ghi "
            f"{home / PID_FILE} đã cũ ({found.why})."
        )
    if found.state in ("silent", "unproven"):
        return _unproven_line(found, home)
    return "Máy chủ Prefect cục bộ không chạy (`vanban server start` để chạy)."


def stop_line(found: LocalServer, removed: bool, home: Path) -> str:
    """What ``vanban server stop`` says after :func:`stop_local`, one Vietnamese line."""
    record = found.record
    if found.state == "running":
        return "Đã dừng máy chủ Prefect cục bộ."
    if found.state == "stale" and record is not None:
        gone = "đã xóa" if removed else "không xóa được, hãy xóa tay"
        untouched = f" vanban không động đến tiến trình {record.pid}." if record.pid > 0 else ""
        return (
            f"Máy chủ Prefect cục bộ không chạy; bản ghi cũ {home / PID_FILE} ({found.why}) "
            f"{gone}.{untouched}"
        )
    if found.state in ("silent", "unproven") and record is not None:
        return f"{_unproven_line(found, home)} vanban không dừng tiến trình {record.pid}."
    return "Máy chủ Prefect cục bộ không chạy."


def _unproven_line(found: LocalServer, home: Path) -> str:
    record = found.record
    assert record is not None
    if found.state == "silent":
        return (
            f"Máy chủ Prefect cục bộ không trả lời: tiến trình {record.pid} ghi trong "
            f"{home / PID_FILE} nghe ở cổng {record.port} nhưng không trả lời như máy chủ Prefect "
            "(đang khởi động hay bị treo?); đợi rồi thử lại, hoặc dừng tiến trình đó bằng tay."
        )
    return (
        f"Một máy chủ Prefect trả lời tại {ui_url(record.api_url)}, nhưng vanban không xác minh "
        f"được đó là tiến trình {record.pid} ghi trong {home / PID_FILE} (trên hệ điều hành này "
        "cần gói psutil: pip install psutil)."
    )


def _port_refusal(home: Path, port: int, current: LocalServer) -> VanbanError:
    """Why ``vanban server start`` cannot have ``port``: what holds it, if vanban can tell."""
    if current.record is not None and current.record.port == port and current.state in (
        "silent",
        "unproven",
    ):
        return PrefectUnavailableError(_unproven_line(current, home))
    if prefect_answers(f"http://127.0.0.1:{port}/api") == "prefect":
        return PrefectUnavailableError(
            f"Cổng {port} đang có một máy chủ Prefect khác dùng (không phải máy chủ của thư mục "
            f"{home}): chọn cổng khác với --port, hoặc dùng máy chủ đó bằng "
            f"PREFECT_API_URL=http://127.0.0.1:{port}/api."
        )
    return PrefectUnavailableError(port_taken_message(port))
