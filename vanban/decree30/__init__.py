"""Decree 30/2020/NĐ-CP: its numbers, the layout builder for templates, and the format checker.

It knows Word documents and the decree, nothing of plans: it may import only ``vanban.errors``,
``vanban.files``, ``vanban.text`` and ``vanban.outdir`` (which folder of an output to skip).
"""
