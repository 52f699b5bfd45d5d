"""``riskguard pii detect`` and ``riskguard pii redact``: JSON lines in, JSON lines out.

Input lines are ``{"id": ..., "text": ...}``. Output keeps input order, one line per input line. A line
that is not valid JSON, not an object, or lacks a string ``text`` gives
``{"id": <id or null>, "line": n, "error": {"code": ..., "message": ...}}`` on stdout, is counted, and
processing goes on; the exit status is 1 if any line failed, 0 otherwise (usage errors: 2). Lines are
analysed in batches so the analyzer set-up is amortised. Nothing about the text goes to stderr or logs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

import click

from ...config import Settings
from ...logging import set_redactor
from .analyzer import ALL_ENTITIES
from .logredact import redact_text
from .nlp import LANGUAGES
from .redaction import OPERATORS
from .service import DEFAULT_THRESHOLD, PiiService

__all__ = ["register_cli"]

BATCH = 256


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


def _lines(stream: IO[str]) -> Iterator[tuple[int, Any, str | None, dict[str, Any] | None]]:
    """(line number, id, text, error) per non-empty input line."""
    for n, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield n, None, None, {"code": "malformed_json", "message": f"column {exc.colno}: {exc.msg}"}
            continue
        if not isinstance(obj, dict):
            yield n, None, None, {"code": "malformed_json", "message": "a line must be a JSON object"}
            continue
        ident = obj.get("id")
        text = obj.get("text")
        if not isinstance(text, str):
            yield n, ident, None, {"code": "validation_error", "message": "text must be a string",
                                   "field": "text"}
            continue
        yield n, ident, text, None


def _batches(stream: IO[str]) -> Iterator[list[tuple[int, Any, str | None, dict[str, Any] | None]]]:
    batch = []
    for item in _lines(stream):
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _run(mode: str, service: PiiService, src: IO[str], dst: IO[str], options: dict[str, Any],
         operators: dict[str, Any] | None) -> int:
    failed = 0
    for batch in _batches(src):
        texts = [t for _, _, t, err in batch if err is None]
        if mode == "detect":
            found = iter(service.detect_many(texts, **options)) if texts else iter(())
        else:
            done = iter(service.redact_many(texts, operators=operators, **options)) if texts else iter(())
        for n, ident, _text, err in batch:
            if err is not None:
                failed += 1
                out: dict[str, Any] = {"id": ident, "line": n, "error": err}
            elif mode == "detect":
                out = {"id": ident, "entities": [{"type": d.type, "start": d.start, "end": d.end,
                                                  "score": d.score} for d in next(found)]}
            else:
                out = {"id": ident, "text": next(done).text}
            dst.write(json.dumps(out, ensure_ascii=False) + "\n")
    dst.flush()
    return failed


def _common(fn: Any) -> Any:
    fn = click.option("--input", "-i", "src", type=click.File("r", encoding="utf-8"), default="-",
                      show_default=True, help="JSON lines {id, text}")(fn)
    fn = click.option("--output", "-o", "dst", type=click.File("w", encoding="utf-8"), default="-",
                      show_default=True)(fn)
    fn = click.option("--language", type=click.Choice(LANGUAGES), default="zh", show_default=True)(fn)
    fn = click.option("--entities", default=None,
                      help="comma-separated entity types (default: all)")(fn)
    fn = click.option("--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD,
                      show_default=True)(fn)
    return fn


def _options(language: str, entities: str | None, threshold: float) -> dict[str, Any]:
    wanted = None
    if entities:
        wanted = [e.strip() for e in entities.split(",") if e.strip()]
        unknown = [e for e in wanted if e not in ALL_ENTITIES]
        if unknown:
            raise click.BadParameter(f"unknown entity type(s): {', '.join(unknown)}", param_hint="--entities")
    return {"language": language, "entities": wanted, "score_threshold": threshold}


def register_cli(main: click.Group) -> None:
    @main.group()
    def pii() -> None:
        """Find and redact personal information in JSON lines."""
        set_redactor(redact_text)

    @pii.command("detect")
    @_common
    @click.pass_obj
    def detect(settings: Settings, src: IO[str], dst: IO[str], language: str, entities: str | None,
               threshold: float) -> None:
        """Write {id, entities: [{type, start, end, score}]} per input line."""
        options = _options(language, entities, threshold)
        service = PiiService(_digest_secret(settings, need_key=False))
        failed = _run("detect", service, src, dst, options, None)
        if failed:
            click.echo(f"{failed} line(s) failed", err=True)
            sys.exit(1)

    @pii.command("redact")
    @_common
    @click.option("--operator", type=click.Choice(OPERATORS), default="replace", show_default=True)
    @click.option("--keep-last", type=click.IntRange(0, 8), default=4, show_default=True,
                  help="characters left visible by the mask operator")
    @click.pass_obj
    def redact(settings: Settings, src: IO[str], dst: IO[str], language: str, entities: str | None,
               threshold: float, operator: str, keep_last: int) -> None:
        """Write {id, text} with personal information replaced, masked or hashed."""
        options = _options(language, entities, threshold)
        service = PiiService(_digest_secret(settings, need_key=operator == "hash"))
        spec = {"DEFAULT": {"type": operator, "keep_last": keep_last, "masking_char": "*"}}
        failed = _run("redact", service, src, dst, options, spec)
        if failed:
            click.echo(f"{failed} line(s) failed", err=True)
            sys.exit(1)
