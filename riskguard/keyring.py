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
from typing import Any, Protocol, runtime_checkable

import click
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .files import private_dir

__all__ = ["Keyring", "KeyringError", "KeyProvider"]

SECRET_NAMES = ("digest", "blind_index", "session", "audit_signing")


class KeyringError(click.ClickException):
    """The keyring is missing, unreadable, malformed or too widely readable, or a key is unknown/retired.

    A ``ClickException`` so that every CLI command reports it as one clear line, without a trace.
    """


@runtime_checkable
class KeyProvider(Protocol):
    """Wraps and unwraps data keys under versioned key-encryption keys (KEKs).

    :class:`Keyring` is the local implementation (file or master key). A KMS or Vault-transit provider
    implements the same five members and never hands KEK material to the process.
    """

    @property
    def current_kek_version(self) -> int: ...

    @property
    def retired_below(self) -> int: ...

    def wrap_key(self, version: int, data_key: bytes, aad: bytes) -> bytes: ...

    def unwrap_key(self, version: int, wrapped: bytes, aad: bytes) -> bytes: ...

    def refresh(self) -> None: ...


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
        return cls(secrets=secrets, keks=keks, meta={"_master": master})

    def use_versions(self, current: int, minimum: int) -> None:
        """Master-key mode: adopt the KEK version range recorded in the database (see the vault).

        Derived keys need no storage; only which versions exist and which are retired is state.
        """
        master = self.meta.get("_master")
        if master is None:
            raise KeyringError("only a master-key keyring derives versions; a file keyring stores them")
        self.keks = {v: _hkdf(master, f"kek:{v}") for v in range(max(1, minimum), current + 1)}
        self.min_kek_version = max(1, minimum)

    @property
    def derived(self) -> bool:
        """True for a keyring derived from ``RISKGUARD_MASTER_KEY`` (nothing on disk)."""
        return "_master" in self.meta

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
        if any(len(key) != 32 for key in (*keks.values(), *secrets.values())):
            raise KeyringError(f"keyring {path} holds a key that is not 32 bytes")
        meta = {k: v for k, v in raw.items() if k not in ("secrets", "keks", "min_kek_version")}
        if min_version > max(keks) or not any(v >= min_version for v in keks):
            raise KeyringError(f"keyring {path} retires every key version (minimum {min_version})")
        meta["_mtime_ns"] = path.stat().st_mtime_ns
        return cls(secrets=secrets, keks=keks, min_kek_version=min_version, path=path, meta=meta)

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
        private_dir(self.path.parent, tighten=False)
        body = {
            "format": "riskguard-keyring/1",
            **{k: v for k, v in self.meta.items() if not k.startswith("_")},
            "secrets": {k: _b64(v) for k, v in self.secrets.items()},
            "keks": {str(k): _b64(v) for k, v in sorted(self.keks.items())},
            "min_kek_version": self.min_kek_version,
        }
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")  # two writers never share one
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)
        self.meta["_mtime_ns"] = self.path.stat().st_mtime_ns

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

    # -- KeyProvider ---------------------------------------------------------------------------
    @property
    def retired_below(self) -> int:
        return self.min_kek_version

    def wrap_key(self, version: int, data_key: bytes, aad: bytes) -> bytes:
        """``nonce | AES-256-GCM(KEK_version, data_key, aad)``."""
        nonce = os.urandom(12)
        return nonce + AESGCM(self.kek(version)).encrypt(nonce, data_key, aad)

    def unwrap_key(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        wrapped = bytes(wrapped)
        try:
            return AESGCM(self.kek(version)).decrypt(wrapped[:12], wrapped[12:], aad)
        except InvalidTag:
            raise KeyringError(f"wrapped key failed authentication under key version {version}") from None

    def refresh(self) -> None:
        """Reload a file keyring changed on disk by ``riskguard keys rotate/retire`` in another process."""
        if self.path is None or not self.path.exists():
            return
        mtime = self.path.stat().st_mtime_ns
        if mtime == self.meta.get("_mtime_ns"):
            return
        fresh = Keyring.load(self.path)
        self.secrets, self.keks, self.min_kek_version = fresh.secrets, fresh.keks, fresh.min_kek_version
        self.meta = fresh.meta

    # -- rotation and retirement ----------------------------------------------------------------
    def rotate(self) -> int:
        """Add a KEK version (random for a file keyring, HKDF-derived for a master key); returns it."""
        version = self.current_kek_version + 1
        master = self.meta.get("_master")
        self.keks[version] = _hkdf(master, f"kek:{version}") if master else os.urandom(32)
        if self.path is not None:
            self.save()
        return version

    def retire(self, min_version: int, *, destroy: bool = False) -> list[int]:
        """Refuse decryption under versions below ``min_version``; ``destroy`` also deletes them.

        Returns the versions destroyed. The newest version can never be retired.
        """
        if min_version > self.current_kek_version:
            raise KeyringError(f"cannot retire the current key version {self.current_kek_version}")
        if min_version < self.min_kek_version:
            raise KeyringError(f"versions below {self.min_kek_version} are already retired")
        self.min_kek_version = min_version
        destroyed = []
        if destroy:
            destroyed = sorted(v for v in self.keks if v < min_version)
            for version in destroyed:
                del self.keks[version]
        if self.path is not None:
            self.save()
        return destroyed

    def signing_key(self) -> Ed25519PrivateKey:
        """The audit checkpoint signing key (Ed25519), derived from its 32-byte seed."""
        return Ed25519PrivateKey.from_private_bytes(self.secret("audit_signing"))
