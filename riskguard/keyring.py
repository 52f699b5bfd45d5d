"""The keyring: named secrets, versioned key-encryption keys and the audit signing key.

Development uses a JSON file (``var/keyring.json``, mode 0600, outside the repository) created by
``riskguard init``; production can instead give a master key in ``RISKGUARD_MASTER_KEY`` from which
every secret is derived with HKDF. Nothing here is a home-made primitive: secrets are random bytes from
``os.urandom`` or HKDF-SHA256 outputs.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["Keyring", "KeyringError"]

SECRET_NAMES = ("digest", "blind_index", "session", "audit_signing")


class KeyringError(Exception):
    """The keyring is missing, unreadable, malformed or too widely readable."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _hkdf(master: bytes, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"riskguard-keyring-v1",
                info=info.encode()).derive(master)


@dataclass
class Keyring:
    """Secrets by name, and KEK versions (``{version: key}``) with the newest used for wrapping."""

    secrets: dict[str, bytes]
    keks: dict[int, bytes]
    min_kek_version: int = 1
    path: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def generate(cls, path: Path | None = None) -> Keyring:
        secrets = {name: os.urandom(32) for name in SECRET_NAMES}
        return cls(secrets=secrets, keks={1: os.urandom(32)}, path=path)

    @classmethod
    def from_master_key(cls, master_b64: str, kek_versions: int = 1) -> Keyring:
        try:
            master = _unb64(master_b64)
        except ValueError as exc:
            raise KeyringError("RISKGUARD_MASTER_KEY is not valid base64") from exc
        if len(master) < 32:
            raise KeyringError("RISKGUARD_MASTER_KEY must hold at least 32 bytes")
        secrets = {name: _hkdf(master, f"secret:{name}") for name in SECRET_NAMES}
        keks = {v: _hkdf(master, f"kek:{v}") for v in range(1, kek_versions + 1)}
        return cls(secrets=secrets, keks=keks)

    @classmethod
    def load(cls, path: Path) -> Keyring:
        if not path.exists():
            raise KeyringError(f"keyring not found: {path} (run `riskguard init`)")
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyringError(f"keyring {path} has mode {mode:o}; it must be 600 (chmod 600 {path})")
        try:
            raw = json.loads(path.read_text("utf-8"))
            secrets = {k: _unb64(v) for k, v in raw["secrets"].items()}
            keks = {int(k): _unb64(v) for k, v in raw["keks"].items()}
            min_version = int(raw.get("min_kek_version", 1))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise KeyringError(f"keyring {path} is unreadable or malformed") from exc
        missing = [n for n in SECRET_NAMES if n not in secrets]
        if missing or not keks:
            raise KeyringError(f"keyring {path} lacks {', '.join(missing) or 'key-encryption keys'}")
        return cls(secrets=secrets, keks=keks, min_kek_version=min_version, path=path,
                   meta={k: v for k, v in raw.items() if k not in ("secrets", "keks", "min_kek_version")})

    @classmethod
    def load_or_create(cls, path: Path) -> Keyring:
        if path.exists():
            return cls.load(path)
        ring = cls.generate(path)
        ring.save()
        return ring

    def save(self) -> None:
        if self.path is None:
            raise KeyringError("this keyring is derived from a master key and has no file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "format": "riskguard-keyring/1",
            **self.meta,
            "secrets": {k: _b64(v) for k, v in self.secrets.items()},
            "keks": {str(k): _b64(v) for k, v in sorted(self.keks.items())},
            "min_kek_version": self.min_kek_version,
        }
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    # -- access -------------------------------------------------------------------------------
    def secret(self, name: str) -> bytes:
        try:
            return self.secrets[name]
        except KeyError as exc:
            raise KeyringError(f"keyring has no secret {name!r}") from exc

    @property
    def current_kek_version(self) -> int:
        return max(self.keks)

    def kek(self, version: int) -> bytes:
        if version < self.min_kek_version:
            raise KeyringError(f"key version {version} is retired (minimum {self.min_kek_version})")
        try:
            return self.keks[version]
        except KeyError as exc:
            raise KeyringError(f"unknown key version {version}") from exc

    def signing_key(self) -> Ed25519PrivateKey:
        """The audit checkpoint signing key (Ed25519), derived from its 32-byte seed."""
        return Ed25519PrivateKey.from_private_bytes(self.secret("audit_signing"))
