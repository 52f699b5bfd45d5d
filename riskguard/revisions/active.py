"""The rulebook a worker screens with: the database's active revision, swapped in without a restart.

Every ``interval`` seconds at most, the first caller reads ``rule_state`` by primary key (one indexed
read; callers in between read nothing) and, if the generation moved, starts loading the active revision
in a background thread, which swaps the reference once it is compiled. A request takes the rulebook
once and decides with it, so it never mixes two revisions, and its decisions carry the revision that
decided them; until the swap, requests go on with the current rulebook.

Until something is promoted (no ``rule_state`` row), the deployment's rule files are the rulebook, as
before. If the database cannot be read, or the active revision cannot be loaded, the worker keeps the
rulebook it has and logs the failure; it tries again at the next interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from ..rulebook import Rulebook
    from .service import RuleRevisions, State

__all__ = ["ActiveRulebook"]

log = structlog.get_logger("riskguard.revisions")


class ActiveRulebook:
    """``.book``: the rulebook to screen with now; ``.source``: ``files`` or ``database``."""

    def __init__(self, revisions: RuleRevisions, load_files: Callable[[], Rulebook], *, interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._revisions = revisions
        self._interval = max(0.0, float(interval))
        self._clock = clock
        self._lock = threading.Lock()  # one check at a time
        self._swapping = threading.Lock()  # the swap itself
        self._loading: threading.Thread | None = None
        self._shadow: tuple[Rulebook, float] | None = None
        self._shadow_key: tuple[str, float] | None = None  # what the state said when _shadow was loaded
        self.generation: int | None = None
        self.source = "files"
        state = self._state()
        if state is not None and state.revision is not None:  # a bad stored revision stops the start
            self._book = revisions.load(revisions.get(state.revision))
            self.generation, self.source = state.generation, "database"
        else:
            self._book = load_files()
            self.generation = state.generation if state is not None else None
        if state is not None and state.shadow is not None:
            self._swap(state)  # the shadow candidate too; if it cannot be loaded, the start goes on without
        self._next = clock() + self._interval

    @property
    def book(self) -> Rulebook:
        if self._clock() >= self._next:
            self.refresh(wait=False)
        return self._book

    def folders(self) -> tuple[Path, Path] | None:
        """Where the active stored revision's files are on this host (None while on the rule files)."""
        return self._revisions.folders(self._book.revision) if self.source == "database" else None

    def refresh(self, *, wait: bool = True) -> bool:
        """Check the active revision (and the shadow candidate) now. With ``wait``, load a new one here and
        return True if anything changed; without, a check another thread is running is enough and a new
        revision is loaded in a background thread (compiling takes seconds; requests go on meanwhile)."""
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            self._next = self._clock() + self._interval
            state = self._state()
            if state is None:
                return False
            if state.revision is None or state.revision == self._book.revision:
                self.generation = state.generation  # nothing to load for the active revision
            if state.generation == self.generation and state.shadow == self._shadow_key:
                return False
            if wait:
                return self._swap(state)
            if self._loading is None or not self._loading.is_alive():
                self._loading = threading.Thread(target=self._swap, args=(state,), name="rulebook-swap",
                                                 daemon=True)
                self._loading.start()
            return False
        finally:
            self._lock.release()

    @property
    def shadow(self) -> tuple[Rulebook, float] | None:
        """The candidate revision deciding a sample of requests in the shadow of this one, and the rate."""
        return self._shadow

    def wait_loaded(self, timeout: float | None = None) -> None:
        """Wait for a background load started by :meth:`refresh` (tests, a clean shutdown)."""
        loading = self._loading
        if loading is not None:
            loading.join(timeout)

    def _swap(self, state: State) -> bool:
        try:
            book = self._book
            if state.revision is not None and state.revision != book.revision:
                book = self._revisions.load(self._revisions.get(state.revision))
            shadow = None
            if state.shadow is not None:
                revision, sample = state.shadow
                known = {b.revision: b for b in (book, self._book)}
                if self._shadow is not None:
                    known.setdefault(self._shadow[0].revision, self._shadow[0])
                candidate = known.get(revision) or self._revisions.load(self._revisions.get(revision))
                shadow = (candidate, sample)
        except Exception as exc:  # noqa: BLE001 - keep screening with what we have; say so loudly
            log.error("rulebook.swap_failed", revision=(state.revision or "")[:16], generation=state.generation,
                      shadow=(state.shadow_revision or "")[:16], error_type=type(exc).__name__)
            return False
        with self._swapping:
            if self.generation is not None and state.generation < self.generation:
                return False  # a later generation was swapped in meanwhile
            old = self._book.revision
            self._book, self.generation = book, state.generation
            self._shadow, self._shadow_key = shadow, state.shadow
            if state.revision is not None:
                self.source = "database"
        log.info("rulebook.swapped", revision=book.revision[:16], previous=old[:16], generation=state.generation,
                 shadow=(state.shadow_revision or "")[:16] or None)
        return True

    def _state(self) -> State | None:
        try:
            return self._revisions.state()
        except SQLAlchemyError as exc:  # not migrated yet, or the database is away: keep what we have
            log.warning("rulebook.state_unreadable", error_type=type(exc).__name__)
            return None
