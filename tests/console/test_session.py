"""Console sign-in, session cookie, CSRF, expiry, redirects, security headers and the role × page matrix
(Flask test client, on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from riskguard.auth import ApiKey, Role
from riskguard.ids import utcnow

from .conftest import csrf_from, make_token

AREA_PATHS = {"screening": "/console/screening", "review": "/console/review",
              "audit": "/console/audit", "payouts": "/console/payouts",
              "privacy": "/console/privacy"}
# Who may open which area: the same roles as the API behind it.
MAY_OPEN = {
    "screening": {Role.SCREENER},
    "review": {Role.REVIEWER},
    "audit": {Role.AUDITOR},
    "payouts": {Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN},  # as GET /v1/payouts/batches/<id>
    "privacy": {Role.PRIVACY_OFFICER},  # as POST /v1/privacy/subjects/lookup
    "onboarding": {Role.ONBOARDING},  # as GET /v1/merchants/applications
}


@pytest.mark.parametrize("bad", ["", "rg_", "rg_nokey_secret", "Bearer x", "rg_0000000000000000_" + "a" * 43,
                                 "<script>alert(1)</script>"])
def test_sign_in_refuses_bad_keys(sclient, bad: str) -> None:
    page = sclient.get("/console/login")
    res = sclient.post("/console/login", data={"csrf_token": csrf_from(page.text), "api_key": bad})
    assert res.status_code == 401
    assert "<script>alert(1)</script>" not in res.text
    assert sclient.get("/console/").status_code == 302


def test_sign_in_refuses_revoked_key_and_wrong_secret(app, client, token) -> None:
    tok = token("reviewer")
    wrong = tok[:-4] + ("aaaa" if not tok.endswith("aaaa") else "bbbb")
    page = client.get("/console/login")
    assert client.post("/console/login", data={"csrf_token": csrf_from(page.text),
                                               "api_key": wrong}).status_code == 401
    with app.extensions["riskguard"].db.transaction() as session:
        session.get(ApiKey, tok.split("_")[1]).revoked_at = utcnow()
    assert client.post("/console/login", data={"csrf_token": csrf_from(page.text),
                                               "api_key": tok}).status_code == 401


@pytest.mark.parametrize("path,form", [
    ("/console/login", {"api_key": "x"}),
    ("/console/logout", {}),
    ("/console/lang", {"lang": "en"}),
])
@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
def test_every_form_needs_the_csrf_token(sclient, console_login, path: str, form: dict, csrf: str | None) -> None:
    console_login(sclient, "reviewer")
    data = dict(form)
    if csrf is not None:
        data["csrf_token"] = csrf
    res = sclient.post(path, data=data)
    assert res.status_code == 400
    assert "csrf" not in res.text.lower() or "表单已过期" in res.text
    assert sclient.get("/console/").status_code == 200  # still signed in, nothing changed
    assert "English" in sclient.get("/console/").text


def test_cookie_flags_over_http_and_https(app, token) -> None:
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        page = client.get("/console/login", base_url=base)
        res = client.post("/console/login", base_url=base,
                          data={"csrf_token": csrf_from(page.text), "api_key": token("auditor")})
        cookie = res.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
        assert "Expires=" in cookie
        assert ("Secure" in cookie) is secure
        assert token("auditor") not in cookie


def test_revoking_the_key_ends_the_session(app, client, console_login) -> None:
    tok = console_login(client, "reviewer")
    assert client.get("/console/").status_code == 200
    with app.extensions["riskguard"].db.transaction() as session:
        session.get(ApiKey, tok.split("_")[1]).revoked_at = utcnow()
    assert client.get("/console/").status_code == 302


def test_sign_out(sclient, console_login) -> None:
    console_login(sclient, "auditor")
    home = sclient.get("/console/")
    res = sclient.post("/console/logout", data={"csrf_token": csrf_from(home.text)})
    assert res.status_code == 302
    assert sclient.get("/console/").status_code == 302
    assert "您已退出登录" in sclient.get("/console/login").text


@pytest.mark.parametrize("target,expected", [
    ("/console/audit", "/console/audit"),
    ("https://evil.example/", "/console/"),
    ("//evil.example/console/", "/console/"),
    ("/v1/screen/ad", "/console/"),
    ("/console/\\evil", "/console/"),
])
def test_next_is_never_an_open_redirect(sclient, target: str, expected: str) -> None:
    page = sclient.get("/console/login")
    res = sclient.post("/console/login", data={"csrf_token": csrf_from(page.text),
                                                "api_key": make_token(sclient.application, "auditor"),
                                                "next": target})
    assert res.headers["Location"] == expected


@pytest.mark.parametrize("area", list(AREA_PATHS))
def test_anonymous_is_sent_to_sign_in(sclient, area: str) -> None:
    res = sclient.get(AREA_PATHS[area])
    assert res.status_code == 302
    assert res.headers["Location"].startswith("/console/login?next=")


@pytest.mark.parametrize("role", list(Role))
def test_role_by_page_matrix(client, console_login, role: Role) -> None:
    """Each role signs in, sees links to exactly its areas, opens them, and is refused the others."""
    console_login(client, role.value, name=f"user-{role.value}")
    home = client.get("/console/")
    assert home.status_code == 200 and f"user-{role.value}" in home.text
    for area, path in AREA_PATHS.items():
        assert (f'href="{path}"' in home.text) == (role in MAY_OPEN[area]), area
        res = client.get(path)
        if role in MAY_OPEN[area]:
            assert res.status_code in (200, 503), (area, res.status_code)  # 503 only while a domain is missing
        else:
            assert res.status_code == 403, area
            assert "无权" in res.text


def test_console_roles_match_the_api(app) -> None:
    """Where the API endpoint behind an area exists, the console admits exactly its roles."""
    from riskguard.console._pages import AREAS

    for area in AREAS:
        view = app.view_functions.get(area.api_endpoint)
        if view is not None:
            assert {Role(r) for r in view.__rg_roles__} == MAY_OPEN[area.name], area.name


def test_security_headers(sclient) -> None:
    res = sclient.get("/console/login")
    assert "default-src 'self'" in res.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in res.headers["Content-Security-Policy"]
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Cache-Control"] == "no-store"
    assert "https://" not in res.text  # nothing loaded from elsewhere


def test_every_console_page_mirrors_an_existing_api_endpoint(sqlite_app) -> None:
    """A renamed API endpoint must not leave a page on its fallback roles unnoticed."""
    guarded = {name: view.__rg_console__ for name, view in sqlite_app.view_functions.items()
               if name.startswith("console.") and hasattr(view, "__rg_console__")}
    assert len(guarded) >= 12
    for name, (api_endpoint, fallback) in guarded.items():
        api_view = sqlite_app.view_functions.get(api_endpoint)
        assert api_view is not None, (name, api_endpoint)
        assert sorted(api_view.__rg_roles__) == sorted(fallback), name
