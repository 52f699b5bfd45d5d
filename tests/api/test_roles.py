"""Role × endpoint matrix. One row per endpoint; other domains append theirs to ENDPOINTS.

Each row says which roles may call the endpoint; every other role must get 403, no or a bad token 401,
and an allowed role must get past authorisation (any status below 500 but 401/403). Bodies are minimal
valid requests. One app per row (building an app is the slow part), the whole row compared at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from riskguard.auth import Role, create_key

# (method, path, JSON body, roles allowed)
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, frozenset[Role]]] = [
    ("POST", "/v1/screen/ad", {"text": "口碑很好"}, frozenset({Role.SCREENER})),
    ("POST", "/v1/screen/listing", {"text": "口碑很好"}, frozenset({Role.SCREENER})),
    ("POST", "/v1/screen/livestream", {"text": "口碑很好"}, frozenset({Role.SCREENER})),
    ("POST", "/v1/screen/ad/batch", {"items": [{"text": "口碑很好"}]}, frozenset({Role.SCREENER})),
    ("POST", "/v1/screen/listing/batch", {"items": [{"text": "口碑很好"}]}, frozenset({Role.SCREENER})),
    ("POST", "/v1/screen/livestream/batch", {"items": [{"text": "口碑很好"}]}, frozenset({Role.SCREENER})),
    ("GET", "/v1/rules/shadow/report", None, frozenset({Role.AUDITOR})),
]

BAD_HEADERS = (None, "Bearer", "Bearer rg_nope_nope", "Basic abc", "Bearer not-a-token")


def _outcome(status: int) -> str:
    if status in (401, 403):
        return str(status)
    return "ok" if status < 500 else f"error {status}"


@pytest.mark.parametrize(("method", "path", "body", "allowed"),
                         [pytest.param(*row, id=f"{row[0]} {row[1]}") for row in ENDPOINTS])
def test_role_matrix(sqlite_app: Flask, method: str, path: str, body: dict[str, Any] | None,
                     allowed: frozenset[Role]) -> None:
    client = sqlite_app.test_client()
    with sqlite_app.extensions["riskguard"].db.transaction() as session:
        tokens = {role: create_key(session, role=role, name=f"matrix-{role.value}")[1] for role in Role}
    expected = {role.value: "ok" if role in allowed else "403" for role in Role}
    expected.update({f"header {h!r}": "401" for h in BAD_HEADERS})
    got = {role.value: _outcome(client.open(path, method=method, json=body,
                                            headers={"Authorization": f"Bearer {tokens[role]}"}).status_code)
           for role in Role}
    got.update({f"header {h!r}": _outcome(client.open(path, method=method, json=body,
                                                      headers={"Authorization": h} if h else {}).status_code)
                for h in BAD_HEADERS})
    assert got == expected
