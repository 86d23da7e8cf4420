"""Format findings kept by document hash: a re-review checks only the documents that changed.

Checking a letters file of a hundred letters takes the Decree 30 checker most of a second, and a
province's review has hundreds of them; a re-review after one unit was issued again checked
them all. The findings of each document are kept under the SHA-256 of its bytes and a hash of
the checker's own source, so a document is checked again when it changed or the checker did.

They are kept in the user's cache (``$XDG_CACHE_HOME/vanban/checks``, else ``~/.cache/...``),
not in the output folder: whoever can write there could otherwise plant a record saying that a
document with faults has none. A cache that cannot be read or written only means checking again.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from vanban.decree30.checks.base import Finding
from vanban.errors import VanbanError
from vanban.files import atomic_write, user_cache


def cache_dir() -> Path:
    return user_cache("checks")


@cache
def checker_version() -> str:
    """A hash of every module of ``vanban.decree30``: new rules, new findings."""
    digest = hashlib.sha256()
    pending = [resources.files("vanban.decree30")]
    sources = []
    while pending:
        folder = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir() and entry.name != "__pycache__":
                pending.append(entry)
            elif entry.name.endswith(".py"):
                sources.append(entry)
    for entry in sorted(sources, key=str):
        digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def _record(sha256: str) -> Path:
    # Only hex digits in the name: nothing of a document's path or content reaches it.
    return cache_dir() / f"{checker_version()[:16]}-{sha256}.json"


def cached_findings(sha256: str) -> list[Finding] | None:
    """The findings recorded for a document with these bytes, or None if it was not checked."""
    try:
        entries = json.loads(_record(sha256).read_text("utf-8"))
        return [
            Finding(str(e["rule"]), str(e["message"]), str(e.get("where") or ""))
            for e in entries
        ]
    except (OSError, ValueError, TypeError, KeyError):
        return None


def remember_findings(sha256: str, findings: list[Any]) -> None:
    entries = [
        {
            "rule": str(getattr(f, "rule", "") or ""),
            "message": str(getattr(f, "message", f)),
            "where": _where(getattr(f, "where", None)),
        }
        for f in findings
    ]
    try:
        cache_dir().mkdir(parents=True, exist_ok=True)
        atomic_write(_record(sha256), json.dumps(entries, ensure_ascii=False).encode("utf-8"))
    except (OSError, ValueError, VanbanError):  # atomic_write translates OS errors
        pass


def _where(value: Any) -> str | None:
    return None if value is None else str(value)


__all__ = ["cache_dir", "cached_findings", "checker_version", "remember_findings"]
