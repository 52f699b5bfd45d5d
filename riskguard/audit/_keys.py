"""Which keys the log of a given database uses, found without a Flask app if need be.

The app factory binds its engine to its keyring (``bind``). Code outside an app (the CLI's ``keys
create``, worker scripts) falls back to the keyring named by the environment, as the CLI does.
The MAC and seal keys are derived from the keyring's ``audit_signing`` secret with HMAC-SHA256 under
fixed labels, so the database never holds anything that lets it forge an entry or re-seal a leaf.
"""

from __future__ import annotations

import hmac
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Engine

from ..keyring import Keyring

__all__ = ["LogKeys", "bind", "keys_for", "engine_of"]


@dataclass(frozen=True)
class LogKeys:
    mac_key: bytes
    seal_key: bytes
    signing_key: Ed25519PrivateKey
    origin: str
    checkpoint_interval: float = 60.0
    # Who integrates committed entries: "thread", a background thread of this process woken by its
    # commits; "request", each request after its response; "process", a sequencer process of its own
    # (``riskguard audit sequencer``), so this process does nothing after a commit.
    sequencer: str = "thread"

    @classmethod
    def from_keyring(cls, keyring: Keyring, origin: str, **options: Any) -> LogKeys:
        seed = keyring.secret("audit_signing")
        return cls(mac_key=hmac.digest(seed, b"riskguard/audit/entry-mac/v1", "sha256"),
                   seal_key=hmac.digest(seed, b"riskguard/audit/leaf-seal/v1", "sha256"),
                   signing_key=keyring.signing_key(), origin=origin, **options)

    @property
    def public_key(self) -> bytes:
        return self.signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


_bound: weakref.WeakKeyDictionary[Engine, LogKeys] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_from_env: dict[str, LogKeys] = {}


def engine_of(bind: Any) -> Engine:
    return bind if isinstance(bind, Engine) else bind.engine


def bind(engine: Engine, keys: LogKeys) -> None:
    with _lock:
        _bound[engine] = keys


def keys_for(engine: Engine) -> LogKeys:
    keys = _bound.get(engine)
    if keys is not None:
        return keys
    from flask import has_app_context

    if has_app_context():
        from ..http import services

        return services().audit.keys
    from ..config import Settings

    settings = Settings.from_env()
    cache_key = f"{settings.master_key is not None}:{settings.keyring_path}:{settings.audit_origin}"
    with _lock:
        if cache_key not in _from_env:
            ring = (Keyring.from_master_key(settings.master_key) if settings.master_key
                    else Keyring.load(settings.keyring_path))
            _from_env[cache_key] = LogKeys.from_keyring(ring, settings.audit_origin)
        keys = _from_env[cache_key]
        _bound[engine] = keys
    return keys
