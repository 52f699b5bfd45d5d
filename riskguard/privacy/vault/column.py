"""Encrypted columns: the ``Encrypted`` type and the ``VaultRecord`` mixin whose flush and load hooks seal
and open them.

A column type alone cannot encrypt, because it does not know whose data key to use or which row it is
in. The mixin names the attribute that holds the data subject id (``__vault_subject__``); the hooks read
it and the primary key, seal every changed encrypted attribute just before INSERT/UPDATE, put the
plaintext back after the flush, and open the ciphertexts when a row is loaded. The type itself refuses
anything but a vault ciphertext, so a forgotten mixin or a bulk ``update()`` with plaintext fails
instead of storing personal data in the clear.
"""

from __future__ import annotations

import weakref
from typing import Any, ClassVar

from sqlalchemy import Connection, LargeBinary, delete, event, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper, Session, attributes, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

from .errors import PlaintextRefused, VaultError
from .models import BlindIndexEntry
from .service import Sealed, current_vault

__all__ = ["Encrypted", "VaultRecord", "encrypted_columns", "record_type_of", "plaintext_violations"]


class Encrypted(TypeDecorator[Any]):
    """A column holding a vault ciphertext (BLOB / BYTEA). The mapped attribute holds the plaintext."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None or isinstance(value, Sealed):
            return value
        raise PlaintextRefused("plaintext reached an encrypted column; write it through a VaultRecord model "
                               "(the value was not stored)")

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else bytes(value)


class VaultRecord:
    """Mixin for models holding personal data in :class:`Encrypted` columns.

    ``__vault_subject__``: the attribute holding the data subject id (its data key is used).
    ``__vault_record_type__``: the name used in blind indexes and the reveal API (default: table name).
    ``__vault_blind_indexes__``: ``{attribute: blind index name from policies/privacy.yaml}``.
    The primary key must be set before the flush (it is bound into each ciphertext).
    """

    __vault_subject__: ClassVar[str] = "subject_id"
    __vault_record_type__: ClassVar[str | None] = None
    __vault_blind_indexes__: ClassVar[dict[str, str]] = {}


_COLUMNS: weakref.WeakKeyDictionary[Mapper[Any], list[tuple[str, str]]] = weakref.WeakKeyDictionary()


def encrypted_columns(mapper: Mapper[Any]) -> list[tuple[str, str]]:
    """``[(attribute key, column name)]`` of the mapper's encrypted columns."""
    cached = _COLUMNS.get(mapper)
    if cached is None:
        cached = _COLUMNS[mapper] = [(prop.key, col.name) for prop in mapper.column_attrs
                                     for col in prop.columns if isinstance(col.type, Encrypted)]
    return cached


def record_type_of(cls: type) -> str:
    return getattr(cls, "__vault_record_type__", None) or cls.__tablename__  # type: ignore[attr-defined]


def _row_id(mapper: Mapper[Any], target: Any) -> str:
    key = mapper.primary_key_from_instance(target)
    if any(part is None for part in key):
        raise VaultError(f"{type(target).__name__} needs its primary key set before it is written "
                         "(it is bound into every ciphertext)", code="row_id_missing")
    return "/".join(str(part) for part in key)


def _subject(target: Any) -> str:
    return getattr(target, type(target).__vault_subject__)


def _seal(mapper: Mapper[Any], connection: Connection, target: Any, *, changed_only: bool) -> None:
    session = object_session(target)
    vault = current_vault(session)
    table = mapper.local_table.name  # type: ignore[attr-defined]
    row_id = _row_id(mapper, target)
    state = attributes.instance_state(target)
    plain: dict[str, Any] = {}
    sealing: list[tuple[str, tuple[str, str, str], str]] = []
    for key, column in encrypted_columns(mapper):
        if changed_only and not attributes.get_history(target, key).has_changes():
            continue
        value = state.dict.get(key)
        if value is None:
            if changed_only:
                plain[key] = None  # cleared: its blind-index value goes too
            continue
        if isinstance(value, Sealed):
            continue
        if not isinstance(value, str):
            raise PlaintextRefused(f"{type(target).__name__}.{key} must be a str")
        plain[key] = value
        sealing.append((key, (table, column, row_id), value))
    if sealing:
        sealed = vault.encrypt_fields(connection, _subject(target), [(where, value) for _, where, value in sealing])
        for (key, _, _), blob in zip(sealing, sealed, strict=True):
            setattr(target, key, blob)
    state.info["riskguard.vault.plain"] = plain


