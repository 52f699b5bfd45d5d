"""The keyring as a KeyProvider: load errors are clear, rotation and retirement persist, another
process's changes are picked up, a master key derives every version."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskguard.keyring import KeyProvider, Keyring, KeyringError


def _ring(tmp_path: Path) -> Keyring:
    ring = Keyring.generate(tmp_path / "ring.json")
    ring.save()
    return ring


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    body = json.loads(path.read_text())
    change(body)
    path.write_text(json.dumps(body))
    os.chmod(path, 0o600)


# (how the keyring is broken, expected message)
BROKEN = [
    ("missing", "not found"),
    ("mode_644", "mode 644"),
    ("mode_640", "mode 640"),
    ("mode_604", "mode 604"),
    ("a_directory", "unreadable or malformed"),
    ("not_json", "unreadable or malformed"),
    ("short_kek", "not 32 bytes"),
    ("no_keks", "key-encryption keys"),
    ("all_retired", "retires every key version"),
    ("no_digest_secret", "lacks digest"),
]


def _break(path: Path, how: str) -> Path:
    if how == "missing":
        path.unlink()
    elif how.startswith("mode_"):
        os.chmod(path, int(how[5:], 8))
    elif how == "a_directory":
        path.unlink()
        path.mkdir(mode=0o700)
    elif how == "not_json":
        path.write_text("{not json")
    elif how == "short_kek":
        _edit(path, lambda b: b["keks"].update({"1": base64.b64encode(b"short").decode()}))
    elif how == "no_keks":
        _edit(path, lambda b: b.update(keks={}))
    elif how == "all_retired":
        _edit(path, lambda b: b.update(min_kek_version=5))
    elif how == "no_digest_secret":
        _edit(path, lambda b: b["secrets"].pop("digest"))
    return path


@pytest.mark.parametrize(("how", "message"), BROKEN)
def test_broken_keyring_is_a_clear_error(tmp_path: Path, how: str, message: str) -> None:
    path = _break(_ring(tmp_path).path, how)  # type: ignore[arg-type]
    with pytest.raises(KeyringError, match=message):
        Keyring.load(path)


@pytest.mark.parametrize(("how", "message"), [b for b in BROKEN if b[0] in ("missing", "mode_644", "not_json")])
def test_cli_reports_a_broken_keyring_in_one_line(tmp_path: Path, how: str, message: str) -> None:
    from riskguard.cli import main

    path = _break(_ring(tmp_path).path, how)  # type: ignore[arg-type]
    env = {"RISKGUARD_KEYRING": str(path), "RISKGUARD_DATA_DIR": str(tmp_path), "RISKGUARD_MASTER_KEY": ""}
    result = CliRunner().invoke(main, ["keys", "status"], env=env)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_app_refuses_to_start_with_a_wrongly_permissioned_keyring(tmp_path: Path) -> None:
    from riskguard import create_app

    ring = _ring(tmp_path)
    os.chmod(ring.path, 0o644)  # type: ignore[arg-type]
    with pytest.raises(KeyringError, match="chmod 600"):
        create_app({"data_dir": tmp_path, "keyring_path": ring.path, "master_key": None})


def test_keyring_is_a_key_provider(tmp_path: Path) -> None:
    ring = _ring(tmp_path)
    assert isinstance(ring, KeyProvider)
    wrapped = ring.wrap_key(1, b"k" * 32, b"aad")
    assert ring.unwrap_key(1, wrapped, b"aad") == b"k" * 32
    with pytest.raises(KeyringError, match="failed authentication"):
        ring.unwrap_key(1, wrapped, b"other aad")
    with pytest.raises(KeyringError, match="unknown key version 2"):
        ring.unwrap_key(2, wrapped, b"aad")


def test_rotate_retire_destroy_persist(tmp_path: Path) -> None:
    ring = _ring(tmp_path)
    assert ring.rotate() == 2 and ring.rotate() == 3
    assert ring.retire(2, destroy=True) == [1]
    loaded = Keyring.load(ring.path)  # type: ignore[arg-type]
    assert (loaded.current_kek_version, loaded.min_kek_version, sorted(loaded.keks)) == (3, 2, [2, 3])
    assert loaded.kek(3) == ring.kek(3)
    with pytest.raises(KeyringError, match="retired"):
        loaded.kek(1)
    with pytest.raises(KeyringError, match="current key version"):
        loaded.retire(4)
    with pytest.raises(KeyringError, match="already retired"):
        loaded.retire(1)


def test_refresh_sees_another_process_rotate(tmp_path: Path) -> None:
    ring = _ring(tmp_path)
    other = Keyring.load(ring.path)  # type: ignore[arg-type]
    os.utime(ring.path, ns=(1, 1))  # type: ignore[arg-type] # make the mtime change observable
    other.meta["_mtime_ns"] = 1
    ring.rotate()
    other.refresh()
    assert other.current_kek_version == 2 and other.kek(2) == ring.kek(2)


def test_master_key_derives_every_version() -> None:
    master = base64.b64encode(b"q" * 32).decode()
    a = Keyring.from_master_key(master)
    assert a.derived and a.rotate() == 2
    b = Keyring.from_master_key(master, kek_versions=2)
    assert a.kek(2) == b.kek(2) and a.kek(1) != a.kek(2)
    b.use_versions(current=3, minimum=2)
    assert sorted(b.keks) == [2, 3] and b.min_kek_version == 2
    with pytest.raises(KeyringError, match="file keyring"):
        Keyring.generate().use_versions(2, 1)
