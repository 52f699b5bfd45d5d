"""Identifiers and digests shared by every domain."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime

__all__ = ["new_id", "utcnow", "keyed_digest", "sha256_hex"]


def new_id(prefix: str) -> str:
    """A sortable-enough random id with a type prefix, e.g. ``dec_3f2a...``."""
    return f"{prefix}_{uuid.uuid4().hex}"


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