def _index(mapper: Mapper[Any], connection: Connection, target: Any, *, replace: bool) -> None:
    state = attributes.instance_state(target)
    plain: dict[str, Any] = state.info.pop("riskguard.vault.plain", {})
    for key, value in plain.items():
        set_committed_value(target, key, value)
    indexes = type(target).__vault_blind_indexes__
    if not indexes or not plain:
        return
    vault = current_vault(object_session(target))
    record_type, row_id = record_type_of(type(target)), _row_id(mapper, target)
    rows = []
    for key, value in plain.items():
        field = indexes.get(key)
        if field is None:
            continue
        column = mapper.get_property(key).columns[0].name
        if replace:
            connection.execute(delete(BlindIndexEntry).where(
                BlindIndexEntry.record_type == record_type, BlindIndexEntry.record_id == row_id,
                BlindIndexEntry.column == column))
        if value is None:
            continue
        rows.append({"field": field, "value": vault.blind_index(field, value), "record_type": record_type,
                     "record_id": row_id, "column": column, "subject_id": _subject(target)})
    if rows:
        connection.execute(insert(BlindIndexEntry), rows)


def _open(target: Any, session: Session | None, keys: Any = None) -> None:
    mapper = attributes.instance_state(target).mapper
    columns = encrypted_columns(mapper)
    if not columns:
        return
    vault = current_vault(session)
    if session is None:
        raise VaultError("a vault record was loaded without a session", code="vault_unavailable")
    table = mapper.local_table.name  # type: ignore[attr-defined]
    row_id = _row_id(mapper, target)
    sealed = []
    for key, column in columns:
        if keys is not None and key not in keys:
            continue
        blob = target.__dict__.get(key)
        if blob is None or isinstance(blob, str):
            continue
        sealed.append((key, (table, column, row_id), blob))
    if not sealed:
        return
    opened = vault.decrypt_fields(session.connection(), _subject(target), [(where, blob) for _, where, blob in sealed])
    for (key, _, _), value in zip(sealed, opened, strict=True):
        set_committed_value(target, key, value)


@event.listens_for(VaultRecord, "before_insert", propagate=True)
def _before_insert(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    _seal(mapper, connection, target, changed_only=False)


@event.listens_for(VaultRecord, "before_update", propagate=True)
def _before_update(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    if attributes.get_history(target, type(target).__vault_subject__).deleted:
        raise VaultError("the data subject of a vault record cannot change", code="subject_immutable")
    _seal(mapper, connection, target, changed_only=True)


@event.listens_for(VaultRecord, "after_insert", propagate=True)
def _after_insert(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    _index(mapper, connection, target, replace=False)


@event.listens_for(VaultRecord, "after_update", propagate=True)
def _after_update(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    _index(mapper, connection, target, replace=True)


@event.listens_for(VaultRecord, "load", propagate=True)
def _on_load(target: Any, context: Any) -> None:
    _open(target, context.session)


@event.listens_for(VaultRecord, "refresh", propagate=True)
def _on_refresh(target: Any, context: Any, attrs: Any) -> None:
    _open(target, context.session, set(attrs) if attrs is not None else None)


def plaintext_violations(metadata: Any, policy: Any) -> list[str]:
    """Policy fields marked ``encrypted: true`` that a table in ``metadata`` stores otherwise.

    A listed table that is not in ``metadata`` is not a violation (that domain holds no rows yet); a
    listed column missing from a present table is one (the policy and the model disagree).
    """
    problems = []
    for (table, column), field in sorted(policy.fields.items()):
        if not field.encrypted or table not in metadata.tables:
            continue
        col = metadata.tables[table].columns.get(column)
        if col is None:
            problems.append(f"{table}.{column}: listed in policies/privacy.yaml but the table has no such column")
        elif not isinstance(col.type, Encrypted):
            problems.append(f"{table}.{column}: {field.classification} data stored as {col.type!r}, "
                            "not Encrypted()")
    return problems
