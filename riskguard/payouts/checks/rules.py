"""Rules per payout, each a vectorised pass over the whole batch (and the payees' history).

Every rule reads the prepared frame (text cells plus typed companions, see ``batch.prepare``) and the
history frame (``HISTORY_COLUMNS``), and adds one finding group. Thresholds come from the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..findings import Findings
from ..policy import PayoutPolicy

__all__ = ["HISTORY_COLUMNS", "RULES", "run_rules", "empty_history"]

HISTORY_COLUMNS = ("payout_id", "payee_id", "payee_type", "amount_fen", "period_start", "period_end",
                   "bank_account_token", "upline_payee_id", "paid_at")
# Rules also read the integer codes added by ``checks.encode``: ``_payee``, ``_upline``, ``_account``.
COMMISSION_TYPES = ("kol", "distributor")


def empty_history() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in HISTORY_COLUMNS})
    frame["amount_fen"] = frame["amount_fen"].astype("float64")
    for c in ("period_start", "period_end", "paid_at"):
        frame[c] = pd.Series(dtype="datetime64[us, UTC]")
    return frame


def _rows(mask: Any) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def _first_row(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """For each row, the 1-based number of the first row with the same key."""
    numbered = frame.loc[:, keys].assign(_i=np.arange(len(frame)))
    return numbered.groupby(keys, dropna=False, sort=False)["_i"].transform("min").to_numpy() + 1


def duplicate_payout_id(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                        out: Findings) -> None:
    sev = policy.rule("duplicate_payout_id")["severity"]
    ids = f["payout_id"]
    valid = ids.notna()
    again = valid & ids.duplicated(keep="first")
    if again.any():
        out.add("rule.duplicate_payout_id", sev, _rows(again),
                "payout id already used earlier in this batch", column="payout_id",
                payout_id=ids.to_numpy(dtype=object), first_row=_first_row(f, ["payout_id"]))
    paid = valid & ids.isin(h["payout_id"].dropna())
    out.add("rule.duplicate_payout_id", sev, _rows(paid), "payout id already used in an earlier batch",
            column="payout_id", payout_id=ids.to_numpy(dtype=object), seen_in="history")


_PAYMENT_KEY = ["payee_id", "period_start__ts", "period_end__ts", "amount_fen__v"]


def _payment_keys(payee: np.ndarray, start: pd.Series, end: pd.Series, amount: pd.Series
                  ) -> tuple[pd.MultiIndex, np.ndarray]:
    valid = (payee >= 0) & start.notna().to_numpy() & end.notna().to_numpy() & amount.notna().to_numpy()
    index = pd.MultiIndex.from_arrays([payee, start.array.asi8, end.array.asi8,
                                       amount.to_numpy(dtype="float64")])
    return index, valid


def duplicate_payment(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                      out: Findings) -> None:
    sev = policy.rule("duplicate_payment")["severity"]
    key, valid = _payment_keys(f["_payee"].to_numpy(), f["period_start__ts"], f["period_end__ts"],
                               f["amount_fen__v"])
    again = valid & key.duplicated(keep="first")
    values = dict(payee_id=f["payee_id"].to_numpy(dtype=object), period_start=f["period_start"].to_numpy(object),
                  period_end=f["period_end"].to_numpy(dtype=object), amount_fen=f["amount_fen__v"].to_numpy())
    if again.any():
        out.add("rule.duplicate_payment", sev, _rows(again),
                "same payee, period and amount already paid earlier in this batch",
                first_row=_first_row(f, _PAYMENT_KEY), **values)
    if len(h):
        past, past_valid = _payment_keys(h["_payee"].to_numpy(), h["period_start"], h["period_end"],
                                         h["amount_fen"])
        seen = key.isin(past[past_valid])
        out.add("rule.duplicate_payment", sev, _rows(valid & seen),
                "same payee, period and amount already paid in an earlier batch", seen_in="history", **values)


def merchant_over_net(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                      out: Findings) -> None:
    rule = policy.rule("merchant_over_net")
    merchant = (f["payee_type"] == "merchant") & f["amount_fen__v"].notna()
    parts = f[["gross_sales_fen__v", "refunds_fen__v", "platform_fees_fen__v"]]
    known = parts.notna().all(axis=1)
    net = (parts["gross_sales_fen__v"] - parts["refunds_fen__v"] - parts["platform_fees_fen__v"]).to_numpy()
    over = merchant & known & (f["amount_fen__v"] > net + float(rule.get("tolerance_fen", 0)))
    out.add("rule.merchant_over_net", rule["severity"], _rows(over),
            "merchant payout above gross sales minus refunds minus platform fees", column="amount_fen",
            amount_fen=f["amount_fen__v"].to_numpy(), net_fen=net, gross_sales_fen=f["gross_sales_fen__v"].to_numpy(),
            refunds_fen=f["refunds_fen__v"].to_numpy(), platform_fees_fen=f["platform_fees_fen__v"].to_numpy())
    out.add("rule.merchant_net_unverifiable", policy.rule("merchant_net_unverifiable")["severity"],
            _rows(merchant & ~known), "merchant payout without gross sales, refunds and fees to verify it",
            column="gross_sales_fen", amount_fen=f["amount_fen__v"].to_numpy())


def commission_over_contract(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                             out: Findings) -> None:
    rule = policy.rule("commission_over_contract")
    commission = f["payee_type"].isin(COMMISSION_TYPES)
    rate, contract = f["commission_rate__v"], f["contract_rate__v"]
    over_rate = commission & (rate > contract + float(rule["rate_tolerance"]))
    out.add("rule.commission_over_contract.rate", rule["severity"], _rows(over_rate),
            "commission rate above the contract rate", column="commission_rate",
            commission_rate=rate.to_numpy(), contract_rate=contract.to_numpy())
    allowed = np.floor(f["gross_sales_fen__v"].to_numpy() * contract.to_numpy())
    over_amount = commission & (f["amount_fen__v"] > allowed + float(rule["amount_tolerance_fen"]))
    out.add("rule.commission_over_contract.amount", rule["severity"], _rows(over_amount),
            "commission amount above gross sales times the contract rate", column="amount_fen",
            amount_fen=f["amount_fen__v"].to_numpy(), allowed_fen=allowed,
            gross_sales_fen=f["gross_sales_fen__v"].to_numpy(), contract_rate=contract.to_numpy())


def bank_account_recent_change(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                               out: Findings) -> None:
    rule = policy.rule("bank_account_recent_change")
    age = (as_of - f["bank_account_changed_at__ts"]) / pd.Timedelta(days=1)
    recent = (age >= 0) & (age < float(rule["days"]))
    out.add("rule.bank_account_recent_change", rule["severity"], _rows(recent.fillna(False)),
            "bank account changed shortly before the payout", column="bank_account_changed_at",
            bank_account_changed_at=f["bank_account_changed_at"].to_numpy(dtype=object),
            days_before_payout=age.round(2).to_numpy(), limit_days=rule["days"])


def shared_account(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                   out: Findings) -> None:
    rule = policy.rule("shared_account")
    account = np.concatenate([f["_account"].to_numpy(), h["_account"].to_numpy()]).astype(np.int64)
    payee = np.concatenate([f["_payee"].to_numpy(), h["_payee"].to_numpy()]).astype(np.int64)
    merchant = np.concatenate([(f["payee_type"] == "merchant").to_numpy(bool),
                               (h["payee_type"] == "merchant").to_numpy(bool)])
    ok = (account >= 0) & (payee >= 0)
    if not ok.any():
        return
    width = int(payee.max()) + 1
    pairs = np.unique(account[ok] * width + payee[ok])
    payees_per_account = np.bincount(pairs // width, minlength=int(account.max()) + 1)
    fa, fp = f["_account"].to_numpy(), f["_payee"].to_numpy()
    flagged = (fa >= 0) & (fp >= 0)
    flagged[flagged] = payees_per_account[fa[flagged]] > 1
    idx = _rows(flagged)
    if idx.size == 0:
        return
    shared = np.unique(fa[idx])
    pair_acc, pair_pay = pairs // width, pairs % width
    keep = np.isin(pair_acc, shared)
    owners: dict[int, list[int]] = {}
    for a, p in zip(pair_acc[keep].tolist(), pair_pay[keep].tolist(), strict=True):
        owners.setdefault(a, []).append(p)
    merchant_pairs = set((account[ok & merchant] * width + payee[ok & merchant]).tolist())
    text = np.concatenate([f["payee_id"].to_numpy(dtype=object), h["payee_id"].to_numpy(dtype=object)])
    on_shared = ok & np.isin(account, shared)
    names = dict(zip(payee[on_shared].tolist(), text[on_shared].tolist(), strict=True))
    others = np.full(len(f), None, dtype=object)
    cross = np.zeros(len(f), dtype=bool)
    for i in idx.tolist():  # only rows on shared accounts: few
        a, p = int(fa[i]), int(fp[i])
        rest = [q for q in owners[a] if q != p]
        others[i] = sorted(str(names[q]) for q in rest)[:5]
        cross[i] = f.at[i, "payee_type"] != "merchant" and any(a * width + q in merchant_pairs for q in rest)
    values = dict(payee_id=f["payee_id"].to_numpy(dtype=object), other_payees=others)
    out.add("rule.shared_account.cross_type", rule["cross_type_severity"], idx[cross[idx]],
            "payout into an account that belongs to a merchant (self-dealing)", column="bank_account_token",
            **values)
    out.add("rule.shared_account", rule["severity"], idx[~cross[idx]],
            "bank account also used by another payee", column="bank_account_token", **values)


def distribution_depth(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                       out: Findings) -> None:
    """Levels of paid downline under each payee: 1 = paid on direct downline's sales; a cycle in the
    upline chain counts as unbounded depth."""
    rule = policy.rule("distribution_depth")
    review_at, block_at = int(rule["review_levels"]), int(rule["block_levels"])
    child = np.concatenate([f["_payee"].to_numpy(), h["_payee"].to_numpy()]).astype(np.int64)
    parent = np.concatenate([f["_upline"].to_numpy(), h["_upline"].to_numpy()]).astype(np.int64)
    ok = (child >= 0) & (parent >= 0) & (child != parent)
    payee = f["_payee"].to_numpy()
    levels = np.zeros(len(f), dtype=np.int64)
    if ok.any():
        width = int(max(child.max(), parent.max(), payee.max())) + 1
        edges = np.unique(child[ok] * width + parent[ok])
        child, parent = edges // width, edges % width
        level = np.zeros(width, dtype=np.int64)
        current = np.zeros(width, dtype=bool)
        current[child] = True
        for depth in range(1, block_at + 1):
            above = np.zeros(width, dtype=bool)
            above[parent[current[child]]] = True
            level[above] = depth
            current = above
            if not current.any():
                break
        levels = np.where(payee >= 0, level[np.clip(payee, 0, None)], 0)
    commission = f["payee_type"].isin(COMMISSION_TYPES).to_numpy()
    values = dict(payee_id=f["payee_id"].to_numpy(dtype=object), levels=levels)
    out.add("rule.distribution_depth", "block", _rows(commission & (levels >= block_at)),
            f"commission paid {block_at} or more levels up a distribution chain (pyramid-like)",
            column="upline_payee_id", limit=review_at - 1, **values)
    out.add("rule.distribution_depth", "review", _rows(commission & (levels >= review_at) & (levels < block_at)),
            f"commission paid {review_at} levels up a distribution chain", column="upline_payee_id",
            limit=review_at - 1, **values)


def structuring(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
                out: Findings) -> None:
    rule = policy.rule("structuring")
    thresholds = {k: float(v) for k, v in rule["thresholds_fen"].items()}
    band = float(rule["band"])

    def near(frame: pd.DataFrame, amount: str) -> tuple[pd.Series, pd.Series]:
        limit = frame["payee_type"].map(thresholds).astype("float64")
        return (frame[amount] >= band * limit) & (frame[amount] < limit), limit

    in_batch, limit = near(f, "amount_fen__v")
    recent = h[h["paid_at"] >= as_of - pd.Timedelta(days=float(rule["window_days"]))]
    in_hist, _ = near(recent, "amount_fen")
    pool = pd.concat([f.loc[in_batch, ["payee_id", "amount_fen__v"]].set_axis(["payee_id", "amount"], axis=1),
                      recent.loc[in_hist, ["payee_id", "amount_fen"]].set_axis(["payee_id", "amount"], axis=1)])
    if pool.empty:
        return
    per_payee = pool.groupby("payee_id")["amount"].agg(["count", "sum"])
    count = f["payee_id"].map(per_payee["count"]).fillna(0).to_numpy()
    total = f["payee_id"].map(per_payee["sum"]).fillna(0).to_numpy()
    hit = in_batch.to_numpy() & (count >= int(rule["min_payouts"])) & (total >= limit.to_numpy())
    out.add("rule.structuring", rule["severity"], _rows(hit),
            "several payouts just under the reporting threshold whose sum crosses it", column="amount_fen",
            payee_id=f["payee_id"].to_numpy(dtype=object), amount_fen=f["amount_fen__v"].to_numpy(),
            threshold_fen=limit.to_numpy(), payouts_in_window=count, total_fen=total,
            window_days=rule["window_days"])


def blocked(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp, out: Findings) -> None:
    sev = policy.rule("blocked")["severity"]
    payee = f["payee_id"].isin(set(policy.rules.get("blocked_payees") or []))
    account = f["bank_account_token"].isin(set(policy.rules.get("blocked_accounts") or []))
    out.add("rule.blocked.payee", sev, _rows(payee), "payee is on the block list", column="payee_id",
            payee_id=f["payee_id"].to_numpy(dtype=object))
    out.add("rule.blocked.account", sev, _rows(account), "bank account is on the block list",
            column="bank_account_token", bank_account_token=f["bank_account_token"].to_numpy(dtype=object))


Rule = Callable[[pd.DataFrame, pd.DataFrame, PayoutPolicy, pd.Timestamp, Findings], None]
RULES: tuple[Rule, ...] = (duplicate_payout_id, duplicate_payment, merchant_over_net, commission_over_contract,
                           bank_account_recent_change, shared_account, distribution_depth, structuring, blocked)


def run_rules(f: pd.DataFrame, h: pd.DataFrame, policy: PayoutPolicy, as_of: pd.Timestamp,
              out: Findings) -> None:
    for rule in RULES:
        rule(f, h, policy, as_of, out)
