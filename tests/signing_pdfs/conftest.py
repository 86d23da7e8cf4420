"""The example published once per session (``vanban pdf``), signed as an office would sign it,
and collected back (``vanban signed``); tests that change anything work on copies."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.signing import sign_as_office
from vanban.outdir import MANIFEST_NAME, PDFS_KEY
from vanban.pdf.fields import SIGNER_FIELD


@dataclass(frozen=True)
class Published:
    out: Path
    report: Any  # vanban.publishing.publish.PublishReport

    def records(self) -> dict[str, dict[str, Any]]:
        manifest = json.loads((self.out / MANIFEST_NAME).read_text("utf-8"))
        records: dict[str, dict[str, Any]] = manifest[PDFS_KEY]
        return records


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, example_docs: Path) -> Published:
    """A copy of the example's documents with their signing PDFs."""
    from vanban.publishing.publish import publish

    out = tmp_path_factory.mktemp("published") / "out"
    shutil.copytree(example_docs, out)
    return Published(out, publish(out))


def copy_of(published: Published, tmp_path: Path) -> Path:
    """A copy of the published folder a test may change."""
    out = tmp_path / "out"
    shutil.copytree(published.out, out)
    return out


def sign_all(out: Path, records: dict[str, dict[str, Any]], folder: Path) -> dict[str, Path]:
    """Each published PDF signed as the office signs it, into ``folder`` under a name unlike
    its own (a signing tool names files its own way): document path -> signed file."""
    folder.mkdir(parents=True, exist_ok=True)
    signed = {}
    for k, (source, record) in enumerate(sorted(records.items())):
        data = (out / record["path"]).read_bytes()
        target = folder / f"van-ban-da-ky-{k:02d}.pdf"
        target.write_bytes(sign_as_office(data, annex=SIGNER_FIELD not in record["fields"]))
        signed[source] = target
    return signed


@dataclass(frozen=True)
class Signed:
    out: Path
    files: dict[str, Path]  # document path -> the signed file handed back
    report: Any  # vanban.publishing.signed.SignedReport


@pytest.fixture(scope="session")
def signed(tmp_path_factory: pytest.TempPathFactory, published: Published) -> Signed:
    """A copy of the published example, every PDF signed and collected back."""
    from vanban.publishing.signed import collect_signed

    base = tmp_path_factory.mktemp("signed")
    out = base / "out"
    shutil.copytree(published.out, out)
    files = sign_all(out, published.records(), base / "tu-van-thu")
    return Signed(out, files, collect_signed(out, base / "tu-van-thu"))
