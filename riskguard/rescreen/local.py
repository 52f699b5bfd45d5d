"""Re-screening on this machine: in this process (``local``) or in a process pool (``pool``).

Each batch of rows is screened and written as its own Parquet part by whoever screened it, so the
parent only reads the input and counts; at most two batches per worker are in flight, so memory stays
flat however large the catalogue.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from .bundle import RulebookBundle
from .rows import arrow_schema, screen_rows

__all__ = ["run_local", "write_part"]

_worker: dict[str, Any] = {}  # the pool worker's job settings, set once by its initializer


def write_part(rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema()), path)


def _screen_part(number: int, rows: list[dict[str, Any]], bundle: RulebookBundle, base: RulebookBundle | None,
                 as_of: date, only_changed: bool, folder: Path) -> Counter[tuple[str, str | None]]:
    out = list(screen_rows(rows, bundle.rulebook(), as_of=as_of, only_changed=only_changed,
                           base=base.rulebook() if base is not None else None))
    if out:
        write_part(out, folder / f"part-{number:05d}.parquet")
    counts: Counter[tuple[str, str | None]] = Counter((r["decision"], r["base_decision"]) for r in out)
    counts[("", None)] = len(rows)  # rows read
    return counts


def _init(bundle: RulebookBundle, base: RulebookBundle | None, as_of: date, only_changed: bool,
          folder: Path) -> None:
    from ..logging import configure_logging

    configure_logging("WARNING")
    _worker.update(bundle=bundle, base=base, as_of=as_of, only_changed=only_changed, folder=folder)
    bundle.rulebook()  # compile now: the first batch should not wait for it
    if base is not None:
        base.rulebook()


def _pooled(number: int, rows: list[dict[str, Any]]) -> Counter[tuple[str, str | None]]:
    return _screen_part(number, rows, **_worker)


def run_local(batches: Iterable[list[dict[str, Any]]], *, bundle: RulebookBundle, base: RulebookBundle | None,
              as_of: date, only_changed: bool, folder: Path, workers: int) -> Counter[tuple[str, str | None]]:
    """Screen every batch; returns counts by (decision, base decision), and ``("", None)``: rows read."""
    folder.mkdir(parents=True)
    total: Counter[tuple[str, str | None]] = Counter()
    number = 0
    if workers <= 1:
        for number, rows in enumerate(batches):  # noqa: B007 - the last number tells whether any was written
            total.update(_screen_part(number, rows, bundle, base, as_of, only_changed, folder))
    else:
        context = multiprocessing.get_context("spawn")  # no forked copy of the parent's database engine
        with context.Pool(workers, initializer=_init,
                          initargs=(bundle, base, as_of, only_changed, folder)) as pool:
            pending: list[Any] = []
            for number, rows in enumerate(batches):
                pending.append(pool.apply_async(_pooled, (number, rows)))
                while len(pending) >= 2 * workers:
                    total.update(pending.pop(0).get())
            for result in pending:
                total.update(result.get())
    if not any(folder.iterdir()):  # nothing screened, or nothing changed: the output still has its schema
        write_part([], folder / "part-00000.parquet")
    return total
