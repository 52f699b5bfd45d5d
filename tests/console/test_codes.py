"""Codes the API speaks are shown in words in both languages: every category, severity, onboarding check,
qualification type and application field has catalogue words; times carry their zone; the console's one
404 page says what was not found."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from riskguard.console._codes import CODE_MESSAGES
from riskguard.console._format import when_text
from riskguard.console.i18n import MESSAGES, code_label


def _codes() -> list[str]:
    from riskguard.onboarding.formats import CATEGORIES as APP_CATEGORIES
    from riskguard.onboarding.formats import QUALIFICATION_TYPES, SEVERITIES
    from riskguard.onboarding.policy import CHECK_IDS
    from riskguard.onboarding.schemas import ApplicationSchema
    from riskguard.rulebook.model import CATEGORIES

    keys = [f"category.{c}" for c in {*CATEGORIES, *APP_CATEGORIES}]
    keys += [f"severity.{s}" for s in SEVERITIES] + [f"check.{c}" for c in CHECK_IDS]
    keys += [f"qualification.{q}" for q in QUALIFICATION_TYPES]
    import riskguard.models  # noqa: F401 - every vault record model registered
    from riskguard.privacy.vault.registry import all_record_types

    keys += [f"record_type.{kind.name}" for kind in all_record_types()]
    for name, field in ApplicationSchema().fields.items():
        keys.append(f"field.{name}")
        nested = getattr(field, "schema", None)
        keys += [f"field.{name}.{inner}" for inner in (nested.fields if nested is not None and
                                                        name != "qualifications" else ())]
    return sorted(keys)


@pytest.mark.parametrize("key", _codes())
def test_every_code_has_words_in_both_languages(key: str) -> None:
    zh, en = MESSAGES[key]
    assert re.search(r"[\u4e00-\u9fff]", zh) and en.strip() and not re.search(r"[\u4e00-\u9fff]", en)


def test_catalogue_pairs_are_complete() -> None:
    assert all(zh.strip() and en.strip() for zh, en in CODE_MESSAGES.values())


def test_an_unknown_code_is_shown_as_itself() -> None:
    assert code_label("category", "space_travel", "zh") == "space_travel"
    assert code_label("field", "legal_rep.id_number", "zh") == "法定代表人身份证号"
    assert code_label("field", "legal_rep.id_number", "en") == "Representative's ID number"


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("value", "zone", "lang", "text"), [
    (datetime(2026, 12, 5, 10, 36, tzinfo=UTC), SHANGHAI, "zh", "2026-12-05 18:36 UTC+08:00"),
    (datetime(2026, 12, 5, 10, 36, tzinfo=UTC), SHANGHAI, "en", "5 Dec 2026 18:36 UTC+08:00"),
    (datetime(2026, 12, 5, 20, 0), SHANGHAI, "zh", "2026-12-06 04:00 UTC+08:00"),  # SQLite: naive is UTC
    ("2026-12-05T10:36:00Z", UTC, "en", "5 Dec 2026 10:36 UTC"),
    ("2026-12-05T10:36:00.123456+00:00", ZoneInfo("America/New_York"), "zh", "2026-12-05 05:36 UTC-05:00"),
    (date(2027, 1, 31), SHANGHAI, "en", "31 Jan 2027"),
    ("2027-01-31", SHANGHAI, "zh", "2027-01-31"),
    (None, UTC, "zh", ""),
    ("not a time", UTC, "zh", "not a time"),
])
def test_times_carry_their_zone(value, zone, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    assert when_text(value, zone, lang) == text


@pytest.mark.parametrize(("role", "path", "what", "ident"), [
    ("onboarding", "/console/onboarding/applications/APP-404", "application", "APP-404"),
    ("reviewer", "/console/review/rc_nope", "case", "rc_nope"),
    ("auditor", "/console/audit/entries/987654", "entry", "987654"),
    ("auditor", "/console/audit/reports/no-such-report", "report", "no-such-report"),
    ("privacy_officer", "/console/privacy/subjects/ds_nope", "subject", "ds_nope"),
    ("screener", "/console/no/such/page", "page", "/console/no/such/page"),
])
def test_one_404_page_says_what_was_not_found(sclient, console_login, role: str, path: str, what: str,
                                             ident: str) -> None:
    console_login(sclient, role)
    res = sclient.get(path)
    assert res.status_code == 404 and res.mimetype == "text/html"
    assert f'data-what="{what}"' in res.text and f'<code id="not-found-id">{ident}</code>' in res.text
    assert MESSAGES[f"notfound.{what}"][0] in res.text


def test_unknown_urls_outside_the_console_stay_json(sclient) -> None:
    res = sclient.get("/v1/no-such-endpoint")
    assert res.status_code == 404 and res.get_json()["error"]["code"] == "not_found"
