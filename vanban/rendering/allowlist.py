"""What a Word template, and every document issued from it, may hold: text, tables and pictures.

Templates travel between offices by e-mail, and the compiled path copies every part of a
template other than the body, headers and footers into each document as it is. So before a
template is used, all of its parts are read (:mod:`vanban.rendering.package`) against one
allow-list, the one below:

- parts and content types: the document, styles (with Word 2010's ``stylesWithEffects``),
  numbering, settings, web settings, the fonts table and embedded fonts, the theme, headers and
  footers, footnotes and endnotes, core, app and custom properties, the thumbnail, pictures
  (PNG, JPEG, GIF, BMP, TIFF, EMF, WMF, SVG) and Word's custom XML items (the citation sources
  every Word document carries; see data bindings below);
- relationships between them, of those types only, each to a part that is in the file; the one
  relationship that may point outside the file is a hyperlink to a web page or an e-mail address
  (``http``, ``https``, ``mailto``): that is ordinary text of a letter, and Word follows it only
  when the reader clicks. A hyperlink to ``file:``, a UNC path (``\\\\server\\share``) or any other
  address is refused: Word hands the reader's network credentials to such a server;
- fields: only page numbers (``PAGE``, ``NUMPAGES``, ``SECTIONPAGES``). Any other field code, in
  ``w:instrText`` runs (split across runs or nested) or in ``w:fldSimple``, is refused: DDE and
  DDEAUTO run programs, INCLUDETEXT, INCLUDEPICTURE, LINK and IMPORT read files or addresses,
  and the rest change the text Word shows from what vanban rendered and hashed.

Refused, with every finding named at once (``ContentRefused``, the renderer's TemplateError):
any other external relationship (a linked picture, a frame, a subdocument, a mail-merge source),
other fields, ``altChunk`` and its part, macros (``vbaProject.bin``, macro-enabled main parts),
ActiveX controls, embedded OLE objects, data bindings (``w:dataBinding``, and the custom XML
item bound: Word would show the item's value in place of the rendered text), mail merge,
subdocuments, a DOCTYPE, content types, relationship types or parts not on the list, two parts
of one name, a relationship to a part that is not there.

Removed, with a warning (``Finding`` in ``removed``): what a clerk's Word leaves in a file and
nobody reads: the attached template (``w:attachedTemplate`` and its relationship; Word would
fetch it, even from ``http://``, on open) and parts that no relationship reaches (Word never
reads them). The content a reader sees is the same without them.

A document rendered from a checked template can differ from it only in the parts rendered (the
body, headers, footers), and only by escaped text;
:func:`~vanban.rendering.elements.check_rendered` still makes sure, at a few substring searches
per part, and the stock path's whole package is checked again
(:func:`~vanban.rendering.package.check_docx`), since docxtpl's objects add parts and
relationships.
"""

from __future__ import annotations

_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."

MAIN = _WML + "document.main+xml"
# The two relationship types the inspection treats apart from the rest: a hyperlink is the one
# external target allowed, and an attached template is removed rather than refused.
HYPERLINK = _OFFICE_REL + "hyperlink"
ATTACHED_TEMPLATE = _OFFICE_REL + "attachedTemplate"
# The package's main part: it must be the document itself, not another part of an allowed type.
OFFICE_DOCUMENT = _OFFICE_REL + "officeDocument"
# What ties a custom XML item to its properties, whose item id a data binding names.
CUSTOM_XML_PROPS = _OFFICE_REL + "customXmlProps"

# Everything Word writes for text, tables and pictures; nothing that runs, links or embeds.
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-package.relationships+xml",
        "application/xml",  # Word's custom XML items
        MAIN,
        _WML + "styles+xml",
        "application/vnd.ms-word.stylesWithEffects+xml",
        _WML + "numbering+xml",
        _WML + "settings+xml",
        _WML + "webSettings+xml",
        _WML + "fontTable+xml",
        _WML + "header+xml",
        _WML + "footer+xml",
        _WML + "footnotes+xml",
        _WML + "endnotes+xml",
        "application/vnd.openxmlformats-officedocument.theme+xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
        "application/vnd.openxmlformats-officedocument.obfuscatedFont",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/bmp",
        "image/tiff",
        "image/x-emf",
        "image/x-wmf",
        "image/svg+xml",
    }
)

# The relationships between those parts; each must reach a part that is in the file. Core
# properties and the thumbnail come under either namespace, as writers differ.
ALLOWED_RELATIONSHIP_TYPES = frozenset(
    {
        OFFICE_DOCUMENT,
        _PACKAGE_REL + "metadata/core-properties",
        _OFFICE_REL + "metadata/core-properties",
        _OFFICE_REL + "extended-properties",
        _OFFICE_REL + "custom-properties",
        _PACKAGE_REL + "metadata/thumbnail",
        _OFFICE_REL + "metadata/thumbnail",
        _OFFICE_REL + "styles",
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
        _OFFICE_REL + "numbering",
        _OFFICE_REL + "settings",
        _OFFICE_REL + "webSettings",
        _OFFICE_REL + "fontTable",
        _OFFICE_REL + "font",
        _OFFICE_REL + "theme",
        _OFFICE_REL + "header",
        _OFFICE_REL + "footer",
        _OFFICE_REL + "footnotes",
        _OFFICE_REL + "endnotes",
        _OFFICE_REL + "image",
        _OFFICE_REL + "customXml",
        CUSTOM_XML_PROPS,
    }
)

# A hyperlink's schemes: a web page or an e-mail address is ordinary text of a letter, followed
# only when the reader clicks; to a file or UNC path Word would hand the reader's network
# credentials.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# The only fields: Word recomputes them on open, but from the layout, never from outside.
PAGE_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES"})
# The content types whose parts are XML, and so read for the elements and fields they hold.
XML_CONTENT_TYPE_SUFFIXES = ("+xml", "/xml")

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "ALLOWED_RELATIONSHIP_TYPES",
    "ATTACHED_TEMPLATE",
    "CUSTOM_XML_PROPS",
    "HYPERLINK",
    "LINK_SCHEMES",
    "MAIN",
    "OFFICE_DOCUMENT",
    "PAGE_FIELDS",
    "XML_CONTENT_TYPE_SUFFIXES",
]
