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


def _amount_z(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, out: Findings) -> None:
    cfg = policy.stat("amount_z")
    hist = h.loc[h["amount_fen"].notna(), ["payee_id", "amount_fen"]]
    if hist.empty:
        return
    grouped = hist.groupby("payee_id")["amount_fen"]
    stats = grouped.agg(["median", "count"])
    deviation = (hist["amount_fen"] - hist["payee_id"].map(stats["median"])).abs()
    stats["mad"] = deviation.groupby(hist["payee_id"]).median()
    median = f["payee_id"].map(stats["median"]).to_numpy(dtype="float64")
    mad = f["payee_id"].map(stats["mad"]).to_numpy(dtype="float64")
    count = f["payee_id"].map(stats["count"]).fillna(0).to_numpy()
    floor = np.maximum(float(cfg["mad_floor_fen"]), float(cfg["mad_floor_ratio"]) * median)
    amount = f["amount_fen__v"].to_numpy()
    with np.errstate(invalid="ignore"):
        z = robust_z(amount, median, mad, floor)
        hit = (count >= int(cfg["min_history"])) & (np.abs(z) >= float(cfg["threshold"]))
    out.add("stat.amount_z", cfg["severity"], np.flatnonzero(hit),
            "amount far from this payee's usual payouts (robust z-score)", column="amount_fen",
            amount_fen=amount, median_fen=median, mad_fen=mad, z=np.round(z, 2), history_count=count,
            threshold=cfg["threshold"])


def _count_z(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
             out: Findings) -> None:
    cfg = policy.stat("count_z")
    period = float(cfg["period_days"])
    periods = max(1, int(float(policy.statistics["history_days"]) // period))
    age = ((as_of - h["paid_at"]) / pd.Timedelta(days=period)).to_numpy()
    slot = np.floor(age)
    keep = (slot >= 0) & (slot < periods)
    hist = pd.DataFrame({"payee_id": h["payee_id"].to_numpy()[keep], "slot": slot[keep].astype(np.int64)})
    if hist.empty:
        return
    table = hist.groupby(["payee_id", "slot"]).size().unstack(fill_value=0)
    table = table.reindex(columns=range(periods), fill_value=0)
    matrix = table.to_numpy(dtype="float64")
    median = np.median(matrix, axis=1)
    mad = np.median(np.abs(matrix - median[:, None]), axis=1)
    stats = pd.DataFrame({"median": median, "mad": mad, "count": matrix.sum(axis=1)}, index=table.index)
    batch_count = f.groupby("payee_id")["payee_id"].transform("size").to_numpy(dtype="float64")
    med = f["payee_id"].map(stats["median"]).to_numpy(dtype="float64")
    dev = f["payee_id"].map(stats["mad"]).to_numpy(dtype="float64")
    hist_count = f["payee_id"].map(stats["count"]).fillna(0).to_numpy()
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
    recent = h.loc[h["paid_at"] >= as_of - pd.Timedelta(days=float(cfg["window_days"])), "payee_id"]
    earlier = f["payee_id"].map(recent.value_counts()).fillna(0).to_numpy()
    in_batch = f.groupby("payee_id")["payee_id"].transform("size").fillna(0).to_numpy(dtype="float64")
    total = earlier + in_batch
    hit = f["payee_id"].notna().to_numpy() & (total > int(cfg["max_payouts"]))
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
