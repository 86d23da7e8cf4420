"""A run: the jobs by stage, the folder lock, the output folder, the audit log and the manifest.

It may import every library layer below it (text, model, workbook, documents, forms,
files, errors); never Prefect, which wraps a run from ``flows/`` through the executor hook of ``issuing.run``.
"""
