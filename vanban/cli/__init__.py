"""The ``vanban`` command: it parses, calls the library, and prints in Vietnamese.

The one place that reaches the flows (lazily, inside the commands that run them); everything
else under ``vanban/`` is the library and never imports Prefect.
"""
