"""What the output folder or the OS would refuse is found while the run is prepared.

``vanban check`` catches a unit name whose file names would be too long, as ``vanban run`` does;
a link planted in the output folder is named by ``prepare_run`` with the other problems, before
any flow runs; neither writes anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.hostile.support import Canary, cli, rename_unit, workbook
from vanban.errors import LinkInOutputError, PreparationError, UnknownUnitError
from vanban.prepare import prepare_run

LONG = "Mỹ " + "Quý Phước " * 30  # well past 255 bytes once slugged with its folder's suffixes


def test_check_names_a_unit_whose_file_names_would_be_too_long(
    tmp_path: Path, canary: Canary
) -> None:
    path = workbook(tmp_path, rename_unit("Mỹ Quý", LONG))
    result = cli("check", path)
    result.assert_clean()
    assert result.code == 2, result.text
    # Refused at its cell: too long for the metadata long before it is too long for a file name.
    assert 'Sheet "Đơn vị", ô C' in result.text and "tên đơn vị dài" in result.text
    assert not (tmp_path / "outputs").exists()
    canary.assert_untouched()


def test_check_with_out_names_a_whole_path_too_long(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["thu-muc-rat-dai-" * 15] * 18)  # 4,300 characters
    result = cli("check", workbook(tmp_path), "--out", deep)
    result.assert_clean()
    assert result.code == 2 and "đường dẫn" in result.text, result.text
    assert not os.path.exists(deep)


def test_a_planted_link_is_named_while_preparing(tmp_path: Path, canary: Canary) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(canary.root / "inside", out / "03-giay-moi")
    prepared = prepare_run(workbook(tmp_path), out_dir=out)
    assert [type(e) for e in prepared.errors] == [LinkInOutputError]
    assert "03-giay-moi" in str(prepared.errors[0])
    canary.assert_untouched()


def test_a_planted_link_and_an_unknown_unit_are_named_together(
    prefect_harness: None, tmp_path: Path, canary: Canary
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(canary.root / "log.jsonl", out / "audit.jsonl")
    prepared = prepare_run(workbook(tmp_path), out_dir=out, units=["Xã Không Có"])
    kinds = {type(e) for e in prepared.errors}
    assert kinds == {LinkInOutputError, UnknownUnitError}
    result = cli("run", workbook(tmp_path), "--out", out, "--unit", "Xã Không Có")
    result.assert_clean()
    # Two problems of two kinds: both said; the exit code is the first one's (bad input, 2).
    assert result.code == PreparationError(prepared.errors).exit_code == 2, result.text
    assert "audit.jsonl" in result.text and "Xã Không Có" in result.text
    assert sorted(p.name for p in out.iterdir()) == ["audit.jsonl"]
    canary.assert_untouched()


def test_check_refuses_an_out_that_is_a_file_or_lies_under_one(tmp_path: Path) -> None:
    afile = tmp_path / "ghi-chu.txt"
    afile.write_bytes(b"a clerk's own file")
    for out in (afile, afile / "ra"):
        result = cli("check", workbook(tmp_path), "--out", out)
        result.assert_clean()
        assert result.code == 2 and "không phải thư mục" in result.text, result.text
    assert afile.read_bytes() == b"a clerk's own file"
