"""Rule revisions on SQLite and PostgreSQL: promote reaches an app built before it without a restart,
two promotes from one generation have one winner, rollback walks back, every step is an audit entry
and the log verifies; stored revisions load without the source tree."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from riskguard.auth import create_key
from riskguard.config import PROJECT_ROOT
from riskguard.errors import Conflict
from riskguard.revisions.service import RuleRevisions

from .builders import tree

BLOCKED_TEXT = "全网最低价，最好的面霜"  # adlaw.9-3.superlative (high): block under the test packs


@pytest.fixture
def trees(tmp_path: Path, make_settings: Any, db_url: str) -> tuple[Path, Path]:
    shipped = make_settings(db_url).policies_dir
    return (tree(tmp_path / "base", other_policies=shipped),
            tree(tmp_path / "candidate", candidate=True, other_policies=shipped))


@pytest.fixture
def rev_app(trees: tuple[Path, Path], db_url: str, app_factory: Any) -> Flask:
    base = trees[0]
    return app_factory(db_url, rules_dir=base / "rules", policies_dir=base / "policies",
                       rules_refresh_seconds=0)


def _store(app: Flask) -> RuleRevisions:
    return app.extensions["riskguard"].rule_revisions


def _screen(app: Flask, headers: dict[str, str]) -> dict[str, Any]:
    res = app.test_client().post("/v1/screen/ad", json={"text": BLOCKED_TEXT}, headers=headers)
    assert res.status_code == 200, res.get_json()
    return res.get_json()


def _answer_from(app: Flask, headers: dict[str, str], revision: str) -> dict[str, Any]:
    """Screen until the app answers with ``revision`` (a new one is compiled in a background thread)."""
    active = app.extensions["riskguard"].active_rules
    for _ in range(3):
        body = _screen(app, headers)
        if body["policy_revision"] == revision:
            return body
        active.wait_loaded(60)
    raise AssertionError(f"still answering with {body['policy_revision'][:12]}, not {revision[:12]}")


def _headers(app: Flask, role: str = "screener") -> dict[str, str]:
    with app.extensions["riskguard"].db.transaction() as session:
        _, token = create_key(session, role=role, name=f"revisions-{role}")
    return {"Authorization": f"Bearer {token}"}


def _entries(app: Flask, action: str) -> list[Any]:
    with app.extensions["riskguard"].db.engine.connect() as conn:
        return list(conn.execute(text("SELECT subject_id, policy_revision, decision FROM audit_entries "
                                      "WHERE action = :a ORDER BY seq"), {"a": action}))


def test_promote_reaches_a_running_app_and_rollback_returns(rev_app: Flask, trees: tuple[Path, Path]) -> None:
    headers = _headers(rev_app)
    store = _store(rev_app)
    first = _screen(rev_app, headers)
    base_revision = first["policy_revision"]
    assert first["decision"] == "block" and store.state() is None  # nothing promoted: the rule files

    base_snap, _ = store.from_path(trees[0])
    assert base_snap.revision == base_revision
    store.promote(base_snap, label="today", actor="test")
    candidate, _ = store.from_path(trees[1])
    done = store.promote(candidate, label="high → review", actor="test")
    assert (done.generation, done.previous_revision) == (2, base_revision)

    after = _answer_from(rev_app, headers, candidate.revision)  # the app was built before the promote
    assert after["decision"] == "review"

    back = store.rollback(actor="test")
    assert (back.revision, back.generation) == (base_revision, 3)
    assert _answer_from(rev_app, headers, base_revision)["decision"] == "block"
    with pytest.raises(Conflict) as nothing:  # the first promote replaced the rule files: nothing before
        store.rollback(actor="test")
    assert nothing.value.code == "nothing_to_roll_back"

    promoted = _entries(rev_app, "rulebook:revision:promoted")
    assert [r.policy_revision for r in promoted] == [base_revision, candidate.revision]
    assert [r.subject_id for r in _entries(rev_app, "rulebook:revision:rolled_back")] == [f"sha256:{base_revision}"]
    decided = {r.policy_revision for r in _entries(rev_app, "screening:content:decided")}
    assert decided == {base_revision, candidate.revision}  # each decision carries the revision that made it
    assert rev_app.extensions["riskguard"].audit.verify().ok


def test_two_promotes_from_one_generation_have_one_winner(rev_app: Flask, trees: tuple[Path, Path]) -> None:
    store = _store(rev_app)
    snapshots = [store.from_path(tree)[0] for tree in trees]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def promote(snapshot: Any) -> None:
        barrier.wait()
        try:
            store.promote(snapshot, label=None, actor="test", expect_generation=0)
            outcomes.append("won")
        except Conflict as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=promote, args=(s,)) for s in snapshots]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["rules_generation_conflict", "won"]
    state = store.state()
    assert state is not None and state.generation == 1
    assert len(_entries(rev_app, "rulebook:revision:promoted")) == 1  # the loser recorded nothing
    assert rev_app.extensions["riskguard"].audit.verify().ok


def test_a_stored_revision_loads_without_its_source_tree(rev_app: Flask, trees: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    store = _store(rev_app)
    snapshot, book = store.from_path(trees[1])
    store.promote(snapshot, label="candidate", actor="test")
    shutil.rmtree(trees[1])
    again = store.resolve(snapshot.revision[:10])
    assert again[1].revision == book.revision and again[0].files == snapshot.files
    assert (store.cache_dir / snapshot.revision / "rules").is_dir()  # written out under the data dir
    assert store.resolve("active")[1].revision == book.revision
    with pytest.raises(Conflict):
        store.promote(snapshot, label=None, actor="test")  # already active


def test_a_stored_revision_carries_the_claim_model(rev_app: Flask, tmp_path: Path) -> None:
    """The model file (binary) is stored with the revision and written back byte for byte: the promoted
    rulebook has the same revision and scores like the source tree's."""
    store = _store(rev_app)
    source = tmp_path / "shipped"
    for name in ("rules", "policies"):
        shutil.copytree(PROJECT_ROOT / name, source / name)
    snapshot, book = store.from_path(source)
    assert "rules/models/claims.json.gz" in snapshot.files and "rules/models/claims.yaml" in snapshot.files
    store.promote(snapshot, label="with the claim model", actor="test")
    shutil.rmtree(source)
    _, again = store.resolve(snapshot.revision[:10])
    assert again.revision == book.revision and set(again.models) == {"claims"}
    text = "用过的姐妹脸上的斑一个月就淡了"
    assert again.models["claims"].probability(text) == book.models["claims"].probability(text)
    written = store.cache_dir / snapshot.revision / "rules" / "models" / "claims.json.gz"
    assert written.read_bytes() == (PROJECT_ROOT / "rules" / "models" / "claims.json.gz").read_bytes()


