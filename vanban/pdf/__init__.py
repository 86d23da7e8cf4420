"""PDFs of the documents: conversion (LibreOffice, shared cache), signature fields, signatures."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_import() -> Iterator[None]:
    """pyHanko imports cryptography's DSA support, which warns on import; the clerk never uses
    DSA, and a warning printed under a command's summary reads as a fault."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*DSA.*")
        yield
