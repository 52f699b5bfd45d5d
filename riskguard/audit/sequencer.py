"""The sequencer: gives committed pending entries contiguous leaf indexes and integrates them into the
stored tree, in batches, under one lock (the tree head row).

Taking the lock is the first statement of the transaction (an UPDATE of the head row): PostgreSQL then
queues sequencers on the row lock, SQLite on its write lock, and neither can see a half-integrated batch.
The background sequencer on PostgreSQL takes it with ``SELECT ... FOR UPDATE SKIP LOCKED`` instead: when
another process's sequencer holds it, that one is integrating already, so this one steps aside and looks
again a batch window later rather than queue for an all but empty batch.
Each batch reads only committed pending rows, so an insert that commits late is simply integrated by a
later batch; indexes come from the head's size, never from a database sequence, so there are no gaps,
and the unique index on ``idx`` makes a duplicate impossible. Killing a sequencer rolls its batch back.
Pending rows whose MAC does not verify (written by something other than the service) are quarantined,
never integrated. Who integrates is the :class:`Sequencer` of each ``AuditLog`` (its mode is instance state):
a background thread of the process (one pooled connection of its own) woken after every commit that
recorded an entry (in requests too, so integration stays off the request path and batches the commits of
all threads), which signs a checkpoint every ``checkpoint_interval`` seconds; or the web layer after each
response; or, under ``riskguard serve``, ``follow`` in a process of its own, and the workers wake nothing
(``audit_sequencer: "process"``).
"""

from __future__ import annotations

import hmac
import os
import struct
import threading
import time
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, Integer, bindparam, select, text, update

from ..ids import utcnow
from ._keys import LogKeys
from .merkle import Frontier, leaf_hash
from .models import AuditEntry, AuditTree
from .store import fetch_nodes

__all__ = ["Sequencer", "MODES", "integrate", "follow", "seal", "lock_head", "IntegrityFailure"]

log = structlog.get_logger("riskguard.audit.sequencer")
E = AuditEntry.__table__
T = AuditTree.__table__
BATCH = 5000
QUARANTINED = b""  # leaf_hash of a pending row that failed its MAC

# Statements are built once: SQLAlchemy then reuses the compiled form as is, where a statement built per
# call costs 3-4x as much per row of an executemany (every parameter set is re-matched to a new cache key).
_LOCK = update(T).where(T.c.id == 1).values(size=T.c.size)
_HEAD = select(T.c.size, T.c.root).where(T.c.id == 1)
_SET_HEAD = update(T).where(T.c.id == 1).values(size=bindparam("size"), root=bindparam("root"),
                                                 updated_at=bindparam("at"))
_PENDING_ROWS = E.c.idx.is_(None), E.c.leaf_hash.is_(None)
_ANY_PENDING = select(E.c.seq).where(*_PENDING_ROWS).limit(1)
_PENDING = (select(E.c.seq, E.c.entry, E.c.mac, E.c.entry_id).where(*_PENDING_ROWS).order_by(E.c.seq)
            .limit(bindparam("limit", type_=Integer)))
_SEQUENCE = update(E).where(E.c.seq == bindparam("s")).values(
    idx=bindparam("i"), leaf_hash=bindparam("l"), nodes=bindparam("n"), seal=bindparam("z"))
# PostgreSQL: the whole batch as one statement over arrays (15-20% less time per batch than executemany).
_SEQUENCE_PG = text(
    "UPDATE audit_entries AS e SET idx = v.i, leaf_hash = v.l, nodes = v.n, seal = v.z "
    "FROM unnest(CAST(:s AS bigint[]), CAST(:i AS bigint[]), CAST(:l AS bytea[]), CAST(:n AS bytea[]), "
    "CAST(:z AS bytea[])) AS v(s, i, l, n, z) WHERE e.seq = v.s")
_QUARANTINE = update(E).where(E.c.seq == bindparam("s")).values(leaf_hash=bindparam("l"))


class IntegrityFailure(RuntimeError):
    """The stored tree does not match its head; the sequencer refuses to extend it."""


def seal(keys: LogKeys, index: int, leaf: bytes) -> bytes:
    return hmac.digest(keys.seal_key, struct.pack(">Q", index) + leaf, "sha256")


def lock_head(conn: Connection) -> tuple[int, bytes]:
    """Take the log lock (first statement of the transaction) and return the head's size and root."""
    conn.execute(_LOCK)
    size, root = conn.execute(_HEAD).one()
    return int(size), bytes(root)


def _try_lock_head(conn: Connection) -> tuple[int, bytes] | None:
    """``lock_head``, or None at once if another sequencer holds the lock on PostgreSQL. SQLite has no
    row locks, only its one write lock, which record()'s inserts take too: there this waits for it."""
    if conn.dialect.name != "postgresql":
        return lock_head(conn)
    head = conn.execute(_HEAD.with_for_update(skip_locked=True)).one_or_none()
    return None if head is None else (int(head[0]), bytes(head[1]))


