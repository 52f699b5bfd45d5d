#!/usr/bin/env python3
"""Standalone verifier for a riskguard audit export: needs only the export, the public key and one or
more signed checkpoints. Python 3.11+ standard library plus ``cryptography``; it imports nothing from
riskguard, so auditors can run it on their own machines.

    python verify_export.py --export audit.jsonl --public-key audit_public_key.pem \
        --checkpoint checkpoint.txt [--checkpoint older.txt] [--witness-key witness.vkey]

The export must be unfiltered (``riskguard audit export`` or ``GET /v1/audit/export`` without filters)
and cover at least every checkpoint's size. For each entry it re-hashes the exact ``canonical`` text
(RFC 6962 leaf hash), checks the exported leaf hash and fields against it, rebuilds the Merkle tree and
compares its root with every checkpoint whose signature verifies. With ``--witness-key``, some
checkpoint given must carry that witness's valid cosignature (C2SP tlog-cosignature), so the export is
checked against a tree the witness saw. Exit 0 when everything verifies, 1 naming the first bad entry
index otherwise, 2 on unusable input.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

DASH = "\u2014"


class Unusable(Exception):
    pass


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """Right edge of an RFC 6962 tree: perfect subtrees, largest first."""

    def __init__(self) -> None:
        self.size = 0
        self.levels: list[int] = []
        self.hashes: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        level, h = 0, leaf
        while self.levels and self.levels[-1] == level:
            self.levels.pop()
            h = node_hash(self.hashes.pop(), h)
            level += 1
        self.levels.append(level)
        self.hashes.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return hashlib.sha256(b"").digest()
        r = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            r = node_hash(h, r)
        return r


def load_public_key(path: Path) -> tuple[bytes, str | None]:
    """A PEM public key, or a signed-note verifier key ``name+hash+base64(0x01||key)``."""
    text = path.read_text("utf-8").strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise Unusable("the public key is not Ed25519")
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw), None
    parts = text.split("+", 2)  # names hold no "+", base64 may
    if len(parts) != 3:
        raise Unusable("the public key is neither PEM nor a verifier key")
    raw = base64.b64decode(parts[2])
    if len(raw) != 33 or raw[0] != 1:
        raise Unusable("the verifier key is not an Ed25519 key")
    return raw[1:], parts[0]


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public_key).digest()[:4]


def parse_checkpoint(note: str, public_key: bytes, origin: str | None) -> dict:
    body, sep, sigs = note.partition("\n\n")
    lines = body.split("\n")
    if not sep or len(lines) < 3 or not lines[1].isdigit():
        raise Unusable("not a C2SP checkpoint (origin, size, root, blank line, signatures)")
    name = lines[0]
    if origin and name != origin:
        raise Unusable(f"checkpoint origin {name!r} is not the key's {origin!r}")
    root = base64.b64decode(lines[2], validate=True)
    want = key_hash(name, public_key)
    for line in sigs.split("\n"):
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == DASH and parts[1] == name:
            blob = base64.b64decode(parts[2])
            if len(blob) == 68 and blob[:4] == want:
                try:
                    Ed25519PublicKey.from_public_bytes(public_key).verify(blob[4:], (body + "\n").encode())
                except InvalidSignature:
                    raise Unusable(f"the checkpoint signature (size {lines[1]}) does not verify") from None
                when = next((x[5:] for x in lines[3:] if x.startswith("time ")), None)
                return {"size": int(lines[1]), "root": root, "time": when}
    raise Unusable(f"the checkpoint (size {lines[1]}) carries no signature by this key")


def load_witness_key(path: Path) -> tuple[str, bytes]:
    """A witness's verifier key ``name+id+base64(0x04 || key)`` (C2SP tlog-cosignature, Ed25519)."""
    parts = path.read_text("utf-8").strip().split("+", 2)
    raw = base64.b64decode(parts[2]) if len(parts) == 3 else b""
    if len(raw) != 33 or raw[0] != 4:
        raise Unusable("the witness key is not an Ed25519 cosignature/v1 verifier key")
    return parts[0], raw[1:]


def cosigned_at(note: str, name: str, public_key: bytes) -> int | None:
    """The timestamp of the witness's cosignature on ``note``, None if it has none (Unusable if bad)."""
    body = note.partition("\n\n")[0] + "\n"
    want = hashlib.sha256(name.encode("utf-8") + b"\n\x04" + public_key).digest()[:4]
    for line in note.partition("\n\n")[2].split("\n"):
        parts = line.split(" ")
        blob = base64.b64decode(parts[2]) if len(parts) == 3 and parts[:2] == [DASH, name] else b""
        if len(blob) == 76 and blob[:4] == want:
            stamp = int.from_bytes(blob[4:12], "big")
            try:
                Ed25519PublicKey.from_public_bytes(public_key).verify(
                    blob[12:], f"cosignature/v1\ntime {stamp}\n{body}".encode())
            except InvalidSignature:
                raise Unusable(f"the cosignature by {name} does not verify") from None
            return stamp
    return None


