"""Production serving with gunicorn (pre-forked sync workers; the app is built once per worker).

Beside the workers the master keeps one audit sequencer process alive (``riskguard audit sequencer``),
and the workers' apps leave integration to it (``audit_sequencer: "process"``): a sequencer thread
inside each worker competed with that worker's requests for its GIL, and the server answered about 15 %
fewer requests per second under load (docs/screening.md). Entries are durable at each request's commit
either way; the sequencer only gives them leaf indexes, and every read integrates first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.glogging import Logger

__all__ = ["run_gunicorn", "SEQUENCER_COMMAND"]


# The audit group alone, not ``riskguard.cli``: the other domains' imports (Presidio, spaCy) would cost
# the sequencer about 130 MB it never uses.
SEQUENCER_COMMAND = [sys.executable, "-m", "riskguard.audit.cli", "sequencer"]


class _Arbiter(Arbiter):
    """Gunicorn's master, also supervising the audit sequencer process."""

    RESPAWN_SECONDS = 5.0  # a sequencer that keeps failing is started at most this often
    sequencer: subprocess.Popen[bytes] | None = None
    spawned_at = 0.0

    def start(self) -> None:
        super().start()
        self._spawn_sequencer()

    def handle_chld(self) -> None:
        # Look at our child first, by its pid: gunicorn then reaps with waitpid(-1), which would take it
        # as an unknown child.
        self._check_sequencer()
        super().handle_chld()

    def manage_workers(self) -> None:
        super().manage_workers()
        self._check_sequencer()

    def stop(self, graceful: bool = True) -> None:
        super().stop(graceful)
        sequencer, self.sequencer = self.sequencer, None
        if sequencer is not None and sequencer.poll() is None:
            sequencer.terminate()
            try:
                sequencer.wait(timeout=10)
            except subprocess.TimeoutExpired:
                sequencer.kill()
                sequencer.wait()

    def _spawn_sequencer(self) -> None:
        # Its own session: Ctrl-C in a terminal reaches the master only, which stops it after the workers.
        self.sequencer = subprocess.Popen([*SEQUENCER_COMMAND, "--parent", str(os.getpid())],
                                          start_new_session=True)
        self.spawned_at = time.monotonic()
        self.log.info("Started the audit sequencer (pid: %s)", self.sequencer.pid)

    def _check_sequencer(self) -> None:
        # After a waitpid(-1) took it, poll() reports 0 (ECHILD): it has exited either way.
        if self.sequencer is None or self.sequencer.poll() is None:
            return
        if time.monotonic() - self.spawned_at >= self.RESPAWN_SECONDS:
            self.log.error("The audit sequencer (pid: %s) exited with %s; starting another",
                           self.sequencer.pid, self.sequencer.returncode)
            self._spawn_sequencer()


class _JsonLogger(Logger):
    """gunicorn's own lines (workers booting, timeouts) in the service's JSON, through the root logger.

    gunicorn gives ``gunicorn.error`` a plain-text handler of its own and stops it propagating; this
    takes the handler away so the root logger's (riskguard.logging) renders the lines instead.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from . import create_app

        return create_app({"extra": {"audit_sequencer": "process"}})  # the sequencer process integrates

    def run(self) -> None:
        try:
            _Arbiter(self).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr)
            sys.exit(1)


def _worker_int(worker: Any) -> None:
    """A worker told to quit now (Ctrl-C, SIGQUIT) leaves without tearing the interpreter down: that
    teardown (Presidio's and spaCy's objects) took seconds, and the master then killed it with SIGKILL.
    A request it was answering is cut off, as gunicorn's own quick shutdown would cut it; what had
    committed stays committed (SIGTERM is the graceful stop that lets requests finish)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _metrics_dir(path: Path) -> None:
    """prometheus_client's multiprocess mode: each worker writes its counters to files in ``path``, a
    scrape of any worker adds them up. Emptied at start (counters start at zero with the server); set
    before any worker imports prometheus_client, which reads it once."""
    from .files import private_dir

    if path.is_dir():
        shutil.rmtree(path)
    private_dir(path)
    from .config import METRICS_MULTIPROC_ENV

    os.environ[METRICS_MULTIPROC_ENV] = str(path)


def run_gunicorn(*, host: str, port: int, workers: int, metrics_dir: Path, log_level: str = "INFO") -> None:
    from .logging import configure_logging

    _metrics_dir(metrics_dir)
    configure_logging(log_level)  # the master's lines; each worker's app configures its own the same way
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "accesslog": None, "logger_class": _JsonLogger,
               "loglevel": log_level.lower(), "timeout": 60, "graceful_timeout": 10,
               "worker_int": _worker_int}).run()
