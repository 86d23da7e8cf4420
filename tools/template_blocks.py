"""The blocks every generated template shares: the header, the title and the closing block.

Each takes its text from the ``doc`` part of the context (:func:`vanban.documents.contexts.doc_block`), so
one template can hold several complete documents (a unit's general and personal invitations).
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from vanban.decree30.layout import Decree30Document

B = {"bold": True}
PLAIN: dict[str, bool] = {}


def header(doc: Decree30Document) -> None:
    doc.header_block(
        governing=["{%p for line in doc.governing %}", "{{ line }}", "{%p endfor %}"],
        issuer=["{%p for line in doc.issuer %}", "{{ line }}", "{%p endfor %}"],
        number_line="Số: {{ doc.symbol }}",
        place_date="{{ doc.place }}, {{ doc.date | ngay }}",
    )


def title(doc: Decree30Document) -> None:
    doc.title(
        "{{ doc.type_name }}",
        ["{%p for line in doc.summary %}", "{{ line }}", "{%p endfor %}"],
    )


def footer(doc: Decree30Document, recipients: str = "doc.recipients") -> None:
    doc.footer_block(
        recipients=[f"{{%p for line in {recipients} %}}", "{{ line }}", "{%p endfor %}"],
        signature=["{%p for line in doc.signature %}", "{{ line }}", "{%p endfor %}"],
        signer_name="{{ doc.signer }}",
    )


def meeting(doc: Decree30Document) -> None:
    """Chair, time and place of the dialogue: the same in the general and the personal letters."""
    doc.paragraph(
        runs=[("Chủ trì: ", B), ("{{ schedule.chair_name }}, {{ schedule.chair_title }}.", PLAIN)]
    )
    doc.paragraph(
        runs=[
            ("Thời gian: ", B),
            (
                "{% if schedule.time %}{{ schedule.time }}, {% endif %}{{ schedule.day | ngay }}.",
                PLAIN,
            ),
        ]
    )
    doc.paragraph(runs=[("Địa điểm: ", B), ("{{ schedule.venue }}.", PLAIN)])


def end_mark(doc: Decree30Document) -> None:
    """A last paragraph one point high.

    A template that ends with a loop ends, once rendered, with whatever the loop's last element
    is; Word wants a paragraph after a closing table, and a full-size one can spill onto a blank
    page.
    """
    paragraph = doc.document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    paragraph._p.get_or_add_pPr().append(mark)
