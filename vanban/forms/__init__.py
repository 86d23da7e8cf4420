"""Result forms: one .xlsx per unit that the unit fills after its dialogue, and collecting them back.

``writing`` builds and writes the forms, ``collecting`` reads a folder of returned forms into the
plan's results; ``layout`` is where each thing stands on a form, shared by both. It may import
only ``vanban.text``, ``vanban.model``, ``vanban.errors``, ``vanban.files``, ``vanban.outdir``,
``vanban.workbook``, ``vanban.documents`` (the registry of kinds) and ``vanban.issuing``, whose
output folder, lock and audit log the forms are written through.
"""
