"""The screening playground through the test client (SQLite and PostgreSQL): decisions, highlights,
schema errors, and the audit entry written before the page shows a decision."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from riskguard.audit import Action
from riskguard.audit.models import AuditEntry

from .conftest import csrf_from


def _screen(client, **form: str):  # type: ignore[no-untyped-def]
    page = client.get("/console/screening")
    assert page.status_code == 200
    return client.post("/console/screening", data={"csrf_token": csrf_from(page.text), **form})


def _marks(html: str) -> list[str]:
    return [re.sub(r"<sup>.*?</sup>", "", m) for m in re.findall(r'<mark class="hit"[^>]*>(.*?)</mark>', html)]


@pytest.mark.parametrize("form,decision,marked,rules", [
    ({"text": "全网最低价！这款面霜效果最好，根治痘痘", "kind": "ad", "category": "cosmetics"},
     "block", ["全网最低", "最好", "根治"], {"adlaw.9-3.superlative", "adlaw.17.medical-claim"}),
    ({"text": "7天见效的面霜", "kind": "listing", "category": "cosmetics"},
     "review", ["7天见效"], {"adlaw.28.unsourced-claim"}),
    ({"text": "温和的面霜，适合敏感肌", "kind": "ad", "category": "cosmetics"}, "allow", [], set()),
    ({"text": "<b>全网最低</b>", "kind": "livestream", "category": "general"},
     "block", ["全网最低"], {"adlaw.9-3.superlative"}),
])
def test_screening_shows_decision_and_highlights(sclient, console_login, form, decision, marked, rules) -> None:
    console_login(sclient, "screener")
    res = _screen(sclient, **form)
    assert res.status_code == 200
    assert f'data-decision="{decision}"' in res.text
    assert _marks(res.text) == marked
    assert set(re.findall(r'<li data-rule="([^"]+)"', res.text)) == rules
    assert "<b>" not in res.text  # the pasted text is escaped


def test_findings_show_law_article_message_and_fix(sclient, console_login) -> None:
    console_login(sclient, "screener")
    res = _screen(sclient, text="根治痘痘", kind="ad", category="cosmetics")
    for shown in ("广告法", "17", "非医疗产品宣称治疗功效", "删除疾病治疗相关表述"):
        assert shown in res.text


@pytest.mark.parametrize("form,field", [
    ({"text": "", "kind": "ad", "category": "general"}, "text"),
    ({"text": " \n\u3000 ", "kind": "ad", "category": "general"}, "text"),        # whitespace only
    ({"text": "x" * 20_001, "kind": "ad", "category": "general"}, "text"),
    ({"text": "最好", "kind": "ad", "category": "Space Ships!"}, "category"),  # not well-formed
    ({"text": "最好", "kind": "tweet", "category": "general"}, "kind"),
])
def test_bad_input_is_refused_and_not_recorded(app, client, console_login, form: dict, field: str) -> None:
    console_login(client, "screener")
    res = _screen(client, **form)
    assert res.status_code == 400
    assert "data-decision" not in res.text
    with app.extensions["riskguard"].db.sessions() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.action == Action.SCREENING_DECIDED.value))
    assert count == 0


def test_every_shown_decision_is_in_the_audit_trail(app, client, console_login) -> None:
    tok = console_login(client, "screener")
    res = _screen(client, text="全网最低价", kind="ad", category="cosmetics", has_purchase_link="on")
    decision_id = re.search(r"<code>(dec_[0-9a-f]+)</code>", res.text).group(1)
    with app.extensions["riskguard"].db.sessions() as session:
        rows = session.execute(select(AuditEntry).where(
            AuditEntry.action == Action.SCREENING_DECIDED.value)).scalars().all()
        entries = [json.loads(r.entry) for r in rows]
    assert [(e["details"]["decision_id"], e["actor"], e["decision"]) for e in entries] == [
        (decision_id, f"key:{tok.split('_')[1]}", "block")]
    assert "全网最低" not in json.dumps(entries, ensure_ascii=False)  # a digest, never the text


def test_the_playground_opens_with_the_api_defaults(sclient, console_login) -> None:  # type: ignore[no-untyped-def]
    """The same text answers the same in the playground and the API: no flag ticked that the API defaults off."""
    console_login(sclient, "screener")
    page = sclient.get("/console/screening").text
    assert 'name="has_purchase_link" >' in page and 'name="labelled_as_ad" >' in page
    assert 'name="has_purchase_link" checked' not in page


def test_screening_needs_the_csrf_token(sclient, console_login) -> None:
    console_login(sclient, "screener")
    res = sclient.post("/console/screening", data={"text": "最好", "kind": "ad", "category": "general"})
    assert res.status_code == 400 and "data-decision" not in res.text
