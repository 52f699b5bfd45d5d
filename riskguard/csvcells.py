"""Cells of every CSV riskguard writes, neutralised against spreadsheet formula injection.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return as a
formula (``=HYPERLINK(...)``, ``=cmd|...``). Following the OWASP advice, such a text cell is written with a
leading single quote, which spreadsheets show as text; numbers are written as they are. Every CSV writer
of the service goes through :func:`csv_rows` (or :func:`safe_cell`); reading a batch, the same test
(:data:`FORMULA_START`) makes a data-quality finding (``dq.<column>.formula_like``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["FORMULA_START", "csv_rows", "formula_like", "safe_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet cannot run: text that starts like a formula gets a ``'``."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def csv_rows(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Each row as one CSV line (RFC 4180, CRLF), every cell through :func:`safe_cell`: for streaming."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow([safe_cell(cell) for cell in row])
        yield buf.getvalue()
