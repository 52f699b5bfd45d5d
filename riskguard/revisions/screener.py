"""The shadow's screening process: a candidate revision screens texts here, at the lowest CPU priority.

A candidate whose rule files differ from the active revision's must screen each sample in full, which
costs what answering it cost. In the request process that work would hold the GIL the requests need and
run at their priority; here it runs in a process of its own under ``os.nice(19)``, so when requests and
this process both want a core the kernel gives it to the requests. At saturation it gets what is left:
the shadow thread waits for it, its bounded queue fills, and the samples beyond are dropped and counted,
as before — the answers do not pay for them.

One process per request process, started by the shadow thread on first use (so a gunicorn master never
has one and a forked worker starts its own) with ``subprocess`` and a socket pair, not ``fork``: it
inherits no thread, lock or database connection. It reads the candidate from the revision's folder on
this host (where :meth:`.service.RuleRevisions.load` wrote it), checks the revision, and answers each
batch with every item's decision and rule ids; it stores nothing and never sees the database.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Sequence
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rulebook import Rulebook, ScreenInput

__all__ = ["Screener", "ScreenerError", "NICE", "lowest_priority"]

NICE = 19  # the lowest priority: the process runs on what the requests leave
REPLY_SECONDS = 120.0  # a batch not answered by then is given up (the process is stopped and started again)


class ScreenerError(Exception):
    """The process could not screen a batch (it failed, died or did not answer in time)."""


class Screener:
    """The parent's end: ``screen`` sends a batch and waits for the answer (the shadow thread only)."""

    def __init__(self, reply_seconds: float = REPLY_SECONDS) -> None:
        self.reply_seconds = reply_seconds
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    def screen(self, revision: str, folders: tuple[Path, Path],
               batch: Sequence[tuple[ScreenInput, str | None]]) -> list[tuple[str, list[str]]]:
        """Each item decided by the candidate ``revision`` (loaded from ``folders``) with its policy name:
        ``(decision, rule ids)`` in order."""
        conn = self._started()
        try:
            conn.send((revision, str(folders[0]), str(folders[1]), list(batch)))
            if not conn.poll(self.reply_seconds):
                raise ScreenerError("no answer in time")
            ok, answer = conn.recv()
        except (OSError, EOFError, ScreenerError):
            self.stop()  # a fresh process next time
            raise
        if not ok:
            raise ScreenerError(answer)
        return answer

    def _started(self) -> Connection:
        if self._proc is None or self._proc.poll() is not None or self._conn is None:
            self.stop()
            ours, theirs = Pipe()
            self._proc = subprocess.Popen([sys.executable, "-m", __name__, str(theirs.fileno())],
                                          pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, close_fds=True)
            theirs.close()
            self._conn = ours
        return self._conn

    def stop(self) -> None:
        """End the process (closing our end is enough: it exits when it reads the end of the stream)."""
        conn, proc, self._conn, self._proc = self._conn, self._proc, None, None
        if conn is not None:
            conn.close()
        if proc is not None:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def forget(self) -> None:
        """After a fork: the process and its socket are the parent's, not this child's."""
        self._proc = self._conn = None


def lowest_priority() -> None:
    """This process runs only on CPU time nothing else wants: ``SCHED_IDLE`` where the kernel has it (a
    waking request preempts it at once), and the highest nice value in any case."""
    os.nice(NICE)
    if hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _serve(conn: Connection) -> None:
    from ..rulebook import evaluate, load_rulebook

    lowest_priority()
    book: Rulebook | None = None
    while True:
        try:
            revision, rules_dir, policies_dir, batch = conn.recv()
        except EOFError:
            return
        try:
            if book is None or book.revision != revision:
                book = None  # one candidate at a time
                loaded = load_rulebook(Path(rules_dir), Path(policies_dir))
                if loaded.revision != revision:
                    raise ValueError("the folder does not hold the revision")
                book = loaded
            answer = [(d.decision, d.rule_ids) for d in (evaluate(book, item, policy=policy)
                                                         for item, policy in batch)]
        except Exception as exc:  # noqa: BLE001 - the parent counts the batch as failed and logs the type
            conn.send((False, type(exc).__name__))
            continue
        conn.send((True, answer))


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])))
