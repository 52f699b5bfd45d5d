"""Record types that the reveal API may show, and how each field is masked.

A domain registers its model once (``register_record_type(MerchantApplication)``); the reveal endpoint
looks records up by that name. The registry is the single extension point, like presidio's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .column import VaultRecord, encrypted_columns, record_type_of

__all__ = ["RecordType", "register_record_type", "record_types", "all_record_types", "get_record_type", "mask"]


@dataclass(frozen=True)
class RecordType:
    """A revealable record: its model, and the attributes the API may show (encrypted ones by default)."""

    name: str
    model: type[VaultRecord]
    fields: tuple[str, ...]

    @property
    def table(self) -> str:
        return self.model.__tablename__  # type: ignore[attr-defined]

    def column_of(self, field: str) -> str:
        from sqlalchemy import inspect

        return inspect(self.model).get_property(field).columns[0].name


_REGISTRY: dict[str, RecordType] = {}


def register_record_type(model: type[VaultRecord], *, name: str | None = None,
                         fields: tuple[str, ...] | list[str] | None = None) -> RecordType:
    """Make ``model`` revealable under ``name`` (default ``__vault_record_type__`` or its table name)."""
    from sqlalchemy import inspect

    if not issubclass(model, VaultRecord):
        raise TypeError(f"{model.__name__} must subclass VaultRecord")
    mapper = inspect(model)
    chosen = tuple(fields) if fields is not None else tuple(key for key, _ in encrypted_columns(mapper))
    unknown = [f for f in chosen if f not in mapper.column_attrs]
    if unknown:
        raise ValueError(f"{model.__name__} has no column attribute(s) {', '.join(unknown)}")
    record = RecordType(name=name or record_type_of(model), model=model, fields=chosen)
    existing = _REGISTRY.get(record.name)
    if existing is not None and existing.model is not model:
        raise ValueError(f"record type {record.name!r} is already registered for {existing.model.__name__}")
    _REGISTRY[record.name] = record
    return record


def record_types() -> dict[str, RecordType]:
    return dict(_REGISTRY)


def all_record_types() -> list[RecordType]:
    """Registered record types, and every other ``VaultRecord`` model on the service's metadata: retention,
    erasure previews and access exports cover all stored personal data, not only what reveal shows."""
    from sqlalchemy import inspect

    from ...db import Base

    kinds = {kind.model: kind for kind in _REGISTRY.values()}
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if issubclass(model, VaultRecord) and model not in kinds:
            fields = tuple(key for key, _ in encrypted_columns(inspect(model)))
            kinds[model] = RecordType(name=record_type_of(model), model=model, fields=fields)
    return list(kinds.values())


def get_record_type(name: str) -> RecordType | None:
    return _REGISTRY.get(name)


def _keep(value: str, first: int, last: int) -> str:
    if len(value) <= first + last:
        return "*" * len(value)
    return value[:first] + "*" * (len(value) - first - last) + (value[-last:] if last else "")


_MASKS: dict[str, Callable[[str], str]] = {
    "full": lambda v: "****",
    "keep_last_4": lambda v: _keep(v, 0, 4),
    "phone": lambda v: _keep(v, 3, 4),
    "id_number": lambda v: _keep(v, 1, 1),
    "keep_first_1": lambda v: _keep(v, 1, 0),
}


def mask(strategy: str, value: Any, *, address_keep: str = "city") -> Any:
    """The masked form of a plaintext; ``None`` and non-strings other than text pass through unchanged.

    ``address`` keeps the province and city at most (``address_keep``, policies/privacy.yaml) and hides
    the rest, whatever its length."""
    if value is None or not isinstance(value, str):
        return value
    if strategy == "address":
        from ..pii.divisions import divisions

        head = divisions().head_length(value, address_keep)
        return value[:head] + "*" * (len(value) - head)
    return _MASKS.get(strategy, _MASKS["full"])(value)
