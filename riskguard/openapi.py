"""The OpenAPI document (``/openapi.json``) and the offline API explorer (``/docs``), from flask-smorest.

The document is built from the views' own decorators (arguments, responses, roles, errors), so it says
what the code does. The explorer is Swagger UI served from the ``swagger-ui-bundle`` package: the page
loads nothing from another host.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

import flask_smorest
import swagger_ui_bundle
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, send_from_directory
from werkzeug.wrappers import Response

from .errors import ErrorSchema, NotFound

__all__ = ["Api", "init_api", "package_version"]

DOCS_STATIC = "/docs/static/"
# What Swagger UI's page loads; nothing else in the bundle is served.
_SWAGGER_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema  # the default error response of every operation, and every documented error


def package_version() -> str:
    try:
        return version("riskguard")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"


def _name_resolver() -> Any:
    """Component names from class names, prefixed with the domain where two domains share a name."""
    taken: dict[str, type] = {}

    def resolve(schema: Any) -> str:
        cls = schema if isinstance(schema, type) else type(schema)
        name = cls.__name__
        name = name[:-6] if name.endswith("Schema") and len(name) > 6 else name
        if taken.setdefault(name, cls) is not cls:
            domain = cls.__module__.split(".")[1] if cls.__module__.startswith("riskguard.") else "ext"
            name = f"{domain.title()}{name}"
            n = 2
            while taken.setdefault(name, cls) is not cls:
                name, n = f"{domain.title()}{cls.__name__}{n}", n + 1
        return name

    return resolve


def init_api(app: Flask) -> Api:
    """Attach the API (document and explorer) to ``app``; domains then register their blueprints on it."""
    app.config.update(
        API_TITLE="riskguard",
        API_VERSION=package_version(),
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=DOCS_STATIC,
        OPENAPI_SWAGGER_UI_CONFIG={"docExpansion": "list", "deepLinking": True},
    )
    api = Api(app, spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_name_resolver()),
        "info": {"description": "Risk, compliance and privacy governance API"},
    })
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})

    @app.get(f"{DOCS_STATIC}<path:filename>")
    def api_docs_static(filename: str) -> Response:
        if filename not in _SWAGGER_FILES:
            raise NotFound("no such file", code="not_found")
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=3600)

    return api
