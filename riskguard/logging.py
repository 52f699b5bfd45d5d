"""structlog set-up: JSON lines, request ids, and a processor that keeps personal data out of logs.

Log events, not sentences: ``log.info("ad.screened", decision=..., rules=[...])``. Never log raw text;
log a digest. The redaction processor is a safety net, not a licence to log text.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, MutableMapping
from typing import Any

import structlog

__all__ = ["configure_logging", "redact_value", "set_redactor"]

# A conservative default: long digit runs (IDs, phones, cards), e-mail addresses. The PII package
# installs a fuller redactor through ``set_redactor``.
_DIGITS = re.compile(r"(?<!\d)(?:\+?86[- ]?)?\d(?:[\d -]{9,22})[\dXx](?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _default_redactor(text: str) -> str:
    return _EMAIL.sub("<EMAIL>", _DIGITS.sub("<NUMBER>", text))


_redactor: Callable[[str], str] = _default_redactor
_SAFE_KEYS = frozenset({"timestamp", "level", "logger", "event", "request_id", "duration_ms", "status"})


def set_redactor(redactor: Callable[[str], str]) -> None:
    """Install the function that scrubs personal data from every string in a log event."""
    global _redactor
    _redactor = redactor


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return _redactor(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


def _redact_processor(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event.items()):
        if key not in _SAFE_KEYS:
            event[key] = redact_value(value)
    return event


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    logging.basicConfig(format="%(message)s", stream=stream or sys.stderr, level=level.upper(), force=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact_processor,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream or sys.stderr),
        cache_logger_on_first_use=False,
    )
