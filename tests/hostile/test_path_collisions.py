"""Two documents never share a path, whatever the units are called.

A unit named "Mỹ Đông Danh Sách" once got the invitation path of Mỹ Đông's sign-in list. The
slug scheme reserves the parts that per-unit kinds add around the slug (derived from the kinds
registry), so these cases also hold for a kind added later.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_ISSUED
from tests.hostile.support import Canary, cli, rename_unit, run, workbook
from vanban.documents.kinds import default_registry
from vanban.issuing import paths
from vanban.issuing.jobs import plan_jobs
from vanban.model import Place, Plan

REGISTRY = default_registry()

# Names chosen to land on each other's paths: a reserved suffix in every spelling, names that
# fold to one slug, a number that a de-duplicated slug would also get, Windows device names.
ADVERSARIAL = [
    ("xã", "Mỹ Đông"),
    ("xã", "Mỹ Đông Danh Sách"),
    ("xã", "Mỹ Đông danh-sách"),
    ("xã", "MỸ ĐÔNG DANH SÁCH"),
    ("xã", "Mỹ Đông Danh Sách Danh Sách"),
    ("xã", "Mỹ Dông"),
    ("xã", "Mỹ Đông 2"),
    ("xã", "Mỹ Đông 2 Danh Sách"),
    ("", "Danh sách"),
    ("", "Con"),
    ("", "NUL"),
    ("", "!!!"),
    ("", "???"),
    ("", "khong ten"),
]


def renamed(plan: Plan, names: list[tuple[str, str]]) -> Plan:
    """The example plan with its units renamed (rosters and results kept), one per name."""
    units = list(plan.units)
    for i, (kind, name) in enumerate(names):
        if i < len(units):
            units[i] = dataclasses.replace(units[i], place=Place(kind, name))
        else:  # more names than units: copies of the first, on rows of their own
            units.append(dataclasses.replace(units[0], place=Place(kind, name), row=1000 + i))
    return dataclasses.replace(plan, units=tuple(units))


def assert_own_paths(plan: Plan) -> None:
    jobs = plan_jobs(plan, REGISTRY)
    folded = [j.relpath.casefold() for j in jobs]
    assert len(set(folded)) == len(folded), sorted(f for f in folded if folded.count(f) > 1)
    per_unit = sum(1 for k in REGISTRY.kinds if k.scope == "unit")
    assert len(jobs) == per_unit * len(plan.units) + sum(1 for k in REGISTRY.kinds if k.scope == "plan")


def test_every_job_of_the_example_has_its_own_path(example_plan: Plan) -> None:
    assert_own_paths(example_plan)


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_adversarial_names_never_share_a_path_in_any_order(example_plan: Plan, order: str) -> None:
    names = ADVERSARIAL if order == "as listed" else ADVERSARIAL[::-1]
    plan = renamed(example_plan, names)
    assert_own_paths(plan)
    for slug in paths.unit_slugs(plan, REGISTRY).values():
        assert not slug.endswith("-danh-sach") and slug not in ("con", "nul"), slug


def test_an_impostor_listed_first_does_not_push_the_real_unit_off_its_name(
    example_plan: Plan,
) -> None:
    plan = renamed(
        example_plan,
        [("xã", "Mỹ Đông Danh Sách"), ("xã", "MỸ ĐÔNG DANH SÁCH"), ("xã", "Mỹ Đông")],
    )
    slugs = paths.unit_slugs(plan, REGISTRY)
    by_name = {u.name: slugs[u.row] for u in plan.units}
    assert by_name["Xã Mỹ Đông"] == "xa-my-dong"
    assert by_name["Xã Mỹ Đông Danh Sách"] == "xa-my-dong-danh-sach-2"
    assert by_name["Xã MỸ ĐÔNG DANH SÁCH"] == "xa-my-dong-danh-sach-3"
    assert_own_paths(plan)


def test_a_unit_re_run_alone_keeps_the_paths_of_the_whole_plan(example_plan: Plan) -> None:
    plan = renamed(example_plan, ADVERSARIAL)
    every = {j.relpath for j in plan_jobs(plan, REGISTRY)}
    for unit in plan.units[:5]:
        assert {j.relpath for j in plan_jobs(plan, REGISTRY, units=[unit])} <= every


def test_the_reserved_parts_come_from_the_kinds_registry(example_plan: Plan) -> None:
    # A kind added later, with a prefix and a suffix of its own in an existing folder.
    extra = dataclasses.replace(
        REGISTRY.kind("giay_moi"), key="phieu", output="03-giay-moi/ds-{unit}-in.docx"
    )
    registry = dataclasses.replace(REGISTRY, kinds=(*REGISTRY.kinds, extra))
    prefixes, suffixes = paths.reserved_parts(paths.unit_patterns(registry))
    assert "ds-" in prefixes and {"-danh-sach", "-in"} <= suffixes
    plan = renamed(
        example_plan,
        [("xã", "Mỹ Quý"), ("", "Ds Xã Mỹ Quý"), ("xã", "Mỹ Quý In"), ("", "Ds Ds")],
    )
    jobs = plan_jobs(plan, registry)
    folded = [j.relpath.casefold() for j in jobs]
    assert len(set(folded)) == len(folded)
    assert "03-giay-moi/ds-xa-my-quy-in.docx" in folded


@pytest.mark.usefixtures("prefect_harness")
def test_an_impostor_unit_does_not_take_the_sign_in_list_of_mỹ_đông(
    tmp_path: Path, canary: Canary
) -> None:
    wb = workbook(tmp_path, rename_unit("Phú Điền", "Mỹ Đông Danh Sách"))
    out = tmp_path / "out"
    result = run(wb, out)
    result.assert_clean()
    assert result.code == 0, result.text
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    issued = [d["path"] for d in manifest["documents"] if d["status"] == "issued"]
    assert len(issued) == len(set(issued)) == EXAMPLE_ISSUED
    lists = {d["unit"]: d["path"] for d in manifest["documents"] if d["kind"] == "danh_sach"}
    assert lists["Xã Mỹ Đông"] == "03-giay-moi/xa-my-dong-danh-sach.docx"
    invitations = {d["unit"]: d["path"] for d in manifest["documents"] if d["kind"] == "giay_moi"}
    assert invitations["Xã Mỹ Đông Danh Sách"] == "03-giay-moi/xa-my-dong-danh-sach-2.docx"
    # Nothing was overwritten within the run: no superseded copy, and the log verifies.
    history = out / ".history"
    assert not history.exists() or not any(history.iterdir())
    verify = cli("audit", "verify", out)
    assert verify.code == 0, verify.text
    canary.assert_untouched()
