"""structlog set-up: JSON lines, request ids, and a processor that keeps personal data out of logs.

Log events, not sentences: ``log.info("ad.screened", decision=..., rules=[...])``. Never log raw text;
log a digest. The redaction processor is a safety net, not a licence to log text.

Libraries log through the standard library (gunicorn, alembic, SQLAlchemy, werkzeug, Flask). The root
logger's one handler renders their records with structlog's ``ProcessorFormatter`` and the same
processors as our own events: one JSON object a line, with the request id bound in the context, and
redacted. Their message is a sentence that may quote data (a URL, an SQL parameter), so unlike our
event names it is redacted too. Our own events skip the standard library on the way out.
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
# content hashes of rule packs: hex that would otherwise lose digit runs to <NUMBER>
_SAFE_KEYS = frozenset({"timestamp", "level", "logger", "event", "request_id", "duration_ms", "status", "revision",
                        "policy_revision"})


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


def _redact_foreign_message(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event["event"] = redact_value(event.get("event"))
    return event


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    stream = stream or sys.stderr
    context: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    render: list[Any] = [
        structlog.processors.format_exc_info,
        _redact_processor,
        structlog.processors.JSONRenderer(ensure_ascii=False),
    ]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*context, structlog.stdlib.add_logger_name, _redact_foreign_message],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    ))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    structlog.configure(
        processors=[*context, *render],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
