"""No personal data in logs: a request full of IDs, phones and cards, and the redactor's own table."""

from __future__ import annotations

import io

import pytest
import structlog

from riskguard.logging import configure_logging, redact_value
from riskguard.privacy.pii.logredact import redact_text

from .cases import EMAIL, ID, ID2, MOBILE, MOBILE2, UNIONPAY, UNIONPAY16, USCC, VISA

VALUES = [ID, ID2, MOBILE, MOBILE2, UNIONPAY, UNIONPAY16, USCC, VISA, EMAIL]
FULL = (f"身份证{ID} 另一个{ID2.lower()} 手机{MOBILE} 电话+86 {MOBILE2[:3]} {MOBILE2[3:7]} {MOBILE2[7:]} "
        f"卡号{UNIONPAY} {UNIONPAY16[:4]}-{UNIONPAY16[4:8]}-{UNIONPAY16[8:12]}-{UNIONPAY16[12:]} "
        f"信用卡{VISA} 信用代码{USCC} 邮箱{EMAIL} 微信abc_12345 QQ 12345678")
SECRETS = [*VALUES, ID2.lower(), MOBILE2[3:7] + " " + MOBILE2[7:], UNIONPAY16[4:8] + "-" + UNIONPAY16[8:12],
           "abc_12345", "12345678"]


@pytest.fixture
def log_stream(sqlite_app):  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    yield stream
    configure_logging("WARNING")


@pytest.mark.parametrize("path", ["/v1/pii/detect", "/v1/pii/redact", "/v1/pii/detect/batch"])
def test_request_full_of_pii_leaves_none_in_logs(sqlite_app, log_stream, path: str) -> None:  # type: ignore[no-untyped-def]
    from riskguard.auth import create_key

    with sqlite_app.extensions["riskguard"].db.transaction() as session:
        _, tok = create_key(session, role="screener", name="t")
    body = {"texts": [FULL, FULL]} if path.endswith("batch") else {"text": FULL}
    client = sqlite_app.test_client()
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {tok}"})
    assert response.status_code == 200
    # a careless log line with the raw text and a malformed request echoing it must be scrubbed too
    structlog.get_logger("test").warning("careless", text=FULL, nested={"items": [FULL]})
    client.post(path, data=FULL.encode(), headers={"Authorization": f"Bearer {tok}",
                                                   "Content-Type": "application/json"})
    logged = log_stream.getvalue()
    assert "pii.scanned" in logged and "careless" in logged
    leaked = [s for s in SECRETS if s in logged]
    assert leaked == []


@pytest.mark.parametrize(("text", "tag"), [
    (f"id={ID}", "<CN_RESIDENT_ID>"),
    (f"phone {MOBILE}", "<CN_MOBILE>"),
    (f"手机{MOBILE}", "<CN_MOBILE>"),
    (f"+86-{MOBILE}", "<CN_MOBILE>"),
    (f"card {UNIONPAY}", "<BANK_CARD>"),
    (f"卡 {VISA[:4]} {VISA[4:8]} {VISA[8:12]} {VISA[12:]}", "<BANK_CARD>"),
    (f"code {USCC}", "<CN_USCC>"),
    (f"mail:{EMAIL}", "<EMAIL_ADDRESS>"),
    ("加微信abc_12345", "<WECHAT_ID>"),
    ("qq:12345678", "<QQ_NUMBER>"),
    (f"phone={MOBILE} 200", "<CN_MOBILE> 200"),  # a mobile beside another number is still one value
    (f"status 500 {MOBILE}", "500 <CN_MOBILE>"),
    (f"{ID} 7", "<CN_RESIDENT_ID> 7"),
])
def test_redactor_removes(text: str, tag: str) -> None:
    out = redact_text(text)
    assert tag in out, out


@pytest.mark.parametrize("text", [
    "http.request", "hmac-sha256:3f2a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a",
    "dec_0123456789abcdef0123456789abcdef", "duration 12345 ms", "订单 12345678901 (not a mobile range)",
    "2026-11-26T11:06:46.893036Z",
])
def test_redactor_keeps(text: str) -> None:
    assert redact_text(text) == text


def test_redact_value_walks_structures() -> None:
    from riskguard.logging import set_redactor

    set_redactor(redact_text)
    out = redact_value({"a": [f"手机{MOBILE}", {"b": ID}], "n": 5})
    assert MOBILE not in str(out) and ID not in str(out) and out["n"] == 5
