"""Blind indexes: equality search on encrypted fields without decrypting them.

``HMAC-SHA256(K_field, normalise(value))`` truncated to the policy's bit length, where
``K_field = HKDF-SHA256(keyring.secret("blind_index"), info="riskguard-bi/1:" + field)``: a key per
field, so equal values in different fields do not share an index.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .policy import BlindIndexSpec

__all__ = ["normalise", "field_key", "compute", "NORMALISE"]

_SPACE = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D")


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def _resident_id(value: str) -> str:
    return re.sub(r"[\s\-]", "", _nfkc(value)).upper()


def _mobile(value: str) -> str:
    digits = _NON_DIGIT.sub("", _nfkc(value))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


NORMALISE: dict[str, Callable[[str], str]] = {
    "cn_resident_id": _resident_id,
    "cn_mobile": _mobile,
    "digits": lambda v: _NON_DIGIT.sub("", _nfkc(v)),
    "casefold": lambda v: _SPACE.sub(" ", _nfkc(v)).casefold(),
    "text": lambda v: _SPACE.sub(" ", _nfkc(v)),
}


def normalise(spec: BlindIndexSpec, value: str) -> str:
    return NORMALISE[spec.normalise](value)


def field_key(secret: bytes, field: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"riskguard-blind-index",
                info=f"riskguard-bi/1:{field}".encode()).derive(secret)


def compute(key: bytes, spec: BlindIndexSpec, value: str) -> str:
    """The stored index value: the first ``spec.bits`` bits of the HMAC, as fixed-width hex."""
    digest = hmac.digest(key, NORMALISE[spec.normalise](value).encode("utf-8"), "sha256")
    bits = spec.bits
    number = int.from_bytes(digest[:4], "big") >> (32 - bits)
    return format(number, f"0{(bits + 3) // 4}x")
