"""``riskguard pii detect`` and ``riskguard pii redact``: JSON lines in, JSON lines out, offline.

Input lines are ``{"id": ..., "text": ...}`` (other fields are ignored). Output keeps input order, one
line per non-empty input line. Errors are handled as ``riskguard screen`` does: a line that is not UTF-8,
not JSON, not an object, or fails the schema gives ``{"line": <number>, "id": <id or null>, "error":
{"code", "message", "field"?}}`` with the same codes, and the rest go on; the exit status is 1 if any
line had an error (:mod:`riskguard.cli_io`). Lines are analysed in batches so the analyzer set-up is
amortised. Offline: nothing is recorded; nothing about the text goes to stderr or logs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import IO, Any

import click
from marshmallow import EXCLUDE, Schema, fields, validate

from ...cli_io import Parsed, finish_lines, input_size, json_line, parsed_lines, progress, progress_option
from ...config import Settings
from ...logging import set_redactor
from .analyzer import ALL_ENTITIES
from .logredact import redact_text
from .nlp import LANGUAGES
from .redaction import OPERATORS, Encryptor
from .service import DEFAULT_THRESHOLD, PiiService
from .tokens import DEFAULT_PURPOSE, DEFAULT_SUBJECT

__all__ = ["pii"]

BATCH = 256
_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class PiiLineSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Raw(load_default=None)
    text = fields.String(required=True, validate=validate.Length(max=1_000_000))


def _digest_secret(settings: Settings, need_key: bool) -> bytes:
    """The keyring's digest secret; a throw-away one when no output depends on it (detect)."""
    import os

    from ...keyring import Keyring, KeyringError

    try:
        ring = (Keyring.from_master_key(settings.master_key) if settings.master_key
                else Keyring.load(settings.keyring_path))
        return ring.secret("digest")
    except KeyringError as exc:
        if need_key:
            raise click.ClickException(f"the hash operator needs the keyring: {exc}") from None
        return os.urandom(32)


def _batches(stream: IO[bytes], size: int, advance: Callable[[int], None]) -> Iterator[list[Parsed]]:
    schema = PiiLineSchema()
    batch: list[Parsed] = []
    for parsed in parsed_lines(stream, schema, advance, by_bytes=bool(size)):
        batch.append(parsed)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


Sealing = Callable[[], AbstractContextManager[Encryptor]]


@contextmanager
def _no_sealing() -> Iterator[None]:
    yield None


def _address_keep(settings: Settings) -> str:
    """What the mask operator leaves of an address (policies/privacy.yaml ``address_mask``)."""
    from ..vault.policy import PolicyError, load_policy

    try:
        return load_policy(settings.policies_dir / "privacy.yaml").address_keep
    except PolicyError as exc:
        raise click.ClickException(str(exc)) from None


def _vault_sealing(settings: Settings) -> tuple[Sealing, Callable[[], None]]:
    """Each batch sealed in one transaction (a new subject key commits with it), and a closer."""
    from ...db import Database
    from ...keyring import Keyring, KeyringError
    from ..vault import build_vault
    from .tokens import TokenSealer

    try:
        ring = (Keyring.from_master_key(settings.master_key) if settings.master_key
                else Keyring.load(settings.keyring_path))
    except KeyringError as exc:
        raise click.ClickException(f"the encrypt operator needs the keyring: {exc}") from None
    db = Database(settings.sqlalchemy_url)
    vault = build_vault(settings, ring)

    @contextmanager
    def sealing() -> Iterator[Encryptor]:
        with db.transaction() as session:
            yield TokenSealer(vault, session.connection())

    return sealing, db.dispose


def _run(mode: str, service: PiiService, src: IO[bytes], dst: IO[str], options: dict[str, Any],
         operators: dict[str, Any] | None, show_progress: bool | None, sealing: Sealing | None = None) -> None:
    """Every line in order; exits 1 after the last if any line had an error (riskguard.cli_io)."""
    failed = total = 0
    size = input_size(src)
    with progress(show_progress, length=size, label=mode) as advance:
        for batch in _batches(src, size, advance):
            total += len(batch)
            failed += _write_batch(mode, service, batch, dst, options, operators, sealing)
    dst.flush()
    finish_lines(failed, total)


