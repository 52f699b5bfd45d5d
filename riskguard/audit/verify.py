"""Offline verification of the stored log: re-hash every entry, rebuild the tree, check every signed
checkpoint, and name the first bad index.

What each alteration trips: edited entry bytes -> the leaf hash stored at sequencing; an edited leaf hash
or a row moved to another index (swap, insert, renumbering) -> the seal, an HMAC over (index, leaf hash)
under a key the database does not hold; a deleted row -> the gap; rows beyond the head -> the head;
edited interior hashes -> the rebuilt nodes; a truncated and regrown log -> an entry recorded after the
signed checkpoint that already covered its index, and the checkpoint root; edited filter columns -> the
canonical entry they copy. The checkpoint roots are the trust anchor: everything else is cross-checked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine, String, func, select, type_coerce

from ._keys import LogKeys
from .canonical import format_time
from .checkpoints import Checkpoint, CheckpointError, parse
from .merkle import Frontier
from .models import AuditCheckpoint, AuditEntry, AuditTree

__all__ = ["Problem", "VerifyReport", "verify_log"]

E = AuditEntry.__table__
T = AuditTree.__table__
C = AuditCheckpoint.__table__
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    index: int | None
    kind: str
    message: str


@dataclass
class VerifyReport:
    size: int = 0
    root: bytes = b""
    entries_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    stored: list[Checkpoint] = field(default_factory=list)  # the stored checkpoints that parse, by size

    @property
    def latest_stored(self) -> Checkpoint | None:
        return self.stored[-1] if self.stored else None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_index(self) -> int | None:
        indexes = [p.index for p in self.problems if p.index is not None]
        return min(indexes) if indexes else None

    def add(self, index: int | None, kind: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(index, kind, message))


def _checkpoints(engine: Engine, keys: LogKeys, extra: Iterable[str], report: VerifyReport) -> list[Checkpoint]:
    found: dict[int, Checkpoint] = {}
    with engine.connect() as conn:
        stored = conn.execute(select(C.c.tree_size, C.c.root, C.c.note).order_by(C.c.tree_size)).all()
    notes = [(int(s), bytes(r), n, "stored") for s, r, n in stored] + [(None, None, n, "given") for n in extra]
    for size, root, note, where in notes:
        try:
            cp = parse(note, keys.public_key, keys.origin)
        except CheckpointError as exc:
            report.add(None, "checkpoint_signature", f"{where} checkpoint (size {size}): {exc}")
            continue
        report.checkpoints_checked += 1
        if where == "stored":
            report.stored.append(cp)
        if size is not None and (cp.size != size or cp.root != root):
            report.add(None, "checkpoint_row", f"stored checkpoint row {size} disagrees with its signed note")
        other = found.get(cp.size)
        if other is not None and other.root != cp.root:
            report.add(cp.size - 1 if cp.size else None, "checkpoint_fork",
                       f"two signed checkpoints of size {cp.size} have different roots")
        found.setdefault(cp.size, cp)
    return [found[s] for s in sorted(found)]


def _time_text(value: object) -> str:
    if isinstance(value, str):  # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" (UTC)
        return value.replace(" ", "T", 1) + ("Z" if "." in value else ".000000Z")
    return format_time(value)  # type: ignore[arg-type]


def _check_columns(i: int, entry: bytes, copies: tuple, report: VerifyReport) -> None:
    try:
        body = json.loads(entry)
        subject = body["subject"]
        expected = (body["id"], body["action"], body["actor"], subject["type"], subject["id"], body["decision"],
                    body["policy_revision"], body["time"])
    except (ValueError, KeyError, TypeError):
        report.add(i, "malformed", f"entry {i} is not a canonical JSON entry")
        return
    if expected != (*copies[:-1], _time_text(copies[-1])):
        report.add(i, "columns", f"entry {i}: filter columns differ from the canonical entry")


def _entry_time(entry: bytes) -> bytes:
    """The top-level ``time`` of a canonical v1 entry without parsing it: keys are sorted, so the last
    ``"time":"`` is the top-level one (only ``v`` follows it)."""
    at = entry.rfind(b'"time":"')
    return entry[at + 8:at + 35] if at >= 0 else b""


def _check_trusted(report: VerifyReport, trusted: Checkpoint | None) -> None:
    """What a verifier that remembers its largest verified checkpoint adds (see ``trust.py``)."""
    if report.size and report.latest_stored is None:
        report.add(None, "checkpoint_missing", f"the log holds {report.size} entries but no signed checkpoint")
    if trusted is None:
        return
    if not any(c.size == trusted.size and c.root == trusted.root for c in report.stored):
        report.add(None, "checkpoint_missing", f"checkpoint {trusted.size}, verified by an earlier run, is "
                                               "no longer stored: checkpoints were deleted")
    latest = report.latest_stored
    if latest is not None and latest.size < trusted.size:
        report.add(latest.size, "rollback", f"the latest stored checkpoint ({latest.size}) is smaller than "
                                            f"the trusted one ({trusted.size}): the log was rolled back")


