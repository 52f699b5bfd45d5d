"""A witness for the log (C2SP tlog-witness semantics, tlog-cosignature ``cosignature/v1`` lines).

Someone who can write the database can cut the log back to an older size, delete the newer
checkpoints and let the service sign fresh ones: every checkpoint left in the database then agrees
with the rows. A witness keeps the largest checkpoint it has verified in its *own* state, outside the
database (an append-only file), and co-signs a new checkpoint only when an RFC 6962 consistency proof
shows that the new tree extends that one. A smaller tree, a different root at the same size, or a proof
that does not verify is refused, and what it has already co-signed stays on record in its file.

Cosignature (c2sp.org/tlog-cosignature, Ed25519): the signature line is
``— <witness name> base64(key ID[4] || timestamp u64 big-endian || Ed25519 signature[64])`` where the
key ID is ``SHA-256(name || 0x0A || 0x04 || public key)[:4]`` and the signed message is
``cosignature/v1\\ntime <unix seconds>\\n`` followed by the whole checkpoint body.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from . import merkle
from .checkpoints import DASH, Checkpoint, CheckpointError, add_cosignature, parse, signature_blobs
from .store import MissingNode, StoredTree

if TYPE_CHECKING:
    from .service import AuditLog

__all__ = ["WitnessError", "WitnessState", "Witness", "cosigner_key_id", "cosigner_vkey", "parse_cosigner_vkey",
           "cosign", "verify_cosignature", "load_or_create_key", "witness_latest"]

COSIGNATURE_V1 = 0x04  # signed-note signature type of an Ed25519 cosignature/v1


class WitnessError(Exception):
    """The witness refuses a checkpoint. ``kind``: rollback, inconsistent, conflict, bad_checkpoint, state."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([COSIGNATURE_V1]) + public_key).digest()[:4]


def cosigner_vkey(name: str, public_key: bytes) -> str:
    """The witness's verifier key: ``name+hex key ID+base64(0x04 || public key)``."""
    encoded = base64.b64encode(bytes([COSIGNATURE_V1]) + public_key).decode()
    return f"{name}+{cosigner_key_id(name, public_key).hex()}+{encoded}"


