"""Where each document of a plan goes: the plan's folder name and each unit's file name."""

from __future__ import annotations

from vanban.model import Plan
from vanban.text.names import slugify


def plan_slug(plan: Plan) -> str:
    """ "6662-kh-ubnd-2022": the plan's number, symbol and year."""
    number = f"{plan.ref.number}" if plan.ref.number is not None else ""
    return slugify(f"{number} KH {plan.issuer.abbr} {plan.year}")


def unit_slugs(plan: Plan) -> dict[int, str]:
    """Each unit's file name; two names that fold to one slug ("Mỹ An", "Mỹ Ân") get a suffix."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for u in plan.units:
        base = slugify(u.name)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        out[u.row] = slug
    return out
