"""What keeps other web pages out of the desk.

Any page the clerk visits can send requests to 127.0.0.1. So, for every request:

- the Host header must be a loopback name with the desk's port (a DNS-rebinding page reaches the
  desk under its own host name, and is refused);
- a request that changes something (any method but GET and HEAD) must come from the desk's own
  origin (the browser's Origin header) and carry the token the desk wrote into its own pages
  (``X-Vanban-Token``): a foreign page can send a request but cannot read the token;
- a body is refused beyond its cap before it is read whole (:func:`read_body`).

Every response says: no framing, no sniffing, no referrer, and only the desk's own scripts.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

__all__ = ["Guard", "TooLarge", "read_body"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_HEADER = "x-vanban-token"
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
_SAFE = frozenset({"GET", "HEAD"})
_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
# What a browser says of where a request comes from (Fetch Metadata): only the desk's own pages,
# or the clerk typing the address, may even read. A client that does not say (not a browser, so
# not a page the clerk visits) is judged by Host, Origin and token alone.
_OWN_SITES = frozenset({"", "none", "same-origin"})


class TooLarge(Exception):
    """A request body over its cap."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class Guard:
    """ASGI middleware: refuses a foreign Host, Origin or a missing token; see the module doc."""

    def __init__(self, app: ASGIApp, *, port: int, token: str) -> None:
        self.app = app
        self.port = port
        self.token = token
        self.hosts = {f"{name}:{port}" for name in _LOOPBACK}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # the desk has none
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # the server's own lifespan messages
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.refusal(scope["method"], headers)
        if refusal is not None:
            status, text = refusal
            await _plain(send, status, text)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + _HEADERS
            await send(message)

        await self.app(scope, receive, secured)

    def refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """Why the request is refused (status, text), or None."""
        if headers.get("host", "").lower() not in self.hosts:
            return 421, "Máy chủ bàn làm việc chỉ nhận yêu cầu gửi tới 127.0.0.1 (Host không hợp lệ)."
        if headers.get("sec-fetch-site", "") not in _OWN_SITES:
            return 403, "Yêu cầu đến từ một trang web khác, không phải trang của bàn làm việc."
        if method in _SAFE:
            return None
        if headers.get("origin", "") not in self.origins:
            return 403, "Yêu cầu không đến từ trang của bàn làm việc (Origin không hợp lệ)."
        if not hmac.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
            return 403, "Thiếu mã của bàn làm việc; hãy tải lại trang."
        return None


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, TooLarge as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