def load_frontier(conn: Connection, size: int, root: bytes) -> Frontier:
    edge = Frontier.edge(size)
    nodes = fetch_nodes(conn, edge)
    frontier = Frontier(size, [nodes[n] for n in edge])
    if frontier.root() != root:
        raise IntegrityFailure(f"stored edge nodes do not give the head root at size {size}")
    return frontier


def _store_sequenced(conn: Connection, params: list[dict[str, Any]]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(_SEQUENCE_PG, {key: [p[key] for p in params] for key in "silnz"})
    else:
        conn.execute(_SEQUENCE, params)


def _integrate_batch(conn: Connection, keys: LogKeys, limit: int, wait: bool) -> int | None:
    """Sequence up to ``limit`` pending rows in one transaction; None (nothing done) if ``wait`` is off
    and another sequencer holds the lock."""
    head = lock_head(conn) if wait else _try_lock_head(conn)
    if head is None:
        conn.rollback()
        return None
    size, root = head
    rows = conn.execute(_PENDING, {"limit": limit}).all()
    if not rows:
        conn.rollback()
        return 0
    frontier = load_frontier(conn, size, root)
    params: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    for seq, entry, mac, entry_id in rows:
        entry = bytes(entry)
        if not hmac.compare_digest(bytes(mac), hmac.digest(keys.mac_key, entry, "sha256")):
            bad.append({"s": seq, "l": QUARANTINED})
            log.error("audit.entry.quarantined", seq=seq, entry_id=entry_id)
            continue
        index = frontier.size
        lh = leaf_hash(entry)
        created = frontier.append(lh)
        params.append({"s": seq, "i": index, "l": lh, "n": b"".join(h for _, _, h in created),
                       "z": seal(keys, index, lh)})
    if params:
        _store_sequenced(conn, params)
    if bad:
        conn.execute(_QUARANTINE, bad)
    conn.execute(_SET_HEAD, {"size": frontier.size, "root": frontier.root(), "at": utcnow()})
    conn.commit()
    return len(rows)


def _integrate(engine: Engine, keys: LogKeys, batch: int, wait: bool) -> tuple[int, bool]:
    """Rows taken off the queue, and whether it stopped because another sequencer held the lock. One
    connection throughout."""
    with engine.connect() as conn:
        # A lock-free look first: reads and idle wakes cost no write transaction. Its (read) transaction
        # ends before the lock is taken, so taking the lock stays the first statement of the one that writes.
        pending = conn.execute(_ANY_PENDING).first() is not None
        conn.rollback()
        total = 0
        while pending:
            n = _integrate_batch(conn, keys, batch, wait)
            if n is None:
                return total, True
            total += n
            pending = n == batch
        return total, False


def integrate(engine: Engine, keys: LogKeys, *, batch: int = BATCH) -> int:
    """Integrate every committed pending entry (waiting for the lock if another sequencer holds it);
    returns how many rows were taken off the queue."""
    return _integrate(engine, keys, batch, wait=True)[0]


class _Worker:
    """Integrates in the background through its own engine with one pooled connection, so that it never
    holds a connection of the app's pool (which the app may dispose of at any time) and a wake costs no
    new database session (on PostgreSQL a new server process). The engine is disposed of when the worker
    idles out, and dropped untouched in a forked child (see ``Sequencer.committed``)."""

    IDLE_SECONDS = 10.0
    BATCH_WINDOW = 0.1  # integration latency only: an entry is durable (acknowledged) at the caller's commit

    def __init__(self, url: str, keys: LogKeys, checkpoint_interval: float) -> None:
        self.url = url
        self.keys = keys
        self.checkpoint_interval = checkpoint_interval
        self.pid = os.getpid()
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.engine: Engine | None = None
        self.last_checkpoint = 0.0

    def wake(self) -> None:
        with self.lock:
            self.event.set()
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="audit-sequencer", daemon=True)
                self.thread.start()

    def forget(self) -> None:
        """In a forked child: the thread did not survive the fork; its pooled connection belongs to the
        parent and must be neither used nor closed here."""
        if self.engine is not None:
            self.engine.dispose(close=False)

    def _run(self) -> None:
        from ..db import make_engine

        engine = self.engine = make_engine(self.url, pool_size=1)
        try:
            while True:
                if not self.event.wait(self.IDLE_SECONDS):
                    with self.lock:
                        if not self.event.is_set():
                            self.thread = None
                            return
                time.sleep(self.BATCH_WINDOW)  # let concurrent commits queue up: one batch takes them all
                self.event.clear()
                self._integrate(engine)
        finally:
            with self.lock:  # a thread started after this one idled out may have set its own engine
                if self.engine is engine:
                    self.engine = None
            engine.dispose()

    def _integrate(self, engine: Engine) -> None:
        busy, self.last_checkpoint = _round(engine, self.keys, self.checkpoint_interval, self.last_checkpoint)
        if busy:  # another process's sequencer is integrating; look again for what it did not see
            self.event.set()


