"""What a signed PDF's signatures say of themselves: checked with pyHanko for integrity only.

Each signature's digest must match the bytes it covers and its CMS signature must verify with its
own certificate; a signature made over an earlier revision may be followed only by the later
signatures' form filling; the last one must cover the whole file. Whether the certificate chains
up to the government CA (Ban Cơ yếu Chính phủ) is not checked here: the office's own software
does that, and every caller says so.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from vanban.errors import InputError
from vanban.pdf import quiet_import

__all__ = ["SignatureInfo", "read_signatures"]


@dataclass(frozen=True)
class SignatureInfo:
    field: str
    subject: str  # the certificate's subject, as a person reads it
    fingerprint: str  # the certificate's SHA-256, in hex
    covered: int  # how many bytes of the file lie before the end of its signed range
    whole_file: bool  # whether it covers every byte of the file
    problem: str | None  # why it cannot be accepted, in Vietnamese; None when it can


def read_signatures(data: bytes) -> list[SignatureInfo]:
    """Every signature of ``data`` in the order they were made, each checked.

    Raises InputError when the file is not a PDF pyHanko can read.
    """
    with quiet_import():
        import pyhanko.sign.validation  # noqa: F401  (the reader imports it lazily, warning)
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.pdf_utils.reader import PdfFileReader
    broken: tuple[type[BaseException], ...] = (PdfError, *_BROKEN)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        return [_checked(signature) for signature in reader.embedded_signatures]
    except broken as exc:
        raise InputError(f"không đọc được PDF ({exc})") from exc


# What pyHanko raises on a file that is not a well-formed PDF, wherever it notices (a signature's
# certificate or byte range is read lazily): each is a broken file, said once, never a traceback.
_BROKEN: tuple[type[BaseException], ...] = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
)


def _checked(signature: object) -> SignatureInfo:
    with quiet_import():
        from pyhanko.sign.general import CMSExtractionError, CMSStructuralError
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.errors import SignatureValidationError
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext

    sig: object = signature
    field = str(getattr(sig, "field_name", "") or "")
    cert = getattr(sig, "signer_cert", None)
    subject = cert.subject.human_friendly if cert is not None else ""
    fingerprint = cert.sha256.hex() if cert is not None else ""
    byte_range = list(getattr(sig, "byte_range", []) or [0, 0, 0, 0])
    covered = int(byte_range[2]) + int(byte_range[3]) if len(byte_range) == 4 else 0
    problem: str | None = None
    whole = False
    # The certificate is its own trust root: only integrity is judged, never the chain, and
    # pyHanko has no chain failure to log.
    context = ValidationContext(
        trust_roots=[cert] if cert is not None else [], allow_fetching=False
    )
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context)  # type: ignore[arg-type]
    except (
        SignatureValidationError,
        CMSExtractionError,
        CMSStructuralError,
        ValueError,
        KeyError,
        TypeError,
    ) as exc:
        return SignatureInfo(field, subject, fingerprint, covered, False, f"chữ ký hỏng ({exc})")
    finally:
        logger.setLevel(level)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not status.intact:
        problem = "nội dung đã bị sửa sau khi ký (mã băm không khớp chữ ký)"
    elif not status.valid:
        problem = "chữ ký không hợp lệ với chứng thư của nó"
    elif status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problem = "chữ ký không phủ trọn một phiên bản của tệp"
    elif not _only_form_filling(status):
        problem = "tệp đã bị thay đổi sau khi ký (ngoài việc ký vào các ô chữ ký)"
    return SignatureInfo(field, subject, fingerprint, covered, whole, problem)


def _only_form_filling(status: object) -> bool:
    from pyhanko.sign.diff_analysis import ModificationLevel

    level = getattr(status, "modification_level", None)
    return level is None or level <= ModificationLevel.FORM_FILLING
