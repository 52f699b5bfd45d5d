"""``riskguard keys list``: every key with role, name and times (with zone), never a secret."""

from __future__ import annotations

import json

from click.testing import CliRunner

from riskguard.auth import ApiKey, create_key
from riskguard.cli import main
from riskguard.ids import utcnow


def test_keys_list_shows_use_and_revocation_but_no_secret(app_factory, db_url, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(db_url)
    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        used, token = create_key(session, role="screener", name="小王的筛查密钥")
        idle, _ = create_key(session, role="auditor", name="idle")
        gone, _ = create_key(session, role="finance", name="gone")
    assert app.test_client().get("/v1/payouts/batches", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    with db.transaction() as session:
        session.get(ApiKey, gone.id).revoked_at = utcnow()
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", db_url)
    runner = CliRunner()
    result = runner.invoke(main, ["keys", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {used.id, idle.id, gone.id}
    assert rows[used.id]["name"] == "小王的筛查密钥" and rows[used.id]["role"] == "screener"
    assert rows[used.id]["last_used_at"].endswith("+00:00")  # a refused call still used the key
    assert rows[idle.id]["last_used_at"] is None and rows[idle.id]["revoked_at"] is None
    assert rows[gone.id]["revoked_at"].endswith("+00:00") and rows[gone.id]["created_at"].endswith("+00:00")
    table = runner.invoke(main, ["keys", "list"])
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["id", "role", "name", "created", "last", "used", "revoked"]
    assert len(lines) == 4 and any(line.startswith(idle.id) and line.split()[-2:] == ["-", "-"] for line in lines)
    secret = token.split("_", 2)[2]
    for output in (result.stdout, table.stdout):
        assert secret not in output and "token" not in output and used.token_hash not in output
