"""A small payout batch for the console tests: KOL payouts with log-normal amounts (Benford-like); one payout
id used twice (both rows held) and, optionally, a merchant paid more than its net sales (held alone)."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta


def batch_csv(rows: int = 600, *, seed: int = 1, duplicate: bool = True, over_net: bool = False,
              created_by: str = "ops-bot") -> bytes:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    start, end = (now - timedelta(days=8)).date().isoformat(), (now - timedelta(days=1)).date().isoformat()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["payout_id", "payee_id", "payee_type", "amount_fen", "currency", "period_start",
                     "period_end", "bank_account_token", "created_by", "created_at", "gross_sales_fen",
                     "refunds_fen", "platform_fees_fen"])
    for i in range(rows):
        payout_id = "po-0001" if duplicate and i == rows - 1 else f"po-{i + 1:04d}"
        amount = max(100, int(rng.lognormvariate(10, 1.6)))
        merchant = over_net and i == 1
        writer.writerow([payout_id, f"{'mch' if merchant else 'kol'}-{i:04d}", "merchant" if merchant else "kol",
                         amount, "CNY", start, end, f"acct-{i:04d}", created_by,
                         (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                         *((amount // 2, 0, 0) if merchant else ("", "", ""))])
    return out.getvalue().encode("utf-8")
