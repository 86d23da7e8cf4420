"""What a run started in this process hands its flow besides the flow's parameters.

Prefect stores a flow's parameters with the run, so they stay plain: paths and names (the
request). The run the command line (or the desk) has already prepared, with its plan, returned
forms and registry, and its progress display reach the flow through a context variable set for
the length of one call: it belongs to the calling thread's context, not to the process, so
several plans run at once from one process (the desk's threads) each see only their own, and a
prepared run is used only by a flow called with exactly its request's parameters. A run with no
hand-over (a deployment run, a run from Python) prepares itself and publishes its progress as an
artifact.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from vanban.issuing.prepared import PreparedRun
from vanban.issuing.run import Progress


@dataclass(frozen=True)
class Handoff:
    prepared: PreparedRun | None = None
    progress: Progress | None = None


_current: ContextVar[Handoff | None] = ContextVar("vanban_handoff", default=None)
_NOTHING = Handoff()


@contextmanager
def handing_over(
    prepared: PreparedRun | None = None, progress: Progress | None = None
) -> Iterator[None]:
    """Flows called in this context while the block runs get ``prepared`` and ``progress``."""
    token = _current.set(Handoff(prepared, progress))
    try:
        yield
    finally:
        _current.reset(token)


def local_progress() -> Progress | None:
    return (_current.get() or _NOTHING).progress


def prepared_for(parameters: Mapping[str, Any]) -> PreparedRun | None:
    """The run prepared in this context for exactly these flow parameters, if any."""
    prepared = (_current.get() or _NOTHING).prepared
    if prepared is None or prepared.request.parameters() != dict(parameters):
        return None
    return prepared
