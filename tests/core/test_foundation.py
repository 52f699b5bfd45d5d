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
