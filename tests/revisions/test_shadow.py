"""Shadow mode on SQLite and PostgreSQL: a candidate set in shadow decides sampled live requests after
they are answered (answers keep the active revision), records hold no text, and the auditors' report
counts agreement, newly blocked and newly allowed per rule with the diff library. The shadow thread never
holds an answer up: records are written after it, an overflow or a failure is counted as dropped (in the
report and /metrics), and the answers stay what the active revision decided."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from structlog.testing import capture_logs

from riskguard.auth import create_key
from riskguard.revisions import shadow as shadow_module
from riskguard.revisions.active import ActiveRulebook
from riskguard.revisions.shadow import ShadowRunner
from riskguard.rulebook import evaluate
from riskguard.rulebook.engine import Engine
from riskguard.screening.service import to_input

from .builders import ITEMS, SUPERLATIVE, expect_counts, tree


@pytest.fixture
def shadow_app(tmp_path: Path, db_url: str, make_settings: Any, app_factory: Any) -> tuple[Flask, Path]:
    shipped = make_settings(db_url).policies_dir
    base = tree(tmp_path / "base", other_policies=shipped)
    candidate = tree(tmp_path / "candidate", candidate=True, other_policies=shipped)
    app = app_factory(db_url, rules_dir=base / "rules", policies_dir=base / "policies", rules_refresh_seconds=0)
    return app, candidate


def _headers(app: Flask, role: str) -> dict[str, str]:
    with app.extensions["riskguard"].db.transaction() as session:
        _, token = create_key(session, role=role, name=f"shadow-{role}")
    return {"Authorization": f"Bearer {token}"}


def _batch(app: Flask, headers: dict[str, str]) -> dict[str, Any]:
    res = app.test_client().post("/v1/screen/ad/batch", json={"items": ITEMS}, headers=headers)
    assert res.status_code == 200, res.get_json()
    return res.get_json()


def test_shadow_decides_sampled_requests_after_the_answer(shadow_app: tuple[Flask, Path]) -> None:
    app, candidate_tree = shadow_app
    rg = app.extensions["riskguard"]
    screener, auditor = _headers(app, "screener"), _headers(app, "auditor")
    active = _batch(app, screener)["policy_revision"]
    snapshot, _ = rg.rule_revisions.from_path(candidate_tree)
    rg.rule_revisions.shadow(snapshot, sample=1.0, actor="test")

    rg.active_rules.book  # noqa: B018 - the next request notices the shadow and loads it in the background
    rg.active_rules.wait_loaded(60)
    assert rg.active_rules.shadow is not None and rg.active_rules.shadow[0].revision == snapshot.revision
    answered = _batch(app, screener)
    assert answered["policy_revision"] == active  # the answer is the active revision's
    assert [d["decision"] for d in answered["decisions"]] == ["block", "allow", "allow", "review"]
    assert rg.shadow.flush(60)

    with rg.db.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(text("SELECT * FROM rule_shadow_records"))]
    assert len(stored) == 4
    assert not any(item["text"] in str(row) for item in ITEMS for row in stored)  # digests, never text

    res = app.test_client().get("/v1/rules/shadow/report", headers=auditor)
    assert res.status_code == 200, res.get_json()
    report = res.get_json()
    assert report["candidate"] == snapshot.revision and report["active_revisions"] == [active]
    assert (report["records"], report["dropped"]) == (4, 0)
    expect_counts(report)
    [example] = report["examples"]["block->review"]
    assert example["digest"].startswith("hmac-sha256:") and "text" not in example
    assert example["candidate_rules"] == [SUPERLATIVE]
    assert app.test_client().get("/v1/rules/shadow/report", headers=screener).status_code == 403
    scraped = app.test_client().get("/metrics", headers=_headers(app, "monitor")).get_data(as_text=True)
    label = snapshot.revision[:12]
    assert f'riskguard_shadow_records{{agree="true",candidate="{label}"}} 2.0' in scraped
    assert f'riskguard_shadow_records{{agree="false",candidate="{label}"}} 2.0' in scraped

    started = ActiveRulebook(rg.rule_revisions, lambda: rg.rulebook, interval=3600)  # a worker starting now
    assert started.shadow is not None and started.shadow[1] == 1.0  # has the candidate from the start

    rg.rule_revisions.shadow(None, sample=0, actor="test")
    rg.active_rules.refresh()
    assert rg.active_rules.shadow is None
    _batch(app, screener)
    assert rg.shadow.flush(60)
    prefix = app.test_client().get(f"/v1/rules/shadow/report?candidate={snapshot.revision[:10]}", headers=auditor)
    assert prefix.get_json()["records"] == 4  # off: nothing more was sampled
    with rg.db.engine.connect() as conn:
        shadowed = conn.execute(text("SELECT decision FROM audit_entries WHERE action = :a ORDER BY seq"),
                                {"a": "rulebook:revision:shadowed"}).scalars().all()
    assert shadowed == ["shadow", "off"]
    assert rg.audit.verify().ok


def test_a_bad_report_query_names_the_field(shadow_app: tuple[Flask, Path]) -> None:
    app, _ = shadow_app
    res = app.test_client().get("/v1/rules/shadow/report?candidate=XYZ", headers=_headers(app, "auditor"))
    assert res.status_code == 400 and res.get_json()["error"]["field"] == "candidate"
    empty = app.test_client().get("/v1/rules/shadow/report", headers=_headers(app, "auditor")).get_json()
    assert empty["candidate"] is None and empty["items"] == 0


def _shadowing(app: Flask, candidate_tree: Path, **runner: Any) -> ShadowRunner:
    """Put the candidate in shadow at 100 % and give the app a runner built with ``runner`` options."""
    rg = app.extensions["riskguard"]
    snapshot, _ = rg.rule_revisions.from_path(candidate_tree)
    rg.rule_revisions.shadow(snapshot, sample=1.0, actor="test")
    rg.active_rules.refresh(wait=True)
    assert rg.active_rules.shadow is not None
    rg.shadow = ShadowRunner(rg.db, rg.keyring.secret("digest"), lambda: rg.active_rules.shadow,
                             on_drop=rg.metrics.shadow_drop, **runner)
    return rg.shadow


def _records(app: Flask) -> int:
    with app.extensions["riskguard"].db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM rule_shadow_records")).scalar_one()


def _gate(runner: ShadowRunner) -> tuple[threading.Event, threading.Event]:
    """Hold the shadow thread, once it has taken a batch, until ``release`` is set; ``entered`` is set
    when it has taken one."""
    entered, release, store = threading.Event(), threading.Event(), runner._store

    def gated(*args: Any) -> bool:
        entered.set()
        assert release.wait(60)
        return store(*args)

    runner._store = gated  # type: ignore[method-assign]
    return entered, release


def _dropped_metric(app: Flask, reason: str) -> str:
    scraped = app.test_client().get("/metrics", headers=_headers(app, "monitor")).get_data(as_text=True)
    return next((line.split()[-1] for line in scraped.splitlines()
                 if line.startswith(f'riskguard_shadow_dropped_total{{reason="{reason}"}}')), "absent")


def test_the_answer_does_not_wait_for_the_shadow_record(shadow_app: tuple[Flask, Path]) -> None:
    app, candidate_tree = shadow_app
    runner = _shadowing(app, candidate_tree, linger=0)
    _, release = _gate(runner)
    answered = _batch(app, _headers(app, "screener"))  # answered while the shadow thread is held
    assert [d["decision"] for d in answered["decisions"]] == ["block", "allow", "allow", "review"]
    assert _records(app) == 0
    assert not runner.flush(0.05)  # the four samples are waiting, not stored
    release.set()
    assert runner.flush(60)
    assert _records(app) == 4 and runner.stored == 4 and runner.dropped == 0


def test_an_overflow_is_counted_never_waited_for(shadow_app: tuple[Flask, Path]) -> None:
    app, candidate_tree = shadow_app
    runner = _shadowing(app, candidate_tree, capacity=3, linger=0)
    entered, release = _gate(runner)
    screener, auditor = _headers(app, "screener"), _headers(app, "auditor")
    with capture_logs() as logs:
        first = _batch(app, screener)  # 3 of 4 fit in the queue; the thread takes them and is held
        assert entered.wait(60)
        second = _batch(app, screener)  # again 3 of 4 fit; the thread is still held
        assert not runner.flush(0.05)
    assert [d["decision"] for d in first["decisions"]] == [d["decision"] for d in second["decisions"]]
    assert runner.dropped == 2 and _records(app) == 0
    release.set()
    assert runner.flush(60)
    assert _records(app) == 6 and runner.stored == 6
    events = [e for e in logs if e["event"] == "shadow.dropped"]
    assert 1 <= len(events) <= 2 and events[0]["reason"] == "queue_full"  # at most one a second
    report = app.test_client().get("/v1/rules/shadow/report", headers=auditor).get_json()
    assert (report["records"], report["dropped"]) == (6, 2)
    assert _dropped_metric(app, "queue_full") == "2.0"


def test_a_failing_shadow_leaves_answers_alone(shadow_app: tuple[Flask, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    app, candidate_tree = shadow_app
    runner = _shadowing(app, candidate_tree, linger=0)
    screener = _headers(app, "screener")
    expected = [d["decision"] for d in _batch(app, screener)["decisions"]]
    assert runner.flush(60) and _records(app) == 4

    def boom(*_: Any) -> str:
        raise RuntimeError("digest unavailable")

    monkeypatch.setattr(shadow_module, "keyed_digest", boom)  # only the shadow thread digests through this name
    with capture_logs() as logs:
        answered = _batch(app, screener)
        assert runner.flush(60)  # the batch failed; its drop count is stored by the next attempt
    assert [d["decision"] for d in answered["decisions"]] == expected
    assert [e["error_type"] for e in logs if e["event"] == "shadow.failed"][:1] == ["RuntimeError"]
    assert runner.dropped == 4 and _records(app) == 4
    assert _dropped_metric(app, "failed") == "4.0"
    assert app.extensions["riskguard"].audit.verify().ok  # every answered decision is recorded

    monkeypatch.undo()
    _batch(app, screener)
    assert runner.flush(60)  # the next batch stores its records and the earlier drop count
    report = app.test_client().get("/v1/rules/shadow/report", headers=_headers(app, "auditor")).get_json()
    assert (report["records"], report["dropped"]) == (8, 4)


def test_close_stores_what_is_queued_then_counts_late_samples(shadow_app: tuple[Flask, Path]) -> None:
    app, candidate_tree = shadow_app
    runner = _shadowing(app, candidate_tree, linger=30)  # only a flush or close ends the wait for more
    screener = _headers(app, "screener")
    _batch(app, screener)
    assert runner.close(60)
    assert _records(app) == 4
    assert len(_batch(app, screener)["decisions"]) == 4  # still answered after the runner closed
    assert runner.dropped == 4 and _dropped_metric(app, "shutdown") == "4.0"


def test_a_policy_only_candidate_reuses_the_active_findings(shadow_app: tuple[Flask, Path], tmp_path: Path,
                                                            make_settings: Any, db_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Same rule files, another policy: the shadow applies the candidate's policy to the findings the
    active revision answered with, and stores what screening with the candidate would have decided."""
    app, _ = shadow_app
    policy_only = tree(tmp_path / "policy-only", candidate=True, new_term=False,
                       other_policies=make_settings(db_url).policies_dir)
    runner = _shadowing(app, policy_only, linger=0)
    candidate = app.extensions["riskguard"].active_rules.shadow[0]
    screened = []
    findings = Engine.findings
    monkeypatch.setattr(Engine, "findings",
                        lambda self, item, *a: screened.append(item.text) or findings(self, item, *a))
    answered = _batch(app, _headers(app, "screener"))
    assert runner.flush(60) and runner.stored == 4
    assert screened == [item["text"] for item in ITEMS]  # by the active revision, once each; not by the shadow
    monkeypatch.undo()
    with app.extensions["riskguard"].db.engine.connect() as conn:
        stored = conn.execute(text("SELECT decision_id, shadow_decision, shadow_rule_ids FROM rule_shadow_records "
                                   "WHERE candidate_revision = :c ORDER BY id"), {"c": candidate.revision}).all()
    assert [r.decision_id for r in stored] == [d["decision_id"] for d in answered["decisions"]]
    full = [evaluate(candidate, to_input(kind="ad", **item)) for item in ITEMS]
    assert [(r.shadow_decision, json.loads(r.shadow_rule_ids)) for r in stored] == \
        [(d.decision, d.rule_ids) for d in full]
    assert [r.shadow_decision for r in stored] == ["review", "allow", "allow", "review"]  # high: review


def test_a_forked_worker_starts_its_own_shadow_thread(shadow_app: tuple[Flask, Path]) -> None:
    """A process forked from one whose shadow thread runs (a gunicorn worker from a master that
    screened) has neither that thread nor its queue, and the parent's thread goes on storing."""
    app, candidate_tree = shadow_app
    runner = _shadowing(app, candidate_tree, linger=0)
    screener = _headers(app, "screener")
    _batch(app, screener)
    assert runner.flush(60) and runner.stored == 4
    thread = runner._thread
    assert thread is not None and thread.is_alive()
    pid = os.fork()
    if pid == 0:  # the child: report by exit status only
        fresh = runner._thread is None and not runner._queue and runner.stored == 0
        os._exit(0 if fresh else 1)
    assert os.waitpid(pid, 0)[1] == 0
    _batch(app, screener)
    assert runner.flush(60) and runner.stored == 8 and runner.dropped == 0
    assert runner._thread is thread
