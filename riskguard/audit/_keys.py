"""The keys of one audit log, held by its :class:`~riskguard.audit.service.AuditLog`.

The MAC and seal keys are derived from the keyring's ``audit_signing`` secret with HMAC-SHA256 under
fixed labels, so the database never holds anything that lets it forge an entry or re-seal a leaf.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ..keyring import Keyring

__all__ = ["LogKeys"]


@dataclass(frozen=True)
class LogKeys:
    mac_key: bytes
    seal_key: bytes
    signing_key: Ed25519PrivateKey
    origin: str

    @classmethod
    def from_keyring(cls, keyring: Keyring, origin: str) -> LogKeys:
        seed = keyring.secret("audit_signing")
        return cls(mac_key=hmac.digest(seed, b"riskguard/audit/entry-mac/v1", "sha256"),
                   seal_key=hmac.digest(seed, b"riskguard/audit/leaf-seal/v1", "sha256"),
                   signing_key=keyring.signing_key(), origin=origin)

    @property
    def public_key(self) -> bytes:
        return self.signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
