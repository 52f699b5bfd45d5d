"""Signed checkpoints in the C2SP tlog-checkpoint format, as a signed note with an Ed25519 signature.

Body: origin line, tree size (decimal), base64 root hash, then one extension line ``time <ISO-8601 UTC>``
(when the checkpoint was signed). Signature line: ``— <key name> <base64(key hash[4] || signature[64])>``
where the key hash is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` (C2SP signed-note, Ed25519).
The key name is the origin. Every entry below a checkpoint's size was recorded before that time; ``verify``
uses it to name the first index of a truncated and regrown log.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, insert, select

from ..ids import utcnow
from ._keys import LogKeys
from .canonical import format_time
from .models import AuditCheckpoint

__all__ = ["Checkpoint", "CheckpointError", "key_hash", "verifier_key", "sign", "parse", "latest_checkpoint",
           "stored_checkpoints", "parse_time", "signature_blobs", "add_cosignature"]

C = AuditCheckpoint.__table__
DASH = "\u2014"


class CheckpointError(ValueError):
    """A checkpoint is malformed or its signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: datetime | None
    note: str

    def to_dict(self) -> dict[str, object]:
        return {"origin": self.origin, "tree_size": self.size, "root": base64.b64encode(self.root).decode(),
                "time": format_time(self.time) if self.time else None, "note": self.note}


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The signed-note verifier key string: ``name+hexhash+base64(0x01 || key)``."""
    encoded = base64.b64encode(b"\x01" + public_key).decode()
    return f"{name}+{key_hash(name, public_key).hex()}+{encoded}"


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def sign(keys: LogKeys, size: int, root: bytes, when: datetime) -> str:
    body = f"{keys.origin}\n{size}\n{base64.b64encode(root).decode()}\ntime {format_time(when)}\n"
    signature = keys.signing_key.sign(body.encode("utf-8"))
    blob = base64.b64encode(key_hash(keys.origin, keys.public_key) + signature).decode()
    return f"{body}\n{DASH} {keys.origin} {blob}\n"


def signature_blobs(sigs: str, name: str, key_id: bytes, length: int) -> Iterator[bytes]:
    """The decoded signatures (key ID first) of the note signature lines by ``name`` with ``key_id``."""
    for line in sigs.split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != name:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError:
            continue
        if len(blob) == length and blob[:4] == key_id:
            yield blob


def parse(note: str, public_key: bytes, origin: str | None = None) -> Checkpoint:
    """Check the note's Ed25519 signature by ``public_key`` and return the checkpoint it signs."""
    body, sep, sigs = note.partition("\n\n")
    if not sep or not body:
        raise CheckpointError("not a signed note (no blank line before the signatures)")
    body += "\n"
    lines = body[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise CheckpointError("checkpoint body needs origin, size and root lines")
    name = lines[0]
    if origin is not None and name != origin:
        raise CheckpointError(f"checkpoint origin {name!r} is not {origin!r}")
    if not lines[1].isdigit() or (lines[1] != "0" and lines[1].startswith("0")):
        raise CheckpointError("checkpoint size is not a decimal number")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except ValueError:
        raise CheckpointError("checkpoint root is not base64") from None
    if len(root) != 32:
        raise CheckpointError("checkpoint root is not 32 bytes")
    want = key_hash(name, public_key)
    key = Ed25519PublicKey.from_public_bytes(public_key)
    for blob in signature_blobs(sigs, name, want, 68):
        try:
            key.verify(blob[4:], body.encode("utf-8"))
        except InvalidSignature:
            raise CheckpointError(f"checkpoint signature by {name} does not verify") from None
        when = None
        for ext in lines[3:]:
            if ext.startswith("time "):
                try:
                    when = parse_time(ext[5:])
                except ValueError:
                    raise CheckpointError("checkpoint time line is malformed") from None
        return Checkpoint(origin=name, size=int(lines[1]), root=root, time=when, note=note)
    raise CheckpointError(f"no signature by key {name}+{want.hex()} on the checkpoint")


def latest_checkpoint(engine: Engine, keys: LogKeys, *, integrate_first: bool = True) -> Checkpoint:
    """The checkpoint for the current tree size, signing one if the tree grew since the last."""
    from .sequencer import integrate, lock_head

    if integrate_first:
        integrate(engine, keys)
    with engine.connect() as conn:
        size, root = lock_head(conn)
        row = conn.execute(select(C.c.note).where(C.c.tree_size == size)).one_or_none()
        if row is not None:
            conn.rollback()
            return parse(row[0], keys.public_key)
        now = utcnow()
        note = sign(keys, size, root, now)
        conn.execute(insert(C).values(tree_size=size, root=root, note=note, signed_at=now))
        conn.commit()
    return parse(note, keys.public_key)


def stored_checkpoints(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [(int(s), n) for s, n in conn.execute(select(C.c.tree_size, C.c.note).order_by(C.c.tree_size))]


def add_cosignature(engine: Engine, size: int, line: str) -> str | None:
    """Append a witness's cosignature line to the stored checkpoint of ``size`` (so that the API and
    ``checkpoint`` hand out the co-signed note); returns the note, or None if there is no such row."""
    from sqlalchemy import update

    with engine.begin() as conn:
        note = conn.execute(select(C.c.note).where(C.c.tree_size == size)).scalar_one_or_none()
        if note is None:
            return None
        lines = note.rstrip("\n").split("\n")
        name = line.split(" ", 2)[1]
        kept = [x for x in lines if not x.startswith(f"{DASH} {name} ")]  # one cosignature per witness
        note = "\n".join([*kept, line]) + "\n"
        conn.execute(update(AuditCheckpoint).where(AuditCheckpoint.tree_size == size).values(note=note))
    return note
