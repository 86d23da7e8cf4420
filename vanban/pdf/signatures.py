"""What a signed PDF's signatures say of themselves: checked with pyHanko for integrity only.

Each signature's digest must match the bytes it covers and its CMS signature must verify with its
own certificate; what was added after a signature may only be the later signatures' form filling.
:func:`changes_since` judges, the same way, everything added after the PDF vanban published, so a
change slipped in before the first signature is caught too. Whether a certificate chains up to the
government CA (Ban Cơ yếu Chính phủ) is not checked here: the office's own software does that, and
every caller says so.

A signed file comes from outside: whatever pyHanko raises while reading it is the file's fault, and
is said as such (InputError), never as a traceback.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from vanban.errors import InputError
from vanban.pdf import quiet_import

__all__ = ["SignatureInfo", "changes_since", "read_signatures"]

T = TypeVar("T")


@dataclass(frozen=True)
class SignatureInfo:
    field: str
    subject: str  # the certificate's subject, as a person reads it
    fingerprint: str  # the certificate's SHA-256, in hex
    covered: int  # where its signed byte range ends
    whole_file: bool  # whether nothing but blank lines follows that end
    problem: str | None  # why it cannot be accepted, in Vietnamese; None when it can


def read_signatures(data: bytes) -> list[SignatureInfo]:
    """Every signature of ``data`` in the order they were made, each checked.

    Raises InputError when the file is not a PDF pyHanko can read.
    """

    def read() -> list[SignatureInfo]:
        reader = _reader(data)
        found = [_checked(signature, data) for signature in reader.embedded_signatures]
        return sorted(found, key=lambda s: s.covered)

    return _guarded(read)


def changes_since(data: bytes, published_size: int) -> str | None:
    """Why what follows the first ``published_size`` bytes of ``data`` is more than signatures
    filled into their fields; None when it is no more."""

    def judge() -> str | None:
        from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
        from pyhanko.sign.diff_analysis.policy_api import SuspiciousModification

        base = _reader(data[:published_size]).xrefs.total_revisions - 1
        with _quiet_log():
            result = DEFAULT_DIFF_POLICY.review_file(_reader(data), base)
        if isinstance(result, SuspiciousModification):
            return f"tệp đã bị thay đổi sau khi xuất, ngoài các chữ ký ({result})"
        if result.modification_level > ModificationLevel.FORM_FILLING:
            return "tệp đã bị thay đổi sau khi xuất, ngoài việc ký vào các ô chữ ký"
        return None

    return _guarded(judge)


def _reader(data: bytes) -> Any:
    with quiet_import():
        import pyhanko.sign.validation  # noqa: F401  (the reader imports it lazily, warning)
        from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def _guarded(work: Callable[[], T]) -> T:
    try:
        return work()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - hostile input: any fault of pyHanko's is the file's
        raise InputError(f"không đọc được PDF ({type(exc).__name__}: {exc})"[:300]) from exc


@contextmanager
def _quiet_log() -> Iterator[None]:
    # pyHanko logs what it finds wrong; the caller says it in the clerk's words instead.
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _who(cert: Any) -> str:
    """The certificate's holder as a person reads it: its common name and organisation (pyHanko's
    own rendering labels each part in English: "Common Name: …")."""
    native = cert.subject.native
    names = [native.get("common_name"), native.get("organization_name")]
    shown = " — ".join(str(n if isinstance(n, str) else ", ".join(n)) for n in names if n)
    return shown or str(cert.subject.human_friendly)


def _checked(signature: Any, data: bytes) -> SignatureInfo:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    field = str(signature.field_name or "")
    cert = signature.signer_cert
    subject = _who(cert)
    byte_range = list(signature.byte_range)
    covered = int(byte_range[2]) + int(byte_range[3])
    whole = covered == len(data) or not data[covered:].strip()
    info = {"field": field, "subject": subject, "fingerprint": cert.sha256.hex()}
    # The certificate is its own trust root: only integrity is judged, never the chain.
    context = ValidationContext(trust_roots=[cert], allow_fetching=False)
    try:
        with _quiet_log():
            status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception as exc:  # noqa: BLE001 - a signature pyHanko cannot even evaluate is broken
        return SignatureInfo(**info, covered=covered, whole_file=whole,
                             problem=f"chữ ký hỏng ({type(exc).__name__})")  # fmt: skip
    problem = None
    if not status.intact:
        problem = "nội dung đã bị sửa sau khi ký (mã băm không khớp chữ ký)"
    elif not status.valid:
        problem = "chữ ký không hợp lệ với chứng thư của nó"
    elif status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problem = "chữ ký không phủ trọn một phiên bản của tệp"
    elif (status.modification_level or ModificationLevel.NONE) > ModificationLevel.FORM_FILLING:
        problem = "tệp đã bị thay đổi sau khi ký (ngoài việc ký vào các ô chữ ký)"
    return SignatureInfo(**info, covered=covered, whole_file=whole, problem=problem)
