"""Reading the plan workbook: its schema, cells, units, roster and rules, into a ``Plan``.

Also the blank workbook that ``vanban new-workbook`` writes. It may import only
``vanban.text``, ``vanban.model``, ``vanban.errors`` and ``vanban.files``.
"""
