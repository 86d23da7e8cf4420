"""What the benches share: the checkout they run in, an older revision of it unpacked beside,
and environment variables set for a run and put back after it."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def kept_env(*names: str) -> Iterator[None]:
    """Put ``names`` back as they were when the block ends (a bench points them at its own
    temporary folders: the user's caches are never touched)."""
    saved = {name: os.environ.get(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def baseline_tree(rev: str, folder: Path) -> Path:
    """The library and templates of git revision ``rev``, unpacked under ``folder``: what a
    bench runs as "today's" code, side by side with this tree's."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "vanban", "templates"],
        capture_output=True, check=True,
    )  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder
