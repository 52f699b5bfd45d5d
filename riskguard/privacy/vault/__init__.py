"""The privacy vault: field encryption with per-subject keys, blind indexes, reveal and erasure.

Public API (stable; see docs/vault.md)::

    from riskguard.privacy.vault import (
        Encrypted, VaultRecord,                 # models: column type + mixin
        ERASED, is_erased,                      # what erased fields read as
        new_subject_id, erase_subject, subject_status,
        blind_index, find_candidates, find_records,
        register_record_type,                   # make a model revealable via the API
        VaultError, CiphertextError, KeyUnavailable, SubjectErased, PlaintextRefused,
    )

    class MerchantApplication(VaultRecord, Base):
        __tablename__ = "merchant_applications"
        __vault_subject__ = "legal_rep_subject_id"
        __vault_record_type__ = "merchant_application"
        __vault_blind_indexes__ = {"legal_rep_id_number": "id_number", "legal_rep_phone": "phone",
                                   "bank_account": "bank_account"}
        id: Mapped[str] = mapped_column(String(40), primary_key=True)          # set before flush
        legal_rep_subject_id: Mapped[str] = mapped_column(String(128), index=True)
        legal_rep_id_number: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...config import Settings
from ...keyring import KeyProvider
from . import models as _models  # noqa: F401 - registers the vault tables on Base.metadata
from .column import Encrypted, VaultRecord
from .errors import CiphertextError, KeyUnavailable, PlaintextRefused, SubjectErased, VaultError
from .registry import RecordType, get_record_type, register_record_type
from .service import ERASED, SESSION_KEY, Erased, Vault, bind_vault, current_vault, is_erased
from .subjects import (
    Erasure,
    IndexHit,
    blind_index,
    erase_subject,
    find_candidates,
    find_records,
    new_subject_id,
    subject_status,
)

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "Encrypted", "VaultRecord", "ERASED", "Erased", "is_erased",
    "new_subject_id", "erase_subject", "subject_status", "Erasure",
    "blind_index", "find_candidates", "find_records", "IndexHit",
    "RecordType", "register_record_type", "get_record_type",
    "Vault", "current_vault", "bind_vault", "SESSION_KEY", "build_vault",
    "VaultError", "CiphertextError", "KeyUnavailable", "SubjectErased", "PlaintextRefused",
    "init_app",
]


def build_vault(settings: Settings, keyring: KeyProvider) -> Vault:
    """The vault for these settings and keyring (the app factory's, or the CLI's)."""
    from .policy import load_policy

    policy = load_policy(settings.policies_dir / "privacy.yaml")
    return Vault(keyring, policy, blind_secret=keyring.secret("blind_index"))  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Register the reveal/erase API (the vault itself is built by :mod:`riskguard.services`)."""
    from ...http import register_blueprint
    from .views import blueprint

    register_blueprint(app, blueprint)