def parse_cosigner_vkey(vkey: str) -> tuple[str, bytes]:
    """``(name, public key)`` from a cosigner verifier key; ValueError if it is not one."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise ValueError("not a verifier key (name+id+key)")
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except ValueError:
        raise ValueError("the verifier key is not base64") from None
    if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
        raise ValueError("not an Ed25519 cosignature/v1 verifier key")
    if cosigner_key_id(parts[0], raw[1:]).hex() != parts[1]:
        raise ValueError("the verifier key's ID does not match its name and key")
    return parts[0], raw[1:]


def _body(note: str) -> str:
    body, sep, _ = note.partition("\n\n")
    if not sep:
        raise CheckpointError("not a signed note")
    return body + "\n"


def _message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(key: Ed25519PrivateKey, name: str, note: str, timestamp: int) -> str:
    """The cosignature line (without newline) for the checkpoint ``note``."""
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signature = key.sign(_message(_body(note), timestamp))
    blob = cosigner_key_id(name, public) + struct.pack(">Q", timestamp) + signature
    return f"{DASH} {name} {base64.b64encode(blob).decode()}"


def verify_cosignature(note: str, name: str, public_key: bytes) -> int:
    """The timestamp of the witness's valid cosignature on ``note``; CheckpointError if there is none."""
    body = _body(note)
    want = cosigner_key_id(name, public_key)
    key = Ed25519PublicKey.from_public_bytes(public_key)
    for blob in signature_blobs(note.partition("\n\n")[2], name, want, 76):
        (timestamp,) = struct.unpack(">Q", blob[4:12])
        try:
            key.verify(blob[12:], _message(body, timestamp))
        except InvalidSignature:
            raise CheckpointError(f"the cosignature by {name} does not verify") from None
        return int(timestamp)
    raise CheckpointError(f"no cosignature by {name}+{want.hex()} on the checkpoint")


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The witness's own Ed25519 key (PEM, mode 0600), created on first use."""
    if path.exists():
        key = load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise WitnessError("state", f"{path.name} is not an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return key


@dataclass(frozen=True)
class Witnessed:
    """One line of the witness's state: a checkpoint it verified and co-signed."""

    origin: str
    log_key: str  # base64 Ed25519 key of the log, pinned on first use
    size: int
    root: bytes
    note: str
    cosigned_at: int

    def to_line(self) -> str:
        return json.dumps({"origin": self.origin, "log_key": self.log_key, "size": self.size,
                           "root": base64.b64encode(self.root).decode(), "note": self.note,
                           "cosigned_at": self.cosigned_at}, sort_keys=True, separators=(",", ":")) + "\n"


class WitnessState:
    """The append-only file of checkpoints the witness co-signed, one JSON object a line. Never
    rewritten; a line that does not parse, or sizes that ever shrink, make it unusable (fail closed)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def latest(self, origin: str) -> Witnessed | None:
        if not self.path.exists():
            return None
        last: Witnessed | None = None
        with self.path.open("r", encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                try:
                    raw = json.loads(line)
                    item = Witnessed(origin=raw["origin"], log_key=raw["log_key"], size=int(raw["size"]),
                                     root=base64.b64decode(raw["root"], validate=True), note=raw["note"],
                                     cosigned_at=int(raw["cosigned_at"]))
                except (ValueError, KeyError, TypeError):
                    raise WitnessError("state", f"line {n} of the witness state is not a record") from None
                if item.origin != origin:
                    continue
                if last is not None and item.size < last.size:
                    raise WitnessError("state", f"line {n} of the witness state goes back in size")
                last = item
        return last

    def append(self, item: Witnessed) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, item.to_line().encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


class Witness:
    """Checks and co-signs checkpoints of one log (origin and Ed25519 key)."""

    def __init__(self, state: WitnessState, key: Ed25519PrivateKey, name: str, *, origin: str,
                 log_key: bytes) -> None:
        self.state, self.key, self.name = state, key, name
        self.origin, self.log_key = origin, log_key

    @property
    def vkey(self) -> str:
        return cosigner_vkey(self.name, self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def latest(self) -> Witnessed | None:
        return self.state.latest(self.origin)

    def add_checkpoint(self, note: str, old_size: int, proof: Sequence[bytes], *,
                       now: int | None = None) -> str:
        """Co-sign ``note`` if ``proof`` proves it consistent with the last checkpoint witnessed
        (tlog-witness ``add-checkpoint``: ``old_size`` must be that checkpoint's size). Returns the
        cosignature line; raises :class:`WitnessError` and records nothing otherwise."""
        try:
            cp = parse(note, self.log_key, self.origin)
        except CheckpointError as exc:
            raise WitnessError("bad_checkpoint", str(exc)) from None
        log_key = base64.b64encode(self.log_key).decode()
        last = self.latest()
        if last is not None and last.log_key != log_key:
            raise WitnessError("bad_checkpoint", "the log's key is not the one this witness pinned")
        known = last.size if last is not None else 0
        if cp.size < known:
            raise WitnessError("rollback", f"the log is at size {cp.size}, smaller than the {known} entries "
                                           "this witness already co-signed: it was rolled back")
        if old_size != known:
            raise WitnessError("conflict", f"the proof starts at size {old_size}; this witness is at {known}")
        if last is not None and not merkle.verify_consistency(last.size, cp.size, last.root, cp.root, proof):
            raise WitnessError("inconsistent", f"checkpoint {cp.size} is not an extension of the checkpoint "
                                               f"{last.size} this witness co-signed (consistency proof fails)")
        timestamp = int(time.time()) if now is None else now
        if last is not None and timestamp < last.cosigned_at:
            timestamp = last.cosigned_at  # never co-sign back in time
        line = cosign(self.key, self.name, note, timestamp)
        if last is None or cp.size > last.size:
            self.state.append(Witnessed(origin=cp.origin, log_key=log_key, size=cp.size, root=cp.root,
                                        note=_strip_cosignatures(cp), cosigned_at=timestamp))
        return line


def _strip_cosignatures(cp: Checkpoint) -> str:
    """The note as the log signed it (its own signature lines only)."""
    body, _, sigs = cp.note.partition("\n\n")
    own = [line for line in sigs.split("\n") if line.startswith(f"{DASH} {cp.origin} ")]
    return body + "\n\n" + "\n".join(own) + "\n"


def witness_latest(log: AuditLog, witness: Witness) -> str:
    """Have ``witness`` check and co-sign the log's latest checkpoint (signed now if the log grew), with
    the consistency proof the log's stored tree gives from the witness's last size. The cosignature is
    added to the stored note, which is returned. Raises :class:`WitnessError` when refused."""
    last = witness.latest()
    cp = log.checkpoint()
    old = last.size if last is not None else 0
    try:
        with log.db.engine.connect() as conn:
            proof = StoredTree(conn).consistency(old, cp.size)
    except (ValueError, MissingNode):
        proof = []  # the log cannot prove it: refused unless there is nothing to prove
    line = witness.add_checkpoint(cp.note, old, proof)
    return add_cosignature(log.db.engine, cp.size, line) or cp.note.rstrip("\n") + "\n" + line + "\n"
