"""Reading the log for auditors, as the API (``audit.views``) and the console pages both do: integrate
first so that everything acknowledged is visible, prove an entry against a signed checkpoint and check
that proof, run the named reports. One implementation; the two web layers only shape the answer.

A storage failure while reading is :class:`~riskguard.errors.AuditUnavailable`, as for a write: an
auditor is never shown a log that could not be brought up to date.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import structlog
from sqlalchemy import select

from ..errors import AuditUnavailable, ServiceUnavailable
from . import merkle
from .checkpoints import Checkpoint, CheckpointError, parse
from .models import AuditCheckpoint
from .query import EntryFilter, page_entries
from .reports import Report, ReportError, load_reports, run_report
from .store import StoredTree

if TYPE_CHECKING:
    from .service import AuditLog

__all__ = ["EntryProof", "ProofCheck", "integrated", "signed_checkpoint", "export_checkpoint", "export_headers",
           "log_size", "entry_proof",
           "check_proof", "named_reports", "report_rows"]

log = structlog.get_logger("riskguard.audit.reads")
T = TypeVar("T")


def _or_unavailable(work: Callable[[], T], event: str) -> T:
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - any storage failure: the log is not readable right now
        log.error(event, error_type=type(exc).__name__)
        raise AuditUnavailable("the audit log is unavailable; nothing was shown") from None


def integrated(audit: AuditLog) -> None:
    """Integrate the sequencer's queue before a read."""
    _or_unavailable(audit.integrate, "audit.integrate_failed")


def signed_checkpoint(audit: AuditLog) -> Checkpoint:
    """The checkpoint for the current size (integrating first; signed now if the log grew)."""
    return _or_unavailable(audit.checkpoint, "audit.checkpoint_failed")


def export_checkpoint(audit: AuditLog, record: Callable[[], None]) -> Checkpoint:
    """The checkpoint an export is pinned to: ``record`` the export (the auditor's read, fail closed)
    first, then integrate and sign the checkpoint that covers it. The export then streams exactly the
    entries below that size, its own access entry included, so the checkpoint it carries verifies it
    whatever is written meanwhile and in whichever order the auditor fetches other checkpoints."""
    record()
    return signed_checkpoint(audit)


def export_headers(checkpoint: Checkpoint) -> dict[str, str]:
    """``X-Audit-Tree-Size`` and the signed note as ``X-Audit-Checkpoint`` (base64: a header is one line)."""
    return {"X-Audit-Tree-Size": str(checkpoint.size),
            "X-Audit-Checkpoint": base64.b64encode(checkpoint.note.encode("utf-8")).decode()}


def log_size(audit: AuditLog) -> int:
    """The integrated log's size, after integrating."""
    integrated(audit)
    with audit.db.engine.connect() as conn:
        return StoredTree(conn).size


@dataclass(frozen=True)
class EntryProof:
    """An entry and its inclusion proof in the tree of ``tree_size`` (``path`` None when the entry is
    not in that tree, e.g. integrated after the checkpoint was signed)."""

    index: int
    tree_size: int
    log_size: int
    entry: dict[str, Any] | None
    path: list[bytes] | None
    root: bytes | None
    checkpoint: str | None  # the signed note for ``tree_size``, if one was signed


def entry_proof(audit: AuditLog, index: int, tree_size: int | None = None) -> EntryProof:
    """The proof of entry ``index`` against ``tree_size``, or against the latest signed checkpoint."""
    note = None
    if tree_size is None:
        cp = signed_checkpoint(audit)
        tree_size, note = cp.size, cp.note
    else:
        integrated(audit)
    with audit.db.engine.connect() as conn:
        tree = StoredTree(conn)
        rows = page_entries(conn, EntryFilter(), after=index - 1, limit=1)
        entry = rows[0] if rows and rows[0]["index"] == index else None
        fits = tree_size <= tree.size
        path = tree.inclusion(index, tree_size) if fits and entry is not None and index < tree_size else None
        root = tree.root_at(tree_size) if fits else None
        if note is None and fits:
            note = conn.execute(select(AuditCheckpoint.note).where(
                AuditCheckpoint.tree_size == tree_size)).scalar_one_or_none()
    return EntryProof(index, tree_size, tree.size, entry, path, root, note)


@dataclass(frozen=True)
class ProofCheck:
    """The server's own check of a proof: the checkpoint's signature, the leaf hash, the path."""

    signature_ok: bool
    leaf_ok: bool
    included: bool

    @property
    def ok(self) -> bool:
        return self.signature_ok and self.leaf_ok and self.included


def check_proof(proof: EntryProof, public_key: bytes) -> ProofCheck:
    """Check ``proof`` as an offline verifier would: from the canonical bytes to the signed root."""
    assert proof.entry is not None and proof.path is not None
    canonical = proof.entry["canonical"].encode("utf-8")
    try:
        signed = parse(proof.checkpoint or "", public_key)
    except CheckpointError:
        signed = None
    included = signed is not None and signed.size == proof.tree_size and merkle.verify_inclusion(
        canonical, proof.index, proof.tree_size, proof.path, signed.root)
    leaf_ok = merkle.leaf_hash(canonical) == base64.b64decode(proof.entry["leaf_hash"])
    return ProofCheck(signature_ok=signed is not None, leaf_ok=leaf_ok, included=included)


def named_reports(directory: Path) -> dict[str, Report]:
    """The auditors' named reports; invalid definitions are a 503 (nothing can be run), not a 500."""
    try:
        return load_reports(directory)
    except ReportError as exc:
        log.error("audit.reports_invalid", detail=str(exc))
        raise ServiceUnavailable("the report definitions are invalid", code="reports_invalid") from None


def report_rows(audit: AuditLog, report: Report, *, since: datetime | None = None,
                until: datetime | None = None) -> tuple[int, list[dict[str, Any]]]:
    """The log size the report ran at, and its rows (integrating first)."""
    integrated(audit)
    with audit.db.engine.connect() as conn:
        size = StoredTree(conn).size
        return size, list(run_report(conn, report, since=since, until=until, upto=size))
