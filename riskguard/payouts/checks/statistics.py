"""Statistics against each payee's own history: robust z-scores, velocity, and a Benford report.

Robust z = 0.6745 (x − median) / max(MAD, floor): the median and the median absolute deviation resist
the outliers being hunted, and the floor stops a payee with near-constant history (MAD ≈ 0) from
turning every small change into an extreme score. Payees with less than ``min_history`` earlier payouts
get no statistical findings. The Benford first-digit report is batch-level and informative only: it is
never a reason for a payout's decision.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..findings import Findings
from ..policy import PayoutPolicy

__all__ = ["run_statistics", "benford_report", "robust_z", "BENFORD"]

K = 0.6745
BENFORD = np.log10(1 + 1 / np.arange(1, 10))
# Nigrini's first-digit conformity bands for the mean absolute deviation.
_NIGRINI = ((0.006, "close"), (0.012, "acceptable"), (0.015, "marginal"))


def robust_z(x: np.ndarray, median: np.ndarray, mad: np.ndarray, floor: np.ndarray) -> np.ndarray:
    return K * (x - median) / np.maximum(mad, floor)


def _per_payee(codes: np.ndarray, values: np.ndarray, width: int) -> np.ndarray:
    """Scatter per-payee values (indexed by code) back onto rows; NaN for unknown payees."""
    out = np.full(len(codes), np.nan)
    known = (codes >= 0) & (codes < width)
    out[known] = values[codes[known]]
    return out


def _amount_z(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, out: Findings) -> None:
    cfg = policy.stat("amount_z")
    keep = h["amount_fen"].notna().to_numpy() & (h["_payee"].to_numpy() >= 0)
    if not keep.any():
        return
    code = h["_payee"].to_numpy()[keep]
    amount_h = h["amount_fen"].to_numpy()[keep]
    width = int(code.max()) + 1
    grouped = pd.Series(amount_h).groupby(code)
    median_by = grouped.median().reindex(range(width)).to_numpy()
    count_by = np.bincount(code, minlength=width).astype("float64")
    mad_by = pd.Series(np.abs(amount_h - median_by[code])).groupby(code).median().reindex(range(width)).to_numpy()
    payee = f["_payee"].to_numpy()
    median, mad = _per_payee(payee, median_by, width), _per_payee(payee, mad_by, width)
    count = np.nan_to_num(_per_payee(payee, count_by, width))
    floor = np.maximum(float(cfg["mad_floor_fen"]), float(cfg["mad_floor_ratio"]) * median)
    amount = f["amount_fen__v"].to_numpy()
    with np.errstate(invalid="ignore"):
        z = robust_z(amount, median, mad, floor)
        hit = (count >= int(cfg["min_history"])) & (np.abs(z) >= float(cfg["threshold"]))
    out.add("stat.amount_z", cfg["severity"], np.flatnonzero(hit),
            "amount far from this payee's usual payouts (robust z-score)", column="amount_fen",
            amount_fen=amount, median_fen=median, mad_fen=mad, z=np.round(z, 2), history_count=count,
            threshold=cfg["threshold"])


def _batch_counts(f: pd.DataFrame) -> np.ndarray:
    payee = f["_payee"].to_numpy()
    counts = np.bincount(payee[payee >= 0], minlength=int(payee.max()) + 1 if len(payee) else 0)
    return np.where(payee >= 0, counts[np.clip(payee, 0, None)], np.nan).astype("float64")


def _count_z(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
             out: Findings) -> None:
    cfg = policy.stat("count_z")
    period = float(cfg["period_days"])
    periods = max(1, int(float(policy.statistics["history_days"]) // period))
    slot = np.floor(((as_of - h["paid_at"]) / pd.Timedelta(days=period)).to_numpy())
    code = h["_payee"].to_numpy()
    keep = (slot >= 0) & (slot < periods) & (code >= 0)
    if not keep.any():
        return
    width = int(code[keep].max()) + 1
    matrix = np.bincount(code[keep] * periods + slot[keep].astype(np.int64),
                         minlength=width * periods).reshape(width, periods).astype("float64")
    median_by = np.median(matrix, axis=1)
    mad_by = np.median(np.abs(matrix - median_by[:, None]), axis=1)
    payee = f["_payee"].to_numpy()
    med, dev = _per_payee(payee, median_by, width), _per_payee(payee, mad_by, width)
    hist_count = np.nan_to_num(_per_payee(payee, matrix.sum(axis=1), width))
    batch_count = _batch_counts(f)
    with np.errstate(invalid="ignore"):
        z = robust_z(batch_count, med, dev, np.full(len(f), float(cfg["mad_floor"])))
        hit = (hist_count >= int(cfg["min_history"])) & (z >= float(cfg["threshold"]))
    out.add("stat.count_z", cfg["severity"], np.flatnonzero(hit),
            "more payouts to this payee than usual for one period (robust z-score)", column="payee_id",
            payouts_in_batch=batch_count, median_per_period=med, mad=dev, z=np.round(z, 2),
            period_days=cfg["period_days"], threshold=cfg["threshold"])


def _velocity(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
              out: Findings) -> None:
    cfg = policy.stat("velocity")
    recent = h["_payee"].to_numpy()[(h["paid_at"] >= as_of - pd.Timedelta(days=float(cfg["window_days"])))
                                     .to_numpy()]
    recent = recent[recent >= 0]
    payee = f["_payee"].to_numpy()
    earlier = np.zeros(len(f))
    if recent.size:
        by_payee = np.bincount(recent).astype("float64")
        earlier = np.nan_to_num(_per_payee(payee, by_payee, len(by_payee)))
    total = earlier + np.nan_to_num(_batch_counts(f))
    hit = (payee >= 0) & (total > int(cfg["max_payouts"]))
    out.add("stat.velocity", cfg["severity"], np.flatnonzero(hit),
            "too many payouts to this payee within the window", column="payee_id",
            payouts_in_window=total, max_payouts=cfg["max_payouts"], window_days=cfg["window_days"])


def benford_report(amounts: pd.Series, min_rows: int) -> dict[str, Any]:
    """First significant digit of the amounts against Benford's law (chi-square and Nigrini's MAD)."""
    values = amounts.dropna().to_numpy(dtype="float64")
    values = values[values >= 1]
    report: dict[str, Any] = {"rows": int(values.size), "informative_only": True}
    if values.size < min_rows:
        report["skipped"] = f"fewer than {min_rows} amounts"
        return report
    digits = (values // 10 ** np.floor(np.log10(values))).astype(np.int64)
    digits = np.clip(digits, 1, 9)
    observed = np.bincount(digits, minlength=10)[1:] / values.size
    mad = float(np.mean(np.abs(observed - BENFORD)))
    chi_square = float(values.size * np.sum((observed - BENFORD) ** 2 / BENFORD))
    conformity = next((label for limit, label in _NIGRINI if mad < limit), "nonconformity")
    report.update({"observed": {str(d): round(float(p), 4) for d, p in zip(range(1, 10), observed, strict=True)},
                   "expected": {str(d): round(float(p), 4) for d, p in zip(range(1, 10), BENFORD, strict=True)},
                   "mad": round(mad, 5), "chi_square": round(chi_square, 2), "degrees_of_freedom": 8,
                   "conformity": conformity})
    return report


def run_statistics(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                   out: Findings) -> dict[str, Any]:
    window = h[(h["paid_at"] <= as_of) & (h["paid_at"] >= as_of - pd.Timedelta(
        days=float(policy.statistics["history_days"])))]
    _amount_z(f, window, policy, out)
    _count_z(f, window, policy, as_of, out)
    _velocity(f, window, policy, as_of, out)
    return benford_report(f["amount_fen__v"], int(policy.stat("benford")["min_rows"]))
