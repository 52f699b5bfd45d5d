"""The vault service: per-subject data keys (envelope encryption), field sealing, blind indexes, shredding.

Data keys are cached unwrapped for ``cache_ttl`` seconds (default 30) so that reading a page of records
does not unwrap a key per field. The cache saves the unwrap, never the look-up: every encrypt and decrypt
reads the subject's key row (one primary-key look-up, in the caller's transaction) and uses a cached key
only while that row still holds the wrapped key it came from. So once an erasure has committed, no
process decrypts that subject's data again, whatever its cache holds; a rewrap or a shred elsewhere is
seen on the next call, not after a time-out.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Engine, bindparam, delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...db import DriverConnection

if TYPE_CHECKING:
    from ...db import Database

from ...errors import Conflict, NotFound
from ...ids import utcnow
from ...keyring import KeyProvider, KeyringError
from ...transitions import transition
from . import blind, crypto
from .errors import CiphertextError, KeyUnavailable, SubjectErased, VaultError
from .models import BlindIndexEntry, KekState, SubjectKey
from .policy import PrivacyPolicy

__all__ = ["Vault", "Erased", "ERASED", "is_erased", "current_vault", "bind_vault", "SESSION_KEY", "Sealed"]

log = structlog.get_logger("riskguard.vault")
SESSION_KEY = "riskguard.vault"


class Erased(str):
    """What a field of an erased (crypto-shredded) subject reads as: the string ``"ERASED"``."""

    __slots__ = ()


ERASED = Erased("ERASED")


def is_erased(value: object) -> bool:
    return isinstance(value, Erased)


class Sealed(bytes):
    """A field ciphertext made by the vault; the only value an encrypted column accepts."""

    __slots__ = ()


_KEY_ROW = select(SubjectKey.key_id, SubjectKey.wrapped_key, SubjectKey.kek_version).where(
    SubjectKey.subject_id == bindparam("subject_id"))
_KEY_ROW_SHARED = _KEY_ROW.with_for_update(read=True)  # FOR SHARE on PostgreSQL, nothing on SQLite


@dataclass(frozen=True)
class _DataKey:
    key_id: bytes
    aead: AESGCM | None  # None: shredded
    expires: float
    wrapped: bytes | None = None  # the wrapped key it was unwrapped from; usable while the row holds it


class Vault:
    """Envelope encryption with one data key per data subject, wrapped by the provider's KEKs."""

    def __init__(self, keys: KeyProvider, policy: PrivacyPolicy, *, blind_secret: bytes,
                 cache_ttl: float = 30.0, cache_size: int = 100_000) -> None:
        self.keys = keys
        self.policy = policy
        self.cache_ttl = cache_ttl
        self._cache: dict[str, _DataKey] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._blind_secret = blind_secret
        self._field_keys: dict[str, bytes] = {}
        self._versions_checked = 0.0

    # -- KEK versions ------------------------------------------------------------------------------
    def sync_versions(self, conn: Connection, *, force: bool = False) -> None:
        """Pick up rotations made by another process: file keyrings reload, master-key ones read the DB."""
        now = time.monotonic()
        if not force and now - self._versions_checked < min(self.cache_ttl, 5.0):
            return
        self._versions_checked = now
        try:
            self.keys.refresh()
        except KeyringError as exc:
            log.error("vault.keyring_unreadable")
            raise KeyUnavailable(f"the keyring cannot be reloaded: {exc.message}") from None
        if getattr(self.keys, "derived", False):
            row = conn.execute(select(KekState.current_version, KekState.min_version)
                               .where(KekState.id == 1)).first()
            if row is not None:
                self.keys.use_versions(row.current_version, row.min_version)  # type: ignore[attr-defined]

    # -- data keys ---------------------------------------------------------------------------------
    def _cached(self, subject_id: str) -> _DataKey | None:
        entry = self._cache.get(subject_id)  # a dict read is atomic; no lock on the hot path
        if entry is None or entry.expires < time.monotonic():
            return None
        return entry

    def _remember(self, subject_id: str, entry: _DataKey) -> _DataKey:
        with self._lock:
            self._cache.pop(subject_id, None)
            self._cache[subject_id] = entry
            while len(self._cache) > self._cache_size:  # evict the oldest-fetched (FIFO)
                del self._cache[next(iter(self._cache))]
        return entry

    def forget(self, subject_id: str | None = None) -> None:
        with self._lock:
            if subject_id is None:
                self._cache.clear()
            else:
                self._cache.pop(subject_id, None)

    def _unwrap_row(self, subject_id: str, key_id_hex: str, wrapped: bytes, version: int) -> _DataKey:
        key_id = bytes.fromhex(key_id_hex)
        try:
            data_key = self.keys.unwrap_key(version, wrapped, crypto.dek_aad(subject_id, key_id, version))
        except KeyringError as exc:
            log.error("vault.key_unavailable", subject_id=subject_id, kek_version=version)
            raise KeyUnavailable(f"data key of subject {subject_id} cannot be unwrapped: {exc.message}") \
                from None
        return _DataKey(key_id, AESGCM(data_key), time.monotonic() + self.cache_ttl, wrapped)

    def _load_key(self, conn: Connection, subject_id: str, *, create: bool) -> _DataKey | None:
        """The subject's data key as its row holds it now (None: no row). The row is read every time, so
        a shred committed by any process is seen here; the cache only spares the unwrap. A write
        (``create``) reads it ``FOR SHARE`` on PostgreSQL: an erasure then waits for this transaction
        and deletes the blind indexes it wrote, or this one waits and finds the key shredded (SQLite
        serialises writers anyway)."""
        self.sync_versions(conn)
        # On the connection's driver cursor, compiled once: this look-up is on every read of personal
        # data, and SQLAlchemy's execution layer would cost more than the database's work.
        driver, query = DriverConnection(conn.connection, conn.dialect), _KEY_ROW_SHARED if create else _KEY_ROW
        params = {"subject_id": subject_id}
        row = driver.first(query, params)
        if row is None and create:
            made = self._create_key(conn, subject_id)
            if made is not None:  # no need to unwrap what was just wrapped (a KMS call saved)
                key_id, data_key, wrapped = made
                _track(conn, self, subject_id, "created")
                return self._remember(subject_id, _DataKey(key_id, AESGCM(data_key),
                                                           time.monotonic() + self.cache_ttl, wrapped))
            row = driver.first(query, params)  # another transaction created it first
        if row is None:
            return None
        key_id_hex, wrapped_key, kek_version = row
        if wrapped_key is None:
            self.forget(subject_id)
            return _DataKey(bytes.fromhex(key_id_hex), None, 0.0)
        wrapped = bytes(wrapped_key)
        entry = self._cached(subject_id)
        if entry is not None and entry.wrapped == wrapped:
            return entry
        if conn.info.get(_PENDING):  # may be this transaction's own, uncommitted key
            _track(conn, self, subject_id, "created")
        return self._remember(subject_id, self._unwrap_row(subject_id, key_id_hex, wrapped, kek_version))

    def _create_key(self, conn: Connection, subject_id: str) -> tuple[bytes, bytes, bytes] | None:
        """A new wrapped data key row; ``(key id, data key, wrapped key)``, or None if one appeared
        concurrently."""
        version = self.keys.current_kek_version
        key_id, data_key = crypto.new_key_id(), crypto.new_data_key()
        try:
            wrapped = self.keys.wrap_key(version, data_key, crypto.dek_aad(subject_id, key_id, version))
        except KeyringError as exc:
            raise KeyUnavailable(f"cannot wrap a new data key: {exc.message}") from None
        values = {"subject_id": subject_id, "key_id": key_id.hex(), "wrapped_key": wrapped,
                  "kek_version": version, "created_at": utcnow()}
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        row = conn.execute(dialect.insert(SubjectKey.__table__).values(**values)
                           .on_conflict_do_nothing(index_elements=["subject_id"])
                           .returning(SubjectKey.subject_id)).first()
        if row is None:
            return None
        log.info("vault.subject_key_created", subject_id=subject_id, kek_version=version)
        return key_id, data_key, wrapped

    # -- fields ------------------------------------------------------------------------------------
    def encrypt(self, conn: Connection, subject_id: str, where: tuple[str, str, str], plaintext: str) -> Sealed:
        """Seal ``plaintext`` for ``where = (table, column, row id)`` under the subject's data key."""
        return self.encrypt_fields(conn, subject_id, [(where, plaintext)])[0]

    def encrypt_fields(self, conn: Connection, subject_id: str,
                       fields: list[tuple[tuple[str, str, str], str]]) -> list[Sealed]:
        """:meth:`encrypt` for several fields of one subject (a record's), with one look-up of its key."""
        if not subject_id:
            raise VaultError("a vault record needs its data subject id set before it is written",
                             code="subject_missing")
        if not fields:
            return []
        entry = self._load_key(conn, subject_id, create=True)
        if entry is None or entry.aead is None:
            raise SubjectErased(f"subject {subject_id} was erased; no new personal data can be stored")
        return [Sealed(crypto.seal(entry.aead, entry.key_id, plaintext, where)) for where, plaintext in fields]

    def decrypt(self, conn: Connection, subject_id: str, where: tuple[str, str, str],
                blob: bytes) -> str:
        """The plaintext, :data:`ERASED` if the subject was shredded, or a :class:`CiphertextError`."""
        return self.decrypt_fields(conn, subject_id, [(where, blob)])[0]

    def decrypt_fields(self, conn: Connection, subject_id: str,
                       fields: list[tuple[tuple[str, str, str], bytes]]) -> list[str]:
        """:meth:`decrypt` for several fields of one subject (a record's), with one look-up of its key."""
        if not fields:
            return []
        entry = self._load_key(conn, subject_id, create=False)
        out: list[str] = []
        for where, blob in fields:
            _, key_id = crypto.header(blob)
            if entry is None:
                raise CiphertextError(f"no data key for the subject of {where[0]}.{where[1]} row {where[2]}")
            if entry.aead is None:
                out.append(ERASED)
                continue
            if entry.key_id != key_id:
                raise CiphertextError(f"ciphertext of {where[0]}.{where[1]} row {where[2]} was made under "
                                      "another data key (copied from another subject?)")
            out.append(crypto.open_sealed(entry.aead, blob, where, key_id))
        return out

    def subject_state(self, conn: Connection, subject_id: str) -> str:
        """``"active"``, ``"erased"`` or ``"unknown"`` (no data key)."""
        row = conn.execute(select(SubjectKey.shredded_at).where(SubjectKey.subject_id == subject_id)).first()
        if row is None:
            return "unknown"
        return "erased" if row.shredded_at is not None else "active"

    # -- blind indexes -----------------------------------------------------------------------------
    def blind_index(self, field: str, value: str) -> str:
        spec = self.policy.blind_indexes.get(field)
        if spec is None:
            raise VaultError(f"no blind index {field!r} in the privacy policy", code="unknown_blind_index")
        key = self._field_keys.get(field)
        if key is None:
            key = self._field_keys[field] = blind.field_key(self._blind_secret, field)
        return blind.compute(key, spec, value)

    # -- erasure -----------------------------------------------------------------------------------
    def shred(self, session: Session, subject_id: str) -> int:
        """Destroy the subject's data key, then its blind-index values; returns the indexes removed.

        A guarded transition (live → shredded): :class:`NotFound` if the vault never held a key for the
        subject, :class:`Conflict` (``subject_already_erased``) if it is shredded already or another
        erasure won the race. The key row is updated first, so a concurrent write of that subject's
        data (which reads the row ``FOR SHARE`` on PostgreSQL) either commits before and has its blind
        indexes deleted here, or waits and is refused."""
        conn = session.connection()
        if self.subject_state(conn, subject_id) == "unknown":
            raise NotFound(f"the vault holds no data for subject {subject_id}", code="subject_not_found")
        transition(conn, SubjectKey, SubjectKey.subject_id == subject_id, SubjectKey.shredded_at.is_(None),
                   values={"wrapped_key": None, "shredded_at": utcnow()},
                   conflict=Conflict(f"subject {subject_id} is already erased", code="subject_already_erased"))
        removed = conn.execute(delete(BlindIndexEntry).where(BlindIndexEntry.subject_id == subject_id)).rowcount
        self.forget(subject_id)
        _track(conn, self, subject_id, "shredded")  # and again at commit, in case it was re-read meanwhile
        return int(removed or 0)


