"""A rendering's skeleton answers every check as the rendering itself would.

The checks of a rendered body (forbidden elements, characters XML may not hold, docxtpl's marks)
look in its skeleton (:mod:`vanban.rendering.skeleton`): the values whole, and of the template's
own text only the ends. A needle that crosses from the template's text into a value, or one in
a value that is not escaped, is still found; a check for a string the skeleton does not answer
for is refused rather than answered wrongly.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import TEMPLATES
from vanban.documents.kinds import default_registry
from vanban.errors import TemplateError
from vanban.model import Plan
from vanban.rendering import render
from vanban.rendering.elements import MARKERS
from vanban.rendering.sandbox import escape_once, make_environment
from vanban.rendering.skeleton import Needles, Skeleton, printed_as_is, sketch_of

NEEDLES = Needles([*(m.decode() for m in MARKERS), "{_", "_}", "\x07", "\n", "\ufffe"])
# The template's own text: clean, long, and ending or starting with part of a needle, so that a
# value next to it completes one.
STATIC = [
    '<w:p><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t xml:space="preserve">',
    "</w:t></w:r></w:p><w:p><w:r><w:t>Kính gửi ông contr",
    "ol</w:t></w:r></w:p><w:p><w:r><w:t>ngày 5 tháng 6 {",
    "<w:r><w:instrText>PAGE</w:instr",
    "ject trân trọng kính mời đến dự buổi đối thoại</w:t></w:r>",
    "_} xin cảm ơn.</w:t></w:r></w:p><w:p><w:r><w:t>Ghi chú: sub",
]
VALUE = st.text(alphabet="abcjeorltxDnsuk_{}<>\x07\n\ufffeÀờ", max_size=12) | st.sampled_from(
    ["control", "ob", "bject", "Doc", "_", "{", "Text", "altChunk", "dataBinding", ""]
)


@given(st.lists(st.one_of(st.sampled_from(STATIC), VALUE), max_size=30))
def test_the_skeleton_holds_a_needle_exactly_when_the_text_does(parts: list[str]) -> None:
    edges = NEEDLES.edges(STATIC)
    assert edges, "the template's text is clean and long: its middle is left out"
    text = "".join(parts).encode()
    sketch = Skeleton(sketch_of(parts, edges).encode(), NEEDLES)
    for needle in NEEDLES.encoded:
        assert sketch.holds(needle) is (needle in text), needle


def test_a_text_holding_a_needle_is_kept_whole() -> None:
    kept = NEEDLES.edges(["<w:p><w:r><w:fldSimple w:instr='PAGE'/></w:r></w:p>", "x" * 40])
    assert list(kept) == ["x" * 40]


def test_a_needle_the_skeleton_was_not_made_for_is_refused() -> None:
    sketch = Skeleton(b"<w:body></w:body>", NEEDLES)
    with pytest.raises(ValueError):
        sketch.holds(b"body")


def test_the_template_text_is_what_it_prints_as_is() -> None:
    env = make_environment()
    template = env.from_string("<w:p>{% for x in xs %}<w:t>{{ x }}</w:t>{% endfor %}</w:p>")
    assert {"<w:p>", "<w:t>", "</w:t>", "</w:p>"} <= printed_as_is(template)


def test_an_unescaped_value_holding_a_forbidden_element_is_refused(example_plan: Plan) -> None:
    """A value that is Markup is printed as it is: its element reaches the body and the body's
    check, through the skeleton, still finds it (the personal letters, rendered per invitee)."""
    kind = next(k for k in default_registry().kinds if k.key == "giay_moi")
    unit = next(u for u in example_plan.units if u.invitees)
    context = kind.build_context(example_plan, unit)
    planted = '<w:r><w:object><o:OLEObject ProgID="Package"/></w:object></w:r>'
    invitees = [dict(context["invitees"][0], name=markupsafe.Markup(planted))]
    with pytest.raises(TemplateError) as raised:
        render.render_docx(TEMPLATES / kind.template, dict(context, invitees=invitees))
    assert "văn bản tạo ra có nội dung không được phép" in str(raised.value)
    # The same text as data is escaped, and the letter is issued with it as text.
    invitees = [dict(context["invitees"][0], name=planted)]
    data = render.render_docx(TEMPLATES / kind.template, dict(context, invitees=invitees))
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert b"&lt;w:object&gt;" in archive.read("word/document.xml")


@pytest.mark.parametrize(
    "value",
    ["Nguyễn Văn A & <B>", "x" * 300, markupsafe.Markup("<b>x</b>"), 5, None, 1.5, True, ""],
)
def test_escaping_once_escapes_as_markupsafe_does(value: object) -> None:
    for _ in range(2):  # the second time from what was remembered
        escaped = escape_once(value)
        assert escaped == markupsafe.escape(value)
        assert type(escaped) is markupsafe.Markup


def test_the_compiled_templates_escape_once() -> None:
    template = make_environment().from_string("<w:t>{{ x }}</w:t>")
    assert template.root_render_func.__globals__["escape"] is escape_once
    assert template.render(x="<&>") == "<w:t>&lt;&amp;&gt;</w:t>"


# Renderings whose needles come from elsewhere than a value printed between two stretches of
# the template's text: built by a filter block from the template's own text, printed from a raw
# block, split over a loop's turns, joined from values that are Markup, or a control character
# in the text itself.
_HOSTILE = [
    ("{% filter reverse %}>/'x'=rtsni:w elpmiSdlf:w<" + "a" * 30 + "{% endfilter %}", {}),
    ("{% filter upper %}" + "a" * 30 + "<w:fldsimple/>{% endfilter %}", {}),
    ("{% raw %}" + "b" * 30 + "<w:fldSimple w:instr='x'/>{% endraw %}", {}),
    ("{% for i in range(2) %}" + "c" * 30 + "nstr{% if i %}Text{% endif %}" + "d" * 30
     + "{% endfor %}", {}),
    ("e" * 30 + "<w:fld{{ '' }}Simple/>" + "f" * 30, {}),
    ("{{ xs | join }}", {"xs": [markupsafe.Markup("<w:alt"), markupsafe.Markup("Chunk/>")]}),
    ("g" * 30 + "{{ a }}" + "h" * 30 + "{{ b }}" + "i" * 30,
     {"a": markupsafe.Markup("dataBin"), "b": "ding"}),
    ("{% for c in 'subDoc' %}{{ c }}{% endfor %}", {}),
    ("<w:t>" + "j" * 30 + "\x01" + "k" * 30 + "</w:t>", {}),
    ("<w:t>" + "l" * 30 + "{{ x }}" + "m" * 30 + "</w:t>", {"x": "\ufffe{_\t"}),
    ("<w:t>" + "n" * 30 + "{{ x }}" + "o" * 30 + "</w:t>", {"x": "ob"}),
]  # fmt: skip


@pytest.mark.parametrize(("source", "context"), _HOSTILE)
def test_the_skeleton_of_a_hostile_rendering_answers_as_its_text(
    source: str, context: dict[str, object]
) -> None:
    """With the needles the body's checks ask for (compiled._NEEDLES), on real renderings."""
    from vanban.rendering.compiled import _NEEDLES

    template = make_environment().from_string(source)
    edges = _NEEDLES.edges(printed_as_is(template))
    text, sketched = template.render_sketched(context, edges)  # type: ignore[attr-defined]
    sketch = Skeleton(sketched.encode(), _NEEDLES)
    for needle in _NEEDLES.encoded:
        assert sketch.holds(needle) is (needle in text.encode()), (needle, text)