def _write_batch(mode: str, service: PiiService, batch: list[Parsed], dst: IO[str], options: dict[str, Any],
                 operators: dict[str, Any] | None, sealing: Sealing | None) -> int:
    failed = 0
    texts = [body["text"] for _, body, _bad in batch if body is not None]
    if mode == "detect":
        found = iter(service.detect_many(texts, **options)) if texts else iter(())
    else:
        with (sealing or _no_sealing)() as encryptor:
            done = iter(service.redact_many(texts, operators=operators, encryptor=encryptor, **options)
                        if texts else ())
    for _number, body, bad in batch:
        if body is None:
            failed += 1
            out: dict[str, Any] = bad or {}
        elif mode == "detect":
            out = {"id": body["id"], "entities": [{"type": d.type, "start": d.start, "end": d.end,
                                                   "score": d.score} for d in next(found)]}
        else:
            out = {"id": body["id"], "text": next(done).text}
        dst.write(json_line(out) + "\n")
    return failed


def _common(fn: Any) -> Any:
    fn = click.option("--input", "-i", "src", type=click.File("rb"), default="-",
                      show_default=True, help="JSON lines {id, text}")(fn)
    fn = click.option("--output", "-o", "dst", type=click.File("w", encoding="utf-8"), default="-",
                      show_default=True)(fn)
    fn = click.option("--language", type=click.Choice(LANGUAGES), default="zh", show_default=True)(fn)
    fn = click.option("--entities", default=None,
                      help="comma-separated entity types (default: all)")(fn)
    fn = click.option("--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD,
                      show_default=True)(fn)
    return progress_option(fn)


def _options(language: str, entities: str | None, threshold: float) -> dict[str, Any]:
    wanted = None
    if entities:
        wanted = [e.strip() for e in entities.split(",") if e.strip()]
        unknown = [e for e in wanted if e not in ALL_ENTITIES]
        if unknown:
            raise click.BadParameter(f"unknown entity type(s): {', '.join(unknown)}", param_hint="--entities")
    return {"language": language, "entities": wanted, "score_threshold": threshold}


def _checked_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _NAME.match(value):
        raise click.BadParameter("letters, digits and _.:- only (1-128 characters)")
    return value


@click.group()
def pii() -> None:
    """Find and redact personal information in JSON lines."""
    set_redactor(redact_text)


@pii.command("detect")
@_common
@click.pass_obj
def detect(settings: Settings, src: IO[bytes], dst: IO[str], language: str, entities: str | None,
           threshold: float, show_progress: bool | None) -> None:
    """Write {id, entities: [{type, start, end, score}]} per input line."""
    options = _options(language, entities, threshold)
    service = PiiService(_digest_secret(settings, need_key=False))
    _run("detect", service, src, dst, options, None, show_progress)


@pii.command("redact")
@_common
@click.option("--operator", type=click.Choice(OPERATORS), default="replace", show_default=True)
@click.option("--keep-last", type=click.IntRange(0, 8), default=4, show_default=True,
              help="characters left visible by the mask operator")
@click.option("--subject-id", default=None, callback=_checked_name,
              help=f"encrypt: vault data subject whose key seals the values [default: {DEFAULT_SUBJECT}]")
@click.option("--purpose", default=None, callback=_checked_name,
              help=f"encrypt: purpose bound into each token [default: {DEFAULT_PURPOSE}]")
@click.pass_obj
def redact(settings: Settings, src: IO[bytes], dst: IO[str], language: str, entities: str | None,
           threshold: float, operator: str, keep_last: int, subject_id: str | None,
           purpose: str | None, show_progress: bool | None) -> None:
    """Write {id, text} with personal information replaced, masked, hashed or encrypted.

    ``encrypt`` needs the keyring and the database (the vault's subject keys); tokens are decrypted
    by a privacy officer through POST /v1/pii/decrypt."""
    options = _options(language, entities, threshold)
    service = PiiService(_digest_secret(settings, need_key=operator == "hash"),
                         address_keep=_address_keep(settings))
    spec = {"DEFAULT": {"type": operator, "keep_last": keep_last, "masking_char": "*",
                        "subject_id": subject_id, "purpose": purpose}}
    sealing, close = _vault_sealing(settings) if operator == "encrypt" else (None, lambda: None)
    try:
        _run("redact", service, src, dst, options, spec, show_progress, sealing)
    finally:
        close()
