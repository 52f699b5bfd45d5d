"""Storage of console sign-ins: one row per session, so the server can end it (sign-out, revoked key,
idle timeout) whatever copies of the cookie exist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

__all__ = ["ConsoleSession"]


class ConsoleSession(Base):
    """A signed-in console session.

    ``id`` is the SHA-256 of the random session token the browser's cookie carries: someone who can read
    this table cannot sign in with what they read. A session is live while ``ended_at`` is empty, its key
    is not revoked, it was seen within the idle timeout and started within the maximum lifetime.
    """

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
