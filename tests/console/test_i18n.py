"""Interface text: every key used exists in both languages, Chinese by default, English on request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskguard.console.i18n import MESSAGES

from .conftest import csrf_from

CONSOLE = Path(__file__).resolve().parents[2] / "riskguard" / "console"
_USE = re.compile(r"""\bt\(\s*['"]([a-z_.0-9]+)['"]\s*\)""")


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*CONSOLE.rglob("*.html"), *CONSOLE.rglob("*.py")]:
        keys |= set(_USE.findall(path.read_text("utf-8")))
    return keys


def _built_keys() -> set[str]:
    """Keys the templates build from data (``'role.' ~ actor.role``)."""
    from riskguard.auth import Role
    from riskguard.console._pages import AREAS

    keys = {f"role.{r.value}" for r in Role}
    keys |= {f"{prefix}.{a.name}" for a in AREAS for prefix in ("nav", "home.desc")}
    keys |= {f"decision.{d}" for d in ("allow", "review", "block")}
    keys |= {f"kind.{k}" for k in ("ad", "listing", "livestream")}
    from riskguard.console.views.payouts import PAYOUT_ERRORS
    from riskguard.console.views.review import REVIEW_ERRORS

    keys |= {f"review.err.{code}" for code in REVIEW_ERRORS}
    keys |= {f"payouts.err.{code}" for code in PAYOUT_ERRORS | {"empty", "reason_required"}}
    keys |= {f"proof.{k}" for k in ("verified", "failed", "leaf", "root", "size", "signature", "no_ed25519",
                                    "insecure")}
    keys |= {f"error.{code}" for code in ("forbidden", "not_found", "csrf_failed", "unavailable",
                                          "audit_unavailable")}
    return keys | {"login.failed", "login.expired", "login.signed_out", "review.saved", "payouts.approved",
                   "payouts.bad_id", "chart.observed", "chart.expected", "audit.chart"}


def test_templates_use_keys() -> None:
    assert len(_used_keys()) > 10


@pytest.mark.parametrize("key", sorted(_used_keys() | _built_keys()))
def test_every_used_key_exists_in_both_languages(key: str) -> None:
    assert key in MESSAGES
    zh, en = MESSAGES[key]
    assert zh.strip() and en.strip()
    assert re.search(r"[\u4e00-\u9fff]", zh) or zh == en or key.startswith("lang."), key


@pytest.mark.parametrize("lang,expected,absent", [("zh", "使用 API 密钥登录", "Sign in with an API key"),
                                                  ("en", "Sign in with an API key", "使用 API 密钥登录")])
def test_language_switch(sclient, lang: str, expected: str, absent: str) -> None:
    page = sclient.get("/console/login")
    res = sclient.post("/console/lang", data={"csrf_token": csrf_from(page.text), "lang": lang,
                                              "next": "/console/login"})
    assert res.status_code == 302 and res.headers["Location"] == "/console/login"
    text = sclient.get("/console/login").text
    assert expected in text and absent not in text


def test_chinese_is_the_default(sclient) -> None:
    text = sclient.get("/console/login").text
    assert 'lang="zh-CN"' in text and "登录" in text
