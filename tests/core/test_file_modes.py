"""The data directory is 0700; the SQLite database, its -wal and -shm files and the keyring are 0600,
under a permissive umask (022) too, and an older data directory with looser modes is tightened when the
service opens it. SQLite only: PostgreSQL keeps no files here."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskguard.auth import create_key
from riskguard.cli import main
from riskguard.config import Settings
from riskguard.keyring import Keyring
from riskguard.services import build_services


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _settings(data: Path) -> Settings:
    return Settings.from_env(data_dir=data, database_url="", keyring_path=data / "keyring.json",
                             master_key=None, log_level="WARNING")


def _modes_while_open(data: Path) -> dict[str, int]:
    """Open the service's database, write (so the -wal and -shm files exist) and read every mode."""
    services = build_services(_settings(data))
    try:
        with services.db.transaction() as session:
            create_key(session, role="auditor", name="modes")
        names = ["riskguard.db", "riskguard.db-wal", "riskguard.db-shm", "keyring.json"]
        return {"data dir": _mode(data), **{name: _mode(data / name) for name in names}}
    finally:
        services.db.dispose()


PRIVATE = {"data dir": 0o700, "riskguard.db": 0o600, "riskguard.db-wal": 0o600, "riskguard.db-shm": 0o600,
           "keyring.json": 0o600}


def test_init_creates_private_files(tmp_path: Path, permissive_umask: None,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "var"
    for name in ("DATABASE_URL", "KEYRING", "MASTER_KEY"):
        monkeypatch.delenv(f"RISKGUARD_{name}", raising=False)
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(data))
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert _modes_while_open(data) == PRIVATE


def test_an_older_loose_data_dir_is_tightened(tmp_path: Path, permissive_umask: None) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    sqlite3.connect(data / "riskguard.db").close()  # 0644 under umask 022, as SQLite made it before
    (data / "riskguard.db-wal").touch(mode=0o644)
    Keyring.generate(data / "keyring.json").save()
    assert (_mode(data), _mode(data / "riskguard.db"), _mode(data / "riskguard.db-wal")) == (0o755, 0o644, 0o644)
    from riskguard import migrate

    services = build_services(_settings(data))
    migrate.upgrade(services.db)
    services.db.dispose()
    assert _modes_while_open(data) == PRIVATE
