"""Guarded state transitions under real concurrency, on SQLite and PostgreSQL.

Several OS processes, each with its own app (its own engine, pool, vault and audit log) on one database
(an SQLite file or a PostgreSQL schema), are released together by a barrier and attempt the same
transition: approve one payout batch, decide one review case, decide one merchant application's case,
erase one data subject, add the next KEK version. Exactly one wins; every other attempt gets 409 with
the transition's stable code; the audit trail holds exactly one entry for it. Before the transitions
were guarded, SQLite let every approver of a batch through (``SELECT … FOR UPDATE`` is dropped there).

The processes are forked once per backend from this one (so they start without reloading the rule
packs) and each builds its app after the fork; every test hands them one job.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from riskguard import create_app
from riskguard.audit import Action
from riskguard.audit.models import AuditEntry
from riskguard.auth import Role, create_key
from riskguard.errors import Conflict
from riskguard.ids import new_id, utcnow
from riskguard.onboarding.models import MerchantApplication
from riskguard.payouts.models import PayoutBatch, PayoutItem
from riskguard.review import CaseRequest
from tests.onboarding.builders import application

pytestmark = pytest.mark.slow
WORKERS = 4
_CTX = multiprocessing.get_context("fork")  # the children inherit the loaded rule packs, not the apps


def _attempt(app: Any, kind: str, target: Any, headers: dict[str, str]) -> tuple[int, str | None, Any]:
    client = app.test_client()
    if kind == "approve":
        res = client.post(f"/v1/payouts/batches/{target}/approve", json={}, headers=headers)
    elif kind in ("review", "application"):
        res = client.post(f"/v1/review/cases/{target}/decision", headers=headers,
                          json={"decision": "allow", "reason": "材料已核验"})
    elif kind == "erase":
        res = client.delete(f"/v1/privacy/subjects/{target}", headers=headers)
    else:  # rotate: a CLI operation, no HTTP endpoint
        from riskguard.privacy.vault.keys import rotate

        rg = app.extensions["riskguard"]
        try:
            expect = {} if target is None else {"expect_version": target}
            version = rotate(rg.db, rg.keyring, audit=rg.audit, actor="cli", **expect)
        except Conflict as exc:
            return 409, exc.code, None
        return 200, None, version
    body = res.get_json()
    return res.status_code, (body.get("error") or {}).get("code"), body


def _worker(settings: Any, jobs: Any, results: Any, barrier: Any) -> None:
    app = create_app(settings)  # after the fork: this process's own engine and services
    results.put("ready")
    while (job := jobs.get()) is not None:
        kind, target, headers = job
        try:
            barrier.wait(timeout=120)
            results.put(_attempt(app, kind, target, headers))
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            results.put((0, type(exc).__name__, None))
    app.extensions["riskguard"].db.dispose()


class Racers:
    """``WORKERS`` processes waiting for a job; :meth:`race` gives each the same one."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.barrier = _CTX.Barrier(WORKERS)
        self.results = _CTX.Queue()
        self.jobs = [_CTX.Queue() for _ in range(WORKERS)]
        settings = app.extensions["riskguard"].settings
        self.procs = [_CTX.Process(target=_worker, args=(settings, q, self.results, self.barrier), daemon=True)
                      for q in self.jobs]
        for proc in self.procs:
            proc.start()
        assert [self.results.get(timeout=120) for _ in self.procs] == ["ready"] * WORKERS

    def race(self, kind: str, target: Any, role: str | None) -> list[tuple[int, str | None, Any]]:
        for n, queue in enumerate(self.jobs):
            queue.put((kind, target, _headers(self.app, role, f"racer-{n}") if role else {}))
        return [self.results.get(timeout=120) for _ in self.jobs]

    def close(self) -> None:
        for queue in self.jobs:
            queue.put(None)
        for proc in self.procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()


def _headers(app: Any, role: str, name: str) -> dict[str, str]:
    with app.extensions["riskguard"].db.transaction() as session:
        _, token = create_key(session, role=role, name=name)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def app(shared_app):  # type: ignore[no-untyped-def]
    return shared_app


@pytest.fixture(scope="module")
def racers(app: Any) -> Iterator[Racers]:
    racers = Racers(app)
    yield racers
    racers.close()


def _entries(app: Any, action: str, subject_id: str) -> list[dict[str, Any]]:
    with app.extensions["riskguard"].db.sessions() as session:
        rows = session.scalars(select(AuditEntry.entry).where(AuditEntry.action == action,
                                                              AuditEntry.subject_id == subject_id))
        return [json.loads(r) for r in rows]


