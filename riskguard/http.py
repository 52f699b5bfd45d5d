"""The JSON HTTP layer on flask-smorest: arguments in, schemas out, one error shape.

Views are registered on :class:`Blueprint` and declare everything the OpenAPI document says about them:
``@blp.arguments(Schema)`` parses the body (or ``location="query"``) through :class:`ArgumentsParser`,
which keeps our strict JSON reading (malformed JSON, invalid UTF-8, non-object bodies, wrong content type
and schema errors are 400/415 errors naming the field, never smorest's 422); ``@blp.response(status,
Schema)`` dumps what the view returns; ``@blp.roles(...)`` checks the bearer token and documents the
roles with their 401/403; ``@blp.errors(...)`` documents the other error statuses a view can answer,
all with the one :class:`~riskguard.errors.ErrorSchema`.

:func:`init_input` is the input layer in front of all of it: a ``before_request`` hook that reads every
JSON body strictly (:mod:`riskguard.strictjson`: depth, NaN/Infinity, huge numbers, NUL, lone surrogates)
before role checks and domain code, so such a body is a 400 whichever endpoint it is sent to.
``@blp.max_body(limit)`` gives a view a body limit other than the app's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flask_smorest
from flask import Flask, current_app, request
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser

from . import strictjson
from .auth import Role, require_roles
from .errors import BadRequest, ErrorSchema, validation_error
from .services import Services

__all__ = ["ArgumentsParser", "Blueprint", "EXTENSION", "init_input", "json_body", "parsed_json_body", "read_json",
           "register_blueprint", "services"]

EXTENSION = "riskguard"
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before the next request counts",
                               "schema": {"type": "integer", "minimum": 1}}}

F = TypeVar("F", bound=Callable[..., Any])


def services() -> Services:
    """The current app's services (built by ``create_app`` from its settings); views only."""
    return current_app.extensions[EXTENSION]


_JSON_BODY = "riskguard.json_body"  # request.environ key: the body parsed once by the input layer


def _declared_json() -> bool:
    return request.mimetype == "application/json" or request.mimetype.endswith("+json")


def _untyped_json() -> bool:
    """A body without a content type that starts like JSON: read as JSON, as ``read_json`` would."""
    return request.mimetype == "" and request.content_length != 0 and \
        request.get_data(cache=True).lstrip()[:1] in (b"[", b"{")


def json_body() -> Any:
    """The request body as strict JSON (:mod:`riskguard.strictjson`), parsed once per request, or a 400
    with a stable code naming the offending value; never a 500."""
    if _JSON_BODY in request.environ:
        return request.environ[_JSON_BODY]
    raw = request.get_data(cache=True)  # bounded by the request's max_content_length (413 beyond it)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"body is not valid UTF-8 (byte {exc.start})", code="invalid_utf8") from None
    if not text.strip():
        raise BadRequest("request body is empty", code="malformed_json")
    try:
        data = strictjson.loads(text)
    except strictjson.UnsafeJson as exc:
        raise BadRequest(exc.message, code=exc.code, field=exc.path) from None
    request.environ[_JSON_BODY] = data
    return data


def parsed_json_body() -> Any:
    """The body as the input layer read it (strict JSON), or None if it was not read as JSON (a JSON
    ``null`` body is None too: a caller that needs a value reads it again and refuses it)."""
    return request.environ.get(_JSON_BODY)


def read_json(expect: type = dict) -> Any:
    """The request body as JSON of type ``expect``, or a 400/415 with a stable code; never a 500."""
    if request.mimetype != "" and not _declared_json():
        raise BadRequest("body must be application/json", code="unsupported_media_type", status=415)
    data = json_body()
    if not isinstance(data, expect):
        raise BadRequest(f"body must be a JSON {'object' if expect is dict else 'array'}",
                         code="malformed_json", field="_body")
    return data


def init_input(app: Flask) -> None:
    """The input layer: before any view (and so before role checks and domain code), apply the view's
    own body limit, refuse NUL in path, query and form values, and read every JSON body strictly; what
    it refuses is a 400 and nothing runs."""

    @app.before_request
    def _read_json_body() -> None:
        if request.routing_exception is not None:  # no such path or method: that 404/405 comes first
            return
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, _MAX_BODY, None)
        if limit is not None:
            request.max_content_length = limit()
        _refuse_nul()
        if _declared_json() or _untyped_json():
            json_body()


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_nul() -> None:
    """NUL in a path segment, query parameter or form field is a 400 naming it: PostgreSQL cannot hold
    NUL in text, so a lookup or write with it would fail there (a 500), while SQLite would accept it."""
    sources = [("path", list((request.view_args or {}).items())), ("query", list(request.args.items(multi=True)))]
    if request.mimetype in _FORMS:
        sources.append(("form", list(request.form.items(multi=True))))
    for where, pairs in sources:
        for name, value in pairs:
            if "\x00" in name or (isinstance(value, str) and "\x00" in value):
                raise BadRequest(f"the {where} parameter must not contain NUL", code="nul_character",
                                 field=strictjson.printable(name))


_MAX_BODY = "riskguard_max_body"  # attribute of a view: a function giving its body limit in bytes


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
        """Require a bearer token of one of ``roles`` and say so in the document (security, 401, 403, and
        429 with ``Retry-After`` for the key's and the role's rate limits)."""

        def decorate(view: F) -> F:
            guarded = require_roles(*roles)(view)
            _document(guarded, self.doc(security=[{"bearer": []}],
                                        description="Roles: " + ", ".join(sorted(r.value for r in roles)),
                                        **{"x-roles": sorted(r.value for r in roles)}))
            _document(guarded, self.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER,
                                                 description="rate limit reached (code rate_limited)"))
            return self.errors(401, 403)(guarded)

        return decorate

    def max_body(self, limit: Callable[[], int]) -> Callable[[F], F]:
        """The view reads bodies up to ``limit()`` bytes instead of the app's ``MAX_CONTENT_LENGTH``; the
        input layer applies it before reading anything."""

        def decorate(view: F) -> F:
            setattr(view, _MAX_BODY, limit)
            return view

        return decorate

    def errors(self, *statuses: int) -> Callable[[F], F]:
        """Document the error statuses a view can answer (beyond 400), each with the one error schema."""

        def decorate(view: F) -> F:
            for status in statuses:
                _document(view, self.alt_response(status, schema=ErrorSchema))
            return view

        return decorate


def _document(view: Callable[..., Any], documenting: Callable[[Any], Any]) -> None:
    """Add what one of smorest's documenting decorators (``doc``, ``alt_response``) says to ``view``'s
    entry in the document, without its wrapper: that wrapper only calls the view again (through
    ``current_app.ensure_sync``), a cost every request of the endpoint would pay for each such line."""
    view._apidoc = documenting(view)._apidoc  # type: ignore[attr-defined]


def register_blueprint(app: Flask, blueprint: flask_smorest.Blueprint) -> None:
    """Register a domain's blueprint with the app's API, so its views enter the OpenAPI document."""
    api: flask_smorest.Api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    api.register_blueprint(blueprint)
