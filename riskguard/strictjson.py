"""Strict JSON reading: what every JSON body must pass before any domain code sees it.

``json.loads`` accepts things no riskguard endpoint can use and some that crash later: nesting deep
enough to exhaust the recursion limit, integers longer than Python converts (4,300 digits), ``NaN`` and
``Infinity`` literals, numbers that overflow to infinity (``1e400``), and strings holding NUL (PostgreSQL
text cannot store it) or an unpaired UTF-16 surrogate (``"\\ud800"``: not encodable as UTF-8). :func:`loads`
refuses each of them with :class:`UnsafeJson`, whose ``code`` is stable and whose ``path`` names the
offending value (dotted, list positions as numbers) where there is one.

Limits: at most :data:`MAX_DEPTH` nested arrays/objects (no request of the API comes near); integers of
at most :data:`MAX_INT_DIGITS` digits (Python's own conversion limit); floats that a double holds. The
README's "Input" section says the same to clients.

Cost: the C parser does the work; Python runs only for float literals, and walks the parsed value only
when a check needs it (nesting past the first levels, a ``\\u0000``/``\\ud8xx`` escape, a refused number).
``bench/strictjson.py`` measures it against plain ``json.loads``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from itertools import chain
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "UnsafeJson", "loads", "printable"]

MAX_DEPTH = 64
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300  # beyond it int() raises (0: unlimited here)

# Text decoded from UTF-8 holds no surrogate, and the parser refuses raw control characters in strings,
# so only these escapes can put NUL or a lone surrogate into a parsed string.
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")


class UnsafeJson(ValueError):
    """A body that is not JSON riskguard accepts; ``code`` is the API's error code."""

    def __init__(self, code: str, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path

    def to_error(self) -> dict[str, str]:
        """The error as the API and the line-by-line CLIs report it (``field`` when there is a path)."""
        return {"code": self.code, "message": self.message, **({"field": self.path} if self.path else {})}


class _Refused:
    """Stands in for a refused number while parsing, so the walk afterwards can say where it was."""

    __slots__ = ("code", "message")

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message


def _constant(name: str) -> _Refused:
    return _Refused("json_non_finite_number", f"{name} is not a JSON number")


def _integer(literal: str) -> int | _Refused:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        return _Refused("json_number_too_large", f"integer longer than {MAX_INT_DIGITS} digits")
    return int(literal)


def _real(literal: str) -> float | _Refused:
    value = float(literal)
    if not math.isfinite(value):
        return _Refused("json_number_too_large", "number is outside the range of a double")
    return value


def _nesting_exceeds(data: Any, max_depth: int) -> bool:
    """Whether ``data`` nests arrays/objects deeper than ``max_depth``, one level at a time. The types of a
    level's values are collected in C (``map(type, ...)``); Python loops only over the containers."""
    level = [data] if isinstance(data, dict | list) else []
    for _ in range(max_depth):
        if not level:
            return False
        values = chain.from_iterable(v.values() if type(v) is dict else v for v in level)
        if not {dict, list} & set(map(type, values)):
            return False
        level = [inner for v in level for inner in (v.values() if type(v) is dict else v)
                 if type(inner) is dict or type(inner) is list]
    return bool(level)


def printable(key: str) -> str:
    """A key as it may appear in an error message: NUL and surrogates spelled as escapes."""
    return _BAD_CHAR.sub(lambda m: f"\\u{ord(m.group()):04x}", key)


def _find_refused(data: Any) -> None:
    """Walk the parsed value (iteratively: its depth is bounded, but no recursion is needed) and raise for
    the first refused number or string with NUL or a lone surrogate, naming its path."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            bad = _BAD_CHAR.search(value)
            if bad:
                _raise_char(bad.group(), path)
        elif isinstance(value, _Refused):
            raise UnsafeJson(value.code, value.message, path or None)
        elif isinstance(value, dict):
            for key, inner in reversed(value.items()):
                step = f"{path}.{printable(key)}" if path else printable(key)
                bad = _BAD_CHAR.search(key)
                if bad:
                    _raise_char(bad.group(), step)
                stack.append((inner, step))
        elif isinstance(value, list):
            stack.extend((inner, f"{path}.{i}" if path else str(i)) for i, inner in reversed(list(enumerate(value))))


def _raise_char(char: str, path: str) -> None:
    if char == "\x00":
        raise UnsafeJson("json_nul_character", "strings must not contain NUL (\\u0000)", path or None)
    raise UnsafeJson("json_lone_surrogate", "strings must not contain an unpaired UTF-16 surrogate", path or None)


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text`` as JSON riskguard accepts, or raise :class:`UnsafeJson` (``malformed_json`` for text
    that is not JSON at all)."""
    refused: list[_Refused] = []

    def noted(value: Any) -> Any:
        if isinstance(value, _Refused):
            refused.append(value)
        return value

    try:
        try:
            data = json.loads(text, parse_constant=lambda name: noted(_constant(name)),
                              parse_float=lambda s: noted(_real(s)))
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError):
                raise
            # an integer past int()'s limit: parse again, noting integers, to say which one (rare, slower)
            data = json.loads(text, parse_constant=lambda name: noted(_constant(name)),
                              parse_float=lambda s: noted(_real(s)), parse_int=lambda s: noted(_integer(s)))
    except json.JSONDecodeError as exc:
        raise UnsafeJson("malformed_json", f"malformed JSON at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:  # the parser recurses once per level: about a thousand levels stop it cleanly
        raise UnsafeJson("json_too_deep", f"JSON nests deeper than {max_depth} levels") from None
    if text.count("[") + text.count("{") > max_depth and _nesting_exceeds(data, max_depth):
        raise UnsafeJson("json_too_deep", f"JSON nests deeper than {max_depth} levels")
    if refused or _RISKY_ESCAPE.search(text):
        _find_refused(data)
    return data
