"""Milliseconds per document: naive docxtpl, vanban's stock docxtpl path, the compiled template.

For one document of each kind of the example (the invitation of the unit with the largest
roster), and for the example's whole document set, prints side by side the median time of

- naive docxtpl: a new ``DocxTemplate``, ``render`` in a plain Jinja environment, ``save``;
- the stock path: ``render.render_docx_stock`` (sandbox, compiled Jinja cached, zip rewritten);
- the compiled path: ``render.render_docx`` (template parsed and compiled once, members copied);
- the floor: the same compiled Jinja rendered and zipped with no check or post-processing at
  all, what the issue's prototype did (:func:`floor`);

and the ratios. Asserts nothing. Run: ``python -m bench.render_bench [--repeat 10]
[--templates DIR]`` (``DIR`` to compare other templates, e.g. unpruned ones).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from vanban.documents.kinds import default_registry, default_templates_dir
from vanban.rendering.render import compiled_template, render_docx, render_docx_stock
from vanban.rendering.zipcopy import deflate, write_zip
from vanban.text.formatting import make_filters
from vanban.workbook.loader import load_plan

Render = Callable[[Path, dict[str, Any]], bytes]
EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "thap-muoi-2022.xlsx"


def _naive_env() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(make_filters())
    return env


NAIVE_ENV = _naive_env()


def naive(template: Path, context: dict[str, Any]) -> bytes:
    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_env=NAIVE_ENV, autoescape=True)
    buf = BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def floor(template: Path, context: dict[str, Any]) -> bytes:
    """The least any renderer of this template language does: the issue's prototype.

    Jinja already compiled for the body, headers and footers; per document only their render,
    their deflate and the zip, every other member copied as stored. No checks at all: no
    docxtpl post-processing, no well-formedness check, no test that the context is plain data.
    """
    compiled = compiled_template(template)
    body, *parts = compiled._compiled
    name = compiled._document
    replaced = {name: deflate(name, compiled._prefix + body.render(context).encode() + compiled._suffix)}
    for (part, _), jinja in zip(compiled._parts, parts, strict=True):
        replaced[part] = deflate(part, jinja.render(context).encode())
    return write_zip(replaced.get(m.name, m) for m in compiled._members)


METHODS: tuple[tuple[str, Render, int], ...] = (
    ("docxtpl", naive, 1),
    ("stock", render_docx_stock, 1),
    ("compiled", render_docx, 10),  # fast: more rounds for a steady median
    ("floor", floor, 10),
)


def median_ms(render: Render, template: Path, context: dict[str, Any], rounds: int) -> float:
    render(template, context)  # warm: the first call compiles
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        render(template, context)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--templates", type=Path, default=default_templates_dir())
    args = parser.parse_args()

    plan = load_plan(EXAMPLE)
    jobs = []
    for kind in default_registry().kinds:
        units = [None] if kind.scope == "plan" else list(plan.units)
        ready = [u for u in units if kind.unmet(plan, u) is None]
        jobs += [(kind, u) for u in ready]

    widths = (30, 10, 10, 10, 10, 14, 13, 13)
    head = ("văn bản", "docxtpl", "stock", "compiled", "floor", "docxtpl/comp.", "stock/comp.",
            "comp./floor")  # fmt: skip
    print(f"Mẫu: {args.templates}; trung vị ms mỗi văn bản, {args.repeat} lần (compiled ×10)")
    print(
        "".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(head, widths, strict=False))
        )
    )
    for kind in default_registry().kinds:
        mine = [u for k, u in jobs if k is kind]
        if not mine:
            continue
        unit = max(mine, key=lambda u: len(u.invitees) if u else 0)
        context = kind.build_context(plan, unit)
        template = args.templates / kind.template
        ms = [median_ms(f, template, context, args.repeat * n) for _, f, n in METHODS]
        _row(kind.key, ms, widths)

    total = [0.0] * len(METHODS)
    for kind, unit in jobs:
        context = kind.build_context(plan, unit)
        template = args.templates / kind.template
        for i, (_, render, _) in enumerate(METHODS):
            render(template, context)
            t0 = time.perf_counter()
            render(template, context)
            total[i] += time.perf_counter() - t0
    _row(f"cả bộ ({len(jobs)} văn bản), trung bình", [t / len(jobs) * 1000 for t in total], widths)


def _row(label: str, ms: list[float], widths: tuple[int, ...]) -> None:
    cells = [label.ljust(widths[0])]
    cells += [f"{v:.2f}".rjust(w) for v, w in zip(ms, widths[1:5], strict=True)]
    cells.append(f"{ms[0] / ms[2]:.1f}×".rjust(widths[5]))
    cells.append(f"{ms[1] / ms[2]:.1f}×".rjust(widths[6]))
    cells.append(f"{ms[2] / ms[3]:.2f}×".rjust(widths[7]))
    print("".join(cells))


if __name__ == "__main__":
    main()
