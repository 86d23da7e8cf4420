"""Document kinds: the registry, what each template receives (``blocks`` and the arrangements
built from them), lint and skeletons; ``vanban.rendering`` turns a template and a context into
a .docx.

It may import ``vanban.text``, ``vanban.model``, ``vanban.errors``, ``vanban.files``, the
workbook's schema (the sheets whose rows a kind may print or wait for), ``vanban.decree30`` (the
layout builder, for new skeletons) and ``vanban.rendering``; it never reads a workbook and never
writes an output folder.
"""
