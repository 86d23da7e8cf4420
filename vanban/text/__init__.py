"""Vietnamese text: numbers and dates in words and digits, names and slugs, legacy encodings.

The bottom layer: it imports nothing of vanban, so every other subpackage may use it.
"""
