"""The Jinja sandbox every template is compiled and rendered in: a template only prints data.

Templates travel between offices by e-mail, so a template is hostile input like a workbook. The
environment is Jinja's immutable sandbox, narrowed further:

- no loader, and ``include``/``import``/``extends``/``macro``/``block``/``autoescape``/``set``/
  ``with`` are refused before compiling, so a template cannot read a file, switch off XML
  escaping or grow a value by setting it from itself;
- no globals but a ``range`` capped per render; ``self``, ``cycler``, ``joiner``, ``namespace``,
  ``lipsum``, ``dict`` and any name or attribute starting with ``_`` are refused;
- data is fields only: a dict's key before its methods, and no method of any value may be read
  or called (``"x".format``, ``d.items``), except the ``loop`` helpers of a ``for``;
- the Vietnamese filters and a few plain built-in ones; ``safe`` is not among them, so every
  value is escaped for XML;
- ``*``, ``**`` and ``%`` cannot build huge strings or numbers, and a render stops past
  64 Mi characters.

A refusal is a :class:`TemplateRefused` naming the tag; the renderer turns it into the
:class:`vanban.errors.TemplateError` of the template. ``lint`` reports the same refusals.
"""

from __future__ import annotations

import contextvars
import html
import operator
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from vanban.rendering.skeleton import sketch_of
from vanban.text.formatting import make_filters

FORBIDDEN_NAMES = frozenset(
    {"self", "cycler", "joiner", "namespace", "lipsum", "dict", "caller", "varargs", "kwargs"}
)
_FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Block: "block",
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
    # A name set from itself doubles a string with each line: set and with are refused.
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.With: "with",
}
# Built-in filters that only reshape data already there; none reads an attribute by name from
# the template's text (``attr``), switches off escaping (``safe``) or pads to a given width.
_PLAIN_FILTERS = (
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int",
    "join", "last", "length", "list", "lower", "max", "min", "reverse", "round", "sort",
    "string", "sum", "title", "trim", "unique", "upper", "wordcount",
)  # fmt: skip
RANGE_BUDGET = 10_000  # items all range() calls of one render may yield together
MAX_SEQUENCE = 100_000  # characters or items a "*" may build
MAX_EXPONENT = 64
MAX_BITS = 4096  # of a number "**" may build
MAX_OUTPUT = 64 * 2**20  # characters one part of one document may render to

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_QUOTED = re.compile(r"['\"]([^'\"]{1,80})['\"]")
_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("vanban_range_budget")


class TemplateRefused(SecurityError):
    """A template asked for something a template may not do."""

    def __init__(self, tag: str, reason: str) -> None:
        super().__init__(reason)
        self.tag = tag
        self.reason = reason


def _range(*args: int) -> range:
    budget = _budget.get(None)
    rng = range(*args)
    if budget is None or len(rng) > budget[0]:
        raise SecurityError(f'"range" quá lớn (tối đa {RANGE_BUDGET} phần tử mỗi văn bản)')
    budget[0] -= len(rng)
    return rng


class _Template(jinja2.Template):
    """Renders with a fresh range budget and remembers its source, to name the failing tag."""

    vanban_source: str = ""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self._rendered(dict(*args, **kwargs), None)[0]

    def render_sketched(
        self, context: dict[str, Any], edges: Mapping[str, str]
    ) -> tuple[str, str]:
        """The rendering and its skeleton (:mod:`vanban.rendering.skeleton`), from ``edges``:
        the clean stretches of this template's text, each with what the skeleton keeps of it."""
        text, sketch = self._rendered(context, edges)
        return text, sketch or ""

    def _rendered(
        self, context: dict[str, Any], edges: Mapping[str, str] | None
    ) -> tuple[str, str | None]:
        """Jinja's Template.render, joined by :func:`joined` (and sketched with ``edges``)."""
        token = _budget.set([RANGE_BUDGET])
        try:
            ctx = self.new_context(context)
            try:
                return joined(self.root_render_func(ctx), edges)
            except Exception:
                self.environment.handle_exception()
        except jinja2.TemplateError as exc:
            if not getattr(exc, "vanban_tag", None):
                line = _line_of(exc)
                if getattr(exc, "python_lineno", None):
                    line = self.get_corresponding_lineno(exc.python_lineno)  # type: ignore[attr-defined]
                exc.vanban_tag = tag_at(self.vanban_source, line, str(exc))  # type: ignore[attr-defined]
            raise
        finally:
            _budget.reset(token)


