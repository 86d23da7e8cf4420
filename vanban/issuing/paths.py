"""Where each document of a plan goes: the plan's folder name and each unit's file name.

Two documents never share a path. A unit's slug fills the "{unit}" of every per-unit kind's
output pattern (``vanban.documents.kinds``); where one pattern is another with more around the
slug ("{unit}.docx" and "{unit}-danh-sach.docx" in one folder), a slug ending (or starting) with
that extra part would land on another unit's document, so such slugs are reserved and get a
number, whatever order the units come in. The reserved parts are derived from the registry, so
a new kind is covered without touching this module. Names Windows refuses (CON, NUL, ...) are
reserved too, and every path is checked against the OS limits before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath

from vanban.documents.kinds import Registry
from vanban.errors import Problem
from vanban.model import Plan, Unit
from vanban.outdir import HISTORY_DIR, history_name
from vanban.text.names import slugify

UNIT = "{unit}"
# Bytes in one file or folder name (ext4, NTFS, APFS all stop at 255).
NAME_MAX = 255
# A whole path: Windows without long-path support stops at 259 characters; POSIX at PATH_MAX.
PATH_MAX = 259 if os.name == "nt" else 4095
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(10)}
)


def plan_slug(plan: Plan, plan_type: str) -> str:
    """ "6662-kh-ubnd-2022": the plan's number, symbol and year.

    ``plan_type`` is the plan's type abbreviation, which the registry declares
    (``Registry.plan_type``).
    """
    number = f"{plan.ref.number}" if plan.ref.number is not None else ""
    return slugify(f"{number} {plan_type} {plan.issuer.abbr} {plan.year}")


Patterns = tuple[tuple[str, str], ...]


def unit_patterns(registry: Registry) -> Patterns:
    """(before, after) the "{unit}" of each per-unit kind's output, in registry order."""
    out: list[tuple[str, str]] = []
    for k in registry.kinds:
        if UNIT in k.output:
            before, after = k.output.split(UNIT, 1)
            if (before, after) not in out:
                out.append((before, after))
    return tuple(out)


@lru_cache(maxsize=16)
def reserved_parts(patterns: Patterns) -> tuple[frozenset[str], frozenset[str]]:
    """Slug prefixes and suffixes that would make one kind's path another kind's.

    With "03-giay-moi/{unit}.docx" and "03-giay-moi/{unit}-danh-sach.docx", the slug
    "x-danh-sach" would give the invitation path of the sign-in list of "x": "-danh-sach" is a
    reserved suffix. Prefixes come the same way from patterns that share what follows.
    """
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    for before, after in patterns:
        for other_before, other_after in patterns:
            if other_before != before and other_before.startswith(before):
                prefixes.add(other_before[len(before) :])
            if other_after != after and other_after.endswith(after):
                suffixes.add(other_after[: len(other_after) - len(after)])
    return frozenset(prefixes), frozenset(suffixes)


def _allowed(slug: str, patterns: Patterns) -> bool:
    prefixes, suffixes = reserved_parts(patterns)
    return (
        slug not in _WINDOWS_DEVICES
        and not any(slug.startswith(p) for p in prefixes)
        and not any(slug.endswith(s) for s in suffixes)
    )


def _candidates(base: str, patterns: Patterns) -> Iterator[str]:
    prefixes, _ = reserved_parts(patterns)
    yield base
    n = 2
    while True:
        # A number at the end cannot undo a reserved start; it goes in front then.
        yield f"{n}-{base}" if any(base.startswith(p) for p in prefixes) else f"{base}-{n}"
        n += 1


def unit_slugs(plan: Plan, registry: Registry) -> dict[int, str]:
    """Each unit's file name part, such that no two documents of the plan share a path.

    Two names that fold to one slug ("Mỹ An", "Mỹ Ân") get a number; so does a name whose slug
    is reserved ("Mỹ Đông Danh Sách"). Paths are compared case-folded: Windows and macOS file
    systems do not tell "A" from "a".
    """
    patterns = unit_patterns(registry)
    taken = {k.output.casefold() for k in registry.kinds if UNIT not in k.output}
    out: dict[int, str] = {}
    for u in plan.units:
        for slug in _candidates(slugify(u.name), patterns):
            paths = {f"{before}{slug}{after}".casefold() for before, after in patterns}
            if _allowed(slug, patterns) and not paths & taken:
                break
        taken |= paths
        out[u.row] = slug
    return out


# --- what the OS accepts --------------------------------------------------------------------


def _too_long(relpath: str, root: Path | None) -> str | None:
    """Why the OS would refuse ``relpath`` (or its copy in the history), None if it would not."""
    # The copy kept in the history when the document is replaced is longer than the document.
    kept = history_name(relpath, "0" * 64, digits=64)
    names = [(part, "") for part in PurePosixPath(relpath).parts]
    names.append((kept, f" (bản lưu trong {HISTORY_DIR}/ khi văn bản được phát hành lại)"))
    # The longest says by how much the name must shrink for every file to fit.
    name, which = max(names, key=lambda n: len(n[0].encode("utf-8")))
    size = len(name.encode("utf-8"))
    if size > NAME_MAX:
        return (
            f'tên tệp "{_short(name)}"{which} sẽ dài {size} byte, hệ điều hành chỉ cho phép '
            f"{NAME_MAX}; hãy rút gọn tên đi ít nhất {size - NAME_MAX} ký tự"
        )
    if root is not None:
        base = os.path.abspath(root)
        for full in (os.path.join(base, relpath), os.path.join(base, HISTORY_DIR, kept)):
            size = len(os.fsencode(full)) if os.name != "nt" else len(full)
            if size > PATH_MAX:
                return (
                    f'đường dẫn "{_short(full)}" sẽ dài {size} ký tự, hệ điều hành chỉ cho phép '
                    f"{PATH_MAX}; hãy rút gọn tên hoặc chọn thư mục đầu ra ngắn hơn (--out)"
                )
    return None


def _short(text: str, keep: int = 60) -> str:
    return text if len(text) <= keep else f"{text[: keep // 2]}…{text[-keep // 2 :]}"


def path_problems(jobs: Sequence[tuple[str, Unit | None]], root: Path | None) -> list[Problem]:
    """One problem per unit (at its name's cell) whose file names the OS would refuse.

    ``jobs`` are (relative path, unit) pairs; ``root`` the output folder, when known, so that
    whole paths are checked too. A document of no unit that is too long is the folder's fault.
    """
    found: dict[int, Problem] = {}  # by row; 0 for the documents of no unit
    # A unit's longest path first: it says by how much the name must shrink for all to fit.
    for relpath, unit in sorted(jobs, key=lambda job: -len(job[0])):
        row = unit.row if unit is not None else 0
        if row in found:
            continue
        why = _too_long(relpath, root)
        if why is None:
            continue
        if unit is None:
            found[row] = Problem(None, None, f"Không ghi được {relpath} vào {root}: {why}.")
        else:
            where = "" if unit.name_cell else f"dòng {unit.row}: "
            message = f"{where}tên đơn vị quá dài để làm tên tệp: {why}"
            found[row] = Problem("Đơn vị", unit.name_cell, message)
    return [found[row] for row in sorted(found)]
