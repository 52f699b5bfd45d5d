"""Shadow mode: a candidate revision decides a sample of live requests after they are answered.

Requests are answered (and their decisions recorded, fail closed) by the active revision only. For a
sampled item, :meth:`ShadowRunner.submit` only appends the item, the active decision and the rulebook that
made it to a bounded queue; one daemon thread per process decides them with the candidate and stores
:class:`~.models.ShadowRecord` rows (the text's keyed digest, both decisions and rule ids; no text) in
batches, one transaction each. A shadow record is best effort: a full queue, a failed batch or a
shutdown that cannot finish in time drops samples. Drops are counted — in the process (``dropped``,
a ``/metrics`` counter, a ``shadow.dropped`` event) and in the database (:class:`~.models.ShadowDrops`,
written with the next batch), so the report says how many samples it is missing. Nothing here can
change, fail or wait for an answer.

Deciding costs little when the candidate has the active revision's rules (the usual case: a policy
change): the thread applies the candidate's policy to the answer's findings (``reevaluate``). Otherwise
it screens the item in full, one item at a time, giving the GIL back between items: that shares its
process's GIL and cores with the requests it follows (docs/revisions.md has what that costs, and why a
low-priority process did not do better). The thread gathers samples for a moment before a batch, so
that writes compete with the requests' audit writes a few times a second rather than once per request.
``shadow_report`` counts the records with the diff library (:mod:`.diff`).
"""

from __future__ import annotations

import atexit
import json
import os
import random
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import func, insert, select

from ..ids import keyed_digest, utcnow
from .diff import Comparison, DiffReport
from .models import ShadowDrops, ShadowRecord

if TYPE_CHECKING:
    from ..db import Database
    from ..rulebook import Decision, Rulebook, ScreenInput

__all__ = ["ShadowRunner", "shadow_report", "MAX_PENDING", "BATCH", "LINGER_SECONDS", "DropReason"]

log = structlog.get_logger("riskguard.revisions")
MAX_PENDING = 2_000  # samples waiting for the shadow thread; beyond this, samples are dropped
BATCH = 200  # records stored in one transaction at most
LINGER_SECONDS = 0.25  # after a first sample, wait this long for more before screening a batch
CLOSE_SECONDS = 5.0  # at exit, how long the thread may take to store what is queued
_LOG_EVERY_SECONDS = 1.0  # a sustained overflow logs one shadow.dropped event a second, not one per request


class DropReason(StrEnum):
    """Why a sample has no shadow record (the ``reason`` label of ``riskguard_shadow_dropped_total``)."""

    QUEUE_FULL = "queue_full"
    FAILED = "failed"
    SHUTDOWN = "shutdown"


OnDrop = Callable[[DropReason, int], None]


@dataclass(frozen=True, slots=True)
class _Sample:
    candidate: Rulebook
    item: ScreenInput
    decision: Decision
    active: Rulebook  # the rulebook that made ``decision``: the candidate may reuse its findings


