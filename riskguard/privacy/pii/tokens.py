"""The ``encrypt`` redaction operator's tokens: values sealed by the vault under a data subject's key.

A token is self-describing and opaque::

    <ENC:v1:CN_MOBILE:base64url( len|subject id, len|purpose, vault field ciphertext )>

The ciphertext is the vault's own (AES-256-GCM under the subject's data key, see vault/crypto.py), sealed
for ``where = ("pii_token", entity type, purpose)``: the vault's associated data binds the entity type and
the purpose, so a token whose visible type, purpose or subject was changed fails authentication. Tokens of
an erased (crypto-shredded) subject decrypt to :data:`~riskguard.privacy.vault.ERASED`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from sqlalchemy import Connection

from ..vault import CiphertextError, Vault, is_erased

__all__ = ["DEFAULT_PURPOSE", "DEFAULT_SUBJECT", "TOKEN_RE", "TokenError", "Token", "TokenSealer",
           "parse_token", "open_token"]

DEFAULT_SUBJECT = "pii-redaction"
DEFAULT_PURPOSE = "redaction"
TOKEN_TABLE = "pii_token"
TOKEN_RE = re.compile(r"<ENC:v1:([A-Z][A-Z0-9_]{0,39}):([A-Za-z0-9_-]{20,8000})>")
_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class TokenError(ValueError):
    """A token that is malformed, tampered with, or not decryptable under its subject's key."""


@dataclass(frozen=True)
class Token:
    entity_type: str
    subject_id: str
    purpose: str
    blob: bytes

    @property
    def where(self) -> tuple[str, str, str]:
        return (TOKEN_TABLE, self.entity_type, self.purpose)


def _pack(*parts: bytes) -> bytes:
    return b"".join(len(p).to_bytes(2, "big") + p for p in parts)


def _unpack(data: bytes, count: int) -> list[bytes]:
    out, pos = [], 0
    for _ in range(count - 1):
        if pos + 2 > len(data):
            raise TokenError("token is truncated")
        size = int.from_bytes(data[pos:pos + 2], "big")
        out.append(data[pos + 2:pos + 2 + size])
        pos += 2 + size
        if pos > len(data):
            raise TokenError("token is truncated")
    out.append(data[pos:])
    return out


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parse_token(token: str) -> Token:
    match = TOKEN_RE.fullmatch(token.strip())
    if match is None:
        raise TokenError("not an encrypt-operator token")
    payload = match.group(2)
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise TokenError("token payload is not base64url") from None
    subject, purpose, blob = _unpack(raw, 3)
    try:
        subject_id, purpose_text = subject.decode("utf-8"), purpose.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenError("token header is not UTF-8") from None
    if not _NAME.match(subject_id) or not _NAME.match(purpose_text):
        raise TokenError("token header is malformed")
    return Token(match.group(1), subject_id, purpose_text, blob)


class TokenSealer:
    """Seals values inside the caller's transaction (a new subject key commits with the caller's work)."""

    def __init__(self, vault: Vault, conn: Connection) -> None:
        self._vault = vault
        self._conn = conn

    def __call__(self, entity_type: str, value: str, subject_id: str | None, purpose: str | None) -> str:
        token = Token(entity_type, subject_id or DEFAULT_SUBJECT, purpose or DEFAULT_PURPOSE, b"")
        blob = self._vault.encrypt(self._conn, token.subject_id, token.where, value)
        payload = _pack(token.subject_id.encode("utf-8"), token.purpose.encode("utf-8")) + bytes(blob)
        return f"<ENC:v1:{entity_type}:{_b64(payload)}>"


def open_token(vault: Vault, conn: Connection, token: Token) -> str | None:
    """The value, or None when the subject was erased; :class:`TokenError` when it does not authenticate."""
    try:
        value = vault.decrypt(conn, token.subject_id, token.where, token.blob)
    except CiphertextError:
        raise TokenError("token failed authentication") from None
    return None if is_erased(value) else value
