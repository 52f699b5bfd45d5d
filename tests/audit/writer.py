"""A separate process that appends audit entries from several threads and prints ``ack <entry id>`` once
its transaction has committed (that is the acknowledgement; other lines on stdout, such as a log line of
the checkpoint timer, are not). Used by the concurrency and crash tests.

    python tests/audit/writer.py URL KEYRING ORIGIN THREADS PER_THREAD   (PER_THREAD 0 = until killed)
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import structlog

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from riskguard.audit import AuditEvent  # noqa: E402
from riskguard.audit.service import AuditLog  # noqa: E402
from riskguard.config import Settings  # noqa: E402
from riskguard.db import Database  # noqa: E402
from riskguard.keyring import Keyring  # noqa: E402


def main() -> None:
    # stdout carries the acknowledgements; the log (audit.sequencer.failed while SQLite is busy) goes to stderr
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
    url, keyring, origin, threads, per_thread = sys.argv[1:6]
    db = Database(url, pool_size=int(threads) + 2) if not url.startswith("sqlite") else Database(url)
    log = AuditLog.create(db, Keyring.load(Path(keyring)), Settings.from_env(
        audit_origin=origin, extra={"audit_checkpoint_interval": 0.5}))
    out = threading.Lock()

    def work(t: int) -> None:
        i = 0
        while int(per_thread) == 0 or i < int(per_thread):
            with log.transaction() as tx:
                receipt = tx.record(AuditEvent(action="screening:content:decided", actor=f"key:w{t}",
                                               subject_type="ad", subject_id=f"p{t}-{i}", decision="allow"))
            with out:
                sys.stdout.write(f"ack {receipt.entry_id}\n")
                sys.stdout.flush()
            i += 1

    workers = [threading.Thread(target=work, args=(t,)) for t in range(int(threads))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


if __name__ == "__main__":
    main()