def _round(engine: Engine, keys: LogKeys, interval: float, last_checkpoint: float) -> tuple[bool, float]:
    """One round of a background sequencer: integrate what is queued, stepping aside if another sequencer
    holds the lock, then sign the periodic checkpoint if it is due. Returns whether it stepped aside and
    when the checkpoint was last signed. Raises nothing: entries stay queued for the next round or read."""
    try:
        _, busy = _integrate(engine, keys, BATCH, wait=False)
        if busy:
            return True, last_checkpoint
        if interval and time.monotonic() - last_checkpoint >= interval:
            from .checkpoints import latest_checkpoint

            latest_checkpoint(engine, keys, integrate_first=False)
            last_checkpoint = time.monotonic()
    except Exception as exc:  # noqa: BLE001 - entries stay queued; the next round or read retries
        log.error("audit.sequencer.failed", error_type=type(exc).__name__)
    return False, last_checkpoint


def follow(engine: Engine, keys: LogKeys, stop: threading.Event, window: float = _Worker.BATCH_WINDOW, *,
           checkpoint_interval: float = 60.0) -> None:
    """Integrate every ``window`` seconds until ``stop`` is set: the loop of a sequencer process of its own
    (``riskguard audit sequencer``). ``riskguard serve`` runs one beside its workers, whose commits then
    wake nothing: a sequencer thread in a request worker competes with requests for that worker's GIL,
    and served about 15 % fewer requests per second under load (docs/screening.md)."""
    last_checkpoint = 0.0
    while not stop.wait(window):
        _, last_checkpoint = _round(engine, keys, checkpoint_interval, last_checkpoint)


# ``audit_sequencer`` setting → mode: True, a background thread per process and log; False, the web layer
# integrates once a response is sent; "process", a sequencer process of its own (``riskguard serve``).
MODES = {True: "thread", False: "request", "process": "process"}


class Sequencer:
    """Who integrates one log's committed entries, and when: part of an ``AuditLog``'s own state (its
    mode, its background worker, its checkpoint timer), so two logs in one process never share any."""

    def __init__(self, engine: Engine, keys: LogKeys, mode: str = "thread",
                 checkpoint_interval: float = 60.0) -> None:
        if mode not in MODES.values():
            raise ValueError(f"sequencer mode must be one of {tuple(MODES.values())}, not {mode!r}")
        self.engine = engine
        self.keys = keys
        self.mode = mode
        self.checkpoint_interval = checkpoint_interval
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self._due = False
        self._last_checkpoint = 0.0

    def committed(self) -> None:
        """A transaction that recorded entries committed. "thread": wake the background worker, which
        batches the commits of all threads into one integration off the request path. "request": note it
        for the web layer (``take_due``), which integrates after its response; other callers rely on the
        next read. "process": nothing; the sequencer process looks at the queue every 0.1 s."""
        if self.mode == "thread":
            worker = self._worker
            if worker is None or worker.pid != os.getpid():
                worker = self._new_worker()
            worker.wake()
        elif self.mode == "request":
            self._due = True

    def _new_worker(self) -> _Worker:
        with self._lock:
            worker = self._worker
            if worker is None or worker.pid != os.getpid():
                if worker is not None:  # made before a fork: drop it untouched
                    worker.forget()
                url = self.engine.url.render_as_string(hide_password=False)
                worker = self._worker = _Worker(url, self.keys, self.checkpoint_interval)
            return worker

    def take_due(self) -> bool:
        """Whether entries committed since the last call wait for the web layer to integrate them."""
        due, self._due = self._due, False
        return due

    def integrate_quietly(self) -> None:
        """Integrate after a response; also sign the periodic checkpoint when it is due. Raises nothing."""
        try:
            integrate(self.engine, self.keys)
            now = time.monotonic()
            if self.checkpoint_interval and now - self._last_checkpoint >= self.checkpoint_interval:
                from .checkpoints import latest_checkpoint

                self._last_checkpoint = now
                latest_checkpoint(self.engine, self.keys, integrate_first=False)
        except Exception as exc:  # noqa: BLE001 - entries stay queued; the next read integrates them
            log.error("audit.sequencer.failed", error_type=type(exc).__name__)

    def follow(self, stop: threading.Event, window: float = _Worker.BATCH_WINDOW) -> None:
        follow(self.engine, self.keys, stop, window, checkpoint_interval=self.checkpoint_interval)
