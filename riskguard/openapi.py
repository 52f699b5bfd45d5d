"""The OpenAPI document (``/openapi.json``) and the offline API explorer (``/docs``), from flask-smorest.

The document is built from the views' own decorators (arguments, responses, roles, errors), so it says
what the code does. The explorer is Swagger UI served from the ``swagger-ui-bundle`` package: the page
loads nothing from another host.
"""

from __future__ import annotations

import threading
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
    """flask-smorest's API, writing a blueprint's views into the document when the document is first
    read rather than when the blueprint is registered: that writing is most of building an app, and most
    apps (each test's, each CLI command's) never serve the document. Whatever reads ``spec`` first gets
    it complete, with the blueprints entered in the order they were registered."""

    ERROR_SCHEMA = ErrorSchema  # the default error response of every operation, and every documented error

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pending: list[tuple[Any, str, Any]] = []
        self._pending_lock = threading.RLock()
        self._writer: int | None = None  # the thread writing the pending views, which reads ``spec`` too
        super().__init__(*args, **kwargs)

    @property
    def spec(self) -> Any:
        if self._pending and self._writer != threading.get_ident():
            with self._pending_lock:  # another thread waits here until the document is complete
                self._writer = threading.get_ident()
                try:
                    while self._pending:
                        blp, name, parameters = self._pending.pop(0)
                        blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                        self._spec.tag({"name": name, "description": blp.description})
                finally:
                    self._writer = None
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """As flask-smorest's, with the document part left for the first read of ``spec``."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        with self._pending_lock:
            self._pending.append((blp, name, parameters))


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
