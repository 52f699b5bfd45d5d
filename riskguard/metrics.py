"""Prometheus metrics: ``GET /metrics`` in the text format, for the roles ``monitor`` and ``admin``.

Two kinds of figures. Counted ones (requests, latency, decisions, findings) are kept by each process as it
works; under gunicorn every worker writes them to files in one directory (prometheus_client's
multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``, set by ``riskguard serve``) and a scrape of any worker
adds them up. State ones (audit sequencer lag, checkpoint age, API key and KEK ages, payout batches
waiting, open review cases, the rule revision's generation and shadow agreement) are read from the database when scraped, so every worker and host reports the
same values. Nothing here carries personal data: labels are endpoints, policies, rule ids, roles and
statuses, never content, ids or addresses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

if TYPE_CHECKING:
    from .db import Database

__all__ = ["Metrics", "CONTENT_TYPE"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Request latency buckets around the screening targets (p99 under 5 ms in process, 10 ms over HTTP).
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class Metrics:
    """The counters of one app, and the collector that reads state from its database when scraped."""

    def __init__(self, db: Database, *, multiprocess: bool = False) -> None:
        self.db = db
        self.multiprocess = multiprocess  # under `riskguard serve`: counters live in the workers' files
        # registry=None: several apps in one process (tests) must not collide in the global registry.
        self.requests = Counter("riskguard_http_requests", "HTTP requests answered",
                                ["endpoint", "method", "status"], registry=None)
        self.latency = Histogram("riskguard_http_request_duration_seconds", "time to answer a request",
                                 ["endpoint"], buckets=_LATENCY_BUCKETS, registry=None)
        self.decisions = Counter("riskguard_screening_decisions", "screening decisions recorded",
                                 ["policy", "decision"], registry=None)
        self.findings = Counter("riskguard_screening_findings", "findings in recorded screening decisions",
                                ["policy", "rule", "action"], registry=None)
        self.shadow_dropped = Counter("riskguard_shadow_dropped", "shadow samples not stored (queue full, "
                                      "failed batch, shutdown)", ["reason"], registry=None)

    # -- counting ------------------------------------------------------------------------------
    def request(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(endpoint, method, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)

    def decided(self, decisions: Iterable[Any]) -> None:
        """Screening decisions that were recorded (after their audit transaction committed)."""
        for decision in decisions:
            self.decisions.labels(decision.policy, decision.decision).inc()
            for finding in decision.findings:
                self.findings.labels(decision.policy, finding.rule_id, finding.action).inc()

    def shadow_drop(self, reason: str, count: int) -> None:
        """Shadow samples this process could not store (:class:`~.revisions.shadow.ShadowRunner`)."""
        self.shadow_dropped.labels(reason).inc(count)

    # -- exposition -----------------------------------------------------------------------------
    def exposition(self) -> bytes:
        registry = CollectorRegistry()
        if self.multiprocess:  # every worker's counters, from their files
            multiprocess.MultiProcessCollector(registry)
        else:
            for metric in (self.requests, self.latency, self.decisions, self.findings, self.shadow_dropped):
                registry.register(metric)
        registry.register(_StateCollector(self.db))
        return generate_latest(registry)


class _StateCollector(Collector):
    """Gauges read from the database at scrape time: the same answer from every worker and host."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Sequence[GaugeMetricFamily]:
        from .audit.events import Action
        from .audit.models import AuditCheckpoint, AuditEntry, AuditTree
        from .auth import ApiKey
        from .payouts.models import PayoutBatch
        from .review.models import ReviewCase

        now = datetime.now(UTC)
        families: list[GaugeMetricFamily] = []

        def gauge(name: str, doc: str, value: float | None, labels: dict[str, str] | None = None,
                  family: GaugeMetricFamily | None = None) -> GaugeMetricFamily:
            family = family or GaugeMetricFamily(name, doc, labels=list(labels or {}))
            if value is not None:
                family.add_metric(list((labels or {}).values()), value)
            return family

        with self.db.sessions() as session:
            pending, oldest = session.execute(
                select(func.count(), func.min(AuditEntry.created_at)).where(AuditEntry.idx.is_(None))).one()
            families.append(gauge("riskguard_audit_unintegrated_entries",
                                  "committed audit entries the sequencer has not given a leaf index yet", pending))
            families.append(gauge("riskguard_audit_sequencer_lag_seconds",
                                  "age of the oldest entry waiting for the sequencer (0 when none waits)",
                                  _age(now, oldest) if oldest is not None else 0.0))
            families.append(gauge("riskguard_audit_tree_size", "entries integrated into the Merkle tree",
                                  session.scalar(select(func.max(AuditTree.size))) or 0))
            size, signed = session.execute(
                select(AuditCheckpoint.tree_size, AuditCheckpoint.signed_at)
                .order_by(AuditCheckpoint.tree_size.desc()).limit(1)).one_or_none() or (None, None)
            families.append(gauge("riskguard_audit_checkpoint_tree_size", "tree size of the latest signed checkpoint",
                                  size))
            families.append(gauge("riskguard_audit_checkpoint_age_seconds", "age of the latest signed checkpoint",
                                  _age(now, signed) if signed is not None else None))
            rotated = session.scalar(select(func.max(AuditEntry.created_at))
                                     .where(AuditEntry.action == Action.KEK_ROTATED.value))
            families.append(gauge("riskguard_vault_kek_age_seconds",
                                  "time since the key-encryption key was last rotated (absent if never)",
                                  _age(now, rotated) if rotated is not None else None))
            keys = GaugeMetricFamily("riskguard_api_keys", "active API keys", labels=["role"])
            oldest_key = GaugeMetricFamily("riskguard_api_key_oldest_age_seconds", "age of the oldest active API key",
                                           labels=["role"])
            for role, count, created in session.execute(
                    select(ApiKey.role, func.count(), func.min(ApiKey.created_at))
                    .where(ApiKey.revoked_at.is_(None)).group_by(ApiKey.role)):
                keys.add_metric([role], count)
                oldest_key.add_metric([role], _age(now, created))
            families += [keys, oldest_key]
            batches = GaugeMetricFamily("riskguard_payout_batches", "payout batches by status", labels=["status"])
            for status, count in session.execute(select(PayoutBatch.status, func.count()).group_by(PayoutBatch.status)):
                batches.add_metric([status], count)
            cases = GaugeMetricFamily("riskguard_review_cases", "review cases by status", labels=["status"])
            for status, count in session.execute(select(ReviewCase.status, func.count()).group_by(ReviewCase.status)):
                cases.add_metric([status], count)
            families += [batches, cases]
            families += _rule_revisions(session)
        return families


