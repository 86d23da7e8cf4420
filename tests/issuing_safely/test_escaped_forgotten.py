"""The table of escaped values (``vanban.rendering.sandbox.escape_once``) holds the names a batch
printed: it is emptied after every batch, in the process that rendered it, so that a long-lived
process (the desk, a Dask worker) keeps no one's name past the documents that printed it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_ISSUED
from vanban.issuing import run
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import DocStatus, Job
from vanban.rendering import sandbox


def test_each_batch_forgets_the_values_it_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_before: list[int] = []
    held_after: list[int] = []
    real_forget = run.forget_escaped

    def forget() -> None:
        held_before.append(len(sandbox._ESCAPED))
        real_forget()

    monkeypatch.setattr(run, "forget_escaped", forget)

    def execute(issuer: Issuer, batches: Sequence[Sequence[Job]]) -> Iterator[DocStatus]:
        for batch in batches:
            statuses = run.issue_batch(issuer, batch)
            held_after.append(len(sandbox._ESCAPED))
            yield from statuses

    report = run.run_issue(EXAMPLE, out_dir=tmp_path / "out", execute=execute)
    assert report.count("issued") == EXAMPLE_ISSUED
    assert len(held_before) == len(held_after) > 1  # once per batch
    assert any(held_before)  # the batches did remember what they escaped
    assert held_after == [0] * len(held_after)
