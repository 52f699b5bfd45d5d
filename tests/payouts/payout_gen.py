"""A seeded generator of payout batches: clean batches with 8 weeks of history, and injectors that plant
one anomaly pattern each. Tests check that each pattern is caught and that clean payouts pass; the
benchmark uses the same generator at 100,000 rows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2026-11-20T00:00:00Z")
HISTORY_WEEKS = 8
PERIOD_START, PERIOD_END = "2026-11-09", "2026-11-15"


@dataclass
class Generated:
    rows: list[dict[str, Any]]              # the batch, cells as text (as a CSV would give them)
    history: list[dict[str, Any]]           # earlier payouts with paid_at
    expected: dict[str, tuple[str, str]] = field(default_factory=dict)  # payout_id -> (check, decision)
    collateral: set[str] = field(default_factory=set)  # other payout ids a pattern may flag too
    policy: dict[str, Any] = field(default_factory=dict)  # policy overrides the pattern needs

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def history_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.history)


def _payees(rng: np.random.Generator, n: int) -> pd.DataFrame:
    kinds = rng.choice(["merchant", "kol", "distributor"], size=n, p=[0.5, 0.3, 0.2])
    ids = np.array([f"P{i:06d}" for i in range(n)], dtype=object)
    base = np.round(10 ** rng.uniform(4, 6.5, size=n)).astype(np.int64)  # ¥100 .. ¥31,600
    upline = np.full(n, None, dtype=object)
    distributors = np.flatnonzero(kinds == "distributor")
    tops = distributors[: max(1, len(distributors) // 3)]
    for i in distributors[len(tops):]:  # one level below a top distributor; tops have no upline
        upline[i] = ids[rng.choice(tops)]
    return pd.DataFrame({"payee_id": ids, "payee_type": kinds, "base": base, "upline": upline,
                         "account": [f"acct_{i:06d}" for i in range(n)],
                         "rate": np.where(kinds == "merchant", 0.0, rng.choice([0.05, 0.1, 0.15], size=n))})


def _rows(payees: pd.DataFrame, amounts: np.ndarray, prefix: str, start: str, end: str,
          created_at: str) -> list[dict[str, Any]]:
    merchant = (payees["payee_type"] == "merchant").to_numpy()
    rate = payees["rate"].to_numpy()
    gross = np.where(merchant, np.ceil(amounts * 1.3), np.ceil(amounts / np.where(rate > 0, rate, 1)) + 100)
    refunds = np.where(merchant, np.floor(amounts * 0.1), 0)
    fees = np.where(merchant, np.floor(amounts * 0.1), 0)
    rows = []
    for i, p in enumerate(payees.itertuples(index=False)):
        rows.append({
            "payout_id": f"{prefix}{i:07d}", "payee_id": p.payee_id, "payee_type": p.payee_type,
            "amount_fen": str(int(amounts[i])), "currency": "CNY", "period_start": start, "period_end": end,
            "gross_sales_fen": str(int(gross[i])), "refunds_fen": str(int(refunds[i])),
            "platform_fees_fen": str(int(fees[i])),
            "commission_rate": None if merchant[i] else f"{rate[i]:.2f}",
            "contract_rate": None if merchant[i] else f"{rate[i]:.2f}",
            "bank_account_token": p.account, "bank_account_changed_at": "2024-03-01T10:00:00+08:00",
            "upline_payee_id": p.upline if isinstance(p.upline, str) else None, "created_by": "alice@finance", "created_at": created_at,
        })
    return rows


def clean(seed: int = 7, payees: int = 200) -> Generated:
    """One payout per payee, every amount within ±10% of the payee's usual amount; 8 weekly payouts of
    history each."""
    rng = np.random.default_rng(seed)
    people = _payees(rng, payees)
    base = people["base"].to_numpy()
    rows = _rows(people, np.round(base * rng.uniform(0.9, 1.1, size=payees)), "B", PERIOD_START, PERIOD_END,
                 "2026-11-19T09:00:00+08:00")
    history: list[dict[str, Any]] = []
    for week in range(1, HISTORY_WEEKS + 1):
        paid = AS_OF - pd.Timedelta(days=7 * week)
        start = (pd.Timestamp(PERIOD_START) - pd.Timedelta(days=7 * week)).date().isoformat()
        end = (pd.Timestamp(PERIOD_END) - pd.Timedelta(days=7 * week)).date().isoformat()
        week_rows = _rows(people, np.round(base * rng.uniform(0.9, 1.1, size=payees)), f"H{week}-", start, end,
                          paid.isoformat())
        for row in week_rows:
            row["paid_at"] = paid.isoformat()
        history += week_rows
    return Generated(rows, history)


# -- injectors: each plants one pattern into a clean batch ---------------------------------------------

def _first(g: Generated, kind: str, *, skip: int = 0, upline: bool | None = None) -> dict[str, Any]:
    picks = [r for r in g.rows if r["payee_type"] == kind
             and (upline is None or (r["upline_payee_id"] is not None) == upline)]
    return picks[skip]


def _cell(column: str, value: Any, check: str) -> Callable[[Generated], None]:
    def inject(g: Generated) -> None:
        row = g.rows[5]
        row[column] = value
        g.expected[row["payout_id"]] = (check, "block")
    return inject


def _dup_payout_id(g: Generated) -> None:
    g.rows[9]["payout_id"] = g.rows[3]["payout_id"]
    g.expected[g.rows[3]["payout_id"]] = ("rule.duplicate_payout_id", "block")


def _dup_payout_id_history(g: Generated) -> None:
    g.rows[4]["payout_id"] = g.history[4]["payout_id"]
    g.expected[g.rows[4]["payout_id"]] = ("rule.duplicate_payout_id", "block")


def _dup_payment(g: Generated) -> None:
    copy_row = dict(g.rows[6], payout_id="B_DUP")
    g.rows.append(copy_row)
    g.expected["B_DUP"] = ("rule.duplicate_payment", "block")
    g.collateral |= {g.rows[6]["payout_id"]}  # same payee twice: velocity/count statistics may note it


def _dup_payment_history(g: Generated) -> None:
    row = g.rows[7]
    past = next(h for h in g.history if h["payee_id"] == row["payee_id"])
    for key in ("period_start", "period_end", "amount_fen"):
        row[key] = past[key]
    g.expected[row["payout_id"]] = ("rule.duplicate_payment", "block")


def _merchant_over_net(g: Generated) -> None:
    row = _first(g, "merchant")
    net = int(row["gross_sales_fen"]) - int(row["refunds_fen"]) - int(row["platform_fees_fen"])
    row["amount_fen"] = str(net + 1)
    g.expected[row["payout_id"]] = ("rule.merchant_over_net", "block")
    g.collateral.add(row["payout_id"])


def _merchant_unverifiable(g: Generated) -> None:
    row = _first(g, "merchant", skip=1)
    row["gross_sales_fen"] = None
    g.expected[row["payout_id"]] = ("rule.merchant_net_unverifiable", "review")


def _rate_over_contract(g: Generated) -> None:
    row = _first(g, "kol")
    row["commission_rate"] = f"{float(row['contract_rate']) + 0.05:.2f}"
    g.expected[row["payout_id"]] = ("rule.commission_over_contract.rate", "block")


def _amount_over_contract(g: Generated) -> None:
    row = _first(g, "kol", skip=1)
    row["gross_sales_fen"] = str(int(int(row["amount_fen"]) / float(row["contract_rate"]) * 0.5))
    g.expected[row["payout_id"]] = ("rule.commission_over_contract.amount", "block")


def _recent_bank_change(g: Generated) -> None:
    row = g.rows[11]
    row["bank_account_changed_at"] = (AS_OF - pd.Timedelta(days=2)).isoformat()
    g.expected[row["payout_id"]] = ("rule.bank_account_recent_change", "review")


def _self_dealing(g: Generated) -> None:
    merchant, distributor = _first(g, "merchant", skip=2), _first(g, "distributor", upline=True)
    distributor["bank_account_token"] = merchant["bank_account_token"]
    g.expected[distributor["payout_id"]] = ("rule.shared_account.cross_type", "block")
    g.expected[merchant["payout_id"]] = ("rule.shared_account", "review")


def _shared_account(g: Generated) -> None:
    a, b = _first(g, "kol", skip=2), _first(g, "kol", skip=3)
    b["bank_account_token"] = a["bank_account_token"]
    g.expected[a["payout_id"]] = ("rule.shared_account", "review")
    g.expected[b["payout_id"]] = ("rule.shared_account", "review")


def _chain(levels: int, decision: str) -> Callable[[Generated], None]:
    def inject(g: Generated) -> None:
        leaf = _first(g, "distributor", upline=True)
        top = leaf["upline_payee_id"]
        chain = [r for r in g.rows if r["payee_type"] == "distributor" and r["upline_payee_id"] is None
                 and r["payee_id"] != top][: levels - 1]
        # leaf's sales pay `top`; put extra distributors above `top`, one per level
        node = next(r for r in g.rows if r["payee_id"] == top)
        for above in chain:
            node["upline_payee_id"] = above["payee_id"]
            node = above
        g.expected[node["payout_id"]] = ("rule.distribution_depth", decision)
        if levels >= 3:  # intermediate levels are themselves paid 2+ levels up
            g.collateral |= {r["payout_id"] for r in chain[:-1]}
    return inject


def _structuring(g: Generated) -> None:
    row = _first(g, "kol", skip=4)
    threshold = 50_000_000
    row["amount_fen"] = str(int(threshold * 0.95))
    row["gross_sales_fen"] = str(10**12)
    for k in range(2):
        extra = dict(row, payout_id=f"B_STRUCT{k}", amount_fen=str(int(threshold * 0.93) + k),
                     period_start=f"2026-11-1{k}", period_end=f"2026-11-1{k}")
        g.rows.append(extra)
        g.expected[extra["payout_id"]] = ("rule.structuring", "block")
    g.expected[row["payout_id"]] = ("rule.structuring", "block")


def _blocked_payee(g: Generated) -> None:
    row = g.rows[13]
    g.policy = {"blocked_payees": [row["payee_id"]]}
    g.expected[row["payout_id"]] = ("rule.blocked.payee", "block")


def _blocked_account(g: Generated) -> None:
    row = g.rows[14]
    g.policy = {"blocked_accounts": [row["bank_account_token"]]}
    g.expected[row["payout_id"]] = ("rule.blocked.account", "block")


def _amount_spike(g: Generated) -> None:
    row = _first(g, "merchant", skip=3)
    row["amount_fen"] = str(int(row["amount_fen"]) * 10)
    row["gross_sales_fen"] = str(int(row["amount_fen"]) * 2)
    g.expected[row["payout_id"]] = ("stat.amount_z", "review")


def _burst(g: Generated) -> None:
    row = _first(g, "merchant", skip=4)
    for k in range(7):
        extra = dict(row, payout_id=f"B_BURST{k}", amount_fen=str(int(row["amount_fen"]) + k + 1))
        g.rows.append(extra)
        g.expected[extra["payout_id"]] = ("stat.velocity", "review")
    g.expected[row["payout_id"]] = ("stat.count_z", "review")


PATTERNS: dict[str, Callable[[Generated], None]] = {
    "amount_not_integer": _cell("amount_fen", "12.5", "dq.amount_fen.positive_integer"),
    "amount_negative": _cell("amount_fen", "-100", "dq.amount_fen.positive_integer"),
    "amount_zero": _cell("amount_fen", "0", "dq.amount_fen.positive_integer"),
    "payee_missing": _cell("payee_id", None, "dq.payee_id.required"),
    "currency_unknown": _cell("currency", "USD", "dq.currency.allowed"),
    "payee_type_unknown": _cell("payee_type", "shop", "dq.payee_type.known"),
    "period_out_of_order": _cell("period_start", "2026-11-30", "dq.period.in_order"),
    "date_invalid": _cell("period_end", "2026-02-30", "dq.period_end.iso8601"),
    "rate_not_decimal": _cell("contract_rate", "ten", "dq.contract_rate.decimal_rate"),
    "duplicate_payout_id": _dup_payout_id,
    "duplicate_payout_id_history": _dup_payout_id_history,
    "duplicate_payment": _dup_payment,
    "duplicate_payment_history": _dup_payment_history,
    "merchant_over_net": _merchant_over_net,
    "merchant_net_unverifiable": _merchant_unverifiable,
    "commission_rate_over_contract": _rate_over_contract,
    "commission_amount_over_contract": _amount_over_contract,
    "bank_account_recent_change": _recent_bank_change,
    "self_dealing_account": _self_dealing,
    "shared_account": _shared_account,
    "chain_two_levels": _chain(2, "review"),
    "chain_three_levels": _chain(3, "block"),
    "structuring": _structuring,
    "blocked_payee": _blocked_payee,
    "blocked_account": _blocked_account,
    "amount_spike": _amount_spike,
    "payout_burst": _burst,
}


def inject(name: str, seed: int = 7, payees: int = 200) -> Generated:
    g = clean(seed, payees)
    g.rows = copy.deepcopy(g.rows)
    PATTERNS[name](g)
    return g
