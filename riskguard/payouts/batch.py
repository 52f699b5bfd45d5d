"""Reading a batch: CSV or JSON bytes to a frame of text cells, then typed companion columns.

Reading refuses only what cannot be a batch at all (not CSV/JSON, not UTF-8, required columns missing,
too many rows): :class:`BatchReadError`. A bad value in a cell is not a read error; it stays in the frame
and the data-quality suite names it as a finding on its row and column.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import strictjson

__all__ = ["COLUMNS", "REQUIRED", "OPTIONAL", "BatchReadError", "read_batch", "prepare", "frame_from_rows"]

COLUMNS = ("payout_id", "payee_id", "payee_type", "amount_fen", "currency", "period_start", "period_end",
           "gross_sales_fen", "refunds_fen", "platform_fees_fen", "commission_rate", "contract_rate",
           "bank_account_token", "bank_account_changed_at", "upline_payee_id", "created_by", "created_at")
# A batch must carry these columns; the others may be absent (then every cell is empty).
REQUIRED = ("payout_id", "payee_id", "payee_type", "amount_fen", "currency", "period_start", "period_end",
            "bank_account_token", "created_by", "created_at")
OPTIONAL = tuple(c for c in COLUMNS if c not in REQUIRED) + ("bank_account_changed_by",)
ALL_COLUMNS = COLUMNS + ("bank_account_changed_by",)
MONEY = ("amount_fen", "gross_sales_fen", "refunds_fen", "platform_fees_fen")
RATES = ("commission_rate", "contract_rate")
TIMES = ("period_start", "period_end", "created_at", "bank_account_changed_at")


@dataclass
class BatchReadError(Exception):
    code: str
    message: str
    status: int = 400

    def __str__(self) -> str:
        return self.message


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchReadError("invalid_encoding", f"file is not UTF-8 (byte {exc.start})") from None


def _sniff(text: str, fmt: str | None) -> str:
    if fmt in ("csv", "json"):
        return fmt
    return "json" if text.lstrip()[:1] in ("[", "{") else "csv"


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value != value:  # NaN: pandas' marker for a missing key
        return None
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _read_json(text: str, parsed: Any = None) -> pd.DataFrame:
    data = parsed
    if not isinstance(data, list | dict):  # not read yet (nothing else can be a batch)
        try:  # the same strict reading as every JSON body of the API (the CLI reads files through here too)
            data = strictjson.loads(text)
        except strictjson.UnsafeJson as exc:
            where = f" at {exc.path}" if exc.path else ""
            raise BatchReadError(exc.code, exc.message + where) from None
    if isinstance(data, dict):
        data = data.get("payouts")
    if not isinstance(data, list):
        raise BatchReadError("malformed_batch", "JSON batch must be an array of payouts or {\"payouts\": [...]}")
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise BatchReadError("malformed_batch", f"payout {i + 1} is not a JSON object")
    frame = pd.DataFrame.from_records(data) if data else pd.DataFrame()
    for name in frame.columns:
        frame[name] = np.fromiter((_cell(v) for v in frame[name].tolist()), dtype=object, count=len(frame))
    return frame


def _read_csv(text: str) -> pd.DataFrame:
    if "\x00" in text:
        raise BatchReadError("malformed_csv", "file is not CSV text (NUL bytes)")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False, na_values=[""],
                            skipinitialspace=True, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise BatchReadError("malformed_csv", f"cannot read as CSV ({type(exc).__name__})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_batch(data: bytes, *, fmt: str | None = None, max_rows: int, keep: tuple[str, ...] = (),
               parsed: Any = None) -> pd.DataFrame:
    """Bytes to a frame of text cells (``None`` for empty), one row per payout, in input order.

    ``parsed``: ``data`` as :func:`riskguard.strictjson.loads` read it already (the API's input layer reads
    every JSON body so), used instead of reading the text again when the batch is read as JSON."""
    text = _decode(data)
    if not text.strip():
        raise BatchReadError("empty_batch", "the batch is empty")
    kind = _sniff(text, fmt)
    frame = _read_json(text, parsed) if kind == "json" else _read_csv(text)
    return frame_from_rows(frame, max_rows=max_rows, keep=keep)


def frame_from_rows(frame: pd.DataFrame, *, max_rows: int, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Check the shape of a frame of text cells and order its columns (plus ``keep`` ones present)."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BatchReadError("missing_columns", f"required columns missing: {', '.join(missing)}")
    if len(frame) == 0:
        raise BatchReadError("empty_batch", "the batch has no payouts")
    if len(frame) > max_rows:
        raise BatchReadError("too_many_rows", f"the batch has {len(frame)} rows; the limit is {max_rows}",
                             status=413)
    for name in OPTIONAL:
        if name not in frame.columns:
            frame[name] = np.full(len(frame), None, dtype=object)
    extra = [c for c in keep if c in frame.columns]
    frame = frame.loc[:, [*ALL_COLUMNS, *extra]].reset_index(drop=True)
    return pd.DataFrame({name: _none_for_missing(frame[name]) for name in frame.columns}, dtype=object)


def _none_for_missing(column: pd.Series) -> np.ndarray:
    """Text cells as an object array with ``None`` (pandas may have stored NaN for missing cells)."""
    values = column.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values


def prepare(raw: pd.DataFrame) -> pd.DataFrame:
    """Typed companions next to the text cells: ``<money>__v`` (float, NaN when not a non-negative
    integer), ``<rate>__v``, ``<time>__ts`` (UTC, NaT when absent or not ISO-8601) and ``<time>__ok``
    (absent or parseable). The data-quality suite reads both; the rules read the companions."""
    frame = raw.copy()
    for name in MONEY + RATES:  # the suite judges the text; the companions only feed the rules
        value = pd.to_numeric(raw[name], errors="coerce").astype("float64")
        if name in MONEY:
            value = value.where((value >= 0) & (value == np.floor(value)))
        frame[f"{name}__v"] = value.where(value >= 0)
    for name in TIMES:
        ts = _times(raw[name])
        frame[f"{name}__ts"] = ts
        frame[f"{name}__ok"] = (raw[name].isna() | ts.notna()).to_numpy(dtype=bool)
    return frame


def _times(text: pd.Series) -> pd.Series:
    """ISO-8601 to UTC; a date alone is midnight UTC; anything else is NaT."""
    return pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601").astype("datetime64[us, UTC]")