# -- what each transition needs before the race ---------------------------------------------------------
def _checked_batch(app: Any) -> str:
    batch_id, now = new_id("pb"), utcnow()
    with app.extensions["riskguard"].db.transaction() as session:
        session.add(PayoutBatch(id=batch_id, status="checked", preparer="key:preparer", policy_revision="test/1",
                                as_of=now, row_count=2, input_digest="sha256:0", data_quality={}, summary={},
                                created_at=now))
        session.add_all(PayoutItem(batch_id=batch_id, row=n, payout_id=f"p{n}", payee_id=f"payee{n}",
                                   amount_fen=100 * n, paid_at=now, decision="allow", findings=[], status="pending")
                        for n in (1, 2))
    return batch_id


def _ad_case(app: Any) -> str:
    rg = app.extensions["riskguard"]
    with app.app_context(), rg.db.transaction() as session:
        return rg.review.open_case(session, CaseRequest(
            kind="ad", subject_type="ad", subject_id=new_id("ad"), decision_id=new_id("dec"),
            automated_decision="review", submitted_by="key:submitter", rule_ids=["r1"])).id


def _submitted(app: Any, **overrides: Any) -> dict[str, Any]:
    res = app.test_client().post("/v1/merchants/applications", json=application(**overrides),
                                 headers=_headers(app, Role.ONBOARDING, "submitter"))
    assert res.status_code == 201, res.get_json()
    return res.get_json()


def _application_case(app: Any) -> str:
    soon = (date.today() + timedelta(days=10)).isoformat()  # an expiring licence: a review decision
    result = _submitted(app, business_license_valid_until=soon)
    assert result["review_case_id"], result
    return result["review_case_id"]


def _subject(app: Any) -> str:
    result = _submitted(app)
    with app.extensions["riskguard"].db.sessions() as session:
        return session.scalar(select(MerchantApplication.legal_rep_subject_id)
                              .where(MerchantApplication.id == result["application_id"]))


def _kek_version(app: Any) -> int:
    keys = app.extensions["riskguard"].keyring
    keys.refresh()
    return keys.current_kek_version


# kind: (set-up, role of the racers, losers' code, audit action, the entry's subject id from the target)
TRANSITIONS = {
    "approve": (_checked_batch, Role.FINANCE_APPROVER, "batch_not_pending", Action.PAYOUT_BATCH_APPROVED, str),
    "review": (_ad_case, Role.REVIEWER, "case_already_decided", Action.REVIEW_DECIDED, str),
    "application": (_application_case, Role.REVIEWER, "case_already_decided", Action.REVIEW_DECIDED, str),
    "erase": (_subject, Role.PRIVACY_OFFICER, "subject_already_erased", Action.PRIVACY_ERASED, str),
    "rotate": (_kek_version, None, "kek_rotation_conflict", Action.KEK_ROTATED, lambda v: f"v{v + 1}"),
}


@pytest.mark.parametrize("kind", sorted(TRANSITIONS))
def test_exactly_one_winner(app: Any, racers: Racers, kind: str) -> None:
    setup, role, code, action, entry_subject = TRANSITIONS[kind]
    target = setup(app)
    results = racers.race(kind, target, role)
    won = [r for r in results if r[0] == 200]
    lost = [r for r in results if r[0] != 200]
    assert len(won) == 1, results
    assert [(status, c) for status, c, _ in lost] == [(409, code)] * (WORKERS - 1), results
    [entry] = _entries(app, action, entry_subject(target))
    db = app.extensions["riskguard"].db
    with db.sessions() as session:
        if kind == "approve":
            batch = session.get(PayoutBatch, target)
            assert (batch.status, batch.approved_by, batch.approval_entry) == (
                "approved", won[0][2]["approver"], entry["id"])
            assert entry["actor"] == won[0][2]["approver"]
        elif kind == "application":
            final = session.scalar(select(MerchantApplication.final_decision).where(
                MerchantApplication.review_case_id == target))
            assert final == "allow"
        elif kind == "erase":
            assert won[0][2]["status"] == "erased"
        elif kind == "rotate":
            assert won[0][2] == target + 1 == _kek_version(app)
            assert session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == Action.KEK_ROTATED)) == 1


def test_rotations_never_make_one_version_twice(app: Any, racers: Racers) -> None:
    """Without ``expect_version`` a rotation that starts after another committed may add the version
    after it; but no two ever add the same version (each with its own KEK, one lost from the file)."""
    before = _kek_version(app)
    results = racers.race("rotate", None, None)
    made = sorted(version for status, _, version in results if status == 200)
    assert made and len(set(made)) == len(made), results
    assert all(r[:2] == (409, "kek_rotation_conflict") for r in results if r[0] != 200), results
    assert made == list(range(before + 1, before + 1 + len(made))) and _kek_version(app) == made[-1]
    for version in made:
        assert len(_entries(app, Action.KEK_ROTATED, f"v{version}")) == 1
