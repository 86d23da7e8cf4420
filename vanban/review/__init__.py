"""Reviewing issued documents: their text, text differences, PDF previews and the review page.

It may import ``vanban.decree30`` (the checker), ``vanban.issuing`` (the statuses of documents),
``vanban.outdir`` (the output folder's names) and the layers below them.
"""
