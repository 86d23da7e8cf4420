"""Document kinds: the registry, what each template receives, rendering, lint and skeletons.

It may import ``vanban.text``, ``vanban.model``, ``vanban.errors``, ``vanban.files``, the
workbook's schema (the sheets whose rows a kind may print or wait for) and ``vanban.decree30``
(the layout builder, for new skeletons); it never reads a workbook and never writes an output
folder.
"""
