"""One re-screening run: read, screen on the chosen engine, write the decisions, build the manifest.

The manifest says what was read (input digest and rows), with which rules (revision, and the base
revision with ``--only-changed``), what was written (rows by decision, changes base → new, output
digest) and how (engine, start and finish). Recording it is :mod:`riskguard.rescreen.record`'s part.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..ids import new_id, utcnow
from .bundle import RulebookBundle
from .files import read_batches, tree_digest
from .table import TABLE_FORMAT, RowDigest, TableInput

__all__ = ["RescreenJob", "Counts", "run_job", "read_input", "MANIFEST_FORMAT", "DECISIONS_DIR", "MANIFEST_NAME"]

MANIFEST_FORMAT = "riskguard-rescreen/1"
DECISIONS_DIR = "decisions"
MANIFEST_NAME = "manifest.json"
BATCH_ROWS = 2000
Counts = Counter[tuple[str, str | None]]


@dataclass(frozen=True)
class RescreenJob:
    input: Path | TableInput          # a file or folder, or a PostgreSQL table
    format: str                       # parquet | csv | jsonl | postgresql (a table)
    output: Path
    bundle: RulebookBundle
    as_of: date
    engine: str = "pool"              # local | pool | spark
    workers: int = 0                  # pool size (0: one per core)
    master: str = "local[2]"          # Spark only
    base: RulebookBundle | None = None
    only_changed: bool = False
    rules_from: dict[str, Any] | None = None  # how the revision and the base were named (manifest)
    partitions: int | None = None     # Spark only: repartition the input into this many
    batch_rows: int = BATCH_ROWS      # local and pool: rows per batch (and per Parquet part)

    @property
    def decisions_dir(self) -> Path:
        return self.output / DECISIONS_DIR


def read_input(job: RescreenJob, size: int, digest: RowDigest | None = None) -> Any:
    """The input rows in lists of about ``size`` (a table's also into ``digest`` as they are read)."""
    if isinstance(job.input, TableInput):
        return job.input.batches(size, digest)
    return read_batches(job.input, job.format, size)


def _screen(job: RescreenJob, session: Any, digest: RowDigest) -> Counts:
    if job.engine == "spark":
        from .spark import run_spark, spark_session

        own = session is None
        session = session or spark_session(job.master)
        try:
            return run_spark(job.input, job.format, session=session, bundle=job.bundle, base=job.base,
                             as_of=job.as_of, only_changed=job.only_changed, folder=job.decisions_dir,
                             partitions=job.partitions)
        finally:
            if own:
                session.stop()
    from .local import run_local

    workers = 1 if job.engine == "local" else (job.workers or os.cpu_count() or 1)
    return run_local(read_input(job, job.batch_rows, digest), bundle=job.bundle, base=job.base,
                     as_of=job.as_of, only_changed=job.only_changed, folder=job.decisions_dir, workers=workers)


def _table_digest(table: TableInput, engine: str, read: RowDigest, rows_in: int) -> str:
    """From the rows screened (one machine), or from the driver's own read in key order (Spark), which
    must count the rows Spark read."""
    if engine != "spark":
        return read.hexdigest()
    digest, rows = table.digest()
    if rows != rows_in:
        raise RuntimeError(f"table {table.table} changed while it was read ({rows_in} rows screened, "
                           f"{rows} digested): re-screen it when it is not being written")
    return digest


def run_job(job: RescreenJob, *, session: Any = None) -> dict[str, Any]:
    """Screen and write; returns the manifest (not yet written or recorded). ``session``: a Spark
    session to reuse (tests and the benchmark), else one is started for ``job.master``."""
    if job.output.exists() and any(job.output.iterdir()):
        raise FileExistsError(f"{job.output} is not empty: a run never overwrites another's output")
    if job.only_changed and job.base is None:
        raise ValueError("--only-changed needs the base rules and policies")
    if isinstance(job.input, TableInput) != (job.format == TABLE_FORMAT):
        raise ValueError(f"format {job.format} does not fit the input")
    started = utcnow()
    file_digest = "" if isinstance(job.input, TableInput) else tree_digest(job.input)
    read = RowDigest()
    counts = _screen(job, session, read)
    rows_in = counts.pop(("", None), 0)
    input_digest = (_table_digest(job.input, job.engine, read, rows_in) if isinstance(job.input, TableInput)
                    else file_digest)
    decisions: Counter[str] = Counter()
    changes: Counter[str] = Counter()
    for (new, old), n in counts.items():
        decisions[new] += n
        if old is not None and old != new:
            changes[f"{old}->{new}"] += n
    book = job.bundle.rulebook()
    return {
        "format": MANIFEST_FORMAT, "run_id": new_id("rescreen"),
        "engine": job.engine, "master": job.master if job.engine == "spark" else None,
        "input": {"name": job.input.name, "format": job.format, "digest": input_digest, "rows": rows_in,
                  **({"key": job.input.key} if isinstance(job.input, TableInput) else {})},
        "revision": book.revision, "base_revision": job.base.rulebook().revision if job.base else None,
        **({"rules_from": job.rules_from} if job.rules_from else {}),
        "only_changed": job.only_changed, "as_of": job.as_of.isoformat(),
        "output": {"rows": sum(decisions.values()), "decisions": dict(sorted(decisions.items())),
                   "changes": dict(sorted(changes.items())), "digest": tree_digest(job.decisions_dir)},
        "started_at": started.isoformat(), "finished_at": utcnow().isoformat(),
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
