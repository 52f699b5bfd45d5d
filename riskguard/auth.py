"""API keys (stored only as SHA-256 hashes) and roles.

A token looks like ``rg_<key id>_<secret>``; the key id finds the row, the hash of the whole token is
compared in constant time. Tokens carry 256 bits of randomness, so a fast hash is the right tool here
(a slow password hash protects low-entropy secrets, which these are not).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

import structlog
from flask import g, request
from sqlalchemy import Connection, DateTime, String, bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, Database, DriverConnection
from .errors import Forbidden, Unauthorized
from .ids import utcnow

__all__ = ["Role", "ApiKey", "Actor", "create_key", "authenticate", "list_keys", "note_use", "require_roles",
           "current_actor", "key_names", "key_refs"]

log = structlog.get_logger("riskguard.auth")


class Role(StrEnum):
    SCREENER = "screener"
    ONBOARDING = "onboarding"
    REVIEWER = "reviewer"
    FINANCE = "finance"
    FINANCE_APPROVER = "finance_approver"
    PRIVACY_OFFICER = "privacy_officer"
    AUDITOR = "auditor"
    MONITOR = "monitor"
    ADMIN = "admin"


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class Actor:
    """Who is calling: recorded on every audit entry as ``key:<id>``."""

    key_id: str
    name: str
    role: Role

    @property
    def ref(self) -> str:
        return f"key:{self.key_id}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(session: Session, *, role: Role | str, name: str) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the token, which is shown once and never stored."""
    role = Role(role)
    # A letter first: an all-digit id would look like a card number to the audit trail's PII guard.
    key_id = "k" + secrets.token_hex(8)
    token = f"rg_{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKey(id=key_id, name=name, role=role.value, token_hash=_hash(token), created_at=utcnow())
    session.add(row)
    return row, token


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value  # SQLite: naive UTC


def list_keys(session: Session) -> list[dict[str, Any]]:
    """Every key, oldest first: id, role, name and when it was created, last used (by the API or a console
    session) and revoked. Never the token or its hash."""
    from .console.models import ConsoleSession  # late: importing the console package loads its pages

    seen = (select(ConsoleSession.key_id, func.max(ConsoleSession.last_seen_at).label("seen"))
            .group_by(ConsoleSession.key_id).subquery())
    rows = session.execute(
        select(ApiKey.id, ApiKey.role, ApiKey.name, ApiKey.created_at, ApiKey.last_used_at, ApiKey.revoked_at,
               seen.c.seen).outerjoin(seen, seen.c.key_id == ApiKey.id).order_by(ApiKey.created_at, ApiKey.id))
    out = []
    for r in rows:
        used = [t for t in (_aware(r.last_used_at), _aware(r.seen)) if t is not None]
        out.append({"id": r.id, "role": r.role, "name": r.name, "created_at": _aware(r.created_at),
                    "last_used_at": max(used) if used else None, "revoked_at": _aware(r.revoked_at)})
    return out


_LOOKUP = select(ApiKey.token_hash, ApiKey.revoked_at, ApiKey.name, ApiKey.role).where(
    ApiKey.id == bindparam("key_id"))


def authenticate(conn: Connection | Session | DriverConnection, token: str) -> Actor | None:
    """The caller behind ``token``, or None. One indexed query per call and no cache, so a revoked key
    is refused on its very next request in every worker."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "rg":
        return None
    params = {"key_id": parts[1]}
    if isinstance(conn, DriverConnection):
        row = conn.first(_LOOKUP, params)
    else:
        row = conn.execute(_LOOKUP, params).first()
    if row is None:
        return None
    token_hash, revoked_at, name, role = row
    if revoked_at is not None or not hmac.compare_digest(token_hash, _hash(token)):
        return None
    return Actor(key_id=parts[1], name=name, role=Role(role))


USE_RESOLUTION = 60.0  # seconds: a key's last use is kept to the minute
_noted: dict[str, float] = {}  # key id -> monotonic time this process last wrote its use
_TOUCH = update(ApiKey).where(ApiKey.id == bindparam("key")).values(last_used_at=bindparam("now"))


def note_use(db: Database, key_id: str) -> None:
    """Record that a key was used (``riskguard keys list`` shows it). Written at most once a minute per
    key and process: a write on every request would queue every read behind SQLite's write lock. Only
    bookkeeping, so a failure is logged and the request goes on."""
    now = time.monotonic()
    if now - _noted.get(key_id, float("-inf")) < USE_RESOLUTION:
        return
    if len(_noted) >= 10_000:
        _noted.clear()
    _noted[key_id] = now
    try:
        with db.engine.begin() as conn:
            conn.execute(_TOUCH, {"key": key_id, "now": utcnow()})
    except SQLAlchemyError:
        log.warning("auth.use_not_recorded", key_id=key_id)


F = TypeVar("F", bound=Callable[..., Any])


def current_actor() -> Actor:
    actor = g.get("actor")
    if actor is None:
        raise Unauthorized("authentication required", code="unauthorized")
    return actor


def require_roles(*roles: Role) -> Callable[[F], F]:
    """Let the request through only with a valid bearer token of one of ``roles`` (401, else 403), within
    the rate limits of its key and role (429)."""
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from .http import services  # late: http imports the services module

            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("missing bearer token", code="unauthorized")
            with services().db.driver() as conn:
                actor = authenticate(conn, token.strip())
            if actor is None:
                raise Unauthorized("invalid or revoked token", code="unauthorized")
            services().rate_limits.check(actor)  # 429 once the key's or the role's limit is reached
            note_use(services().db, actor.key_id)
            if actor.role not in allowed:
                raise Forbidden(f"role {actor.role.value!r} may not call this endpoint", code="forbidden")
            g.actor = actor
            structlog.contextvars.bind_contextvars(actor=actor.ref)
            return view(*args, **kwargs)

        wrapper.__rg_roles__ = sorted(r.value for r in allowed)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


KEY_REF_PREFIX = "key:"


def key_names(session: Session, refs: Iterable[str]) -> dict[str, str]:
    """The names of the keys behind actor refs (``key:<id>``), for people reading who did what; refs of
    keys that are gone, or of other actors (``system:…``), are left out."""
    ids = {ref.removeprefix(KEY_REF_PREFIX) for ref in refs if ref.startswith(KEY_REF_PREFIX)}
    if not ids:
        return {}
    rows = session.execute(select(ApiKey.id, ApiKey.name).where(ApiKey.id.in_(sorted(ids))))
    return {f"{KEY_REF_PREFIX}{key_id}": name for key_id, name in rows}


def key_refs(session: Session, who: str) -> list[str]:
    """The actor refs ``who`` stands for: itself if it is a ref (``key:<id>``), else the refs of every
    key with that name (names are not unique)."""
    if who.startswith(KEY_REF_PREFIX):
        return [who]
    rows = session.execute(select(ApiKey.id).where(ApiKey.name == who)).scalars()
    return [f"{KEY_REF_PREFIX}{key_id}" for key_id in rows]
