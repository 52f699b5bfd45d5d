"""Exception types with stable error codes, and the one JSON error handler."""

from __future__ import annotations

from typing import Any

import structlog
from flask import Flask, Response, jsonify
from marshmallow import Schema, ValidationError, fields
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

__all__ = [
    "ApiError",
    "BadRequest",
    "Conflict",
    "ErrorSchema",
    "Forbidden",
    "NotFound",
    "RateLimited",
    "ServiceUnavailable",
    "AuditUnavailable",
    "Unauthorized",
    "register_error_handlers",
    "http_error",
]

log = structlog.get_logger("riskguard.errors")


class ApiError(Exception):
    """An error with a stable ``code`` that the client can act on; never carries internal detail."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 details: dict[str, Any] | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.field = field
        self.details = details

    @property
    def headers(self) -> dict[str, str]:
        """Headers the answer carries besides the body (``Retry-After`` on a 429)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return {"error": body}


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class RateLimited(ApiError):
    """Too many requests for one key, role, address or named key: retry after ``retry_after`` seconds."""

    status, code = 429, "rate_limited"

    def __init__(self, *, retry_after: int, message: str = "rate limit reached; retry later") -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ServiceUnavailable(ApiError):
    status, code = 503, "unavailable"


class AuditUnavailable(ServiceUnavailable):
    """The audit log could not record (or, for a read that must be recorded, serve) what was asked:
    nothing was done. Raised by :class:`riskguard.audit.AuditLog` only; the one handler answers 503."""

    code = "audit_unavailable"

    def __init__(self, message: str = "the audit log is unavailable; nothing was done, retry", **kw: Any) -> None:
        super().__init__(message, **kw)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable, machine-readable error code"})
    message = fields.String(required=True, metadata={"description": "for people; never internal detail"})
    field = fields.String(metadata={"description": "the offending field (dotted path), when there is one"})
    details = fields.Dict(metadata={"description": "e.g. every field's validation messages"})


class ErrorSchema(Schema):
    """Every error answer of the JSON API, whatever its status."""

    error = fields.Nested(ErrorDetailSchema, required=True)


_ERROR = ErrorSchema()


def error_response(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(_ERROR.dump(body))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def validation_error(err: ValidationError) -> ApiError:
    """Turn a marshmallow error into a 400 naming the first offending field (dotted path)."""
    messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
    field = _first_path(messages)
    return BadRequest("invalid request body", code="validation_error", field=field,
                      details={"fields": messages})


def _first_path(messages: Any, prefix: str = "") -> str:
    if isinstance(messages, dict) and messages:
        key = next(iter(messages))
        path = f"{prefix}.{key}" if prefix else str(key)
        inner = messages[key]
        return _first_path(inner, path) if isinstance(inner, dict) else path
    return prefix or "_schema"


def http_error(err: HTTPException):  # type: ignore[no-untyped-def]
    """Werkzeug's HTTP errors (unknown URL, wrong method, body too large) as our JSON error."""
    code = (err.name or "error").lower().replace(" ", "_")
    status = err.code or 500
    if status == 413:
        code = "body_too_large"
    # Keep what the exception says in headers (``Allow`` on a 405), but the body is ours.
    headers = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}
    return error_response({"error": {"code": code, "message": err.description or err.name}}, status, headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):  # type: ignore[no-untyped-def]
        return error_response(err.to_dict(), err.status, err.headers)

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError):  # type: ignore[no-untyped-def]
        api = validation_error(err)
        return error_response(api.to_dict(), api.status)

    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(err: Exception):  # type: ignore[no-untyped-def]
        # The database went away (restart, network): nothing was decided; the client may retry.
        log.error("request.database_unavailable", error_type=type(err).__name__)
        return error_response({"error": {"code": "database_unavailable",
                                         "message": "the database is unavailable; nothing was done, retry"}}, 503)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):  # type: ignore[no-untyped-def]
        log.exception("request.unhandled_error", error_type=type(err).__name__)
        return error_response({"error": {"code": "internal_error", "message": "internal error"}}, 500)
