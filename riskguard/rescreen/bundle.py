"""The rule packs and policies as bytes, so that every worker screens with what the driver read.

A Spark executor (or a pool worker) gets the bundle once (a broadcast variable, or the pool's
initializer), writes it to a private temporary folder, loads the rulebook from there and keeps it for
the life of its Python process: the engine is compiled once per worker, not per batch. The revision is
the loader's content hash, so it is the same wherever the files are written.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..rulebook import Rulebook, load_rulebook, rule_files

__all__ = ["RulebookBundle"]

# One compiled rulebook per bundle per process. A module-level cache because a Spark Python worker
# has no other place that outlives a batch; keyed by content, so it can never serve stale rules.
_books: dict[str, Rulebook] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class RulebookBundle:
    files: tuple[tuple[str, bytes], ...]  # ("rules/<rel>" | "policies/<name>", bytes), sorted
    digest: str

    @classmethod
    def from_dirs(cls, rules_dir: Path, policies_dir: Path) -> RulebookBundle:
        """Every file the loader may read (the YAML files and the claim models) (it skips what it does not need)."""
        files = [("rules/" + p.relative_to(rules_dir).as_posix(), p.read_bytes())
                 for p in rule_files(Path(rules_dir))]
        files += [("policies/" + p.name, p.read_bytes()) for p in sorted(Path(policies_dir).glob("*.yaml"))]
        digest = hashlib.sha256()
        for rel, raw in files:
            digest.update(rel.encode() + b"\0" + hashlib.sha256(raw).digest())
        return cls(files=tuple(files), digest=digest.hexdigest())

    def rulebook(self) -> Rulebook:
        """The compiled rulebook, built at most once per process."""
        book = _books.get(self.digest)
        if book is not None:
            return book
        with _lock:
            if (book := _books.get(self.digest)) is None:
                book = _books[self.digest] = self._load()
        return book

    def _load(self) -> Rulebook:
        folder = Path(tempfile.mkdtemp(prefix="riskguard-rulebook-"))
        try:
            for rel, raw in self.files:
                path = folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(raw)
            (folder / "rules").mkdir(exist_ok=True)
            (folder / "policies").mkdir(exist_ok=True)
            return load_rulebook(folder / "rules", folder / "policies")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
