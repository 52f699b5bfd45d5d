"""A screening review case keeps the screened text with personal data masked character for character:
the findings' spans index it, the reviewer reads it in ``GET /v1/review/cases/{id}``, and no raw phone,
ID or card number is anywhere in the database (SQLite file and WAL, every PostgreSQL row)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, select, text

from riskguard.auth import Role
from riskguard.review.models import ReviewCase

MOBILE = "13812345678"
RESIDENT_ID = "110101199003074514"
CARD = "6222021234567890128"


@pytest.fixture
def lenient_app(tmp_path: Path, db_url: str, make_settings: Callable[[str], Any], app_factory) -> Flask:
    """The app on both backends with the shipped rules, but an ad policy that sends ``high`` findings
    (contact details among them) to a human instead of blocking: the way a phone number reaches review."""
    policies = tmp_path / "policies"
    shutil.copytree(make_settings(db_url).policies_dir, policies)
    ad = policies / "ad-prepublish.yaml"
    source = ad.read_text("utf-8")
    assert "  high: block\n" in source
    ad.write_text(source.replace("  high: block\n", "  high: review\n"), "utf-8")
    return app_factory(db_url, policies_dir=policies)


def _headers(app: Flask, role: Role) -> dict[str, str]:
    from riskguard.auth import create_key

    with app.extensions["riskguard"].db.transaction() as session:
        return {"Authorization": f"Bearer {create_key(session, role=role, name=f't-{role}')[1]}"}


def _screen_to_case(app: Flask, kind: str, body_text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    client = app.test_client()
    res = client.post(f"/v1/screen/{kind}", json={"id": "AD-7", "text": body_text},
                      headers=_headers(app, Role.SCREENER))
    assert res.status_code == 200, res.get_json()
    decision = res.get_json()
    assert decision["decision"] == "review", decision
    reviewer = _headers(app, Role.REVIEWER)
    [listed] = client.get(f"/v1/review/cases?kind={kind}", headers=reviewer).get_json()["cases"]
    case = client.get(f"/v1/review/cases/{listed['id']}", headers=reviewer)
    assert case.status_code == 200
    return decision, case.get_json()


def _stored_text(app: Flask) -> str:
    """Everything the database holds, as text: the SQLite file (and its WAL), or every PostgreSQL row."""
    db = app.extensions["riskguard"].db
    if db.is_sqlite:
        path = db.url.split("///", 1)[1]
        db.engine.dispose()
        blobs = [Path(path + s).read_bytes() for s in ("", "-wal", "-journal") if Path(path + s).exists()]
        return b"\n".join(blobs).decode("latin-1") + "\n" + b"\n".join(blobs).decode("utf-8", "replace")
    with db.engine.connect() as conn:
        return "\n".join(str(row[0]) for table in inspect(conn).get_table_names()
                         for row in conn.execute(text(f'SELECT t::text FROM "{table}" t')))


@pytest.mark.parametrize(("ad", "secrets"), [
    (f"性能吊打同行！订购热线：{MOBILE}", [MOBILE]),
    (f"吊打同行，手机138-1234-5678，身份证{RESIDENT_ID}核验", ["138-1234-5678", "1234-5678", RESIDENT_ID]),
])
def test_review_case_content_is_masked_at_rest(lenient_app: Flask, ad: str, secrets: list[str]) -> None:
    decision, case = _screen_to_case(lenient_app, "ad", ad)
    content = case["content"]
    assert len(content) == len(ad)
    for secret in secrets:
        assert secret not in content
    # every finding's span indexes the stored text: the same characters, or masks where data was
    assert case["findings"] and {f["rule_id"] for f in case["findings"]} == {f["rule_id"] for f in decision["findings"]}
    for f in case["findings"]:
        shown, original = content[f["start"]:f["end"]], ad[f["start"]:f["end"]]
        assert all(c in ("*", o) for c, o in zip(shown, original, strict=True))
    contact = [f for f in case["findings"] if f["rule_id"] == "platform.diversion.contact-details"]
    assert contact and all(set(content[f["start"]:f["end"]]) == {"*"} for f in contact)
    assert any(f.get("suggestion") for f in case["findings"])  # the fix hint travels with the case
    stored = _stored_text(lenient_app)
    assert case["id"] in stored  # the scan does see the stored rows
    for secret in [*secrets, MOBILE]:
        assert secret not in stored, "personal data stored in the clear"
        assert secret.encode("utf-8").hex() not in stored


@pytest.mark.parametrize(("kind", "ad", "masked"), [
    ("ad", "性能吊打同行，价格更低", ""),                          # no personal data: stored as written
    ("listing", f"续航碾压同行，退款打到卡号{CARD}", CARD),
    ("ad", f"性能吊打同行，身份证{RESIDENT_ID}", RESIDENT_ID),
])
def test_review_case_content_with_shipped_policies(sqlite_app: Flask, kind: str, ad: str, masked: str) -> None:
    _, case = _screen_to_case(sqlite_app, kind, ad)
    expected = ad.replace(masked, "*" * len(masked)) if masked else ad
    assert case["content"] == expected
    with sqlite_app.extensions["riskguard"].db.sessions() as session:
        [row] = session.execute(select(ReviewCase)).scalars()
        assert row.content == expected



def test_review_case_content_hides_the_street_address(lenient_app: Flask) -> None:
    # (a shop's own address after 门店地址 is not personal data: eval/pii/README.md "What is gold")
    ad = f"吊打同行！订购热线{MOBILE}，联系地址：广东省深圳市南山区科技园路1号3栋2单元501室"
    decision, case = _screen_to_case(lenient_app, "ad", ad)
    content = case["content"]
    assert len(content) == len(ad)
    assert "广东省深圳市" in content  # policies/privacy.yaml address_mask.keep: city
    for part in ("南山区", "科技园路", "1号", "3栋", "2单元", "501室"):
        assert part not in content
