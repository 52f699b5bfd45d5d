"""Private files: the data directory is 0700, the SQLite database (with its -wal, -shm and -journal
files) and the keyring 0600, whatever the umask.

The database and keyring hold every personal field's ciphertext, blind indexes, API-key hashes and the
keys that open them; other local users have no reason to list or read them. Files are created with the
mode (``os.open(..., 0o600)``; SQLite gives its -wal and -shm files the database file's mode) and
existing ones lose group and other access when the service opens them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import structlog

__all__ = ["private_dir", "private_file", "private_sqlite"]

log = structlog.get_logger("riskguard.files")
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _tighten(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            os.chmod(path, mode & ~0o077)
        except OSError as exc:  # e.g. not the owner: say so, the service can still run
            log.warning("files.not_private", path=str(path), mode=oct(mode), error_type=type(exc).__name__)


def private_dir(path: Path, *, tighten: bool = True) -> None:
    """Create ``path`` (and missing parents) with mode 0700; with ``tighten`` an existing directory
    loses group and other access too."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    elif tighten:
        _tighten(path)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it is missing; otherwise drop group and other access."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    _tighten(path)


def private_sqlite(path: Path) -> None:
    """The database file 0600 before SQLite opens it (an empty file is a new database), and any -wal,
    -shm or -journal file left from an earlier run 0600 too; its directory is created 0700."""
    private_dir(path.parent, tighten=False)  # a directory the deployment chose is left as it is
    private_file(path)
    for suffix in _SQLITE_COMPANIONS:
        try:
            _tighten(path.with_name(path.name + suffix))
        except FileNotFoundError:  # none, or SQLite removed it just now as another connection closed
            continue
