"""The OpenAPI 3 document, generated from the views' marshmallow schemas with apispec."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

__all__ = ["build_spec"]

_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


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


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(title="riskguard", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_name_resolver())],
                   info={"description": "Risk, compliance and privacy governance API"})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if view is None or not rule.rule.startswith("/v1/") and rule.rule not in ("/healthz", "/readyz"):
            continue
        doc = getattr(view, "__rg_doc__", {})
        roles = getattr(view, "__rg_roles__", None)
        path = _PARAM.sub(r"{\1}", rule.rule)
        params = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                  for name in _PARAM.findall(rule.rule)]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {"summary": doc.get("summary", rule.endpoint), "parameters": list(params),
                                  "responses": {"200": {"description": "OK"}}}
            if doc.get("tags"):
                op["tags"] = doc["tags"]
            if "query" in doc:
                op["parameters"].append({"in": "query", "schema": doc["query"]})
            if "body" in doc:
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": doc["body"]}}}
            if "response" in doc:
                op["responses"]["200"] = {"description": "OK",
                                          "content": {"application/json": {"schema": doc["response"]}}}
            if roles:
                op["security"] = [{"bearer": []}]
                op["description"] = "Roles: " + ", ".join(roles)
                op["responses"].update({"401": {"description": "no or invalid token"},
                                        "403": {"description": "role not allowed"}})
            op["responses"]["400"] = {"description": "invalid request (JSON error body naming the field)"}
            paths.setdefault(path, {})[method.lower()] = op
    for path, ops in sorted(paths.items()):
        spec.path(path=path, operations=ops)
    return spec.to_dict()
