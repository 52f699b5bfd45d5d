"""Reading entries for auditors: filters, cursors, the entry view and the fixed export columns.

Filters run on the indexed copies of entry fields; what is returned is always parsed from the canonical
entry bytes (the leaf), so an edited copy can hide an entry from a filter but never change what an
auditor reads, and ``verify`` reports the edited copy.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select

from ..csvcells import csv_rows
from .canonical import format_time
from .models import AuditEntry

__all__ = ["EntryFilter", "encode_cursor", "decode_cursor", "entry_view", "iter_entries", "page_entries",
           "newest_entries", "count_entries",
           "EXPORT_COLUMNS", "export_jsonl", "export_csv", "CursorError"]

E = AuditEntry.__table__
EXPORT_COLUMNS = ("index", "entry_id", "time", "action", "actor", "subject_type", "subject_id", "decision",
                  "policy_revision", "rule_ids", "input_digest", "reason", "links", "details", "leaf_hash",
                  "canonical")
_CURSOR = re.compile(r"^idx:(\d{1,18})$")


class CursorError(ValueError):
    pass


def encode_cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"idx:{index}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise CursorError("cursor is not one this API issued") from None
    match = _CURSOR.match(text)
    if not match:
        raise CursorError("cursor is not one this API issued")
    return int(match.group(1))


@dataclass(frozen=True)
class EntryFilter:
    actor: str | None = None
    action: str | None = None  # exact tag, or a prefix glob ending in "*" (e.g. "vault:kek:*")
    actions: tuple[str, ...] = ()  # any of these (same syntax); used by reports
    subject_type: str | None = None
    subject_id: str | None = None
    decision: str | None = None
    policy_revision: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_details(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if value in (None, ()):
                continue
            out[key] = format_time(value) if isinstance(value, datetime) else value
        return out


def _action_clause(tag: str):  # type: ignore[no-untyped-def]
    if tag.endswith("*"):
        prefix = tag[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return E.c.action.like(prefix + "%", escape="\\")
    return E.c.action == tag


def _apply(stmt: Select, f: EntryFilter) -> Select:
    from sqlalchemy import or_

    if f.actor is not None:
        stmt = stmt.where(E.c.actor == f.actor)
    if f.action is not None:
        stmt = stmt.where(_action_clause(f.action))
    if f.actions:
        stmt = stmt.where(or_(*[_action_clause(a) for a in f.actions]))
    if f.subject_type is not None:
        stmt = stmt.where(E.c.subject_type == f.subject_type)
    if f.subject_id is not None:
        stmt = stmt.where(E.c.subject_id == f.subject_id)
    if f.decision is not None:
        stmt = stmt.where(E.c.decision == f.decision)
    if f.policy_revision is not None:
        stmt = stmt.where(E.c.policy_revision == f.policy_revision)
    if f.since is not None:
        stmt = stmt.where(E.c.created_at >= f.since)
    if f.until is not None:
        stmt = stmt.where(E.c.created_at < f.until)
    return stmt


def entry_view(index: int, entry: bytes, leaf: bytes | None) -> dict[str, Any]:
    """What an auditor reads: the parsed canonical entry, its index, leaf hash and exact text."""
    text = bytes(entry).decode("utf-8")
    body = json.loads(text)
    subject = body.get("subject") or {}
    return {"index": index, "entry_id": body.get("id"), "time": body.get("time"), "action": body.get("action"),
            "actor": body.get("actor"), "subject_type": subject.get("type"), "subject_id": subject.get("id"),
            "decision": body.get("decision"), "policy_revision": body.get("policy_revision"),
            "rule_ids": body.get("rule_ids") or [], "input_digest": body.get("input_digest"),
            "reason": body.get("reason"), "links": body.get("links") or {}, "details": body.get("details") or {},
            "leaf_hash": base64.b64encode(bytes(leaf or b"")).decode(), "canonical": text}


def page_entries(conn: Connection, f: EntryFilter, *, after: int = -1, limit: int = 100,
                 upto: int | None = None) -> list[dict[str, Any]]:
    stmt = _apply(select(E.c.idx, E.c.entry, E.c.leaf_hash).where(E.c.idx > after), f)
    if upto is not None:
        stmt = stmt.where(E.c.idx < upto)
    rows = conn.execute(stmt.order_by(E.c.idx).limit(limit)).all()
    return [entry_view(int(i), e, h) for i, e, h in rows]


def newest_entries(conn: Connection, f: EntryFilter, *, before: int | None = None, after: int | None = None,
                   limit: int = 100) -> tuple[list[dict[str, Any]], bool]:
    """A page newest first: the entries just below index ``before`` (older ones; the newest when None),
    or, with ``after``, the ones just above it (the newer page before). Also whether more entries lie
    beyond the page in the direction it was read."""
    stmt = _apply(select(E.c.idx, E.c.entry, E.c.leaf_hash).where(E.c.idx >= 0), f)
    if after is not None:
        stmt = stmt.where(E.c.idx > after).order_by(E.c.idx)
    else:
        stmt = (stmt.where(E.c.idx < before) if before is not None else stmt).order_by(E.c.idx.desc())
    rows = conn.execute(stmt.limit(limit + 1)).all()
    page = [entry_view(int(i), e, h) for i, e, h in rows[:limit]]
    return (list(reversed(page)) if after is not None else page), len(rows) > limit


def count_entries(conn: Connection, f: EntryFilter) -> int:
    """How many integrated entries match (the explorer's total)."""
    return int(conn.execute(_apply(select(func.count()).select_from(E).where(E.c.idx >= 0), f)).scalar_one())


def iter_entries(conn: Connection, f: EntryFilter, *, upto: int | None = None,
                 page: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching integrated entry in index order, read in keyset pages (bounded memory)."""
    after = -1
    while True:
        rows = page_entries(conn, f, after=after, limit=page, upto=upto)
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1]["index"]


def _csv_cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column == "rule_ids":
        return ";".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return value  # text is neutralised by csv_rows; the canonical column starts with "{", so stays exact


def export_csv(rows: Iterator[dict[str, Any]], columns: tuple[str, ...] = EXPORT_COLUMNS) -> Iterator[str]:
    yield from csv_rows([columns])
    yield from csv_rows([_csv_cell(c, row.get(c)) for c in columns] for row in rows)


def export_jsonl(rows: Iterator[dict[str, Any]], columns: tuple[str, ...] = EXPORT_COLUMNS) -> Iterator[str]:
    for row in rows:
        yield json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, separators=(",", ":")) + "\n"
