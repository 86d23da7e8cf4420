"""The shared PDF cache: one conversion per content, bounded, named by hash only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vanban.files import sha256_bytes
from vanban.pdf import cache


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Every source the cache hands to LibreOffice; each "PDF" is the source's bytes reversed."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls: list[Path] = []

    def fake(jobs: list[tuple[Path, Path]], **_: object) -> dict[Path, str]:
        failures = {}
        for source, target in jobs:
            calls.append(source)
            if source.read_bytes() == b"broken":
                failures[source] = "LibreOffice không mở được tệp"
                continue
            target.write_bytes(b"%PDF-" + source.read_bytes()[::-1])
        return failures

    monkeypatch.setattr(cache, "convert_jobs", fake)
    return calls


def _sources(tmp_path: Path, *contents: bytes) -> dict[str, Path]:
    found = {}
    for k, content in enumerate(contents):
        path = tmp_path / f"{k}.docx"
        path.write_bytes(content)
        found[sha256_bytes(content)] = path
    return found


def test_each_content_is_converted_once(converted: list[Path], tmp_path: Path) -> None:
    sources = _sources(tmp_path, b"one", b"two")
    first = cache.cached_pdfs(sources)
    assert len(converted) == 2 and sorted(first.converted) == sorted(sources)
    again = cache.cached_pdfs(sources)
    assert len(converted) == 2 and again.converted == [] and again.pdfs == first.pdfs
    for sha256, pdf in again.pdfs.items():
        assert pdf.name == f"{sha256}.pdf" and pdf.parent == cache.cache_dir()
    assert (cache.cache_dir().parent.stat().st_mode & 0o777) == 0o700


def test_a_failure_is_said_per_content_and_nothing_is_cached_for_it(
    converted: list[Path], tmp_path: Path
) -> None:
    sources = _sources(tmp_path, b"good", b"broken")
    done = cache.cached_pdfs(sources)
    assert list(done.failures.values()) == ["LibreOffice không mở được tệp"]
    assert len(list(cache.cache_dir().glob("*.pdf"))) == 1
    assert not list(cache.cache_dir().glob(".converting-*"))  # no leftovers


def test_the_least_recently_used_go_first_when_over_the_bound(
    converted: list[Path], tmp_path: Path
) -> None:
    sources = _sources(tmp_path, b"a" * 400_000, b"b" * 400_000, b"c" * 400_000)
    done = cache.cached_pdfs(sources)
    oldest, middle, newest = sorted(done.pdfs.values())
    for age, pdf in enumerate((oldest, middle, newest)):
        os.utime(pdf, (1_000_000 + age, 1_000_000 + age))  # each used long ago, in that order
    removed = cache.trim(cache.cache_dir(), keep={oldest}, limit_mb=1)
    # 1.2 MB over a 1 MB bound: the least recently used that may go, goes, and no more.
    assert removed == [middle] and oldest.exists() and newest.exists()


def test_a_hash_that_is_no_hash_never_names_a_file(converted: list[Path], tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        cache.cached_pdfs({"../../etc/passwd": tmp_path / "x.docx"})


def test_a_pdf_used_in_the_last_minutes_is_never_trimmed(
    converted: list[Path], tmp_path: Path
) -> None:
    done = cache.cached_pdfs(_sources(tmp_path, b"a" * 400_000, b"b" * 400_000))
    assert cache.trim(cache.cache_dir(), keep=set(), limit_mb=0) == []
    assert all(pdf.exists() for pdf in done.pdfs.values())


def test_a_file_saved_again_while_converting_is_not_cached_under_the_old_hash(
    converted: list[Path], tmp_path: Path
) -> None:
    sources = _sources(tmp_path, b"as hashed")
    [(sha256, path)] = sources.items()
    path.write_bytes(b"saved again in Word")  # between the caller's hash and the conversion
    done = cache.cached_pdfs(sources)
    assert sha256 in done.failures and sha256 not in done.pdfs
    assert not (cache.cache_dir() / f"{sha256}.pdf").exists()
