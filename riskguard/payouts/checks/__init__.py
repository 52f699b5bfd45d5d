"""The batch check: data quality (great-expectations), rules, statistics, then one decision per payout.

:func:`check_batch` is pure: a batch frame, the payees' history and the policy in; decisions, findings,
a summary and the data-quality result out. The service stores it; the CLI prints it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..batch import prepare
from ..findings import DECISIONS, Findings
from ..policy import PayoutPolicy
from .expectations import run_suite
from .rules import HISTORY_COLUMNS, empty_history, run_rules
from .statistics import run_statistics

__all__ = ["BatchResult", "check_batch", "encode", "history_from_batch", "HISTORY_COLUMNS", "empty_history"]


@dataclass
class BatchResult:
    frame: pd.DataFrame                 # prepared batch (text cells and typed companions)
    decisions: np.ndarray               # "allow" | "review" | "block" per row
    findings: list[list[dict[str, Any]]]
    data_quality: dict[str, Any]
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def payouts(self) -> list[dict[str, Any]]:
        ids = self.frame["payout_id"].tolist()
        return [{"row": i + 1, "payout_id": ids[i], "decision": self.decisions[i], "findings": self.findings[i]}
                for i in range(len(ids))]


def history_from_batch(prepared: pd.DataFrame, paid_at: pd.Series | None = None) -> pd.DataFrame:
    """A history frame from a prepared batch (a history file, or stored payouts)."""
    return pd.DataFrame({
        "payout_id": prepared["payout_id"], "payee_id": prepared["payee_id"],
        "payee_type": prepared["payee_type"], "amount_fen": prepared["amount_fen__v"],
        "period_start": prepared["period_start__ts"], "period_end": prepared["period_end__ts"],
        "bank_account_token": prepared["bank_account_token"], "upline_payee_id": prepared["upline_payee_id"],
        "paid_at": prepared["created_at__ts"] if paid_at is None else paid_at,
    })


def encode(frame: pd.DataFrame, hist: pd.DataFrame) -> None:
    """Integer codes shared by batch and history (``_payee``, ``_upline``, ``_account``; -1 = missing):
    hashing the text once lets every rule and statistic group and join on integers."""
    n, m = len(frame), len(hist)
    people = np.concatenate([frame["payee_id"].to_numpy(dtype=object), hist["payee_id"].to_numpy(dtype=object),
                             frame["upline_payee_id"].to_numpy(dtype=object),
                             hist["upline_payee_id"].to_numpy(dtype=object)])
    codes, _ = pd.factorize(people)
    frame["_payee"], hist["_payee"] = codes[:n], codes[n:n + m]
    frame["_upline"], hist["_upline"] = codes[n + m:2 * n + m], codes[2 * n + m:]
    accounts = np.concatenate([frame["bank_account_token"].to_numpy(dtype=object),
                               hist["bank_account_token"].to_numpy(dtype=object)])
    acodes, _ = pd.factorize(accounts)
    frame["_account"], hist["_account"] = acodes[:n], acodes[n:]


def _summary(frame: pd.DataFrame, decisions: np.ndarray, findings: Findings, policy: PayoutPolicy,
             as_of: pd.Timestamp, benford: dict[str, Any]) -> dict[str, Any]:
    amounts = frame["amount_fen__v"].fillna(0).to_numpy()
    by_decision = {d: int((decisions == d).sum()) for d in DECISIONS}
    amount_by_decision = {d: int(amounts[decisions == d].sum()) for d in DECISIONS}
    return {"rows": len(frame), "decisions": by_decision, "amount_fen": amount_by_decision,
            "findings_by_check": findings.counts_by_check(), "policy_revision": policy.revision,
            "as_of": as_of.isoformat(), "benford": benford}


def check_batch(raw: pd.DataFrame, history: pd.DataFrame | None, policy: PayoutPolicy,
                as_of: pd.Timestamp) -> BatchResult:
    """Check one batch (text cells as read by ``batch.read_batch``) against the payees' history."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    as_of = pd.Timestamp(as_of).tz_convert("UTC") if pd.Timestamp(as_of).tzinfo else \
        pd.Timestamp(as_of).tz_localize("UTC")
    frame = prepare(raw)
    hist = empty_history() if history is None else history.copy(deep=False)
    encode(frame, hist)
    timings["prepare"] = time.perf_counter() - started
    findings = Findings(len(frame))
    mark = time.perf_counter()
    data_quality = run_suite(frame, policy, findings)
    timings["data_quality"] = time.perf_counter() - mark
    mark = time.perf_counter()
    run_rules(frame, hist, policy, as_of, findings)
    timings["rules"] = time.perf_counter() - mark
    mark = time.perf_counter()
    benford = run_statistics(frame, hist, policy, as_of, findings)
    timings["statistics"] = time.perf_counter() - mark
    mark = time.perf_counter()
    decisions = findings.decisions()
    per_row = findings.per_row()
    summary = _summary(frame, decisions, findings, policy, as_of, benford)
    timings["decide"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return BatchResult(frame, decisions, per_row, data_quality, summary,
                       {k: round(v, 4) for k, v in timings.items()})
