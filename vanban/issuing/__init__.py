"""A run: the jobs by stage, the folder lock, the output folder, the audit log and the manifest.

It may import the library layers below it (text, errors, files, outdir, model, workbook,
documents, rendering), never ``forms``, which builds on it (tests/house_rules/test_layering.py
holds the list); and never Prefect, which wraps a run from ``flows/`` through the executor hook
of ``issuing.run``.
"""
