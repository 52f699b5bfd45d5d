"""Request parsing at the edge: strict JSON bodies and query strings through marshmallow schemas.

``@json_body(Schema)`` rejects malformed JSON, invalid UTF-8, non-object bodies and schema errors with
a 400 naming the field, before the view runs; the view receives the loaded data as ``body``. The same
metadata feeds the OpenAPI document (see :mod:`riskguard.openapi`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request
from marshmallow import Schema, ValidationError

from .errors import BadRequest, validation_error
from .services import Services

__all__ = ["json_body", "query_args", "read_json", "documented", "services", "EXTENSION"]

EXTENSION = "riskguard"

F = TypeVar("F", bound=Callable[..., Any])


def services() -> Services:
    """The current app's services (built by ``create_app`` from its settings); views only."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


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


def _doc(view: Any) -> dict[str, Any]:
    if not hasattr(view, "__rg_doc__"):
        view.__rg_doc__ = {}
    return view.__rg_doc__


def json_body(schema: Schema | type[Schema]) -> Callable[[F], F]:
    instance = schema() if isinstance(schema, type) else schema

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            data = read_json(dict)
            try:
                body = instance.load(data)
            except ValidationError as err:
                raise validation_error(err) from None
            return view(*args, body=body, **kwargs)

        _doc(wrapper).update(getattr(view, "__rg_doc__", {}), body=instance)
        return wrapper  # type: ignore[return-value]

    return decorate


def query_args(schema: Schema | type[Schema]) -> Callable[[F], F]:
    instance = schema() if isinstance(schema, type) else schema

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            raw = {k: v for k, v in request.args.items()}
            try:
                query = instance.load(raw)
            except ValidationError as err:
                raise validation_error(err) from None
            return view(*args, query=query, **kwargs)

        _doc(wrapper).update(getattr(view, "__rg_doc__", {}), query=instance)
        return wrapper  # type: ignore[return-value]

    return decorate


def documented(summary: str, *, response: Schema | type[Schema] | None = None,
               tags: list[str] | None = None) -> Callable[[F], F]:
    """Attach an OpenAPI summary and response schema to a view."""

    def decorate(view: F) -> F:
        doc = _doc(view)
        doc["summary"] = summary
        if response is not None:
            doc["response"] = response() if isinstance(response, type) else response
        if tags:
            doc["tags"] = tags
        return view

    return decorate
