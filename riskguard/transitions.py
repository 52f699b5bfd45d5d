"""Guarded state transitions: one conditional UPDATE whose row count decides who won.

``SELECT … FOR UPDATE`` does not serialise anything on SQLite (the clause is dropped), and a status read
first and written later lets two requests that read the same status both write. So every state change
(a payout batch approved, a review case decided, a merchant application's final decision, a data
subject erased, a KEK version added) is one ``UPDATE … WHERE <row> AND <expected state>`` and the
caller checks that it changed exactly one row:

* PostgreSQL (read committed): a second UPDATE of the row waits for the first transaction's row lock,
  then re-evaluates its WHERE on the committed row and matches nothing.
* SQLite: the UPDATE takes the database's write lock (waiting up to ``busy_timeout``) and evaluates its
  WHERE on the newest committed state, so it too matches nothing once another writer has committed.

The loser raises the caller's :class:`~riskguard.errors.Conflict` (409 with a stable code) before it
records anything; the winner's audit entries are recorded afterwards on the same transaction, so they
commit with the change or not at all. Run the UPDATE before any other write of the transaction: on
SQLite a transaction that has already read a snapshot cannot take the write lock after another commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, update
from sqlalchemy.orm import Session

from .errors import Conflict

__all__ = ["transition"]


def transition(session: Session | Connection, model: Any, *where: ColumnElement[bool],
               values: dict[str, Any], conflict: Conflict) -> None:
    """``UPDATE model SET values WHERE where…``; raises ``conflict`` unless exactly one row changed.

    ``where`` names the row and the state it must still be in (``Batch.id == x, Batch.status ==
    "checked"``)."""
    statement = update(model).where(*where).values(**values)
    if isinstance(session, Session):
        statement = statement.execution_options(synchronize_session=False)
    result = session.execute(statement)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise conflict
