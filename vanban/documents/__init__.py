"""Document kinds: the registry, what each template receives, rendering and template lint.

It may import ``vanban.text``, ``vanban.model``, ``vanban.errors``, ``vanban.files`` and the
workbook's schema (the sheets whose rows a kind may print or wait for); it never reads a
workbook and never writes an output folder.
"""
