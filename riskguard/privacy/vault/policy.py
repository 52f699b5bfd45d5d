"""``policies/privacy.yaml``: which fields hold personal data, how they are protected and kept.

The file is data; this module only loads and checks it. A broken file stops start-up with an error that
names the file and the entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...policyfile import read_policy_file

__all__ = ["PrivacyPolicy", "FieldPolicy", "BlindIndexSpec", "PolicyError", "load_policy", "index_bits",
           "CLASSES", "MASKS", "NORMALISERS", "ADDRESS_KEEP"]

CLASSES = ("personal", "sensitive_personal", "financial")
MASKS = ("full", "keep_last_4", "phone", "id_number", "keep_first_1", "address")
NORMALISERS = ("cn_resident_id", "cn_mobile", "digits", "casefold", "text")
ADDRESS_KEEP = ("none", "province", "city")


class PolicyError(ValueError):
    """``policies/privacy.yaml`` is missing or does not follow the format in docs/vault.md."""


def index_bits(expected_rows: int) -> int:
    """Blind-index length in bits, chosen as CipherSweet does from the expected row count.

    Truncation makes every value share its index with about ``rows / 2**bits`` others, so a stolen table
    of indexes cannot confirm a guessed value outright; keeping at least two such coincidences means
    ``bits <= log2(rows) - 1``. Lookups then return a few candidates, which the vault confirms by
    decrypting. Clamped to 8..32 bits.
    """
    if expected_rows < 2:
        return 8
    return max(8, min(32, math.floor(math.log2(expected_rows) - 1)))


@dataclass(frozen=True)
class BlindIndexSpec:
    name: str
    normalise: str
    expected_rows: int

    @property
    def bits(self) -> int:
        return index_bits(self.expected_rows)


@dataclass(frozen=True)
class FieldPolicy:
    table: str
    column: str
    classification: str
    encrypted: bool
    blind_index: str | None
    mask: str
    retention_days: int | None
    retention_anchor: str


@dataclass(frozen=True)
class PrivacyPolicy:
    revision: str
    reveal_reasons: frozenset[str]
    blind_indexes: dict[str, BlindIndexSpec]
    fields: dict[tuple[str, str], FieldPolicy]
    address_keep: str = "city"  # what a masked address keeps: none, province, or province and city

    def field(self, table: str, column: str) -> FieldPolicy | None:
        return self.fields.get((table, column))


def _need(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = entry.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise PolicyError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def load_policy(path: Path) -> PrivacyPolicy:
    raw = read_policy_file(path, PolicyError)
    if not isinstance(raw, dict):
        raise PolicyError(f"{path}: must be a mapping")
    revision = _need(raw, "revision", str, str(path))
    reasons = raw.get("reveal_reasons")
    if not isinstance(reasons, list) or not reasons or not all(isinstance(r, str) for r in reasons):
        raise PolicyError(f"{path}: 'reveal_reasons' must be a non-empty list of strings")
    indexes: dict[str, BlindIndexSpec] = {}
    for name, spec in (raw.get("blind_indexes") or {}).items():
        where = f"{path}: blind_indexes.{name}"
        if not isinstance(spec, dict):
            raise PolicyError(f"{where}: must be a mapping")
        normalise = _need(spec, "normalise", str, where)
        if normalise not in NORMALISERS:
            raise PolicyError(f"{where}: normalise must be one of {', '.join(NORMALISERS)}")
        rows = _need(spec, "expected_rows", int, where)
        indexes[str(name)] = BlindIndexSpec(str(name), normalise, rows)
    fields: dict[tuple[str, str], FieldPolicy] = {}
    for i, entry in enumerate(raw.get("fields") or []):
        where = f"{path}: fields[{i}]"
        if not isinstance(entry, dict):
            raise PolicyError(f"{where}: must be a mapping")
        table, column = _need(entry, "table", str, where), _need(entry, "column", str, where)
        where = f"{path}: field {table}.{column}"
        cls = _need(entry, "class", str, where)
        if cls not in CLASSES:
            raise PolicyError(f"{where}: class must be one of {', '.join(CLASSES)}")
        index = entry.get("blind_index")
        if index is not None and index not in indexes:
            raise PolicyError(f"{where}: blind_index {index!r} is not declared under blind_indexes")
        mask = entry.get("mask", "full")
        if mask not in MASKS:
            raise PolicyError(f"{where}: mask must be one of {', '.join(MASKS)}")
        retention = entry.get("retention_days")
        if retention is not None and (not isinstance(retention, int) or retention < 1):
            raise PolicyError(f"{where}: retention_days must be a positive integer")
        fields[(table, column)] = FieldPolicy(
            table=table, column=column, classification=cls, encrypted=_need(entry, "encrypted", bool, where),
            blind_index=index, mask=mask, retention_days=retention,
            retention_anchor=str(entry.get("retention_anchor", "created_at")))
    address = raw.get("address_mask") or {}
    keep = address.get("keep", "city") if isinstance(address, dict) else None
    if keep not in ADDRESS_KEEP:
        raise PolicyError(f"{path}: address_mask.keep must be one of {', '.join(ADDRESS_KEEP)}")
    return PrivacyPolicy(revision=revision, reveal_reasons=frozenset(reasons), blind_indexes=indexes,
                         fields=fields, address_keep=keep)