def test_the_refresh_interval_bounds_how_often_the_state_is_read(rev_app: Flask, trees: tuple[Path, Path]) -> None:
    """Within the interval a worker reads nothing; after it, one read notices the promote."""
    from riskguard.revisions.active import ActiveRulebook

    store = _store(rev_app)
    now = [0.0]
    reads = []
    real_state = store.state

    def counted() -> Any:
        reads.append(1)
        return real_state()

    store.state = counted  # type: ignore[method-assign]
    active = ActiveRulebook(store, lambda: rev_app.extensions["riskguard"].rulebook, interval=5, clock=lambda: now[0])
    start = active.book.revision
    snapshot, _ = store.from_path(trees[1])
    store.promote(snapshot, label=None, actor="test")
    reads.clear()
    for _ in range(50):
        assert active.book.revision == start
    assert reads == []
    now[0] = 5.0
    active.book  # noqa: B018 - the access is the check
    active.wait_loaded(60)
    assert len(reads) == 1 and active.book.revision == snapshot.revision


def test_a_worker_starting_after_a_promote_screens_with_the_active_revision(
        rev_app: Flask, trees: tuple[Path, Path], app_factory: Any, db_url: str) -> None:
    """Its rule files say otherwise; the database decides, and its policy-load entry lists what it loaded."""
    store = _store(rev_app)
    candidate, _ = store.from_path(trees[1])
    store.promote(candidate, label="candidate", actor="test")
    started = app_factory(db_url, rules_dir=trees[0] / "rules", policies_dir=trees[0] / "policies",
                          extra={"audit_policy_loads": True})
    assert started.extensions["riskguard"].rulebook.revision == candidate.revision
    assert _screen(started, _headers(started))["decision"] == "review"
    [loaded] = _entries(started, "rulebook:policy:loaded")
    assert loaded.policy_revision == candidate.revision
    with started.extensions["riskguard"].db.engine.connect() as conn:
        entry = conn.execute(text("SELECT entry FROM audit_entries WHERE action = 'rulebook:policy:loaded'")).scalar()
    files = json.loads(bytes(entry))["details"]["files"]
    assert "policies/payout-review.yaml" in files  # the deployment's other policies, beside the revision's
    assert {n: d for n, d in files.items() if n in candidate.files} == {
        n: "sha256:" + hashlib.sha256(t.encode()).hexdigest() for n, t in candidate.files.items()}


def test_a_snapshot_that_does_not_load_as_its_revision_is_refused(rev_app: Flask, trees: tuple[Path, Path]) -> None:
    """E.g. a file edited between being compiled and being read for storing: nothing is stored."""
    from riskguard.errors import BadRequest
    from riskguard.revisions.service import Snapshot

    store = _store(rev_app)
    good, _ = store.from_path(trees[0])
    other, _ = store.from_path(trees[1])
    mixed = Snapshot(good.revision, other.files)
    with pytest.raises(BadRequest) as refused:
        store.promote(mixed, label=None, actor="test")
    assert refused.value.code == "revision_mismatch"
    assert not (store.cache_dir / good.revision).exists() and store.state() is None
    with rev_app.extensions["riskguard"].db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM rule_revisions")).scalar() == 0
