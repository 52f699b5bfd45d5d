"""Console sessions kept in the database, so that the server, not the cookie, decides who is signed in.

The browser's cookie carries a random session token; the table holds only its SHA-256. Every request
resumes the session by that digest, joined with its API key, in one transaction that also records the
request time: a session ended by sign-out, by the key's revocation, by ``idle`` without a request or by
``lifetime`` after sign-in is refused in every worker at once, whatever copies of the cookie exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update

from ..auth import Actor, ApiKey, Role
from ..db import Database
from ..ids import sha256_hex, utcnow
from .models import ConsoleSession

__all__ = ["SessionStore", "MAX_LIFETIME"]

MAX_LIFETIME = timedelta(hours=8)  # from sign-in, however active the session


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; every one stored here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class SessionStore:
    """Starts, resumes and ends console sessions; ``clock`` is settable for tests of the timeouts."""

    def __init__(self, db: Database, *, idle: timedelta, lifetime: timedelta,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.idle = idle
        self.lifetime = lifetime
        self.clock = clock

    def start(self, key_id: str) -> str:
        """A new session of ``key_id``; returns its token (for the cookie only, never stored). Sessions
        that can no longer be resumed are deleted on the way."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.transaction() as session:
            session.execute(delete(ConsoleSession).where(or_(ConsoleSession.last_seen_at < now - self.idle,
                                                             ConsoleSession.ended_at.is_not(None))))
            session.add(ConsoleSession(id=sha256_hex(token), key_id=key_id, created_at=now, last_seen_at=now))
        return token

    def resume(self, token: str) -> Actor | None:
        """Who the session behind ``token`` belongs to, or None once it has ended (it is then ended in the
        table too); a live session is marked as seen now."""
        digest = sha256_hex(token)
        now = self.clock()
        with self.db.transaction() as session:
            row = session.execute(
                select(ConsoleSession.created_at, ConsoleSession.last_seen_at, ConsoleSession.ended_at,
                       ApiKey.id, ApiKey.name, ApiKey.role, ApiKey.revoked_at)
                .join(ApiKey, ApiKey.id == ConsoleSession.key_id)
                .where(ConsoleSession.id == digest)).first()
            if row is None or row.ended_at is not None:
                return None
            live = (row.revoked_at is None and now - _aware(row.last_seen_at) < self.idle
                    and now - _aware(row.created_at) < self.lifetime)
            # Conditional on the session still being open: a sign-out racing this request wins.
            open_row = update(ConsoleSession).where(ConsoleSession.id == digest, ConsoleSession.ended_at.is_(None))
            changed = session.connection().execute(
                open_row.values(last_seen_at=now) if live else open_row.values(ended_at=now)).rowcount
        if not live or changed != 1:
            return None
        return Actor(key_id=row.id, name=row.name, role=Role(row.role))

    def end(self, token: str) -> None:
        """Sign-out: the session cannot be resumed again, by this cookie or any copy of it."""
        with self.db.transaction() as session:
            session.execute(update(ConsoleSession)
                            .where(ConsoleSession.id == sha256_hex(token), ConsoleSession.ended_at.is_(None))
                            .values(ended_at=self.clock()))
