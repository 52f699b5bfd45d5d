"""``rulebook:policy:loaded``: a process that starts with rules or policies the log has not seen records
them (revision, each file's digest, host, process, user), once; the policy-and-key-changes report lists
them (both backends)."""

from __future__ import annotations

import shutil

from riskguard.auth import create_key
from riskguard.config import Settings

ON = {"audit_policy_loads": True}


def _loaded(app) -> list[dict]:  # type: ignore[no-untyped-def]
    """The policy-and-key-changes report's policy rows, through the auditors' API."""
    with app.extensions["riskguard"].db.transaction() as session:
        _, tok = create_key(session, role="auditor", name="policy-audit")
    res = app.test_client().get("/v1/audit/reports/policy-and-key-changes?format=json",
                                headers={"Authorization": f"Bearer {tok}"})
    assert res.status_code == 200, res.get_json()
    return [r for r in res.get_json()["rows"] if r["action"] == "rulebook:policy:loaded"]


def test_a_new_policy_revision_is_recorded_once(app_factory, db_url, tmp_path) -> None:
    first = app_factory(db_url, extra=ON)
    rows = _loaded(first)
    assert len(rows) == 1
    row = rows[0]
    details = row["details"]
    assert row["subject_type"] == "policy_set" and row["subject_id"].startswith("sha256:")
    assert row["policy_revision"] == first.extensions["riskguard"].rulebook.revision
    assert details["rulebook_revision"] == row["policy_revision"]
    assert {"policies/payout-review.yaml", "policies/ad-prepublish.yaml"} <= set(details["files"])
    assert any(name.startswith("rules/") for name in details["files"])
    assert details["policy_revisions"]["payout-review"] and details["pid"] > 0
    assert details["host"] and details["user"]

    app_factory(db_url, extra=ON)  # a restart (or another worker) with the same files: nothing new
    assert len(_loaded(first)) == 1

    changed = tmp_path / "policies-changed"
    shutil.copytree(Settings.from_env().policies_dir, changed)
    payout = changed / "payout-review.yaml"
    payout.write_text(payout.read_text("utf-8").replace("revision:", "revision: changed-", 1), "utf-8")
    second = app_factory(db_url, extra=ON, policies_dir=changed)
    rows = _loaded(second)
    assert len(rows) == 2 and rows[0]["subject_id"] != rows[1]["subject_id"]
    before, after = rows[0]["details"], rows[1]["details"]
    assert {n for n in after["files"] if after["files"][n] != before["files"].get(n)} == {
        "policies/payout-review.yaml"}
    assert after["policy_revisions"]["payout-review"].startswith("changed-")
