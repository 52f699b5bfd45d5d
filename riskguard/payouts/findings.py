"""Findings and decisions: what a check says about a payout, and what the payout's decision becomes.

Checks work on whole columns, so they add findings a group at a time (one check, many rows, values as
arrays); the per-row lists are assembled once at the end. A finding names its check, the values compared
and a severity; the payout's decision is the most severe finding (``block`` > ``review`` > ``allow``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SEVERITIES", "DECISIONS", "FindingGroup", "Findings", "decision_for"]

SEVERITIES = ("info", "review", "block")
DECISIONS = ("allow", "review", "block")
_RANK = {"info": 0, "review": 1, "block": 2}


def decision_for(severities: list[str]) -> str:
    rank = max((_RANK[s] for s in severities), default=0)
    return DECISIONS[rank]


def _plain(value: Any) -> Any:
    """JSON-ready scalars (numpy and pandas types to Python)."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NaT:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


@dataclass
class FindingGroup:
    """One check's findings on many rows: ``values`` holds a scalar or one entry per flagged row."""

    check: str
    severity: str
    rows: np.ndarray
    message: str
    column: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def items(self) -> list[tuple[int, dict[str, Any]]]:
        cols = dict(self.values)  # ndarray: one entry per flagged row; anything else: the same for all
        out = []
        for i, row in enumerate(self.rows.tolist()):
            finding: dict[str, Any] = {"check": self.check, "severity": self.severity}
            if self.column:
                finding["column"] = self.column
            finding["values"] = {k: _plain(v[i] if isinstance(v, np.ndarray) else v) for k, v in cols.items()}
            finding["message"] = self.message
            out.append((row, finding))
        return out


class Findings:
    """Collects finding groups for a batch of ``n`` rows."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.groups: list[FindingGroup] = []

    def add(self, check: str, severity: str, rows: Any, message: str, *, column: str | None = None,
            **values: Any) -> None:
        if severity not in _RANK:
            raise ValueError(f"unknown severity {severity!r}")
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        picked = {}
        for key, value in values.items():  # arrays are whole columns (length n): pick flagged rows
            if isinstance(value, pd.Series):
                value = value.to_numpy(dtype=object)
            if isinstance(value, np.ndarray):
                if value.shape[0] != self.n:
                    raise ValueError(f"values[{key!r}] must be a whole column of {self.n} rows")
                value = value[rows]
            picked[key] = value
        self.groups.append(FindingGroup(check, severity, rows, message, column, picked))

    def decisions(self) -> np.ndarray:
        rank = np.zeros(self.n, dtype=np.int8)
        for group in self.groups:
            np.maximum.at(rank, group.rows, _RANK[group.severity])
        return np.asarray(DECISIONS, dtype=object)[rank]

    def per_row(self) -> list[list[dict[str, Any]]]:
        rows: list[list[dict[str, Any]]] = [[] for _ in range(self.n)]
        for group in self.groups:
            for row, finding in group.items():
                rows[row].append(finding)
        return rows

    def counts_by_check(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for group in self.groups:
            counts[group.check] = counts.get(group.check, 0) + int(group.rows.size)
        return dict(sorted(counts.items()))
