"""RFC 6962 hashing and proofs against published vectors (transparency-dev/merkle), their corruptions,
and the streaming/stored forms against the list form."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from riskguard.audit import merkle

VECTORS = json.loads((Path(__file__).parent / "data" / "rfc6962_vectors.json").read_text())
LEAVES = [bytes.fromhex(x) for x in VECTORS["leaves"]]
ROOTS = [bytes.fromhex(x) for x in VECTORS["roots"]]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def test_empty_tree_root() -> None:
    assert merkle.root([]) == bytes.fromhex(VECTORS["empty_root"]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("size", range(1, 9))
def test_roots(size: int) -> None:
    assert merkle.root(LEAVES[:size]) == ROOTS[size - 1]


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: f"leaf{c['leaf']}-size{c['size']}")
def test_inclusion_vectors(case: dict) -> None:
    index, size = case["leaf"] - 1, case["size"]
    proof = [bytes.fromhex(p) for p in case["proof"]]
    assert merkle.inclusion_proof(LEAVES[:size], index) == proof
    assert merkle.verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size - 1])


@pytest.mark.parametrize("case", VECTORS["consistency"], ids=lambda c: f"{c['size1']}-{c['size2']}")
def test_consistency_vectors(case: dict) -> None:
    m, n = case["size1"], case["size2"]
    proof = [bytes.fromhex(p) for p in case["proof"]]
    assert merkle.consistency_proof(LEAVES[:n], m) == proof
    assert merkle.verify_consistency(m, n, ROOTS[m - 1], ROOTS[n - 1], proof)


def _inclusion_corruptions(index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes):  # type: ignore[no-untyped-def]
    """The corruptions transparency-dev applies to every good inclusion proof (all must fail)."""
    out = [("index-1", index - 1, size, root, leaf, proof), ("index+1", index + 1, size, root, leaf, proof),
           ("index^2", index ^ 2, size, root, leaf, proof), ("size*2", index, size * 2, root, leaf, proof),
           ("size/2", index, size // 2, root, leaf, proof), ("wrong leaf", index, size, root, b"WrongLeaf", proof),
           ("empty root", index, size, merkle.EMPTY_ROOT, leaf, proof),
           ("random root", index, size, SOME_HASH, leaf, proof),
           ("trailing garbage", index, size, root, leaf, [*proof, b""]),
           ("trailing root", index, size, root, leaf, [*proof, root]),
           ("preceding garbage", index, size, root, leaf, [b"", *proof]),
           ("preceding root", index, size, root, leaf, [root, *proof])]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        out.append((f"flip[{i}]", index, size, root, leaf, flipped))
    if proof:
        out.append(("removed component", index, size, root, leaf, proof[:-1]))
    if len(proof) > 1:
        out.append(("inserted component", index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]]))
    return out


@pytest.mark.parametrize("case", VECTORS["inclusion"][1:], ids=lambda c: f"leaf{c['leaf']}-size{c['size']}")
def test_inclusion_corruptions_must_not_verify(case: dict) -> None:
    index, size = case["leaf"] - 1, case["size"]
    proof = [bytes.fromhex(p) for p in case["proof"]]
    leaf = merkle.leaf_hash(LEAVES[index])
    assert merkle.verify_inclusion_hash(leaf, index, size, proof, ROOTS[size - 1])
    for desc, i, n, root, lh, pr in _inclusion_corruptions(index, size, proof, ROOTS[size - 1], leaf):
        assert not merkle.verify_inclusion_hash(lh, i, n, pr, root), desc


@pytest.mark.parametrize("case", [c for c in VECTORS["consistency"] if c["proof"]],
                         ids=lambda c: f"{c['size1']}-{c['size2']}")
def test_consistency_corruptions_must_not_verify(case: dict) -> None:
    m, n = case["size1"], case["size2"]
    proof = [bytes.fromhex(p) for p in case["proof"]]
    r1, r2 = ROOTS[m - 1], ROOTS[n - 1]
    probes = [(m - 1, n, r1, r2, proof), (m + 1, n, r1, r2, proof), (m ^ 2, n, r1, r2, proof),
              (m, n * 2, r1, r2, proof), (m, n // 2, r1, r2, proof), (m, n, b"WrongRoot", r2, proof),
              (m, n, r1, b"WrongRoot", proof), (m, n, r2, r1, proof), (m, n, r1, r2, []),
              (m, n, r1, r2, [*proof, b""]), (m, n, r1, r2, [*proof, r1]), (m, n, r1, r2, [*proof, r2]),
              (m, n, r1, r2, [b"", *proof]), (m, n, r1, r2, [r1, *proof]), (m, n, r1, r2, [r2, *proof]),
              (m, n, r1, r2, [proof[0], *proof]), (m, n, r1, r2, proof[:-1])]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((m, n, r1, r2, flipped))
    for k, (a, b, ra, rb, pr) in enumerate(probes):
        assert not merkle.verify_consistency(a, b, ra, rb, pr), k


@pytest.mark.parametrize("m,n,r1,r2,proof,ok", [
    (0, 0, b"x" * 32, b"x" * 32, [], True), (0, 1, b"x" * 32, b"y" * 32, [], True),
    (1, 1, b"y" * 32, b"y" * 32, [], True), (0, 0, merkle.EMPTY_ROOT, b"y" * 32, [], False),
    (1, 0, b"x" * 32, b"y" * 32, [], False), (2, 1, b"x" * 32, b"y" * 32, [], False),
    (1, 2, b"x" * 32, b"y" * 32, [], False),
    (0, 1, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [merkle.EMPTY_ROOT], False),
    (1, 1, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [merkle.EMPTY_ROOT], False),
])
def test_consistency_edge_cases(m: int, n: int, r1: bytes, r2: bytes, proof: list[bytes], ok: bool) -> None:
    assert merkle.verify_consistency(m, n, r1, r2, proof) is ok


@pytest.mark.parametrize("index,size", [(0, 0), (1, 0), (2, 1), (5, 5)])
def test_inclusion_outside_tree_raises_or_fails(index: int, size: int) -> None:
    with pytest.raises(ValueError):
        merkle.inclusion_proof([b"a"] * size, index)
    assert not merkle.verify_inclusion(b"a", index, size, [], merkle.EMPTY_ROOT)


def _reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH written recursively, straight from the definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _reference_mth(leaves[:k]) + _reference_mth(leaves[k:])).digest()


@pytest.mark.parametrize("size", [1, 2, 3, 5, 16, 17, 31, 64, 100])
def test_every_proof_of_small_trees_verifies(size: int) -> None:
    entries = [f"entry-{i}".encode() for i in range(size)]
    root = merkle.root(entries)
    assert root == _reference_mth(entries)
    for i in range(size):
        assert merkle.verify_inclusion(entries[i], i, size, merkle.inclusion_proof(entries, i), root)
        assert not merkle.verify_inclusion(entries[i] + b"!", i, size, merkle.inclusion_proof(entries, i), root)
    for m in range(size + 1):
        old = merkle.root(entries[:m])
        assert merkle.verify_consistency(m, size, old, root, merkle.consistency_proof(entries, m))


def test_frontier_reports_the_nodes_it_completes() -> None:
    frontier = merkle.Frontier()
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(8)]
    created = [frontier.append(h) for h in hashes]
    assert [len(c) for c in created] == [0, 1, 0, 2, 0, 1, 0, 3]
    assert created[7][-1] == (3, 0, merkle.root_from_hashes(hashes))
    assert created[5][0] == (1, 2, merkle.node_hash(hashes[4], hashes[5]))
    edge = merkle.Frontier.edge(7)
    assert edge == [(2, 0), (1, 2), (0, 6)]
    with pytest.raises(ValueError):
        merkle.Frontier(7, [hashes[0]])
