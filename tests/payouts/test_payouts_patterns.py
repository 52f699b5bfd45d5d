"""Each anomaly pattern planted into an otherwise clean batch is caught; clean payouts pass."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from payout_gen import AS_OF, PATTERNS, clean, inject

from riskguard.config import PROJECT_ROOT
from riskguard.payouts.batch import frame_from_rows, prepare
from riskguard.payouts.checks import check_batch, empty_history, history_from_batch
from riskguard.payouts.checks.statistics import BENFORD, benford_report
from riskguard.payouts.policy import PayoutPolicy, PolicyError, load_policy

POLICY = load_policy(PROJECT_ROOT / "policies")


def history(g) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    if not g.history:
        return empty_history()
    frame = g.history_frame()
    prepared = prepare(frame_from_rows(frame.drop(columns=["paid_at"]), max_rows=10**7))
    paid = pd.to_datetime(frame["paid_at"], utc=True).astype("datetime64[us, UTC]")
    return history_from_batch(prepared, paid)


def run(g, policy: PayoutPolicy = POLICY):  # type: ignore[no-untyped-def]
    if g.policy:
        policy = dataclasses.replace(policy, rules={**policy.rules, **g.policy})
    result = check_batch(frame_from_rows(g.frame(), max_rows=100_000), history(g), policy, AS_OF)
    return {p["payout_id"]: p for p in result.payouts()}, result


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_clean_batches_pass(seed: int) -> None:
    payouts, result = run(clean(seed))
    flagged = {pid: [f["check"] for f in p["findings"]] for pid, p in payouts.items() if p["findings"]}
    assert flagged == {}
    assert result.summary["decisions"] == {"allow": len(payouts), "review": 0, "block": 0}
    assert result.data_quality["success"] is True


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_pattern_is_caught_and_the_rest_pass(pattern: str) -> None:
    g = inject(pattern)
    payouts, result = run(g)
    for payout_id, (check, decision) in g.expected.items():
        got = payouts[payout_id]
        checks = [f["check"] for f in got["findings"]]
        assert check in checks, (payout_id, checks)
        assert got["decision"] == decision, (payout_id, got["findings"])
        finding = next(f for f in got["findings"] if f["check"] == check)
        assert finding["values"] and finding["message"] and finding["severity"] in ("review", "block")
    innocent = [pid for pid in payouts if pid not in g.expected and pid not in g.collateral]
    assert innocent and all(payouts[pid]["decision"] == "allow" and not payouts[pid]["findings"]
                            for pid in innocent)
    assert result.summary["rows"] == len(g.rows)


@pytest.mark.parametrize("seed", [3, 11])
def test_patterns_hold_across_seeds(seed: int) -> None:
    for pattern in ("merchant_over_net", "structuring", "chain_three_levels", "amount_spike"):
        g = inject(pattern, seed=seed)
        payouts, _ = run(g)
        for payout_id, (check, decision) in g.expected.items():
            assert payouts[payout_id]["decision"] == decision, (pattern, payout_id, check)


def test_bad_values_are_named_by_row_and_column_and_the_rest_is_checked() -> None:
    g = inject("merchant_over_net")
    g.rows[0]["amount_fen"] = "abc"
    g.rows[1]["currency"] = "USD"
    payouts, result = run(g)
    first = list(payouts.values())[0]
    assert first["row"] == 1 and first["decision"] == "block"
    assert [(f["check"], f["column"], f["values"]["amount_fen"]) for f in first["findings"]] == [
        ("dq.amount_fen.positive_integer", "amount_fen", "abc")]
    second = list(payouts.values())[1]
    assert [(f["column"], f["values"]["currency"]) for f in second["findings"]] == [("currency", "USD")]
    over = next(pid for pid, (check, _) in g.expected.items() if check == "rule.merchant_over_net")
    assert payouts[over]["decision"] == "block"
    assert result.data_quality["success"] is False
    failing = {e["check"]: e["unexpected_count"] for e in result.data_quality["expectations"] if not e["success"]}
    assert failing == {"dq.amount_fen.positive_integer": 1, "dq.currency.allowed": 1}


# -- statistics: minimum history and the MAD floor ---------------------------------------------------

def _one_payee(history_amounts: list[int], amount: int) -> tuple[list[str], str]:
    g = clean(5, payees=30)
    g.rows.sort(key=lambda r: r["payee_type"] != "merchant")  # a merchant first: gross bounds the amount
    payee = g.rows[0]["payee_id"]
    g.history = [h for h in g.history if h["payee_id"] != payee]
    template = dict(g.rows[0])
    for k, value in enumerate(history_amounts):
        paid = AS_OF - pd.Timedelta(days=7 * (k + 1))
        g.history.append(dict(template, payout_id=f"HX{k}", amount_fen=str(value), paid_at=paid.isoformat(),
                              period_start=(paid - pd.Timedelta(days=10)).date().isoformat(),
                              period_end=(paid - pd.Timedelta(days=4)).date().isoformat()))
    g.rows[0]["amount_fen"] = str(amount)
    g.rows[0].update(gross_sales_fen=str(amount * 2), refunds_fen="0", platform_fees_fen="0")
    payouts, _ = run(g)
    got = payouts[g.rows[0]["payout_id"]]
    return [f["check"] for f in got["findings"]], got["decision"]


@pytest.mark.parametrize(("history_amounts", "amount", "flagged"), [
    ([100_000] * 8, 1_000_000, True),                    # 10x the usual amount
    ([100_000] * 8, 104_000, False),                     # MAD 0: the floor keeps a 4% change quiet
    ([100_000] * 5, 1_000_000, False),                   # below the minimum history: no statistics
    ([90_000, 110_000] * 4, 160_000, True),              # z = 0.6745 * 60000 / 10000 = 4.05
    ([90_000, 110_000] * 4, 150_000, False),             # z = 3.37, under 3.5
    ([90_000, 110_000] * 4, 120_000, False),
    ([100_000] * 8, 20_000, True),                       # a drop is as unusual as a spike
])
def test_amount_robust_z(history_amounts: list[int], amount: int, flagged: bool) -> None:
    checks, decision = _one_payee(history_amounts, amount)
    assert ("stat.amount_z" in checks) is flagged
    assert decision == ("review" if flagged else "allow")


def test_benford_report_is_informative_only() -> None:
    rng = np.random.default_rng(0)
    benford_like = pd.Series(np.floor(10 ** rng.uniform(2, 7, size=5000)))
    uniform_digits = pd.Series(rng.integers(1, 10, size=5000) * 10_000.0)
    assert benford_report(benford_like, 500)["conformity"] in ("close", "acceptable")
    assert benford_report(uniform_digits, 500)["conformity"] == "nonconformity"
    assert "skipped" in benford_report(benford_like.head(100), 500)
    assert abs(sum(benford_report(benford_like, 500)["expected"].values()) - 1) < 1e-3
    assert np.isclose(BENFORD.sum(), 1)
    g = clean(9, payees=600)
    for row in g.rows:  # every amount starts with 9: far from Benford, yet no payout is held for it
        row["amount_fen"] = "9" + row["amount_fen"][1:]
        row["gross_sales_fen"] = str(int(row["amount_fen"]) * 30)
    payouts, result = run(dataclasses.replace(g, history=[]))
    assert result.summary["benford"]["conformity"] == "nonconformity"
    assert all(not any(f["check"].startswith("stat.benford") for f in p["findings"]) for p in payouts.values())


@pytest.mark.parametrize(("change", "message"), [
    ({"revision": None}, "revision"),
    ({"rules": {}}, "rules.duplicate_payout_id"),
    ({"data_quality": {"severity": "maybe"}}, "data_quality.severity"),
])
def test_policy_errors_name_the_key(change: dict, message: str) -> None:
    import yaml

    raw = yaml.safe_load((PROJECT_ROOT / "policies" / "payout-review.yaml").read_text("utf-8"))
    raw.update(change)
    if change.get("revision", "") is None:
        del raw["revision"]
    with pytest.raises(PolicyError, match=message):
        PayoutPolicy.from_mapping(raw)
