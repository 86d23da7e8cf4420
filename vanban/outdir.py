"""What an output folder holds besides the documents, each named once.

The documents go where the registry of kinds says (``kinds.toml``: ``01-ke-hoach.docx``,
``03-giay-moi/{unit}.docx``, ...). Beside them a run keeps its own files, and every module that
reads or writes one of them takes its name from here, so the layout of a folder is stated in one
place: a tool that walks the folder (the audit check, the format check, the review) skips the
same folders that the writers fill.
"""

from __future__ import annotations

from pathlib import PurePosixPath

# Every version of a document or form that is replaced is first copied here.
HISTORY_DIR = ".history"
# The review page (``vanban review``): rebuilt whole each time, never a document.
REVIEW_DIR = "review"
# The tamper-evident log of what was issued (``vanban.issuing.audit``).
LOG_NAME = "audit.jsonl"
# Every document of the plan and its state after the last run, for the review page.
MANIFEST_NAME = "manifest.json"
# One run per folder at a time (``vanban.issuing.locking``), and who holds it.
LOCK_NAME = ".vanban.lock"
HOLDER_NAME = ".vanban.lock.json"
# The signing PDFs (``vanban pdf``), mirroring the documents' paths, and the signed copies
# collected back (``vanban signed``); manifest.json keeps their record under PDFS_KEY.
PDF_DIR = "pdf"
SIGNED_DIR = "da-ky"
PDFS_KEY = "pdfs"
# What the records office registers and sends (``vanban pdf``, ``vanban signed``): beside each
# signing PDF its metadata (annex VI) as JSON and XML, beside each signed copy its edXML package,
# and one outgoing register per issuing body, which the office may fill in (never refused).
METADATA_SUFFIXES = (".metadata.json", ".metadata.xml")
PACKAGE_SUFFIX = ".edxml"
REGISTERS_DIR = "so-dang-ky"
REGISTER_NAME = "so-dang-ky-van-ban-di.xlsx"
# The result forms sent to the units (``vanban forms``), one per unit.
FORMS_DIR = "06-phieu-ket-qua"

# What a run keeps at the top of the folder besides documents: each is refused as a link before
# anything is written, since a planted link there would make a write land outside the folder.
RUN_FILES = (LOG_NAME, MANIFEST_NAME, HISTORY_DIR, LOCK_NAME, HOLDER_NAME)


def history_name(relpath: str, sha256: str, digits: int = 16) -> str:
    """``03-giay-moi/my-quy.docx`` with hash ``ab12...`` -> ``03-giay-moi__my-quy.ab12....docx``.

    The name of the copy kept in HISTORY_DIR: flat, so the history is one folder, and with the
    replaced version's hash, so two versions of one document never take the same name.
    """
    flat = PurePosixPath(relpath.replace("/", "__"))
    if flat.suffix:
        return f"{flat.stem}.{sha256[:digits]}{flat.suffix}"
    return f"{flat.name}.{sha256[:digits]}"


def pdf_relpath(docx_relpath: str, folder: str = PDF_DIR) -> str:
    """``03-giay-moi/xa-my-quy.docx`` -> ``pdf/03-giay-moi/xa-my-quy.pdf`` (or under ``folder``)."""
    return (PurePosixPath(folder) / PurePosixPath(docx_relpath).with_suffix(".pdf")).as_posix()


def beside(pdf_path: str, suffix: str) -> str:
    """``pdf/03-giay-moi/x.pdf`` with ``.metadata.json`` -> ``pdf/03-giay-moi/x.metadata.json``."""
    pure = PurePosixPath(pdf_path)
    return pure.with_name(pure.stem + suffix).as_posix()