def _rule_revisions(session: Any) -> list[GaugeMetricFamily]:
    """The active rule revision's generation, and the current shadow candidate's agreement so far."""
    from .revisions.models import RuleState, ShadowRecord

    state = session.execute(select(RuleState.generation, RuleState.shadow_revision).where(RuleState.id == 1)
                            ).one_or_none()
    generation = GaugeMetricFamily("riskguard_rules_generation",
                                   "promotes and rollbacks of rule revisions so far (0 before the first)",
                                   value=state.generation if state is not None else 0)
    shadow = GaugeMetricFamily("riskguard_shadow_records", "shadow records of the current shadow candidate, "
                               "by whether it decided like the active revision", labels=["candidate", "agree"])
    if state is not None and state.shadow_revision is not None:
        agree = (ShadowRecord.decision == ShadowRecord.shadow_decision).label("agree")
        for same, count in session.execute(select(agree, func.count()).where(
                ShadowRecord.candidate_revision == state.shadow_revision).group_by(agree)):
            shadow.add_metric([state.shadow_revision[:12], "true" if same else "false"], count)
    return [generation, shadow]


def _age(now: datetime, then: datetime) -> float:
    if then.tzinfo is None:  # SQLite gives naive values back; they are stored in UTC
        then = then.replace(tzinfo=UTC)
    return max(0.0, (now - then).total_seconds())
