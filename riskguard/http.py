"""The JSON HTTP layer on flask-smorest: arguments in, schemas out, one error shape.

Views are registered on :class:`Blueprint` and declare everything the OpenAPI document says about them:
``@blp.arguments(Schema)`` parses the body (or ``location="query"``) through :class:`ArgumentsParser`,
which keeps our strict JSON reading (malformed JSON, invalid UTF-8, non-object bodies, wrong content type
and schema errors are 400/415 errors naming the field, never smorest's 422); ``@blp.response(status,
Schema)`` dumps what the view returns; ``@blp.roles(...)`` checks the bearer token and documents the
roles with their 401/403; ``@blp.errors(...)`` documents the other error statuses a view can answer,
all with the one :class:`~riskguard.errors.ErrorSchema`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import flask_smorest
from flask import Flask, current_app, request
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser

from .auth import Role, require_roles
from .errors import BadRequest, ErrorSchema, validation_error
from .services import Services

__all__ = ["ArgumentsParser", "Blueprint", "EXTENSION", "read_json", "register_blueprint", "services"]

EXTENSION = "riskguard"

F = TypeVar("F", bound=Callable[..., Any])


def services() -> Services:
    """The current app's services (built by ``create_app`` from its settings); views only."""
    return current_app.extensions[EXTENSION]


def read_json(expect: type = dict) -> Any:
    """The request body as JSON, or a 400 with a stable code; never a 500."""
    if request.mimetype not in ("application/json", "") and not request.mimetype.endswith("+json"):
        raise BadRequest("body must be application/json", code="unsupported_media_type", status=415)
    raw = request.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH (413 beyond it)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"body is not valid UTF-8 (byte {exc.start})", code="invalid_utf8") from None
    if not text.strip():
        raise BadRequest("request body is empty", code="malformed_json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"malformed JSON at line {exc.lineno} column {exc.colno}",
                         code="malformed_json") from None
    if not isinstance(data, expect):
        raise BadRequest(f"body must be a JSON {'object' if expect is dict else 'array'}",
                         code="malformed_json", field="_body")
    return data


class ArgumentsParser(FlaskParser):
    """webargs, but with our edge rules: the schema decides about unknown fields everywhere (they are
    errors unless it says otherwise), a query string is read one value per name, and every failure is
    our 400 naming the field instead of smorest's 422."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION)
    USE_ARGS_POSITIONAL = False

    def load_json(self, req: Any, schema: Schema) -> Any:
        return read_json(dict)

    def load_querystring(self, req: Any, schema: Schema) -> Any:
        return dict(req.args.items())

    def handle_error(self, error: ValidationError, req: Any, schema: Schema, *, error_status_code: int | None,
                     error_headers: Any) -> Any:
        messages = error.messages  # webargs keys them by location: {"json": {"text": [...]}}
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in self.__location_map__:
            messages = next(iter(messages.values()))
        raise validation_error(ValidationError(messages))


_ARG_NAMES = {"json": "body", "query": "query", "querystring": "query"}


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint with our parser and two documenting guards (``roles``, ``errors``)."""

    ARGUMENTS_PARSER = ArgumentsParser()

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Callable[[F], F]:
        """As smorest's, with the loaded data passed as ``body`` (JSON) or ``query`` (query string).

        A schema class is instantiated here, once: given the class, webargs would build a new instance
        (copying every declared field) on every request."""
        kwargs.setdefault("arg_name", _ARG_NAMES.get(location, f"{location}_args"))
        return super().arguments(schema() if isinstance(schema, type) else schema, location=location, **kwargs)

    def roles(self, *roles: Role) -> Callable[[F], F]:
        """Require a bearer token of one of ``roles`` and say so in the document (security, 401, 403)."""

        def decorate(view: F) -> F:
            guarded = require_roles(*roles)(view)
            documented = self.doc(security=[{"bearer": []}],
                                  description="Roles: " + ", ".join(sorted(r.value for r in roles)),
                                  **{"x-roles": sorted(r.value for r in roles)})(guarded)
            return self.errors(401, 403)(documented)

        return decorate

    def errors(self, *statuses: int) -> Callable[[F], F]:
        """Document the error statuses a view can answer (beyond 400), each with the one error schema."""

        def decorate(view: F) -> F:
            for status in statuses:
                view = self.alt_response(status, schema=ErrorSchema)(view)
            return view

        return decorate


def register_blueprint(app: Flask, blueprint: flask_smorest.Blueprint) -> None:
    """Register a domain's blueprint with the app's API, so its views enter the OpenAPI document."""
    api: flask_smorest.Api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    api.register_blueprint(blueprint)