def shown(value: object) -> str:
    """An exported cell as text (CSV guards text cells starting with = + - @ tab CR with a leading quote;
    the same list as riskguard/csvcells.py, which this standalone script cannot import)."""
    text = "" if value is None else str(value)
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def expected_fields(body: dict) -> dict[str, str]:
    subject = body.get("subject") or {}
    values = {"entry_id": body.get("id"), "time": body.get("time"), "action": body.get("action"),
              "actor": body.get("actor"), "subject_type": subject.get("type"), "subject_id": subject.get("id"),
              "decision": body.get("decision"), "policy_revision": body.get("policy_revision"),
              "input_digest": body.get("input_digest"), "reason": body.get("reason")}
    return {k: "" if v is None else str(v) for k, v in values.items()}


def read_export(path: Path):  # type: ignore[no-untyped-def]
    with path.open("r", encoding="utf-8", newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        if first.startswith("{"):
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        raise Unusable(f"line {n} of the export is not JSON") from None
        else:
            for row in csv.DictReader(fh):
                row["index"] = int(row["index"])
                yield row


def verify(export: Path, public_key_file: Path, checkpoint_files: list[Path],
           witness_files: list[Path] | None = None) -> tuple[bool, list[str]]:
    public_key, origin = load_public_key(public_key_file)
    notes = [p.read_text("utf-8") for p in checkpoint_files]
    cps = sorted((parse_checkpoint(n, public_key, origin) for n in notes), key=lambda c: c["size"])
    for name, key in map(load_witness_key, witness_files or []):
        if not [n for n in notes if cosigned_at(n, name, key) is not None]:
            raise Unusable(f"no checkpoint given is co-signed by the witness {name}")
    by_size: dict[int, dict] = {}
    for cp in cps:
        if cp["size"] in by_size and by_size[cp["size"]]["root"] != cp["root"]:
            return False, [f"two checkpoints of size {cp['size']} disagree: the log forked"]
        by_size[cp["size"]] = cp
    need = max(by_size, default=0)
    problems: list[str] = []
    first_bad: int | None = None
    verified_upto = 0
    frontier = Frontier()

    def bad(index: int, message: str) -> None:
        nonlocal first_bad
        first_bad = index if first_bad is None else min(first_bad, index)
        problems.append(message)

    for row in read_export(export):
        i = int(row["index"])
        if i != frontier.size:
            bad(frontier.size, f"entry {frontier.size} is missing or out of order (found index {i})")
            break
        text = row["canonical"]
        entry = text.encode("utf-8")
        lh = leaf_hash(entry)
        if row.get("leaf_hash") and base64.b64decode(row["leaf_hash"]) != lh:
            bad(i, f"entry {i}: its canonical text does not match its leaf hash")
        body = json.loads(text)
        field = next((c for c, v in expected_fields(body).items() if c in row and shown(row[c]) != v), None)
        if field is not None:
            bad(i, f"entry {i}: the exported {field} differs from the canonical entry")
        covering = next((c for c in cps if c["size"] > i), None)
        if covering and covering["time"] and body.get("time", "") > covering["time"]:
            bad(i, f"entry {i} was recorded after checkpoint {covering['size']} that covers it (regrown log)")
        frontier.append(lh)
        cp = by_size.get(frontier.size)
        if cp is not None:
            if frontier.root() == cp["root"]:
                verified_upto = cp["size"]
            else:
                message = (f"root at size {cp['size']} differs from the signed checkpoint: an entry in "
                           f"[{verified_upto}, {cp['size']}) was altered")
                if first_bad is not None and first_bad >= verified_upto:
                    problems.append(message)  # already located more precisely
                else:
                    bad(verified_upto, message)
        if frontier.size >= need and first_bad is not None:
            break
    if frontier.size < need:
        bad(frontier.size, f"the export holds {frontier.size} entries; a checkpoint covers {need}")
    if first_bad is not None:
        problems.insert(0, f"first bad entry index {first_bad}")
    return first_bad is None, problems + ([] if problems else
                                          [f"{frontier.size} entries; {len(by_size)} checkpoints verified"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", required=True, type=Path)
    parser.add_argument("--public-key", required=True, type=Path)
    parser.add_argument("--checkpoint", required=True, type=Path, action="append")
    parser.add_argument("--witness-key", type=Path, action="append", default=[],
                        help="a witness's verifier key: some checkpoint given must carry its valid cosignature")
    args = parser.parse_args(argv)
    try:
        ok, lines = verify(args.export, args.public_key, args.checkpoint, args.witness_key)
    except (Unusable, OSError, ValueError, KeyError) as exc:
        print(f"UNUSABLE: {exc}", file=sys.stderr)
        return 2
    print(("OK: " if ok else "FAIL: ") + lines[0], file=sys.stdout if ok else sys.stderr)
    for line in lines[1:]:
        print(f"  {line}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
