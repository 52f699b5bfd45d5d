"""``riskguard payouts check``: JSON lines in input order, a summary line, exit 2 on unreadable input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from payout_gen import AS_OF, clean, inject

from riskguard.cli import main


def _run(args: list[str]) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, ["payouts", "check", *args])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def _write(path: Path, rows: list[dict]) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    else:
        pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_one_line_per_row_in_order_then_summary(tmp_path: Path, suffix: str) -> None:
    g = inject("structuring", payees=60)
    batch = _write(tmp_path / f"batch{suffix}", g.rows)
    history = _write(tmp_path / f"history{suffix}", g.history)
    code, lines, _ = _run(["--input", str(batch), "--history", str(history), "--as-of", AS_OF.isoformat()])
    assert code == 0
    *rows, last = lines
    assert [r["payout_id"] for r in rows] == [r["payout_id"] for r in g.rows]
    assert [r["row"] for r in rows] == list(range(1, len(g.rows) + 1))
    assert set(last) == {"summary", "data_quality"} and last["summary"]["rows"] == len(g.rows)
    for row in rows:
        expected = g.expected.get(row["payout_id"])
        assert row["decision"] == (expected[1] if expected else "allow"), row
        assert set(row) == {"row", "payout_id", "decision", "findings"}


def test_history_file_feeds_the_statistics(tmp_path: Path) -> None:
    g = inject("amount_spike", payees=60)
    batch = _write(tmp_path / "batch.csv", g.rows)
    spiked = next(iter(g.expected))
    _, without, _ = _run(["--input", str(batch), "--as-of", AS_OF.isoformat()])
    history = _write(tmp_path / "history.csv", g.history)
    _, with_history, _ = _run(["--input", str(batch), "--history", str(history), "--as-of", AS_OF.isoformat()])
    decision = {r["payout_id"]: r["decision"] for r in with_history[:-1]}
    assert decision[spiked] == "review"
    assert {r["payout_id"]: r["decision"] for r in without[:-1]}[spiked] == "allow"


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not UTF-8"),
    (b"a,b\n1,2\n", "required columns missing"),
    (b"[{\"payout_id\": 1", "malformed JSON"),
])
def test_unreadable_input_exits_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "batch.dat"  # no known suffix: the format is sniffed
    path.write_bytes(content)
    code, lines, err = _run(["--input", str(path)])
    assert code == 2 and lines == [] and message in err


def test_missing_file_and_bad_as_of_exit_2(tmp_path: Path) -> None:
    assert _run(["--input", str(tmp_path / "nope.csv")])[0] == 2
    batch = _write(tmp_path / "b.csv", clean(1, payees=10).rows)
    assert _run(["--input", str(batch), "--as-of", "yesterday-ish"])[0] == 2
