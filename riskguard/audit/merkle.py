"""RFC 6962 / RFC 9162 section 2.1 Merkle tree hashing, proofs and proof verification. Pure: no I/O.

Leaf ``SHA-256(0x00 || entry)``, node ``SHA-256(0x01 || left || right)``, split at the largest power of
two smaller than n, empty tree ``SHA-256("")``. The list functions take entries (byte strings); the
``*_path`` functions take a ``subtree(lo, hi)`` callback so that storage can answer proofs from the
interior hashes it keeps instead of rehashing the log. ``Frontier`` is the right edge of a growing tree:
appending one leaf costs O(1) amortised hashes and yields the perfect subtrees it completes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "Frontier",
    "consistency_path",
    "consistency_proof",
    "inclusion_path",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_hashes",
    "verify_consistency",
    "verify_inclusion",
    "verify_inclusion_hash",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
Subtree = Callable[[int, int], bytes]


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes, iteratively (no recursion depth limit)."""
    if not hashes:
        return EMPTY_ROOT
    frontier = Frontier()
    for h in hashes:
        frontier.append(h)
    return frontier.root()


def root(entries: Sequence[bytes]) -> bytes:
    return root_from_hashes([leaf_hash(e) for e in entries])


def _list_subtree(hashes: Sequence[bytes]) -> Subtree:
    return lambda lo, hi: root_from_hashes(hashes[lo:hi])


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(m, D[0:n]) of RFC 6962 2.1.1, leaf-to-root order, built from ``subtree(lo, hi)`` hashes."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} outside a tree of size {size}")
    path: list[bytes] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            path.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree(lo, lo + k))
            lo, m = lo + k, m - k
    path.reverse()
    return path


def consistency_path(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(m, D[0:n]) of RFC 6962 2.1.2 from ``subtree(lo, hi)`` hashes."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot prove {old_size} -> {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    lo, hi, m, complete = 0, new_size, old_size, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            proof.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            proof.append(subtree(lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        proof.append(subtree(lo, hi))
    proof.reverse()
    return proof


def inclusion_proof(entries: Sequence[bytes], index: int) -> list[bytes]:
    return inclusion_path(index, len(entries), _list_subtree([leaf_hash(e) for e in entries]))


def consistency_proof(entries: Sequence[bytes], old_size: int) -> list[bytes]:
    return consistency_path(old_size, len(entries), _list_subtree([leaf_hash(e) for e in entries]))


def _ok_hashes(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes | bytearray) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion_hash(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes) -> bool:
    """RFC 9162 2.1.3.2, given the leaf hash."""
    if not 0 <= index < size or not _ok_hashes(leaf, root_hash, *proof):
        return False
    fn, sn, r = index, size - 1, bytes(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_inclusion(entry: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes) -> bool:
    return verify_inclusion_hash(leaf_hash(entry), index, size, proof, root_hash)


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2. Size 0 is consistent with anything (empty proof)."""
    if not 0 <= old_size <= new_size or not _ok_hashes(*proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof or not _ok_hashes(old_root, new_root):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The perfect subtrees along the right edge of a tree of ``size`` leaves, largest first.

    ``append`` returns the interior nodes it completes as ``(level, index, hash)``: node (L, j) covers
    leaves ``[j * 2**L, (j + 1) * 2**L)``; it is completed by leaf ``(j + 1) * 2**L - 1``.
    """

    __slots__ = ("size", "_levels", "_hashes")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        levels = [b for b in range(size.bit_length() - 1, -1, -1) if size >> b & 1]
        if len(levels) != len(hashes):
            raise ValueError(f"a tree of size {size} has {len(levels)} edge subtrees, got {len(hashes)}")
        self.size = size
        self._levels = levels
        self._hashes = list(hashes)

    @staticmethod
    def edge(size: int) -> list[tuple[int, int]]:
        """The ``(level, index)`` of the perfect subtrees a frontier of ``size`` needs, largest first."""
        out, start = [], 0
        for b in range(size.bit_length() - 1, -1, -1):
            if size >> b & 1:
                out.append((b, start >> b))
                start += 1 << b
        return out

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        created: list[tuple[int, int, bytes]] = []
        level, h, index = 0, leaf, self.size
        while self._levels and self._levels[-1] == level:
            self._levels.pop()
            h = node_hash(self._hashes.pop(), h)
            level += 1
            created.append((level, index >> level, h))
        self._levels.append(level)
        self._hashes.append(h)
        self.size += 1
        return created

    def root(self) -> bytes:
        if not self._hashes:
            return EMPTY_ROOT
        r = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            r = node_hash(h, r)
        return r
