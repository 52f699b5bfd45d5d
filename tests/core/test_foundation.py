"""The service foundation: health, errors, auth, request parsing, keyring."""

from __future__ import annotations

import os
import stat

import pytest

from riskguard.keyring import Keyring, KeyringError


def test_healthz(client) -> None:
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.get_json() == {"status": "ok"}
    assert res.headers["X-Request-Id"]


def test_root_links_to_docs_console_and_health(client) -> None:
    res = client.get("/")
    assert res.status_code == 200
    body = res.get_json()
    assert body["service"] == "riskguard" and body["version"]
    for name, path in body["links"].items():  # every link answers (the console with its sign-in page)
        assert client.get(path, follow_redirects=True).status_code == 200, name
    assert set(body["links"]) >= {"docs", "console", "healthz"}


def test_openapi_document(client) -> None:
    res = client.get("/openapi.json")
    assert res.status_code == 200
    assert res.get_json()["openapi"].startswith("3.")


def test_unknown_route_is_json_404(client) -> None:
    res = client.get("/v1/nope")
    assert res.status_code == 404
    assert res.get_json()["error"]["code"] == "not_found"


def test_keyring_round_trip_and_mode(tmp_path) -> None:
    path = tmp_path / "ring.json"
    ring = Keyring.generate(path)
    ring.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Keyring.load(path)
    assert again.secret("digest") == ring.secret("digest")
    assert again.kek(1) == ring.kek(1)


def test_keyring_refuses_wide_permissions(tmp_path) -> None:
    path = tmp_path / "ring.json"
    Keyring.generate(path).save()
    os.chmod(path, 0o644)
    with pytest.raises(KeyringError, match="mode 644"):
        Keyring.load(path)


@pytest.mark.parametrize("content", ["", "{", '{"secrets": {}}', '{"secrets": {"digest": "!!"}, "keks": {}}'])
def test_keyring_malformed(tmp_path, content: str) -> None:
    path = tmp_path / "ring.json"
    path.write_text(content)
    os.chmod(path, 0o600)
    with pytest.raises(KeyringError):
        Keyring.load(path)


def test_missing_keyring(tmp_path) -> None:
    with pytest.raises(KeyringError, match="not found"):
        Keyring.load(tmp_path / "absent.json")


def test_master_key_derivation_is_stable() -> None:
    import base64

    master = base64.b64encode(b"k" * 32).decode()
    a, b = Keyring.from_master_key(master), Keyring.from_master_key(master)
    assert a.secret("digest") == b.secret("digest") and a.kek(1) == b.kek(1)
    assert a.secret("digest") != a.secret("blind_index")
    with pytest.raises(KeyringError):
        Keyring.from_master_key("c2hvcnQ=")


def test_key_ids_never_look_like_numbers(sqlite_app) -> None:
    """An all-digit key id would trip the audit trail's personal-data guard (it looks like a card)."""
    from riskguard.auth import create_key

    db = sqlite_app.extensions["riskguard"].db
    with db.transaction() as session:
        ids = [create_key(session, role="auditor", name=f"k{i}")[0].id for i in range(200)]
    assert all(not i.isdigit() and i[0].isalpha() for i in ids)


@pytest.mark.parametrize(("header", "status"), [
    ("", 401), ("Bearer", 401), ("Basic abc", 401), ("Bearer rg_nope_nope", 401), ("Bearer garbage", 401),
])
def test_bad_tokens_are_401(client, header: str, status: int) -> None:
    res = client.post("/v1/screen/ad", json={"text": "x"}, headers={"Authorization": header} if header else {})
    assert res.status_code == status
    assert res.get_json()["error"]["code"] == "unauthorized"


def test_revoked_key_is_401(app, client) -> None:
    from riskguard.auth import ApiKey, create_key
    from riskguard.ids import utcnow

    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        row, tok = create_key(session, role="screener", name="soon-revoked")
    headers = {"Authorization": f"Bearer {tok}"}
    assert client.post("/v1/screen/ad", json={"text": "你好"}, headers=headers).status_code == 200
    with db.transaction() as session:
        session.get(ApiKey, row.id).revoked_at = utcnow()
    assert client.post("/v1/screen/ad", json={"text": "你好"}, headers=headers).status_code == 401


def test_keys_create_prints_only_the_token(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from riskguard.cli import main

    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    result = runner.invoke(main, ["keys", "create", "--role", "auditor", "--name", "a"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("rg_") and len(result.stdout.strip().splitlines()) == 1


@pytest.mark.postgres
def test_a_dropped_database_connection_is_one_503_then_recovers(app_factory, pg_url) -> None:
    """Pooled connections are not pinged before use: when the server drops them, the request that meets
    a dead one answers 503 (never a 500 or a decision), the pool is invalidated, the next one works."""
    from sqlalchemy import create_engine, text

    app = app_factory(pg_url)
    client = app.test_client()
    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        from riskguard.auth import create_key

        _, tok = create_key(session, role="screener", name="restart")
    headers = {"Authorization": f"Bearer {tok}"}
    assert client.post("/v1/screen/ad", json={"text": "你好"}, headers=headers).status_code == 200
    name = pg_url.rsplit("application_name=", 1)[1]
    admin = create_engine(pg_url.split("?", 1)[0], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = :n AND pid <> pg_backend_pid()"), {"n": name}).scalar()
    admin.dispose()
    assert killed >= 1
    first = client.post("/v1/screen/ad", json={"text": "你好"}, headers=headers)
    assert first.status_code == 503
    assert first.get_json()["error"]["code"] == "database_unavailable"
    assert client.post("/v1/screen/ad", json={"text": "你好"}, headers=headers).status_code == 200