def verify_log(engine: Engine, keys: LogKeys, extra_checkpoints: Iterable[str] = (), *,
               deep: bool = True, page: int = 20000, trusted: Checkpoint | None = None,
               require_checkpoint: bool = False, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """``deep`` also parses every entry and checks the filter columns copied from it. ``trusted`` (the
    verifier's remembered checkpoint) is checked like a given one, must still be stored and not be
    larger than the latest stored; ``require_checkpoint`` fails a non-empty log without a checkpoint;
    ``progress`` is told how many entries each page held."""
    report = VerifyReport()
    extra = [*extra_checkpoints, *([trusted.note] if trusted is not None else [])]
    checkpoints = _checkpoints(engine, keys, extra, report)
    with engine.connect() as conn:
        head_size, head_root = conn.execute(select(T.c.size, T.c.root).where(T.c.id == 1)).one()
        quarantined = conn.execute(select(func.count()).select_from(E).where(
            E.c.idx.is_(None), E.c.leaf_hash == b"")).scalar_one()
    head_size, head_root = int(head_size), bytes(head_root)
    report.size, report.root = head_size, head_root
    if require_checkpoint or trusted is not None:
        _check_trusted(report, trusted)
    if quarantined:
        report.add(None, "quarantined", f"{quarantined} pending rows were not written by the service (bad MAC)")

    frontier = Frontier()
    append = frontier.append
    by_size = {c.size: c for c in checkpoints}
    cps = iter([(c.size, format_time(c.time).encode() if c.time else None) for c in checkpoints])
    cp = next(cps, None)
    verified_upto = 0  # every leaf below this is covered by a checkpoint whose root matched
    seal_key = keys.seal_key
    pack = struct.Struct(">Q").pack
    digest, sha256 = hmac.digest, hashlib.sha256
    cols = [E.c.idx, E.c.entry, E.c.leaf_hash, E.c.nodes, E.c.seal]
    if deep:
        cols += [E.c.entry_id, E.c.action, E.c.actor, E.c.subject_type, E.c.subject_id, E.c.decision,
                 E.c.policy_revision, type_coerce(E.c.created_at, String())]
    last = -1
    broken = False
    with engine.connect() as conn:
        while not broken:
            rows = conn.execute(select(*cols).where(E.c.idx > last).order_by(E.c.idx).limit(page)).all()
            if not rows:
                break
            if progress is not None:
                progress(len(rows))
            for row in rows:
                i, entry, stored_leaf, nodes, sealed = row[:5]
                last = i
                if i != frontier.size:
                    report.add(frontier.size, "missing",
                               f"entry {frontier.size} is missing (the next stored index is {i})")
                    broken = True
                    break
                if i >= head_size:
                    report.add(i, "beyond_head", f"entry {i} lies beyond the tree head ({head_size} entries)")
                entry = bytes(entry)
                lh = sha256(b"\x00" + entry).digest()
                stored_leaf = bytes(stored_leaf or b"")
                if lh != stored_leaf:
                    report.add(i, "altered", f"entry {i}: its bytes do not match the leaf hash sequenced")
                if bytes(sealed or b"") != digest(seal_key, pack(i) + stored_leaf, "sha256"):
                    report.add(i, "seal", f"entry {i}: index or leaf hash changed after sequencing")
                created = append(lh)
                if (b"".join(h for _, _, h in created) if created else b"") != bytes(nodes or b""):
                    report.add(i, "nodes", f"entry {i}: stored interior hashes differ from the rebuilt tree")
                if deep:
                    _check_columns(i, entry, tuple(row[5:]), report)
                while cp is not None and cp[0] <= i:
                    cp = next(cps, None)
                if cp is not None and cp[1] is not None and _entry_time(entry) > cp[1]:
                    report.add(i, "regrown", f"entry {i} was recorded after checkpoint {cp[0]} "
                                             "that already covered its index: the log was truncated and regrown")
                c = by_size.get(frontier.size)
                if c is not None:
                    if frontier.root() == c.root:
                        verified_upto = c.size
                    else:
                        located = any(p.index is not None and p.index >= verified_upto for p in report.problems)
                        report.add(None if located else verified_upto, "checkpoint_root",
                                   f"the root at size {c.size} differs from the signed checkpoint: an "
                                   f"entry in [{verified_upto}, {c.size}) was altered")
    report.entries_checked = frontier.size
    n = frontier.size
    for c in checkpoints:
        if c.size == 0 and c.root != Frontier().root():
            report.add(None, "checkpoint_root", "a signed empty checkpoint has a non-empty root")
        if c.size > n:
            report.add(n, "truncated", f"a signed checkpoint covers {c.size} entries but only {n} remain")
    if not broken and n != head_size:
        report.add(n, "truncated", f"the head says {head_size} entries, {n} are stored")
    elif not broken and frontier.root() != head_root:
        report.add(None, "head", "the head root differs from the rebuilt tree")
    return report
