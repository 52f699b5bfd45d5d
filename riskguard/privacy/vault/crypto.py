"""The field ciphertext format and the AEAD calls; no home-made primitives, only AES-256-GCM.

A field ciphertext is ``version (1 byte) | key id (16 bytes) | nonce (12 bytes) | ciphertext+tag``.
The associated data binds it to where it lives, so a ciphertext copied to another table, column, row or
data key fails authentication::

    AAD = "rgv1" | table | column | row id | key id      (each part length-prefixed)

A data key is wrapped by the key provider with ``AAD = "rgdek1" | subject id | key id | v``
(the local keyring: ``nonce | AES-256-GCM(KEK_v, data key, AAD)``).
"""

from __future__ import annotations

import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import CiphertextError

__all__ = ["FORMAT_VERSION", "KEY_ID_BYTES", "field_aad", "seal", "open_sealed", "header",
           "dek_aad", "new_data_key", "new_key_id"]

FORMAT_VERSION = 1
KEY_ID_BYTES = 16
NONCE_BYTES = 12
_HEADER = 1 + KEY_ID_BYTES + NONCE_BYTES
_VERSION_BYTE = bytes([FORMAT_VERSION])
_TAG = 16


def _parts(*parts: str | bytes) -> bytes:
    out = bytearray()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        out += len(data).to_bytes(4, "big") + data
    return bytes(out)


@functools.lru_cache(maxsize=1024)
def _aad_prefix(table: str, column: str) -> bytes:
    return _parts(f"rgv{FORMAT_VERSION}", table, column)


_KEY_ID_LEN = KEY_ID_BYTES.to_bytes(4, "big")


def field_aad(table: str, column: str, row_id: str, key_id: bytes) -> bytes:
    """The same bytes as ``_parts("rgv1", table, column, row_id, key_id)``, built faster (hot path)."""
    row = row_id.encode("utf-8")
    if len(key_id) != KEY_ID_BYTES:
        return _parts(f"rgv{FORMAT_VERSION}", table, column, row_id, key_id)
    return b"".join((_aad_prefix(table, column), len(row).to_bytes(4, "big"), row, _KEY_ID_LEN, key_id))


def dek_aad(subject_id: str, key_id: bytes, kek_version: int) -> bytes:
    return _parts("rgdek1", subject_id, key_id, str(kek_version))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def new_key_id() -> bytes:
    return os.urandom(KEY_ID_BYTES)


def header(blob: bytes) -> tuple[int, bytes]:
    """``(format version, key id)`` of a field ciphertext, or :class:`CiphertextError`."""
    if not isinstance(blob, bytes):
        if not isinstance(blob, bytearray | memoryview):
            raise CiphertextError("stored value is not a vault ciphertext")
        blob = bytes(blob)
    if len(blob) < _HEADER + _TAG:
        raise CiphertextError("ciphertext is truncated")
    if blob[0] != FORMAT_VERSION:
        raise CiphertextError(f"unknown ciphertext format version {blob[0]}")
    return blob[0], blob[1:1 + KEY_ID_BYTES]


def seal(aead: AESGCM, key_id: bytes, plaintext: str, aad_without_key: tuple[str, str, str]) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    aad = field_aad(*aad_without_key, key_id)
    return b"".join((_VERSION_BYTE, key_id, nonce, aead.encrypt(nonce, plaintext.encode("utf-8"), aad)))


def open_sealed(aead: AESGCM, blob: bytes, aad_without_key: tuple[str, str, str],
                key_id: bytes | None = None) -> str:
    """Decrypt; ``key_id`` is the header's, when the caller has already checked it with :func:`header`."""
    if key_id is None:
        _, key_id = header(blob)
    blob = bytes(blob)
    try:
        data = aead.decrypt(blob[1 + KEY_ID_BYTES:_HEADER], blob[_HEADER:], field_aad(*aad_without_key, key_id))
    except InvalidTag:
        table, column, row_id = aad_without_key
        raise CiphertextError(f"ciphertext of {table}.{column} for row {row_id} failed authentication "
                              "(tampered, or copied from another row, column or key)") from None
    return data.decode("utf-8")
