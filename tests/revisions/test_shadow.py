"""Shadow mode on SQLite and PostgreSQL: a candidate set in shadow decides sampled live requests after
they are answered (answers keep the active revision), records hold no text, and the auditors' report
counts agreement, newly blocked and newly allowed per rule with the diff library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from riskguard.auth import create_key
from riskguard.revisions.active import ActiveRulebook

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
    rg.shadow.drain(60)

    with rg.db.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(text("SELECT * FROM rule_shadow_records"))]
    assert len(stored) == 4
    assert not any(item["text"] in str(row) for item in ITEMS for row in stored)  # digests, never text

    res = app.test_client().get("/v1/rules/shadow/report", headers=auditor)
    assert res.status_code == 200, res.get_json()
    report = res.get_json()
    assert report["candidate"] == snapshot.revision and report["active_revisions"] == [active]
    assert report["records"] == 4
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
    rg.shadow.drain(60)
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
