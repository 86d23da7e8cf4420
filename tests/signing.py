"""Signing as an office's signing tool does, for tests: throwaway self-signed certificates and
incremental signatures into the fields ``vanban pdf`` made, with pyHanko."""

from __future__ import annotations

import datetime
import io
import warnings
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*DSA.*")
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

from vanban.pdf.fields import ORGANISATION_FIELD, SIGNER_FIELD


@cache
def signer(common_name: str) -> signers.SimpleSigner:
    """A signer with a new self-signed certificate for ``common_name`` (one per name per run)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=None,
    )


def sign(data: bytes, field: str, common_name: str) -> bytes:
    """``data`` signed incrementally into its field ``field``."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    out = io.BytesIO()
    meta = signers.PdfSignatureMetadata(field_name=field)
    signers.sign_pdf(writer, meta, signer=signer(common_name), output=out)
    return out.getvalue()


def sign_as_office(data: bytes, *, annex: bool = False) -> bytes:
    """The signer first, then the organisation; an annex only by the organisation."""
    if not annex:
        data = sign(data, SIGNER_FIELD, "Nguyễn Văn Ký")
    return sign(data, ORGANISATION_FIELD, "Ủy ban nhân dân huyện Tháp Mười")
