"""A run in the audit trail: the manifest as one entry; then, if asked, review cases in batches.

The manifest file is written only after its entry commits, and the entry holds the file's SHA-256: an
output folder without ``manifest.json`` is not a run. Cases are opened after the run's entry, a batch
per transaction (each case with its own ``review:case:opened`` entry, as screening opens them), for the
output's ``review`` and ``block`` rows — with ``--only-changed``, the changed ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from ..audit import Action, AuditEvent, AuditLog
from ..review import ReviewService
from ..review.hooks import case_request
from ..rulebook import Decision, Finding, ScreenInput
from .job import MANIFEST_NAME, RescreenJob, manifest_bytes, read_input

__all__ = ["record_run", "open_cases", "ACTOR"]

ACTOR = "cli:rescreen"
CASE_BATCH = 200


def record_run(audit: AuditLog, job: RescreenJob, manifest: dict[str, Any]) -> str:
    """Record the run (fails closed: no entry, no manifest file); returns the manifest's digest."""
    raw = manifest_bytes(manifest)
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    with audit.transaction() as tx:
        tx.record(AuditEvent(action=Action.CATALOGUE_RESCREENED, actor=ACTOR, subject_type="catalogue",
                             subject_id=manifest["run_id"], policy_revision=manifest["revision"],
                             details={"manifest_digest": digest, "manifest": manifest}))
    (job.output / MANIFEST_NAME).write_bytes(raw)
    return digest


def _flagged(job: RescreenJob) -> dict[str, dict[str, Any]]:
    import pyarrow.dataset as ds

    table = ds.dataset(str(job.decisions_dir), format="parquet").to_table(
        filter=ds.field("decision").isin(["review", "block"]) & ds.field("id").is_valid())
    return {row["id"]: row for row in table.to_pylist()}


def _decision(row: dict[str, Any]) -> Decision:
    findings = tuple(Finding(**f) for f in json.loads(row["findings"]))
    return Decision(decision_id=row["decision_id"] or row["id"], decision=row["decision"], policy=row["policy"],
                    policy_revision=row["policy_revision"], kind=row["kind"] or "", category=row["category"] or "",
                    findings=findings, subject_id=row["id"])


def _requests(job: RescreenJob, flagged: dict[str, dict[str, Any]], address_keep: str) -> Iterator[Any]:
    for rows in read_input(job, CASE_BATCH):
        for source in rows:
            row = flagged.pop(str(source.get("id")), None)
            if row is None or not isinstance(source.get("text"), str):
                continue
            item = ScreenInput(text=source["text"], kind=row["kind"] or "", category=row["category"] or "",
                               id=row["id"])
            if (case := case_request(_decision(row), item, ACTOR, address_keep=address_keep)) is not None:
                yield case


def open_cases(review: ReviewService, job: RescreenJob, *, address_keep: str) -> int:
    """Open a case per ``review``/``block`` output row, ``CASE_BATCH`` per transaction; the count."""
    opened = 0
    batch: list[Any] = []

    def flush() -> None:
        with review.audit.transaction() as tx:
            for case in batch:
                review.open_case(tx.session, case)
        batch.clear()

    for case in _requests(job, _flagged(job), address_keep):
        batch.append(case)
        opened += 1
        if len(batch) >= CASE_BATCH:
            flush()
    if batch:
        flush()
    return opened
