"""What every ``riskguard`` command does the same way: JSON lines out, bad input lines, progress bars.

Commands that read JSON lines (``screen``, ``pii detect|redact``, ``merchants review``) write one line
per non-empty input line, in order; a line that cannot be used gets an ``{"id", "error"}`` line in its
place and the rest go on. The exit status then says what happened:

- 0: every line was used;
- 1 (:data:`BAD_LINES`): some lines were not (each has its error line; stderr says how many);
- 2: the command could not run at all (a bad option, a missing keyring or database), nothing processed.

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

__all__ = ["BAD_LINES", "json_line", "finish_lines", "progress_option", "progress", "input_size"]

BAD_LINES = 1


def json_line(body: Any, default: Callable[[Any], Any] | None = None) -> str:
    """One compact JSON line: UTF-8 text as is (Chinese stays readable), no spaces, no newline."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=default)


def finish_lines(bad: int, total: int) -> None:
    """Exit with :data:`BAD_LINES` after saying how many lines failed, if any did."""
    if bad:
        click.echo(f"{bad} of {total} line(s) had errors", err=True)
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
