"""The verifier's trust store: the largest checkpoint ``riskguard audit verify`` has verified, kept in a
file outside the database, as Go's checksum-database client keeps its latest signed tree.

On the next run that checkpoint is checked against the log like any other (a smaller tree or a
different root at its size fails), it must still be stored in the database (checkpoints are never
deleted), and a non-empty log must have a checkpoint at all. Only a checkpoint that verified replaces
it, and only a larger one.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._keys import LogKeys
from .checkpoints import Checkpoint, CheckpointError, parse

__all__ = ["TrustStore"]


class TrustStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, keys: LogKeys) -> Checkpoint | None:
        """The trusted checkpoint, or None on first use; CheckpointError if the file is not one."""
        if not self.path.exists():
            return None
        return parse(self.path.read_text("utf-8"), keys.public_key, keys.origin)

    def remember(self, checkpoint: Checkpoint, keys: LogKeys) -> bool:
        """Keep ``checkpoint`` if it is larger than the trusted one (written whole, then renamed)."""
        try:
            current = self.load(keys)
        except CheckpointError:
            return False
        if current is not None and current.size >= checkpoint.size:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(checkpoint.note)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        return True
