"""Vault errors: each names what failed and never carries plaintext or key material.

They are :class:`~riskguard.errors.ApiError` subclasses so that a view touching a damaged record answers
with a stable JSON error code (and no trace), whichever domain's view it is.
"""

from __future__ import annotations

from ...errors import ApiError

__all__ = ["VaultError", "CiphertextError", "KeyUnavailable", "SubjectErased", "PlaintextRefused"]


class VaultError(ApiError):
    """Base class for vault failures."""

    status, code = 500, "vault_error"


class CiphertextError(VaultError):
    """A ciphertext is tampered with, copied to another row/column, truncated or of an unknown format."""

    status, code = 500, "ciphertext_rejected"


class KeyUnavailable(VaultError):
    """A key-encryption key is unknown or retired, or the key provider cannot be reached."""

    status, code = 503, "key_unavailable"


class SubjectErased(VaultError):
    """A write for a data subject whose data key was destroyed (crypto-shredded)."""

    status, code = 409, "subject_erased"


class PlaintextRefused(VaultError):
    """Plaintext reached an encrypted column outside the vault's flush hooks; nothing was written."""

    status, code = 500, "plaintext_refused"
