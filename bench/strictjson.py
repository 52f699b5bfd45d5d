"""The input layer's cost: ``riskguard.strictjson.loads`` next to plain ``json.loads`` on the same text.

    .venv/bin/python bench/strictjson.py [--rows 100000] [--repeat 3]

* screening body — one ``POST /v1/screen/ad`` body (what every screening request pays)
* payout batch   — a JSON payout batch of ``--rows`` objects (the largest body the API takes)

Each line prints the best of ``--repeat`` runs for both and the ratio. The machine is shared: run it twice.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# bench/ holds other scripts (e.g. http.py) that must not shadow the standard library: drop it from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskguard import strictjson  # noqa: E402


def best(fn: Callable[[str], Any], text: str, repeat: int, inner: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(inner):
            fn(text)
        times.append((time.perf_counter() - started) / inner)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    screening = json.dumps({"id": "listing-20261205-7", "text": "全网最低价，这款面霜是NO.1，三天见效" * 10,
                            "category": "cosmetics", "has_purchase_link": True, "registration_numbers": ["H1"]},
                           ensure_ascii=False)
    batch = json.dumps({"payouts": [
        {"payout_id": f"P{i:08d}", "payee_id": f"M{i % 5000:05d}", "payee_type": "merchant",
         "amount_fen": 10_000 + i, "currency": "CNY", "period_start": "2026-11-01", "period_end": "2026-11-30",
         "gross_sales_fen": 13_000 + i, "refunds_fen": 1000, "platform_fees_fen": 1000,
         "bank_account_token": f"tok_{i % 5000}", "created_by": "alice@finance",
         "created_at": "2026-12-01T09:00:00+08:00"} for i in range(args.rows)]}, ensure_ascii=False)
    for name, text, inner in (("screening body", screening, 2000), (f"payout batch, {args.rows} rows", batch, 1)):
        plain = best(json.loads, text, args.repeat, inner)
        strict = best(strictjson.loads, text, args.repeat, inner)
        print(f"{name:28} {len(text.encode()):>11,} bytes  json.loads {plain * 1e3:9.3f} ms  "
              f"strictjson.loads {strict * 1e3:9.3f} ms  x{strict / plain:.2f}")


if __name__ == "__main__":
    main()
