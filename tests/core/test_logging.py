"""Standard-library log records (gunicorn, SQLAlchemy, werkzeug …) come out as the service's JSON lines:
with the request id, the logger's name, and personal data redacted, from the real handler's output."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from riskguard.logging import configure_logging

PHONE = "13800138000"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    yield stream
    configure_logging("WARNING")


def lines(stream: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def foreign_lines(stream: io.StringIO, prefix: str) -> list[dict]:  # type: ignore[type-arg]
    """The lines of stdlib loggers named ``prefix…``; background threads left by other tests in this
    process (an audit sequencer) may log their own structlog events to the same stream meanwhile."""
    return [r for r in lines(stream) if str(r.get("logger", "")).startswith(prefix)]


def test_stdlib_line_in_a_request_is_json_with_request_id_and_redacted(sqlite_app, log_stream) -> None:  # type: ignore[no-untyped-def]
    @sqlite_app.get("/_test/stdlib-log")
    def stdlib_log():  # type: ignore[no-untyped-def]
        logging.getLogger("sqlalchemy.engine").warning("slow query for phone %s", PHONE)
        structlog.get_logger("test").info("test.logged")
        return {"ok": True}

    configure_logging("DEBUG", stream=log_stream)  # create_app configured stderr; point it back here
    response = sqlite_app.test_client().get("/_test/stdlib-log", headers={"X-Request-Id": "req42"})
    assert response.status_code == 200
    assert PHONE not in log_stream.getvalue()
    records = lines(log_stream)
    (foreign,) = [r for r in records if r.get("logger") == "sqlalchemy.engine"]
    assert foreign["request_id"] == "req42" and foreign["level"] == "warning"
    assert foreign["event"].startswith("slow query for phone ") and "timestamp" in foreign
    ours = [r for r in records if r["event"] in {"test.logged", "http.request"}]
    assert {r["request_id"] for r in ours} == {"req42"} and len(ours) == 2
    logging.getLogger("gunicorn.error").info("Worker exiting")
    assert "request_id" not in lines(log_stream)[-1]


def test_stdlib_exception_is_rendered_and_redacted(log_stream: io.StringIO) -> None:
    try:
        raise ValueError(f"bad phone {PHONE}")
    except ValueError:
        logging.getLogger("alembic.runtime").exception("migration failed for %s", PHONE)
    (record,) = foreign_lines(log_stream, "alembic")
    assert record["logger"] == "alembic.runtime" and record["level"] == "error"
    assert "ValueError" in record["exception"] and PHONE not in json.dumps(record, ensure_ascii=False)


def test_gunicorn_lines_go_through_the_root_handler(log_stream: io.StringIO) -> None:
    from gunicorn.config import Config

    from riskguard.serving import _JsonLogger

    cfg = Config()
    cfg.set("loglevel", "info")
    logger = _JsonLogger(cfg)
    logger.info("Booting worker with pid: %s", 4242)
    logger.error("Worker for %s timed out", PHONE)
    records = foreign_lines(log_stream, "gunicorn")
    assert [r["logger"] for r in records] == ["gunicorn.error", "gunicorn.error"]
    assert records[0]["event"] == "Booting worker with pid: 4242" and records[0]["level"] == "info"
    assert PHONE not in records[1]["event"]


def test_werkzeug_adds_no_handler_of_its_own(log_stream: io.StringIO) -> None:
    """The development server logs through werkzeug's ``_log``, which adds a plain handler unless the
    root logger has one: there must be one JSON line and no second, plain one."""
    from werkzeug._internal import _log

    _log("info", '127.0.0.1 - - [05/Dec/2026 04:58:39] "GET /v1/x?phone=%s HTTP/1.1" 200 -', PHONE)
    (record,) = foreign_lines(log_stream, "werkzeug")  # and every line is JSON: no plain second one
    assert record["logger"] == "werkzeug" and PHONE not in record["event"]
    assert not logging.getLogger("werkzeug").handlers


def test_a_rulebook_revision_is_logged_whole_and_a_phone_beside_it_is_not(log_stream: io.StringIO) -> None:
    revision = "71bfe35eed2d288eb7e509cac187795e281b9f7e957368eb1234567890a470f"
    structlog.get_logger("riskguard.test").info("rulebook.loaded", revision=revision, note="call 13812345678")
    [line] = [entry for entry in lines(log_stream) if entry.get("event") == "rulebook.loaded"]
    assert line["revision"] == revision
    assert "13812345678" not in line["note"]
