"""What a privacy officer does with the vault, for the API, the CLI and the console alike: find a data
subject by a phone, ID, bank card or e-mail through the blind indexes, list the records a subject owns
(what an erasure shreds), read a record masked or in clear with a reason, export a subject's data (PIPL
Art. 45), and see how long each field is kept.

Every clear read (reveal, export) and every lookup commits with its audit entry in the caller's
:meth:`AuditLog.transaction`, or does not happen. The looked-up value never reaches the trail: the entry
holds the keyed digest of its normalised form, so an auditor who knows the number can match it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from ...audit import Action, AuditEvent, AuditTransaction
from ...csvcells import csv_rows
from ...errors import BadRequest, NotFound
from ...ids import keyed_digest, new_id, utcnow
from ..pii.fields import refuse_personal_data
from . import blind
from .models import BlindIndexEntry
from .policy import FieldPolicy
from .registry import RecordType, all_record_types, get_record_type, mask
from .retention import expired_fields
from .service import Vault, is_erased
from .subjects import find_candidates

__all__ = ["LOOKUP_KINDS", "SubjectRecord", "Subject", "RecordRead", "FieldRetention", "check_reason",
           "lookup_subjects", "subject_records", "read_record", "export_subject", "export_csv",
           "retention_status", "iso", "EXPORT_FORMATS", "CSV_COLUMNS"]

# what an officer searches by -> the blind index (policies/privacy.yaml) that holds it
LOOKUP_KINDS = {"phone": "phone", "id_number": "id_number", "bank_card": "bank_account", "email": "email"}
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")
EXPORT_FORMATS = ("json", "csv")
CSV_COLUMNS = ("subject_id", "record_type", "record_id", "field", "classification", "value")


def iso(value: datetime | None) -> str | None:
    """A stored time with its zone (SQLite hands timezone-aware columns back naive, in UTC)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def check_reason(vault: Vault, raw: str | None, *, field: str, required: bool = True) -> str | None:
    """``<reason>:<reference>`` from the policy's vocabulary (it is recorded in the audit trail): a 400
    naming ``field`` if it is missing (when ``required``), malformed, or holds personal data."""
    if raw is None or not raw.strip():
        if required:
            raise BadRequest("a reason is required: '<reason>:<reference>'", code="reason_required", field=field)
        return None
    kind, _, ref = raw.strip().partition(":")
    if kind not in vault.policy.reveal_reasons or not _REF.match(ref):
        raise BadRequest(f"{field} must be '<reason>:<reference>' with reason one of "
                         f"{', '.join(sorted(vault.policy.reveal_reasons))}", code="invalid_reason", field=field)
    return refuse_personal_data(f"{kind}:{ref}", field=field)


@dataclass(frozen=True)
class SubjectRecord:
    """A record a data subject owns, its personal fields masked (or in clear, for an export)."""

    record_type: str
    record_id: str
    created_at: str | None
    fields: dict[str, str | None]


@dataclass(frozen=True)
class Subject:
    subject_id: str
    status: str  # active | erased | unknown
    records: list[SubjectRecord]
    blind_indexes: int = 0


@dataclass(frozen=True)
class RecordRead:
    record_type: str
    record_id: str
    subject_id: str
    subject_status: str
    revealed: bool
    reveal_id: str | None
    policy_revision: str
    fields: dict[str, str | None]


@dataclass(frozen=True)
class FieldRetention(FieldPolicy):
    """A field's policy, the record type that stores it, and (from :func:`retention_status`) counts."""

    record_type: str | None = None
    records_with_value: int | None = None
    expired: int | None = None  # past retention, cleared by the next `riskguard privacy purge-expired`
    next_expiry: str | None = None


# -- reading records -------------------------------------------------------------------------------------
def _shown(vault: Vault, kind: RecordType, name: str, value: Any, *, clear: bool) -> str | None:
    if value is None:
        return None
    if clear or is_erased(value):
        return str(value)
    policy = vault.policy.field(kind.table, kind.column_of(name))
    return mask(policy.mask if policy else "full", value, address_keep=vault.policy.address_keep)


def _row_id(kind: RecordType, row: Any) -> str:
    return "/".join(str(v) for v in inspect(kind.model).primary_key_from_instance(row))


def _created(row: Any) -> str | None:
    value = getattr(row, "created_at", None)
    return iso(value) if isinstance(value, datetime) else None


def _record(vault: Vault, kind: RecordType, row: Any, *, clear: bool) -> SubjectRecord:
    return SubjectRecord(record_type=kind.name, record_id=_row_id(kind, row), created_at=_created(row),
                         fields={name: _shown(vault, kind, name, getattr(row, name), clear=clear)
                                 for name in kind.fields})


