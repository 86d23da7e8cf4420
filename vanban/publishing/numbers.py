"""The number and date the records office gave each document, read back from the workbook.

An office that numbers at signing (the signing tool stamps the number and date at the
organisation's signature, Decree 30 art. 15) publishes its PDFs with the number line blank, then
fills the numbers into the workbook. ``vanban signed --workbook`` records them with the signed
copies: each document's number and date are its properties as a run would render them now
(``vanban.documents.properties``), computed, never rendered: a signed copy is never re-rendered.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vanban.documents.kinds import load_registry
from vanban.documents.properties import document_properties
from vanban.issuing.jobs import plan_jobs
from vanban.workbook.loader import load_plan

__all__ = ["GivenNumber", "given_numbers"]


@dataclass(frozen=True)
class GivenNumber:
    number: str  # "15/GM-UBND", or "" while the workbook has none
    date: date | None


def given_numbers(
    workbook: Path, documents: Collection[str], *, templates: Path | None = None
) -> dict[str, GivenNumber]:
    """The number and date of each document path in ``documents``, from ``workbook``.

    WorkbookError (exit 2) when the workbook has errors, before anything is recorded.
    """
    plan = load_plan(workbook)
    registry = load_registry(templates)
    found: dict[str, GivenNumber] = {}
    for job in plan_jobs(plan, registry):
        if job.relpath not in documents or job.pending is not None:
            continue
        props = document_properties(job.kind.label, job.kind.build_context(plan, job.unit), plan)
        found[job.relpath] = GivenNumber(props.identifier, props.created)
    return found
