"""Screening ``review`` decisions open review cases in the same transaction; other decisions do not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from riskguard.auth import Role
from riskguard.review.models import ReviewCase


@pytest.mark.parametrize(("kind", "text", "opens"), [
    ("ad", "性能吊打同行，价格更低", True),          # adlaw.13 disparagement: action review
    ("listing", "续航碾压同行", True),
    ("livestream", "这款面霜完爆竞品", True),
    ("ad", "纯棉T恤，透气舒适", False),              # allow
    ("listing", "全网最低价", False),                # block: no case, nothing for a human to settle
])
def test_screening_review_opens_a_case(sqlite_app, kind: str, text: str, opens: bool) -> None:
    def auth(role: Role) -> dict[str, str]:
        from riskguard.auth import create_key

        with sqlite_app.extensions["riskguard"].db.transaction() as session:
            return {"Authorization": f"Bearer {create_key(session, role=role, name='t')[1]}"}

    check_screening_hook(sqlite_app, sqlite_app.test_client(), auth, kind, text, opens)


def test_screening_review_opens_a_case_on_both_backends(app, client, auth) -> None:
    check_screening_hook(app, client, auth, "ad", "性能吊打同行，价格更低", True)


def check_screening_hook(app, client, auth, kind: str, text: str, opens: bool) -> None:  # type: ignore[no-untyped-def]
    headers = auth(Role.SCREENER)
    screener = headers["Authorization"].split()[1]
    res = client.post(f"/v1/screen/{kind}", json={"id": "C-1", "text": text},
                      headers=headers)
    assert res.status_code == 200, res.get_json()
    decision = res.get_json()
    assert (decision["decision"] == "review") is opens
    with app.extensions["riskguard"].db.sessions() as session:
        cases = list(session.execute(select(ReviewCase)).scalars())
    if not opens:
        assert cases == []
        return
    [case] = cases
    assert (case.kind, case.subject_id, case.decision_id) == (kind, "C-1", decision["decision_id"])
    assert case.submitted_by == f"key:{screener.split('_')[1]}"
    assert case.rule_ids == sorted({f["rule_id"] for f in decision["findings"]})
    assert all(text[f["start"]:f["end"]] not in str(case.findings) for f in decision["findings"])
    listed = client.get(f"/v1/review/cases?kind={kind}", headers=auth(Role.REVIEWER)).get_json()["cases"]
    assert [c["id"] for c in listed] == [case.id]