class ShadowRunner:
    """One per process: samples answered items, decides them with the candidate on its own daemon thread,
    stores the records in batches. ``flush`` waits until what was queued is stored (tests, a clean
    stop); ``close`` (also at interpreter exit) lets the thread finish within a timeout."""

    def __init__(self, db: Database, digest_key: bytes,
                 shadow: Callable[[], tuple[Rulebook, float] | None], *,
                 rng: Callable[[], float] = random.random, capacity: int = MAX_PENDING, batch: int = BATCH,
                 linger: float = LINGER_SECONDS, on_drop: OnDrop | None = None) -> None:
        self.db = db
        self._digest_key = digest_key
        self._shadow = shadow
        self._rng = rng
        self.capacity, self.batch, self.linger = capacity, max(1, batch), linger
        self._on_drop = on_drop
        self._fresh()
        os.register_at_fork(after_in_child=_after_fork(weakref.ref(self)))

    def _fresh(self) -> None:
        """This process's state. After a fork the parent's thread does not exist in the child, and its
        lock may have been held: the child starts with its own."""
        self._cond = threading.Condition()
        self._queue: deque[_Sample] = deque()
        self._taken = 0  # samples the thread holds (screening or storing)
        self._unstored: Counter[str] = Counter()  # candidate revision -> drops not yet in the database
        self._thread: threading.Thread | None = None
        self._closing = False
        self._flushes = 0
        self._logged_at = float("-inf")
        self._unlogged = 0
        self.dropped = 0  # samples of this process that were not stored, whatever the reason
        self.stored = 0

    # -- the request side: never blocks on the thread, never raises for it -------------------------
    def submit(self, items: Sequence[ScreenInput], decisions: Sequence[Decision], active: Rulebook) -> int:
        """Queue the sampled items of an answered request, which ``active`` decided; how many were
        queued (the rest of the sample, if the queue is full, is counted as dropped)."""
        shadow = self._shadow()
        if shadow is None:
            return 0
        candidate, sample = shadow
        chosen = [_Sample(candidate, i, d, active) for i, d in zip(items, decisions, strict=True)
                  if d.policy_revision != candidate.revision and self._rng() < sample]
        if not chosen:
            return 0
        with self._cond:
            room = 0 if self._closing else max(0, self.capacity - len(self._queue))
            queued = chosen[:room]
            if queued:
                was_empty = not self._queue
                self._queue.extend(queued)
                self._start()
                if was_empty or len(self._queue) >= self.batch:  # wake the thread only when it waits for this
                    self._cond.notify_all()
            if len(chosen) > len(queued):
                self._lost(candidate.revision, DropReason.SHUTDOWN if self._closing else DropReason.QUEUE_FULL,
                           len(chosen) - len(queued))
        return len(queued)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued sample is stored or given up, and the drop counts are written; False
        if that took longer than ``timeout``. For tests and a clean stop: requests never call it."""
        with self._cond:
            if self._thread is None and not self._queue:
                return True
            self._flushes += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: not (self._queue or self._taken or self._unstored), timeout)
            finally:
                self._flushes -= 1

    def close(self, timeout: float = CLOSE_SECONDS) -> bool:
        """Stop taking samples and let the thread store what is queued, for at most ``timeout`` seconds;
        what is left then is counted as dropped (in this process: the database is what timed out)."""
        with self._cond:
            thread = self._thread
            self._closing = True
            self._cond.notify_all()
        if thread is None:
            return True
        thread.join(timeout)
        if not thread.is_alive():
            return True
        with self._cond:
            left = len(self._queue) + self._taken
            self.dropped += left
            self._count(DropReason.SHUTDOWN, left)
        log.warning("shadow.unfinished", items=left, dropped=self.dropped)
        return False

    def _start(self) -> None:
        """The thread, started by the first sample of this process (under the lock)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="shadow", daemon=True)
            self._thread.start()
            atexit.register(_close_at_exit, weakref.ref(self))

    def _lost(self, revision: str, reason: DropReason, count: int) -> None:
        """Count dropped samples (under the lock); a sustained overflow logs one event a second."""
        self.dropped += count
        self._unstored[revision] += count
        if not self._closing:
            self._start()  # the count is stored by the thread, even when nothing else is
        self._unlogged += count
        self._count(reason, count)
        now = time.monotonic()
        if now - self._logged_at >= _LOG_EVERY_SECONDS:
            log.warning("shadow.dropped", reason=reason, items=self._unlogged, dropped=self.dropped)
            self._logged_at, self._unlogged = now, 0

    def _count(self, reason: DropReason, count: int) -> None:
        if self._on_drop is not None and count:
            try:
                self._on_drop(reason, count)
            except Exception as exc:  # noqa: BLE001 - a metric must not stop the thread or a request
                log.error("shadow.count_failed", error_type=type(exc).__name__)

    # -- the thread --------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._closing or (self._flushes and self._unstored))
                if self._queue and self.linger > 0 and not (self._closing or self._flushes):
                    self._cond.wait_for(lambda: len(self._queue) >= self.batch or self._closing or self._flushes,
                                        self.linger)
                taken = [self._queue.popleft() for _ in range(min(self.batch, len(self._queue)))]
                drops, self._unstored = self._unstored, Counter()
                if not taken and not drops and self._closing:
                    return
                self._taken = len(taken)
            stored = self._store(taken, drops)
            with self._cond:
                self._taken = 0
                if stored:
                    self.stored += len(taken)
                else:
                    self._unstored.update(drops)  # written with a later batch
                    for revision, count in Counter(s.candidate.revision for s in taken).items():
                        self._lost(revision, DropReason.FAILED, count)
                self._cond.notify_all()
            if not stored:
                time.sleep(0.5)  # a database that fails is not asked again at once

    def _store(self, taken: list[_Sample], drops: Counter[str]) -> bool:
        """Decide ``taken`` with its candidate and store the records and the drop counts in one
        transaction; False (logged) if anything failed."""
        try:
            rows = []
            for sample, (decision, rule_ids) in zip(taken, self._decide(taken), strict=True):
                item, active = sample.item, sample.decision
                rows.append({"candidate_revision": sample.candidate.revision,
                             "active_revision": active.policy_revision, "decision_id": active.decision_id,
                             "input_digest": keyed_digest(self._digest_key, item.text), "kind": item.kind,
                             "category": item.category, "policy": active.policy, "decision": active.decision,
                             "shadow_decision": decision, "rule_ids": json.dumps(active.rule_ids),
                             "shadow_rule_ids": json.dumps(rule_ids)})
            now = utcnow()
            with self.db.engine.begin() as conn:
                if rows:
                    conn.execute(insert(ShadowRecord), [{**row, "created_at": now} for row in rows])
                if drops:
                    conn.execute(insert(ShadowDrops), [{"candidate_revision": revision, "dropped": count,
                                                        "created_at": now} for revision, count in drops.items()])
            return True
        except Exception as exc:  # noqa: BLE001 - the shadow never touches an answer; it counts and logs
            log.error("shadow.failed", items=len(taken), error_type=type(exc).__name__)
            return False

    @staticmethod
    def _decide(taken: list[_Sample]) -> list[tuple[str, list[str]]]:
        """Each sample's candidate decision and rule ids: from the active findings where they stand for
        the candidate's (a policy applied again), else screened in full."""
        from ..rulebook import evaluate
        from ..rulebook.decisions import reevaluate

        decided = []
        for sample in taken:
            policy = sample.decision.policy if sample.decision.policy in sample.candidate.policies else None
            shadow = reevaluate(sample.candidate, sample.item, sample.decision, sample.active, policy=policy)
            if shadow is None:
                shadow = evaluate(sample.candidate, sample.item, policy=policy)
                time.sleep(0)  # hands the GIL to a request of this process that waits for it
            decided.append((shadow.decision, shadow.rule_ids))
        return decided


