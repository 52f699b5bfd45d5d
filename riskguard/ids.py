"""Identifiers and digests shared by every domain."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

__all__ = ["new_id", "utcnow", "keyed_digest", "sha256_hex"]


def new_id(prefix: str) -> str:
    """A random id (128 bits, 32 hex digits) with a type prefix, e.g. ``dec_3f2a...``."""
    return f"{prefix}_{secrets.token_hex(16)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def keyed_digest(key: bytes, data: bytes | str) -> str:
    """HMAC-SHA256 of ``data``: lets auditors match a known input without the log holding it."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return "hmac-sha256:" + hmac.new(key, data, hashlib.sha256).hexdigest()
