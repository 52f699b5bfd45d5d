"""Redaction with presidio-anonymizer operators: replace with the type tag, mask, keyed hash.

``replace``  → ``<CN_MOBILE>``
``mask``     → every character but the last ``keep_last`` (default 4) becomes ``masking_char``; on a
               LOCATION (an address) the province and city at most stay (``address_keep``, from
               policies/privacy.yaml) and everything after them is masked, never the end
``hash``     → ``<CN_MOBILE:3f9a…>``: HMAC-SHA256 under a key derived from the keyring's digest secret,
               so one value always maps to one token (records stay joinable) and nobody without the
               keyring can test a guess. The type is not part of the input, so the same number found as
               CN_MOBILE or QQ_NUMBER gets the same token.
``encrypt``  → ``<ENC:v1:CN_MOBILE:…>``: sealed by the vault (AES-256-GCM under a data subject's key,
               entity type and purpose bound as associated data), reversible by a privacy officer through
               ``POST /v1/pii/decrypt``, unreadable once the subject is erased. See :mod:`.tokens`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as AnonymizerResult

__all__ = ["OPERATORS", "DEFAULT_OPERATOR", "Encryptor", "RedactedItem", "Redactor", "token_key",
           "uses_encrypt"]

OPERATORS = ("replace", "mask", "hash", "encrypt")
DEFAULT_OPERATOR: Mapping[str, Any] = {"type": "replace"}
_TOKEN_HEX = 16
# (entity type, value, subject id or None, purpose or None) -> token; see tokens.TokenSealer
Encryptor = Callable[[str, str, "str | None", "str | None"], str]


def uses_encrypt(operators: Mapping[str, Mapping[str, Any]] | None) -> bool:
    return any(spec.get("type") == "encrypt" for spec in (operators or {}).values())


def token_key(digest_secret: bytes) -> bytes:
    """The hash operator's own key, separate from the audit digests' key."""
    return hmac.new(digest_secret, b"riskguard/pii/redaction-token/v1", hashlib.sha256).digest()


@dataclass(frozen=True)
class RedactedItem:
    type: str
    start: int  # offsets in the redacted text
    end: int
    operator: str


def _mask(keep_last: int, char: str) -> Callable[[str], str]:
    def mask(value: str) -> str:
        keep = min(keep_last, len(value) // 2) if len(value) <= keep_last * 2 else keep_last
        return char * (len(value) - keep) + (value[len(value) - keep:] if keep else "")

    return mask


def _mask_address(keep: str, char: str) -> Callable[[str], str]:
    def mask(value: str) -> str:
        from .divisions import divisions

        head = divisions().head_length(value, keep)
        return value[:head] + char * (len(value) - head)

    return mask


class Redactor:
    def __init__(self, digest_secret: bytes, *, address_keep: str = "city") -> None:
        self._key = token_key(digest_secret)
        self._engine = AnonymizerEngine()
        self.address_keep = address_keep

    def token(self, entity_type: str, value: str) -> str:
        mac = hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:_TOKEN_HEX]
        return f"<{entity_type}:{mac}>"

    def _config(self, entity_type: str, spec: Mapping[str, Any], encryptor: Encryptor | None) -> OperatorConfig:
        kind = spec.get("type", "replace")
        if kind == "replace":
            return OperatorConfig("replace", {"new_value": f"<{entity_type}>"})
        if kind == "mask" and entity_type == "LOCATION":
            fn = _mask_address(self.address_keep, str(spec.get("masking_char", "*")))
            return OperatorConfig("custom", {"lambda": fn})
        if kind == "mask":
            fn = _mask(int(spec.get("keep_last", 4)), str(spec.get("masking_char", "*")))
            return OperatorConfig("custom", {"lambda": fn})
        if kind == "hash":
            return OperatorConfig("custom", {"lambda": lambda value: self.token(entity_type, value)})
        if kind == "encrypt":
            if encryptor is None:
                raise ValueError("the encrypt operator needs the vault (an encryptor)")
            subject, purpose = spec.get("subject_id"), spec.get("purpose")
            return OperatorConfig("custom", {"lambda": lambda value: encryptor(entity_type, value, subject,
                                                                                purpose)})
        raise ValueError(f"unknown operator {kind!r}")

    def redact(self, text: str, spans: list[tuple[str, int, int, float]],
               operators: Mapping[str, Mapping[str, Any]] | None = None,
               encryptor: Encryptor | None = None) -> tuple[str, list[RedactedItem]]:
        """``spans`` are (type, start, end, score) over ``text``, already free of overlaps."""
        if not spans:
            return text, []
        operators = operators or {}
        default = operators.get("DEFAULT", DEFAULT_OPERATOR)
        configs = {t: self._config(t, operators.get(t, default), encryptor) for t in {s[0] for s in spans}}
        kinds = {t: operators.get(t, default).get("type", "replace") for t in configs}
        results = [AnonymizerResult(entity_type=t, start=s, end=e, score=sc) for t, s, e, sc in spans]
        out = self._engine.anonymize(text=text, analyzer_results=results, operators=configs)
        items = sorted((RedactedItem(type=i.entity_type, start=i.start, end=i.end, operator=kinds[i.entity_type])
                        for i in out.items), key=lambda i: i.start)
        return out.text, items