def _after_fork(ref: weakref.ReferenceType[ShadowRunner]) -> Callable[[], None]:
    def forget() -> None:
        runner = ref()
        if runner is not None:
            runner._fresh()

    return forget


def _close_at_exit(ref: weakref.ReferenceType[ShadowRunner]) -> None:
    runner = ref()
    if runner is not None:
        runner.close()


def shadow_report(db: Database, *, candidate: str | None = None, since: datetime | None = None,
                  limit: int = 50_000, examples: int = 5) -> dict[str, Any]:
    """Agreement, newly blocked and newly allowed, per rule and per category, over the latest ``limit``
    records of ``candidate`` (default: the candidate of the latest record); examples by digest.
    ``dropped``: samples of the candidate that no record stands for (queue full, a failed batch), so a
    reader knows what share of the sample the counts miss."""
    R = ShadowRecord
    with db.engine.connect() as conn:
        if candidate is None:
            candidate = conn.execute(select(R.candidate_revision).order_by(R.id.desc()).limit(1)).scalar()
        elif len(candidate) < 64:  # a prefix: the newest candidate that starts with it
            candidate = conn.execute(select(R.candidate_revision).where(
                R.candidate_revision.startswith(candidate, autoescape=True)).order_by(R.id.desc()).limit(1)).scalar()
        if candidate is None:
            return {"candidate": None, "records": 0, "dropped": 0, "active_revisions": [],
                    **DiffReport(examples).as_dict()}
        query = select(R.decision_id, R.input_digest, R.category, R.decision, R.shadow_decision, R.rule_ids,
                       R.shadow_rule_ids, R.active_revision).where(R.candidate_revision == candidate)
        if since is not None:
            query = query.where(R.created_at >= since)
        rows = conn.execute(query.order_by(R.id.desc()).limit(limit)).all()
        total = conn.execute(select(func.count()).select_from(R).where(R.candidate_revision == candidate)).scalar()
        lost = select(func.coalesce(func.sum(ShadowDrops.dropped), 0)).where(
            ShadowDrops.candidate_revision == candidate)
        if since is not None:
            lost = lost.where(ShadowDrops.created_at >= since)
        dropped = conn.execute(lost).scalar()
    report = DiffReport(examples_per_change=examples).extend(
        Comparison(id=r.decision_id, category=r.category, base=r.decision, candidate=r.shadow_decision,
                   base_rules=tuple(json.loads(r.rule_ids)), candidate_rules=tuple(json.loads(r.shadow_rule_ids)),
                   digest=r.input_digest) for r in rows)
    return {"candidate": candidate, "records": int(total or 0), "dropped": int(dropped or 0),
            "active_revisions": sorted({r.active_revision for r in rows}), **report.as_dict()}
