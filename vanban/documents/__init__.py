"""Document kinds: the registry, what each template receives, rendering and template lint.

It may import ``vanban.text``, ``vanban.model``, ``vanban.errors`` and ``vanban.files``; it
never reads a workbook and never writes an output folder.
"""
