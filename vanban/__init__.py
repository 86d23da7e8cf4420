"""vanban: issue Vietnamese official documents (Decree 30/2020/NĐ-CP) from a plan workbook.

The public API, for scripts and other programs; the ``vanban`` command calls the same functions::

    import vanban

    plan = vanban.load_plan("inputs/thap-muoi-2022.xlsx")    # InputError on bad input
    report = vanban.run_issue(plan, out_dir="outputs/x")     # the whole run, without Prefect
    findings = vanban.check_folder("outputs/x")              # Decree 30 format findings
    vanban.review_folder("outputs/x")                        # the review page

Names are loaded on first use, so ``import vanban`` stays cheap for the command line. The
exception tree is drawn in :mod:`vanban.errors`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

# Each public name and the module that defines it.
_EXPORTS = {
    # reading a plan
    "load_plan": "vanban.workbook.loader",
    "collect_problems": "vanban.workbook.loader",
    "write_blank_workbook": "vanban.workbook.blank",
    "Plan": "vanban.model",
    # document kinds
    "DocumentKind": "vanban.documents.kinds",
    "Registry": "vanban.documents.kinds",
    "load_registry": "vanban.documents.kinds",
    "default_templates_dir": "vanban.documents.kinds",
    "lint_templates": "vanban.documents.lint",
    # running an issue
    "run_issue": "vanban.issuing.run",
    "Executor": "vanban.issuing.run",
    "Progress": "vanban.issuing.run",
    "RunReport": "vanban.issuing.issuer",
    "DocStatus": "vanban.issuing.issuer",
    "verify": "vanban.issuing.audit",
    # review, the checker, diff
    "review_folder": "vanban.review.build",
    "ReviewResult": "vanban.review.build",
    "check_document": "vanban.decree30.checker",
    "check_folder": "vanban.decree30.checker",
    "Finding": "vanban.decree30.checker",
    "diff_documents": "vanban.review.textdiff",
    "format_diff": "vanban.review.textdiff",
    # the result forms
    "write_forms": "vanban.forms.writing",
    "collect_forms": "vanban.forms.collecting",
    # the errors
    "VanbanError": "vanban.errors",
    "InputError": "vanban.errors",
    "WorkbookError": "vanban.errors",
    "ResultFormsError": "vanban.errors",
    "UnknownUnitError": "vanban.errors",
    "TemplateError": "vanban.errors",
    "TransientIOError": "vanban.errors",
    "OutputConflictError": "vanban.errors",
    "EditedOutputError": "vanban.errors",
    "OutputLockedError": "vanban.errors",
    "LinkInOutputError": "vanban.errors",
    "Problem": "vanban.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vanban' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

