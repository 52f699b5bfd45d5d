"""What every ``riskguard`` command does the same way: JSON lines out, bad input lines, progress bars.

Commands that read JSON lines (``screen``, ``pii detect|redact``, ``merchants review``) write one line
per non-empty input line, in order; a line that cannot be used gets a :func:`bad_line` in its place,
``{"line": <1-based line number>, "id": <id or null>, "error": {"code", "message", "field"?}}``, and the
rest go on. ``payouts check`` reads a batch file rather than lines: its rows that hold a value the
data-quality suite refuses are its bad lines (each row's output names its ``row``). The exit status then
says what happened:

- 0: every line was used;
- 1 (:data:`BAD_LINES`): some lines were not (each has its error line; stderr says how many);
- 2: the command could not run at all (a bad option, an unreadable file, a missing keyring or
  database), nothing processed.

Progress bars go to stderr, never stdout, and only when stderr is a terminal or ``--progress`` asks.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import click
from marshmallow import Schema, ValidationError

__all__ = ["BAD_LINES", "BadLine", "Parsed", "json_line", "numbered_lines", "json_object", "line_id", "load_line",
           "parsed_lines", "bad_line", "finish_lines", "progress_option", "progress", "input_size"]

BAD_LINES = 1


class BadLine(Exception):
    """An input line that cannot be used: its error object, and the id it gave if one was readable."""

    def __init__(self, code: str, message: str, field: str | None = None, item_id: str | int | None = None):
        super().__init__(message)
        self.error: dict[str, Any] = {"code": code, "message": message, **({"field": field} if field else {})}
        self.item_id = item_id


def bad_line(number: int, item_id: str | int | None, error: dict[str, Any]) -> dict[str, Any]:
    """The one shape of a bad input line's output, for every command."""
    return {"line": number, "id": item_id, "error": error}


def numbered_lines(stream: IO[bytes], advance: Callable[[int], None], *, by_bytes: bool = False
                   ) -> Iterator[tuple[int, bytes]]:
    """Non-empty lines without their line break, numbered from 1 as an editor does (blank lines count);
    ``advance`` moves the progress bar by bytes (a file of known size) or by lines."""
    for number, raw in enumerate(stream, start=1):
        advance(len(raw) if by_bytes else 1)
        if raw.strip():
            yield number, raw.rstrip(b"\r\n")


def json_object(raw: bytes) -> dict[str, Any]:
    """One line as a JSON object read with the API's input rules (:mod:`riskguard.strictjson`), or
    :class:`BadLine` (``invalid_utf8``, ``malformed_json``, or the API's code for unsafe JSON)."""
    from .strictjson import UnsafeJson, loads

    try:
        data = loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadLine("invalid_utf8", "line is not valid UTF-8") from None
    except UnsafeJson as exc:
        message = exc.message
        if exc.code == "malformed_json" and " column " in message:
            message = "malformed JSON at column " + message.rsplit(" column ", 1)[1]
        raise BadLine(exc.code, message, exc.path) from None
    if not isinstance(data, dict):
        raise BadLine("malformed_json", "line must be a JSON object", "_line")
    return data


def line_id(data: dict[str, Any]) -> str | int | None:
    """The line's ``id`` when it is text or a whole number, to name the line in an error."""
    item_id = data.get("id")
    return item_id if isinstance(item_id, str | int) and not isinstance(item_id, bool) else None


def load_line(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    """``schema.load(data)``, a failure being :class:`BadLine` naming the first bad field."""
    from .errors import validation_error

    try:
        return dict(schema.load(data))
    except ValidationError as err:
        api = validation_error(err)
        raise BadLine(api.code, api.message, api.field, line_id(data)) from None


Parsed = tuple[int, dict[str, Any] | None, dict[str, Any] | None]  # (line number, body, bad line)


def parsed_lines(stream: IO[bytes], schema: Schema, advance: Callable[[int], None], *, by_bytes: bool = False,
                 prepare: Callable[[dict[str, Any]], None] | None = None) -> Iterator[Parsed]:
    """Each non-empty line loaded through ``schema``: ``(number, body, None)``, or ``(number, None,
    bad_line(...))`` for a line that cannot be used. ``prepare`` may adjust the raw object first."""
    for number, raw in numbered_lines(stream, advance, by_bytes=by_bytes):
        try:
            data = json_object(raw)
            if prepare is not None:
                prepare(data)
            yield number, load_line(schema, data), None
        except BadLine as bad:
            yield number, None, bad_line(number, bad.item_id, bad.error)


def json_line(body: Any, default: Callable[[Any], Any] | None = None) -> str:
    """One compact JSON line: UTF-8 text as is (Chinese stays readable), no spaces, no newline."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=default)


def finish_lines(bad: int, total: int, unit: str = "line") -> None:
    """Exit with :data:`BAD_LINES` after saying how many lines (or rows) failed, if any did."""
    if bad:
        click.echo(f"{bad} of {total} {unit}(s) had errors", err=True)
        sys.exit(BAD_LINES)


def progress_option(fn: Any) -> Any:
    return click.option("--progress/--no-progress", "show_progress", default=None,
                        help="progress bar on stderr (default: when stderr is a terminal)")(fn)


def input_size(stream: IO[bytes] | IO[str]) -> int:
    """The size of a regular file behind ``stream``; 0 for a pipe or a terminal (length unknown)."""
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


@contextmanager
def progress(wanted: bool | None, *, length: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """An ``advance(n)`` callable that moves a bar on stderr, or does nothing when no bar is wanted."""
    if not (sys.stderr.isatty() if wanted is None else wanted):
        yield lambda _n: None
        return
    # An empty iterable stands in when the length is unknown (a pipe): the bar then counts up.
    with click.progressbar((_ for _ in ()), length=length or None, label=label, file=sys.stderr,
                           show_pos=not length) as bar:
        yield bar.update