def subject_records(session: Session, vault: Vault, subject_id: str, *, clear: bool = False) -> Subject:
    """Every record of ``subject_id`` in every vault model, fields masked unless ``clear``: what an
    erasure makes unreadable. :class:`NotFound` if the vault never held a key for the subject."""
    status = vault.subject_state(session.connection(), subject_id)
    if status == "unknown":
        raise NotFound(f"the vault holds no data for subject {subject_id}", code="subject_not_found")
    records: list[SubjectRecord] = []
    for kind in sorted(all_record_types(), key=lambda k: k.name):
        model = kind.model
        if model.__table__.name not in _tables(session):  # type: ignore[attr-defined]
            continue  # a domain whose table this database does not have (holds no rows)
        pk = list(inspect(model).primary_key)
        rows = session.scalars(select(model).where(getattr(model, model.__vault_subject__) == subject_id)
                               .order_by(*pk))
        records.extend(_record(vault, kind, row, clear=clear) for row in rows)
    indexes = session.scalar(select(func.count()).select_from(BlindIndexEntry)
                             .where(BlindIndexEntry.subject_id == subject_id)) or 0
    return Subject(subject_id=subject_id, status=status, records=records, blind_indexes=int(indexes))


def _tables(session: Session) -> set[str]:
    cache = session.info.get("riskguard.vault.tables")
    if cache is None:
        cache = session.info["riskguard.vault.tables"] = set(inspect(session.connection()).get_table_names())
    return cache


def lookup_subjects(tx: AuditTransaction, vault: Vault, *, kind: str, value: str, actor: str, reason: str,
                    digest_key: bytes) -> tuple[str, list[Subject]]:
    """Subjects holding ``value`` (a ``kind`` of :data:`LOOKUP_KINDS`) in any indexed field, with their
    records masked; recorded in ``tx`` with the value's keyed digest only. The blind index narrows the
    search, decryption confirms each candidate (truncated indexes match a few other values)."""
    index = LOOKUP_KINDS.get(kind)
    if index is None or index not in vault.policy.blind_indexes:
        raise BadRequest(f"kind must be one of {', '.join(LOOKUP_KINDS)}", code="validation_error", field="kind")
    spec = vault.policy.blind_indexes[index]
    wanted = blind.normalise(spec, value)
    if not wanted:
        raise BadRequest("the value is empty once normalised", code="validation_error", field="value")
    session = tx.session
    found: list[str] = []
    for hit in find_candidates(session, index, value):
        record_kind = get_record_type(hit.record_type) or _kind_named(hit.record_type)
        if record_kind is None or hit.subject_id in found:
            continue
        row = _get(session, record_kind, hit.record_id)
        attribute = next((k for k in record_kind.model.__vault_blind_indexes__
                          if record_kind.column_of(k) == hit.column), None)
        current = getattr(row, attribute, None) if row is not None and attribute else None
        if isinstance(current, str) and not is_erased(current) and blind.normalise(spec, current) == wanted:
            found.append(hit.subject_id)
    subjects = [subject_records(session, vault, subject_id) for subject_id in found]
    lookup_id = new_id("lkp")
    tx.record(AuditEvent(
        action=Action.PRIVACY_LOOKED_UP, actor=actor, subject_type="subject_lookup", subject_id=lookup_id,
        reason=reason, policy_revision=vault.policy.revision,
        input_digest=keyed_digest(digest_key, f"{index}:{wanted}"),
        details={"kind": kind, "data_subjects": found, "records": sum(len(s.records) for s in subjects)}))
    return lookup_id, subjects


def _get(session: Session, kind: RecordType, record_id: str) -> Any:
    pk = inspect(kind.model).primary_key
    return session.get(kind.model, record_id.split("/") if len(pk) > 1 else record_id)


def _kind_named(name: str) -> RecordType | None:
    return next((k for k in all_record_types() if k.name == name), None)


def read_record(tx: AuditTransaction, vault: Vault, *, record_type: str, record_id: str,
                fields: tuple[str, ...] | None, actor: str, reason: str | None, clear: bool) -> RecordRead:
    """One record's personal fields: in clear when ``clear`` (recorded in ``tx`` with ``reason``),
    masked otherwise."""
    kind = get_record_type(record_type)
    if kind is None:
        raise NotFound(f"unknown record type {record_type!r}", code="unknown_record_type")
    wanted = fields or kind.fields
    unknown = [f for f in wanted if f not in kind.fields]
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(unknown)}", code="unknown_field", field="fields")
    session = tx.session
    row = _get(session, kind, record_id)
    if row is None:
        raise NotFound(f"no {record_type} {record_id}", code="record_not_found")
    subject = getattr(row, kind.model.__vault_subject__)
    values = {name: _shown(vault, kind, name, getattr(row, name), clear=clear) for name in wanted}
    erased = any(is_erased(getattr(row, f)) for f in kind.fields) or \
        vault.subject_state(session.connection(), subject) == "erased"
    status = "erased" if erased else "active"
    reveal_id = new_id("rvl") if clear else None
    if clear:
        tx.record(AuditEvent(
            action=Action.PRIVACY_REVEALED, actor=actor, subject_type=record_type, subject_id=record_id,
            reason=reason, policy_revision=vault.policy.revision, links={"reveal": reveal_id or ""},
            details={"fields": sorted(wanted), "data_subject": subject, "subject_status": status}))
    return RecordRead(record_type=record_type, record_id=record_id, subject_id=subject, subject_status=status,
                      revealed=clear, reveal_id=reveal_id, policy_revision=vault.policy.revision, fields=values)


