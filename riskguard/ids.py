"""Identifiers and digests shared by every domain."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

__all__ = ["new_id", "utcnow", "keyed_digest", "sha256_hex"]


_DIGIT_RUN = re.compile(r"[0-9]{7}")


def new_id(prefix: str) -> str:
    """A random id (128 bits, 32 hex digits) with a type prefix, e.g. ``dec_3f2a...``. It never holds seven
    decimal digits in a row, so no id of ours reads as a mobile, resident ID or card number (1 in 800 did,
    and the audit trail's personal-data guard then stored the id as a digest)."""
    while True:
        token = secrets.token_hex(16)
        if not _DIGIT_RUN.search(token):
            return f"{prefix}_{token}"


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
