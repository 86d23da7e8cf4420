"""The one exception tree of vanban.

Every error vanban raises on purpose derives from :class:`VanbanError`; the CLI catches that root
once, prints the message in Vietnamese and exits with the class's ``exit_code``::

    VanbanError                    exit 1   anything vanban refuses to do
    ├── InputError                 exit 2   bad input: never retried
    │   ├── WorkbookError                   the workbook has problems (all of them, with cells)
    │   │   └── ResultFormsError            returned result forms have problems (file, sheet, cell)
    │   └── UnknownUnitError                a --unit name matches no unit
    ├── TemplateError              exit 3   a Word template is broken or names unknown data
    ├── TransientIOError           exit 75  a write refused, a locked file, a full disk: retried
    ├── PrefectUnavailableError    exit 69  Prefect cannot start until its named fault is fixed
    └── OutputConflictError        exit 4   issuing would lose something
        ├── EditedOutputError               a file was edited after it was issued
        ├── OutputLockedError               another run holds the output folder
        └── LinkInOutputError               a link inside the output folder: never followed
    PreparationError      (the first's)     several of the above at once, found preparing a run

Only ``TransientIOError`` is worth retrying (see ``is_retryable``); the others fail at once.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class VanbanError(Exception):
    """Root of every error vanban raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One finding about a workbook: where it is and what is wrong, in Vietnamese."""

    sheet: str | None
    cell: str | None
    message: str
    severity: str = "error"  # "error" stops a run; "warning" is printed and does not

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = []
        if self.sheet is not None:
            where.append(f'Sheet "{self.sheet}"')
        if self.cell is not None:
            where.append(f"ô {self.cell}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(VanbanError):
    """The input is wrong; running again will not help."""

    exit_code = 2


class WorkbookError(InputError):
    """The workbook has one or more errors; ``problems`` holds every finding, warnings included."""

    def __init__(self, problems: Iterable[Problem], path: str | None = None) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        self.path = path
        errors = [p for p in self.problems if p.is_error]
        head = f"Tệp {path}: " if path else ""
        lines = [f"{head}có {len(errors)} lỗi, chưa văn bản nào được phát hành."]
        lines += [f"- {p}" for p in errors]
        super().__init__("\n".join(lines))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


class ResultFormsError(WorkbookError):
    """The returned result forms of a folder have errors; each problem names its form's file."""

    def __init__(self, problems: Iterable[Problem], folder: str) -> None:
        super().__init__(problems, folder)
        lines = self.message.splitlines()
        lines[0] = (
            f"Thư mục phiếu kết quả {folder}: có {len(self.errors)} lỗi, chưa văn bản nào được "
            "phát hành."
        )
        self.message = "\n".join(lines)
        self.args = (self.message,)


class UnknownUnitError(InputError):
    """A unit named on the command line is not in the workbook."""


class TemplateError(VanbanError):
    """A template cannot be rendered: broken syntax, unknown variable or filter, missing file."""

    exit_code = 3


class TransientIOError(VanbanError):
    """A fault of the machine rather than the input; the same step may succeed if tried again."""

    exit_code = 75  # EX_TEMPFAIL


class PrefectUnavailableError(VanbanError):
    """Prefect cannot start on this machine until someone fixes what the message names: a corrupt
    database, a Prefect home that cannot be written, a port another program holds. Running again
    as things are fails the same way, so nothing retries it (a full disk is a TransientIOError)."""

    exit_code = 69  # EX_UNAVAILABLE


class OutputConflictError(VanbanError):
    """Writing would overwrite or race with something that must not be lost."""

    exit_code = 4


class EditedOutputError(OutputConflictError):
    """An issued document was changed by hand; it is not overwritten without --force."""


class OutputLockedError(OutputConflictError):
    """Another run is writing to the same output folder."""


class LinkInOutputError(OutputConflictError):
    """Something inside the output folder is a symbolic link or junction; vanban never follows
    one, since a planted link would let a run read or overwrite files outside the folder."""


class PreparationError(VanbanError):
    """Several problems found at once while preparing a run (a workbook cell, a --unit, a
    template...): each is kept in ``errors`` and listed; the exit code is the first one's, as
    the command would have exited had it been alone."""

    def __init__(self, errors: Sequence[VanbanError]) -> None:
        self.errors = tuple(errors)
        self.exit_code = self.errors[0].exit_code
        lines = [f"Có {len(self.errors)} vấn đề, chưa văn bản nào được phát hành:"]
        for error in self.errors:
            first, *rest = str(error).splitlines() or [""]
            lines += [f"- {first}", *(f"  {line}" for line in rest)]
        super().__init__("\n".join(lines))


def is_retryable(exc: BaseException) -> bool:
    """True for faults worth another attempt: our transient errors and the OS errors behind them."""
    if isinstance(exc, TransientIOError):
        return True
    if isinstance(exc, VanbanError):
        return False
    return isinstance(exc, (BlockingIOError, InterruptedError, TimeoutError, PermissionError)) or (
        isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS
    )


def exit_code_of(exc: BaseException) -> int:
    """The exit code a failure of ``exc`` ends a run with: its class's, 75 for a transient fault."""
    if isinstance(exc, VanbanError):
        return exc.exit_code
    return TransientIOError.exit_code if is_retryable(exc) else VanbanError.exit_code


# A full disk or quota that clears, a file another program holds. By name: the numbers differ
# between platforms, and EDQUOT is missing where the platform has no disk quotas (Windows).
_TRANSIENT_ERRNOS = frozenset(
    code
    for code in (
        errno.ENOSPC,
        errno.EAGAIN,
        errno.EBUSY,
        getattr(errno, "EDQUOT", None),
        errno.ETXTBSY,
    )
    if code is not None
)