# Cache hygiene across transactions. A data key created in a transaction that then rolls back must
# not stay cached (data sealed with it later would be unreadable), and a shredded key must leave every
# cache of this process when the erasure commits. Connection events settle both.
_PENDING = "riskguard.vault.pending"
_hooked: weakref.WeakSet[Engine] = weakref.WeakSet()


def _track(conn: Connection, vault: Vault, subject_id: str, kind: str) -> None:
    engine = conn.engine
    if engine not in _hooked:
        _hooked.add(engine)
        event.listen(engine, "commit", lambda c: _settle(c, committed=True))
        event.listen(engine, "rollback", lambda c: _settle(c, committed=False))
        event.listen(engine, "rollback_savepoint", lambda c, *_: _settle(c, committed=False, clear=False))
    conn.info.setdefault(_PENDING, []).append((weakref.ref(vault), subject_id, kind))


def _settle(conn: Connection, *, committed: bool, clear: bool = True) -> None:
    pending = conn.info.get(_PENDING)
    if not pending:
        return
    for ref, subject_id, kind in pending:
        vault = ref()
        if vault is not None and (kind == "shredded" or not committed):
            vault.forget(subject_id)
    if clear:
        conn.info.pop(_PENDING, None)


def bind_vault(db: Database, vault: Vault) -> None:
    """Make ``vault`` the one every session of ``db`` finds (``Encrypted`` columns look it up there):
    the composition root does this once when it builds the vault."""
    db.sessions.configure(info={SESSION_KEY: vault})


def current_vault(session: Session | None) -> Vault:
    """The vault bound to ``session``: by :func:`bind_vault` for every session of its database, or for
    one session by ``db.sessions(info={SESSION_KEY: vault})``. Nothing else is searched."""
    bound = session.info.get(SESSION_KEY) if session is not None else None
    if bound is None:
        raise VaultError("no vault is bound to this session (bind_vault() it to the database)",
                         code="vault_unavailable", status=503)
    return bound
