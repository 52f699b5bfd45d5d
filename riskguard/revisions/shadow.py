"""Shadow mode: a candidate revision decides a sample of live requests after they are answered.

Requests are answered by the active revision only. For a sampled item, :meth:`ShadowRunner.submit`
hands the item and the active decision to one background thread per worker, which screens it with the
candidate and stores a :class:`~.models.ShadowRecord` (the text's keyed digest, both decisions and
rule ids; no text). Nothing there can change or delay an answer: a full queue drops the sample, a
failure is logged. ``shadow_report`` counts the records with the diff library (:mod:`.diff`).
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import func, insert, select

from ..ids import keyed_digest, utcnow
from .diff import Comparison, DiffReport
from .models import ShadowRecord

if TYPE_CHECKING:
    from ..db import Database
    from ..rulebook import Decision, Rulebook, ScreenInput

__all__ = ["ShadowRunner", "shadow_report", "MAX_PENDING"]

log = structlog.get_logger("riskguard.revisions")
MAX_PENDING = 2_000  # items waiting for the shadow thread; beyond this, samples are dropped


class ShadowRunner:
    """One per worker: samples items, screens them with the candidate in a background thread, stores."""

    def __init__(self, db: Database, digest_key: bytes,
                 shadow: Callable[[], tuple[Rulebook, float] | None], *,
                 rng: Callable[[], float] = random.random) -> None:
        self.db = db
        self._digest_key = digest_key
        self._shadow = shadow
        self._rng = rng
        self._executor: ThreadPoolExecutor | None = None
        self._pending = 0
        self._lock = threading.Lock()
        self._futures: list[Future[None]] = []
        self.dropped = 0

    def submit(self, items: Sequence[ScreenInput], decisions: Sequence[Decision]) -> int:
        """Queue the sampled items of an answered request; how many were queued."""
        shadow = self._shadow()
        if shadow is None:
            return 0
        candidate, sample = shadow
        chosen = [(i, d) for i, d in zip(items, decisions, strict=True)
                  if d.policy_revision != candidate.revision and self._rng() < sample]
        if not chosen:
            return 0
        with self._lock:
            if self._pending + len(chosen) > MAX_PENDING:
                self.dropped += len(chosen)
                log.warning("shadow.dropped", items=len(chosen), dropped=self.dropped)
                return 0
            self._pending += len(chosen)
            if self._executor is None:  # made after the fork, in the worker that uses it
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shadow")
            future = self._executor.submit(self._run, candidate, chosen)
            self._futures = [f for f in self._futures if not f.done()] + [future]
        return len(chosen)

    def drain(self, timeout: float | None = None) -> None:
        """Wait until every queued sample is stored (tests, a clean shutdown)."""
        with self._lock:
            futures = list(self._futures)
        for future in futures:
            future.result(timeout)

    def _run(self, candidate: Rulebook, chosen: list[tuple[ScreenInput, Decision]]) -> None:
        from ..rulebook import evaluate

        try:
            now = utcnow()
            rows = []
            for item, decision in chosen:
                policy = decision.policy if decision.policy in candidate.policies else None
                shadow = evaluate(candidate, item, policy=policy)
                rows.append({"candidate_revision": candidate.revision, "active_revision": decision.policy_revision,
                             "decision_id": decision.decision_id, "input_digest": keyed_digest(self._digest_key,
                                                                                               item.text),
                             "kind": item.kind, "category": item.category, "policy": decision.policy,
                             "decision": decision.decision, "shadow_decision": shadow.decision,
                             "rule_ids": json.dumps(decision.rule_ids), "shadow_rule_ids": json.dumps(shadow.rule_ids),
                             "created_at": now})
            with self.db.engine.begin() as conn:
                conn.execute(insert(ShadowRecord), rows)
        except Exception as exc:  # noqa: BLE001 - the shadow never touches an answer; it only logs
            log.error("shadow.failed", items=len(chosen), error_type=type(exc).__name__)
        finally:
            with self._lock:
                self._pending -= len(chosen)


def shadow_report(db: Database, *, candidate: str | None = None, since: datetime | None = None,
                  limit: int = 50_000, examples: int = 5) -> dict[str, Any]:
    """Agreement, newly blocked and newly allowed, per rule and per category, over the latest ``limit``
    records of ``candidate`` (default: the candidate of the latest record); examples by digest."""
    R = ShadowRecord
    with db.engine.connect() as conn:
        if candidate is None:
            candidate = conn.execute(select(R.candidate_revision).order_by(R.id.desc()).limit(1)).scalar()
        elif len(candidate) < 64:  # a prefix: the newest candidate that starts with it
            candidate = conn.execute(select(R.candidate_revision).where(
                R.candidate_revision.startswith(candidate, autoescape=True)).order_by(R.id.desc()).limit(1)).scalar()
        if candidate is None:
            return {"candidate": None, "records": 0, "active_revisions": [], **DiffReport(examples).as_dict()}
        query = select(R.decision_id, R.input_digest, R.category, R.decision, R.shadow_decision, R.rule_ids,
                       R.shadow_rule_ids, R.active_revision).where(R.candidate_revision == candidate)
        if since is not None:
            query = query.where(R.created_at >= since)
        rows = conn.execute(query.order_by(R.id.desc()).limit(limit)).all()
        total = conn.execute(select(func.count()).select_from(R).where(R.candidate_revision == candidate)).scalar()
    report = DiffReport(examples_per_change=examples).extend(
        Comparison(id=r.decision_id, category=r.category, base=r.decision, candidate=r.shadow_decision,
                   base_rules=tuple(json.loads(r.rule_ids)), candidate_rules=tuple(json.loads(r.shadow_rule_ids)),
                   digest=r.input_digest) for r in rows)
    return {"candidate": candidate, "records": int(total or 0),
            "active_revisions": sorted({r.active_revision for r in rows}), **report.as_dict()}
