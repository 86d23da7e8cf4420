"""What the benches share: environment variables set for a run and put back after it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


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
