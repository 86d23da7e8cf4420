"""Serve ``issue_documents`` as the deployment "vanban" on a running Prefect server.

Run ``python -m vanban_flows.serve`` with PREFECT_API_URL pointing at the server (``vanban server
start`` prints it); then start runs from the UI or with ``prefect deployment run
'issue-documents/vanban' --param workbook=...``. This process runs them: no work pool, no worker.
``prefect.yaml`` declares the same flow the other way Prefect knows, on a work pool.
"""

from __future__ import annotations

from .issue import issue_documents


def main() -> None:
    issue_documents.serve(
        name="vanban",
        description="Phát hành văn bản từ bảng tính kế hoạch (workbook, out_dir, units, only, force).",
    )


if __name__ == "__main__":
    main()