class SandboxEnvironment(ImmutableSandboxedEnvironment):
    """The one environment of rendering and lint; compiles each template source once.

    docxtpl hands the same patched XML of a template to ``from_string`` for every document it
    renders; compiled templates are kept, keyed by their source, for as long as the
    environment lives. Each source is checked (:func:`refusal`) before it is compiled.
    """

    template_class = _Template
    intercepted_binops = frozenset({"*", "**", "%"})
    _MAX = 64

    @staticmethod
    def concat(parts: Iterable[str]) -> str:
        """Jinja's join (of a filter block's output, say): :func:`joined`'s."""
        return joined(parts, None)[0]

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True, loader=None)
        self.globals.clear()
        self.globals["range"] = _range
        builtin = self.filters
        self.filters = {name: builtin[name] for name in _PLAIN_FILTERS}
        self.filters.update(make_filters())
        self._compiled: dict[str, jinja2.Template] = {}
        self._lock = threading.Lock()

    # --- what a template may read ---------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return isinstance(obj, LoopContext) or not callable(value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        return self.undefined(
            f'mẫu không được đọc "{attribute}" của dữ liệu (chỉ đọc được các trường)',
            obj=obj,
            name=attribute,
            exc=SecurityError,
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Data first: a dict's keys are its fields; its methods are never reachable.
        if (type(obj) is dict or isinstance(obj, Mapping)) and attribute in obj:
            return obj[attribute]
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return self.undefined(obj=obj, name=attribute)
        except Exception:  # noqa: BLE001 - a property that fails is no field of the data
            return self.unsafe_undefined(obj, attribute)
        if self.is_safe_attribute(obj, attribute, value):
            return value
        return self.unsafe_undefined(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str):
            if isinstance(obj, Mapping) and argument in obj:
                return obj[argument]
            return self.getattr(obj, argument)
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "%" and isinstance(left, str | bytes):
            raise SecurityError('không được định dạng chuỗi bằng "%"; hãy dùng bộ lọc')
        if operator_ == "**" and (
            not isinstance(right, int | float)
            or abs(right) > MAX_EXPONENT
            or (isinstance(left, int) and left.bit_length() * abs(right) > MAX_BITS)
        ):
            raise SecurityError(f'số mũ của "**" quá lớn (tối đa {MAX_EXPONENT})')
        if operator_ == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | bytes | list | tuple) and isinstance(times, int):
                    if len(seq) * times > MAX_SEQUENCE:
                        raise SecurityError('phép "*" tạo chuỗi quá dài')
        return _BINOPS[operator_](left, right)

    # --- compiling once, after the check ---------------------------------------------------

    def from_string(  # type: ignore[override]
        self,
        source: str | nodes.Template,
        globals: dict[str, Any] | None = None,
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        if not isinstance(source, str) or globals or template_class:
            raise SecurityError("mẫu chỉ được biên dịch từ văn bản của nó")
        template = self._compiled.get(source)
        if template is not None:
            return template
        tree = self.parse(source)
        refused = refusal(tree, source)
        if refused is not None:
            raise refused
        try:
            template = super().from_string(tree)
        except jinja2.TemplateSyntaxError as exc:  # an unknown filter, found while compiling
            if exc.source is None:
                exc.source = source
            raise
        template.vanban_source = source  # type: ignore[attr-defined]
        # The compiled code escapes what it prints through its module's "escape": markupsafe's,
        # which this replaces with the same escape remembered (see escape_once).
        namespace = template.root_render_func.__globals__
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = escape_once
        with self._lock:
            if len(self._compiled) >= self._MAX:
                self._compiled.clear()
            self._compiled[source] = template
        return template


_BINOPS = {"*": operator.mul, "**": operator.pow, "%": operator.mod}

# Short plain strings already escaped, shared by every template: a letter prints the unit's and
# the plan's values (its name, the plan's number, the venue) once for each invitee, and
# escaping them again each time cost more than the rest of the letter's Jinja. Bounded in count
# and length; emptied when full. Threads may race on it: each computes the same answer.
_ESCAPED: dict[str, markupsafe.Markup] = {}
_ESCAPED_COUNT = 4096
_ESCAPED_LENGTH = 256


def escape_once(value: Any) -> markupsafe.Markup:
    """markupsafe's ``escape`` (what every value a template prints goes through), remembered
    for short strings of type ``str`` itself; anything else, a Markup above all, goes to
    markupsafe as before."""
    if type(value) is not str or len(value) > _ESCAPED_LENGTH:
        return markupsafe.escape(value)
    found = _ESCAPED.get(value)
    if found is None:
        if len(_ESCAPED) >= _ESCAPED_COUNT:
            _ESCAPED.clear()
        found = _ESCAPED[value] = markupsafe.escape(value)
    return found


def forget_escaped() -> None:
    """Empty the table of escaped values: it holds people's names, and a long-lived process
    (the desk, a Dask worker) need not keep them past the batch of documents that printed them
    (``vanban.issuing.run.issue_batch`` calls it)."""
    _ESCAPED.clear()


def joined(parts: Iterable[str], edges: Mapping[str, str] | None) -> tuple[str, str | None]:
    """A rendering's parts joined, stopping a template whose loops print without end; with
    ``edges``, its skeleton too (:func:`vanban.rendering.skeleton.sketch_of`), else None.

    The parts are joined a batch at a time: a check per part cost more than the join.
    """
    out = []
    sketch: list[str] = []
    size = 0
    pending = iter(parts)
    while batch := list(islice(pending, 1024)):
        chunk = "".join(batch)
        size += len(chunk)
        if size > MAX_OUTPUT:
            exc = SecurityError(f"văn bản tạo ra quá dài (hơn {MAX_OUTPUT:,} ký tự)")
            frame = getattr(parts, "gi_frame", None)  # paused at the tag that printed last
            exc.python_lineno = frame.f_lineno if frame else None  # type: ignore[attr-defined]
            raise exc
        out.append(chunk)
        if edges is not None:
            sketch.append(sketch_of(batch, edges))
    return "".join(out), ("".join(sketch) if edges is not None else None)


def make_environment() -> SandboxEnvironment:
    return SandboxEnvironment()


# --- the check before compiling -------------------------------------------------------------


def _refusals(node: nodes.Node) -> Iterator[tuple[nodes.Node, str, str]]:
    """(node, word to find its tag by, reason) for everything in ``node`` a template may not do.

    Inner nodes first: of ``joiner.__init__.__globals__.os.popen('id').read()`` the clerk is
    told about ``joiner``, not about the call at the end.
    """
    for child in node.iter_child_nodes():
        yield from _refusals(child)
    for kind, word in _FORBIDDEN_NODES.items():
        if isinstance(node, kind):
            yield node, word, f"mẫu không được dùng thẻ {word}"
            return
    if isinstance(node, nodes.Name) and (node.name in FORBIDDEN_NAMES or node.name[:1] == "_"):
        yield node, node.name, f'mẫu không được dùng "{node.name}"'
    elif isinstance(node, nodes.Getattr) and node.attr[:1] == "_":
        yield node, node.attr, f'mẫu không được đọc thuộc tính nội bộ "{node.attr}"'
    elif (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
        and node.arg.value[:1] == "_"
    ):
        yield node, node.arg.value, f'mẫu không được đọc thuộc tính nội bộ "{node.arg.value}"'
    elif (
        isinstance(node, nodes.Keyword)
        and node.key == "attribute"
        and isinstance(node.value, nodes.Const)
        and isinstance(node.value.value, str)
        and any(part[:1] == "_" for part in node.value.value.split("."))
    ):  # sort(attribute="__class__") and the like read attributes by name
        yield node, node.value.value, f'mẫu không được đọc thuộc tính nội bộ "{node.value.value}"'
    elif isinstance(node, nodes.Call) and not _allowed_call(node.node):
        callee = node.node
        word = (
            callee.attr
            if isinstance(callee, nodes.Getattr)
            else callee.name
            if isinstance(callee, nodes.Name)
            else ""
        )
        yield (
            node,
            word,
            "mẫu không được gọi hàm hay phương thức của dữ liệu" + (f' ("{word}")' if word else ""),
        )


def _allowed_call(callee: nodes.Node) -> bool:
    if isinstance(callee, nodes.Name):
        return callee.name in ("range", "loop")
    return (
        isinstance(callee, nodes.Getattr)
        and isinstance(callee.node, nodes.Name)
        and callee.node.name == "loop"
        and callee.attr in ("cycle", "changed")
    )


def refusals(tree: nodes.Template, source: str) -> list[TemplateRefused]:
    """Every refused construct of a parsed template, each with its tag."""
    out = []
    for node, word, reason in _refusals(tree):
        out.append(TemplateRefused(tag_at(source, node.lineno, f"'{word}'"), reason))
    return out


def refusal(tree: nodes.Template, source: str) -> TemplateRefused | None:
    found = refusals(tree, source)
    return found[0] if found else None


# --- naming the tag -------------------------------------------------------------------------


def _line_of(exc: BaseException) -> int | None:
    """The template line an error was raised at: Jinja rewrites its traceback to show it."""
    lineno = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def clean_tag(raw: str) -> str:
    """A tag as the clerk typed it: without the XML of Word's runs, at most 160 characters."""
    text = " ".join(html.unescape(re.sub(r"<[^>]*>", "", raw)).split())
    return text if len(text) <= 160 else text[:157] + "..."


def tag_at(source: str, lineno: int | None, hint: str = "") -> str:
    """The tag at ``lineno`` of ``source``, preferring one that holds a name quoted in ``hint``."""
    if not source or lineno is None:
        return ""
    candidates = []
    for m in _TAG.finditer(source):
        first = source.count("\n", 0, m.start()) + 1
        last = first + m.group(0).count("\n")
        if first <= lineno <= last:
            candidates.append(clean_tag(m.group(0)))
        elif first > lineno:
            break
    words = [w for w in _QUOTED.findall(hint) if w.strip()]
    for word in words:
        for tag in candidates:
            if word in tag:
                return tag
    return candidates[0] if candidates else ""
