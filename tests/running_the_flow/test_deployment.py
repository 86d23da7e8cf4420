"""The deployment as Prefect reads it: prefect.yaml names the flow that flows/serve.py serves."""

from __future__ import annotations

import inspect
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_prefect_yaml_declares_the_flow_on_a_work_pool() -> None:
    from prefect.flows import load_flow_from_entrypoint

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text("utf-8"))
    (deployment,) = config["deployments"]
    assert deployment["work_pool"]["name"] == "vanban"
    path = deployment["entrypoint"].partition(":")[0]
    assert (ROOT / path).is_file()
    flow = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
    assert flow.name == "issue-documents"
    accepted = set(inspect.signature(flow.fn).parameters)
    assert {"workbook", "out_dir", "units", "only", "force"} <= accepted
    assert set(deployment["parameters"]) <= accepted
    # flows/serve.py serves the same flow under another name, so that the two never collide.
    serve = (ROOT / "flows" / "serve.py").read_text("utf-8")
    assert 'name="vanban"' in serve and deployment["name"] != "vanban"