# -- access export (PIPL Art. 45) ------------------------------------------------------------------------
def export_subject(tx: AuditTransaction, vault: Vault, *, subject_id: str, fmt: str, actor: str, reason: str,
                   digest_key: bytes) -> dict[str, Any]:
    """A copy of the subject's personal data in clear, with each field's class and retention; recorded in
    ``tx`` with the digest of what was handed over (the copy itself never enters the trail)."""
    subject = subject_records(tx.session, vault, subject_id, clear=True)
    export_id = new_id("dsx")
    document = {
        "export_id": export_id, "subject_id": subject_id, "status": subject.status,
        "exported_at": utcnow().isoformat(), "policy_revision": vault.policy.revision,
        "legal_basis": "PIPL Art. 45",
        "records": [asdict(r) for r in subject.records],
        "fields": [asdict(f) for f in _field_policies(vault, {r.record_type for r in subject.records})],
    }
    tx.record(AuditEvent(
        action=Action.PRIVACY_EXPORTED, actor=actor, subject_type="data_subject", subject_id=subject_id,
        reason=reason, policy_revision=vault.policy.revision, links={"export": export_id},
        input_digest=keyed_digest(digest_key, json.dumps(document, sort_keys=True, ensure_ascii=False)),
        details={"format": fmt, "records": len(subject.records),
                 "fields": sum(1 for r in subject.records for v in r.fields.values() if v is not None),
                 "subject_status": subject.status}))
    return document


def export_csv(document: dict[str, Any]) -> Iterator[str]:
    """The export as CSV, one personal field a row; every cell safe to open in a spreadsheet."""
    classes = {(f["record_type"], f["column"]): f["classification"] for f in document["fields"]}

    def rows() -> Iterator[tuple[Any, ...]]:
        yield CSV_COLUMNS
        for record in document["records"]:
            kind = get_record_type(record["record_type"]) or _kind_named(record["record_type"])
            for name, value in record["fields"].items():
                column = kind.column_of(name) if kind is not None else name
                yield (document["subject_id"], record["record_type"], record["record_id"], name,
                       classes.get((record["record_type"], column), ""), value if value is not None else "")

    return csv_rows(rows())


# -- retention --------------------------------------------------------------------------------------------
def _field_policies(vault: Vault, record_types: set[str] | None = None) -> list[FieldRetention]:
    by_table = {kind.table: kind for kind in all_record_types()}
    out = []
    for (table, _column), policy in sorted(vault.policy.fields.items()):
        kind = by_table.get(table)
        if record_types is not None and (kind is None or kind.name not in record_types):
            continue
        out.append(FieldRetention(**asdict(policy), record_type=kind.name if kind else None))
    return out


def retention_status(session: Session, vault: Vault, *, now: datetime | None = None) -> list[FieldRetention]:
    """Each field of policies/privacy.yaml with its retention, how many records hold a value, how many are
    past their period (cleared by the next purge), and when the next one expires."""
    now = now or utcnow()
    kinds = {kind.table: kind for kind in all_record_types()}
    tables = _tables(session)
    out = []
    for item in _field_policies(vault):
        kind = kinds.get(item.table)
        if kind is None or item.table not in tables:
            out.append(item)
            continue
        attribute = next((name for name in kind.fields if kind.column_of(name) == item.column), None)
        if attribute is None:
            out.append(item)
            continue
        model, col = kind.model, getattr(kind.model, attribute)
        held = session.scalar(select(func.count()).select_from(model).where(col.is_not(None))) or 0
        expired, next_expiry = None, None
        rules = {name: (anchor, cutoff) for name, anchor, cutoff in expired_fields(vault, kind, now)}
        if attribute in rules:
            anchor_name, cutoff = rules[attribute]
            anchor = getattr(model, anchor_name)
            expired = session.scalar(select(func.count()).select_from(model)
                                     .where(col.is_not(None), anchor < cutoff)) or 0
            oldest = session.scalar(select(func.min(anchor)).where(col.is_not(None), anchor >= cutoff))
            if oldest is not None:
                next_expiry = iso(oldest + timedelta(days=item.retention_days or 0))
        out.append(replace(item, records_with_value=int(held), expired=expired, next_expiry=next_expiry))
    return out

