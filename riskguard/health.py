"""``/`` (where to go from here), ``/healthz`` (the process answers), ``/readyz`` (the database and the
rules are there) and ``/metrics`` (Prometheus, for the roles ``monitor`` and ``admin``: not public)."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema, fields

from .auth import Role
from .http import Blueprint, services
from .metrics import CONTENT_TYPE
from .openapi import package_version

__all__ = ["blueprint"]

blueprint = Blueprint("health", __name__, description="liveness and readiness")


class LinksSchema(Schema):
    docs = fields.String(required=True, metadata={"description": "the API explorer"})
    openapi = fields.String(required=True, metadata={"description": "the OpenAPI document"})
    console = fields.String(required=True, metadata={"description": "the web console (sign in with an API key)"})
    healthz = fields.String(required=True)
    readyz = fields.String(required=True)


class IndexSchema(Schema):
    service = fields.String(required=True, metadata={"enum": ["riskguard"]})
    version = fields.String(required=True)
    links = fields.Nested(LinksSchema, required=True)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok"]})


class ReadinessChecksSchema(Schema):
    database = fields.Boolean(required=True)
    rules = fields.Boolean(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ready", "not_ready"]})
    checks = fields.Nested(ReadinessChecksSchema, required=True)


@blueprint.get("/")
@blueprint.response(200, IndexSchema)
def index() -> dict[str, Any]:
    """What this server is and where its documentation, console and health checks are"""
    return {"service": "riskguard", "version": package_version(),
            "links": {"docs": "/docs", "openapi": "/openapi.json", "console": "/console/",
                      "healthz": "/healthz", "readyz": "/readyz"}}


@blueprint.get("/healthz")
@blueprint.response(200, HealthSchema)
def healthz() -> dict[str, Any]:
    """The process is up"""
    return {"status": "ok"}


@blueprint.get("/readyz")
@blueprint.response(200, ReadinessSchema)
@blueprint.alt_response(503, schema=ReadinessSchema, description="a check failed")
def readyz() -> tuple[dict[str, Any], int]:
    """The database answers and the rules are loaded"""
    rg = services()
    checks = {"database": rg.db.ping(), "rules": bool(rg.rulebook.rules)}
    ok = all(checks.values())
    return {"status": "ready" if ok else "not_ready", "checks": checks}, 200 if ok else 503


@blueprint.get("/metrics")
@blueprint.roles(Role.MONITOR, Role.ADMIN)
@blueprint.doc(responses={"200": {"description": "metrics in the Prometheus text format (docs/ops/)",
                                  "content": {CONTENT_TYPE.split(";")[0]: {"schema": {"type": "string"}}}}})
def metrics() -> Response:
    """Request, decision and finding counters of every worker, and audit, key, payout and review state"""
    return Response(services().metrics.exposition(), mimetype=None, content_type=CONTENT_TYPE)
