"""``riskguard payouts check``: check a batch file offline (no database), JSON lines out.

Exit status as :mod:`riskguard.cli_io` says: 2 when the file cannot be read as a batch, 1 when some rows
hold values the data-quality suite refuses (``dq.*`` findings: the batch's bad lines), else 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from ..cli_io import finish_lines, json_line, progress, progress_option
from ..config import Settings
from .batch import BatchReadError, prepare, read_batch
from .checks import check_batch, empty_history, history_from_batch
from .policy import PolicyError, load_policy

__all__ = ["payouts"]


def _fmt(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return {".csv": "csv", ".json": "json"}.get(suffix)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _read(path: Path, max_rows: int, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    try:
        return read_batch(path.read_bytes(), fmt=_fmt(path), max_rows=max_rows, keep=keep)
    except OSError as exc:
        _fail(f"{path}: cannot read ({exc.strerror})")
    except BatchReadError as exc:
        _fail(f"{path}: {exc.message} [{exc.code}]")
    raise AssertionError("unreachable")


def load_history_file(path: Path) -> pd.DataFrame:
    """A history file has the batch columns; ``paid_at`` (else ``created_at``) dates each payout."""
    raw = _read(path, max_rows=10_000_000, keep=("paid_at",))
    prepared = prepare(raw)
    paid = None
    if "paid_at" in raw.columns:
        paid = pd.to_datetime(raw["paid_at"], errors="coerce", utc=True, format="ISO8601")
        paid = paid.astype("datetime64[us, UTC]").fillna(prepared["created_at__ts"])
    history = history_from_batch(prepared, paid)
    return history[history["paid_at"].notna()].reset_index(drop=True)


def _as_of(value: str | None) -> pd.Timestamp:
    if not value:
        return pd.Timestamp.now(tz="UTC")
    try:
        stamp = pd.Timestamp(value)
    except ValueError:
        _fail(f"--as-of {value!r} is not an ISO-8601 date or time")
        raise
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


@click.group()
def payouts() -> None:
    """Payout batch checks."""


@payouts.command("check")
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--history", "history_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="earlier payouts (same columns, optional paid_at) for the statistics and repeat checks")
@click.option("--as-of", "as_of", default=None, help="payout date, ISO-8601 (default: now)")
@progress_option
@click.pass_obj
def check(settings: Settings, input_path: Path, history_path: Path | None, as_of: str | None,
          show_progress: bool | None) -> None:
    """Check a batch: one JSON line per input row {row, payout_id, decision, findings}, then a line with
    the summary and data quality; exit 1 if any row failed the data-quality suite."""
    try:
        policy = load_policy(settings.policies_dir)
    except PolicyError as exc:
        _fail(str(exc))
        return
    when = _as_of(as_of)
    # The work is whole-column, so the bar moves by step: read, history, check, write.
    with progress(show_progress, length=4, label="payouts check") as advance:
        raw = _read(input_path, policy.max_rows)
        advance(1)
        history = load_history_file(history_path) if history_path else empty_history()
        advance(1)
        result = check_batch(raw, history, policy, when)
        advance(1)
        out = sys.stdout
        rows = result.payouts()
        for row in rows:
            out.write(json_line(row, default=str) + "\n")
        out.write(json_line({"summary": result.summary, "data_quality": result.data_quality}, default=str)
                  + "\n")
        out.flush()
        advance(1)
    finish_lines(sum(any(f["check"].startswith("dq.") for f in row["findings"]) for row in rows), len(rows),
                 unit="row")
