"""Reading the stored tree: interior hashes by (level, index), roots at any size, proofs.

Node (L, j) is kept in the row of the leaf that completes it, ``idx = (j + 1) * 2**L - 1``: level 0 is
that row's ``leaf_hash``, level L >= 1 is bytes ``[32 (L - 1), 32 L)`` of its ``nodes``. Any subtree of
the RFC 6962 tree is a right fold over at most log2(n) such perfect nodes, so roots and proofs cost one
indexed query of O(log n) rows (O(log^2 n) hashes at most) whatever the log size.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from . import merkle
from .models import AuditEntry, AuditTree

__all__ = ["fetch_nodes", "decompose", "StoredTree", "node_row"]

E = AuditEntry.__table__
T = AuditTree.__table__
H = merkle.HASH_SIZE


def node_row(level: int, index: int) -> int:
    return ((index + 1) << level) - 1


def decompose(lo: int, hi: int) -> list[tuple[int, int]]:
    """The perfect aligned subtrees whose right fold is MTH(D[lo:hi]) (left to right)."""
    out: list[tuple[int, int]] = []
    while hi > lo:
        n = hi - lo
        level = n.bit_length() - 1 if n & n - 1 == 0 and lo % n == 0 else (n - 1).bit_length() - 1
        out.append((level, lo >> level))
        lo += 1 << level
    return out


class MissingNode(LookupError):
    """A stored interior hash is absent or malformed (the log was altered or is incomplete)."""


def fetch_nodes(conn: Connection, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    wanted = set(wanted)
    by_row: dict[int, list[tuple[int, int]]] = {}
    for level, index in wanted:
        by_row.setdefault(node_row(level, index), []).append((level, index))
    out: dict[tuple[int, int], bytes] = {}
    rows = sorted(by_row)
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        for idx, leaf, nodes in conn.execute(
                select(E.c.idx, E.c.leaf_hash, E.c.nodes).where(E.c.idx.in_(chunk))):
            for level, index in by_row[idx]:
                blob = bytes(leaf or b"") if level == 0 else bytes(nodes or b"")[(level - 1) * H:level * H]
                if len(blob) == H:
                    out[(level, index)] = blob
    missing = wanted - out.keys()
    if missing:
        level, index = min(missing, key=lambda n: node_row(*n))
        raise MissingNode(f"stored node ({level}, {index}) missing at index {node_row(level, index)}")
    return out


def _fold(parts: list[bytes]) -> bytes:
    r = parts[-1]
    for p in reversed(parts[:-1]):
        r = merkle.node_hash(p, r)
    return r


class StoredTree:
    """Roots and proofs for the integrated log, read through one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        size, root = conn.execute(select(T.c.size, T.c.root).where(T.c.id == 1)).one()
        self.size, self.root = int(size), bytes(root)

    def _answer(self, build) -> list[bytes]:  # type: ignore[no-untyped-def]
        ranges: list[tuple[int, int]] = []
        build(lambda lo, hi: ranges.append((lo, hi)) or b"\0" * H)
        nodes = fetch_nodes(self.conn, (n for lo, hi in ranges for n in decompose(lo, hi)))
        return build(lambda lo, hi: _fold([nodes[n] for n in decompose(lo, hi)]))

    def root_at(self, size: int) -> bytes:
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} outside 0..{self.size}")
        if size == 0:
            return merkle.EMPTY_ROOT
        if size == self.size:
            return self.root
        return self._answer(lambda sub: [sub(0, size)])[0]

    def inclusion(self, index: int, size: int) -> list[bytes]:
        if not 0 <= index < size <= self.size:
            raise ValueError(f"no leaf {index} in a tree of size {size} (log size {self.size})")
        return self._answer(lambda sub: merkle.inclusion_path(index, size, sub))

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        if not 0 <= old_size <= new_size <= self.size:
            raise ValueError(f"cannot prove {old_size} -> {new_size} (log size {self.size})")
        return self._answer(lambda sub: merkle.consistency_path(old_size, new_size, sub))

    def leaf(self, index: int) -> tuple[bytes, bytes] | None:
        row = self.conn.execute(select(E.c.entry, E.c.leaf_hash).where(E.c.idx == index)).one_or_none()
        return None if row is None else (bytes(row[0]), bytes(row[1] or b""))
