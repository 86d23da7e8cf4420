"""vanban: issue Vietnamese official documents (Decree 30/2020/NĐ-CP) from a plan workbook.

The public API, for scripts and other programs; the ``vanban`` command calls the same functions::

    import vanban

    run = vanban.prepare_run("inputs/thap-muoi-2022.xlsx", out_dir="outputs/x")
    run.raise_errors()                                       # every problem at once, or none
    report = vanban.issue_prepared(run)                      # the whole run, without Prefect
    findings = vanban.check_folder("outputs/x")              # Decree 30 format findings
    vanban.review_folder("outputs/x")                        # the review page

Names are loaded on first use, so ``import vanban`` stays cheap for the command line. The
exception tree is drawn in :mod:`vanban.errors`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:
    # What type checkers and editors see: each name with its real type. At run time the names
    # are loaded by ``__getattr__`` below; tests/house_rules/test_public_api.py keeps this block
    # and ``_EXPORTS`` naming the same things.
    from vanban.decree30.checker import Finding as Finding
    from vanban.decree30.checker import check_document as check_document
    from vanban.decree30.checker import check_folder as check_folder
    from vanban.documents.kinds import DocumentKind as DocumentKind
    from vanban.documents.kinds import Registry as Registry
    from vanban.documents.kinds import default_templates_dir as default_templates_dir
    from vanban.documents.kinds import load_registry as load_registry
    from vanban.documents.lint import lint_templates as lint_templates
    from vanban.errors import EditedOutputError as EditedOutputError
    from vanban.errors import InputError as InputError
    from vanban.errors import LinkInOutputError as LinkInOutputError
    from vanban.errors import OutputConflictError as OutputConflictError
    from vanban.errors import OutputLockedError as OutputLockedError
    from vanban.errors import PrefectUnavailableError as PrefectUnavailableError
    from vanban.errors import PreparationError as PreparationError
    from vanban.errors import Problem as Problem
    from vanban.errors import ResultFormsError as ResultFormsError
    from vanban.errors import TemplateError as TemplateError
    from vanban.errors import TransientIOError as TransientIOError
    from vanban.errors import UnknownUnitError as UnknownUnitError
    from vanban.errors import VanbanError as VanbanError
    from vanban.errors import WorkbookError as WorkbookError
    from vanban.forms.collecting import collect_forms as collect_forms
    from vanban.forms.writing import write_forms as write_forms
    from vanban.issuing.jobs import DocStatus as DocStatus
    from vanban.issuing.jobs import RunReport as RunReport
    from vanban.issuing.prepared import PreparedRun as PreparedRun
    from vanban.issuing.prepared import RunRequest as RunRequest
    from vanban.issuing.run import Executor as Executor
    from vanban.issuing.run import Progress as Progress
    from vanban.issuing.run import issue_prepared as issue_prepared
    from vanban.issuing.run import run_issue as run_issue
    from vanban.issuing.verifying import verify as verify
    from vanban.model import Plan as Plan
    from vanban.prepare import prepare_run as prepare_run
    from vanban.review.build import ReviewResult as ReviewResult
    from vanban.review.build import review_folder as review_folder
    from vanban.review.textdiff import diff_documents as diff_documents
    from vanban.review.textdiff import format_diff as format_diff
    from vanban.workbook.blank import write_blank_workbook as write_blank_workbook
    from vanban.workbook.loader import collect_problems as collect_problems
    from vanban.workbook.loader import load_plan as load_plan

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
    # preparing and running an issue
    "prepare_run": "vanban.prepare",
    "PreparedRun": "vanban.issuing.prepared",
    "RunRequest": "vanban.issuing.prepared",
    "issue_prepared": "vanban.issuing.run",
    "run_issue": "vanban.issuing.run",
    "Executor": "vanban.issuing.run",
    "Progress": "vanban.issuing.run",
    "RunReport": "vanban.issuing.jobs",
    "DocStatus": "vanban.issuing.jobs",
    "verify": "vanban.issuing.verifying",
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
    "PreparationError": "vanban.errors",
    "PrefectUnavailableError": "vanban.errors",
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

