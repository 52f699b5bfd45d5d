"""Personal data in the identifiers and free text that would reach the audit trail, which is never erased.

Only the fast structured recognizers run, straight on the value (no analyzer, no NLP engine), each with
its own validation (mobile ranges, the resident ID's check character and birth date, Luhn and card
prefixes, public e-mail suffixes): for identifiers resident ID, mobile and landline, bank and credit card,
e-mail and passport numbers; for free text (reasons, notes) also WeChat and QQ accounts, which their contact words
make recognisable there. Names and addresses are not looked for: in short reasons the guesses would
mostly be brand and place names. docs/audit.md lists, per field, whether a hit is refused or digested.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import ValidationError
from marshmallow.validate import Validator

from ...audit.canonical import looks_personal
from ...errors import BadRequest
from .recognizers import (
    CnBankCardRecognizer,
    CnCreditCardRecognizer,
    CnEmailRecognizer,
    CnLandlineRecognizer,
    CnMobileRecognizer,
    CnPassportRecognizer,
    CnPatternRecognizer,
    CnQqNumberRecognizer,
    CnResidentIdRecognizer,
    CnWechatIdRecognizer,
)
from .recognizers._tld import install_offline_extractor

__all__ = ["ID_ENTITIES", "TEXT_ENTITIES", "NoPersonalData", "identifier_is_personal", "personal_data_in",
           "refuse_personal_data"]

ID_ENTITIES = ("CN_RESIDENT_ID", "CN_MOBILE", "PHONE_NUMBER", "BANK_CARD", "CREDIT_CARD", "EMAIL_ADDRESS",
               "CN_PASSPORT")
TEXT_ENTITIES = (*ID_ENTITIES, "WECHAT_ID", "QQ_NUMBER")
THRESHOLD = 0.5  # the PII API's default score threshold
NUMBER_SHAPED = "ID_MOBILE_OR_CARD_SHAPED_NUMBER"  # found by the audit trail's guard, not a recognizer


@cache
def _recognizers() -> dict[str, CnPatternRecognizer]:
    install_offline_extractor()
    return {cls.ENTITY: cls("zh") for cls in (
        CnResidentIdRecognizer, CnMobileRecognizer, CnLandlineRecognizer, CnBankCardRecognizer,
        CnCreditCardRecognizer, CnEmailRecognizer, CnPassportRecognizer, CnWechatIdRecognizer, CnQqNumberRecognizer)}


def personal_data_in(value: str, *, identifier: bool = False) -> list[str]:
    """What personal data ``value`` holds (entity types; empty: none). An identifier is looked at by the
    recognizers of :data:`ID_ENTITIES`; free text by those of :data:`TEXT_ENTITIES` and also by the audit
    trail's own wider guard (any number shaped like an ID, mobile or card number), so that free text
    passing here is never refused later when it is recorded."""
    if not value:
        return []
    recognizers = _recognizers()
    found = [entity for entity in (ID_ENTITIES if identifier else TEXT_ENTITIES)
             if any(r.score >= THRESHOLD for r in recognizers[entity].analyze(value, [entity]))]
    if not found and not identifier and looks_personal(value):
        found.append(NUMBER_SHAPED)
    return found


def identifier_is_personal(value: str) -> bool:
    """Whether an identifier holds personal data. Every value of ID_ENTITIES has at least eight digits
    or an ``@``, so ordinary ids (``ad-17``, ``case_9b1e…``) are passed without running a recognizer."""
    if "@" not in value and sum(ch.isdigit() for ch in value) < 8:
        return False
    return bool(personal_data_in(value, identifier=True))


def _message(found: list[str]) -> str:
    return f"looks like personal data ({', '.join(found)}), which the audit trail must not hold"


class NoPersonalData(Validator):
    """A marshmallow validator: the field is refused (400 ``validation_error`` naming it) when it holds
    personal data (:func:`personal_data_in`)."""

    def __init__(self, *, identifier: bool = False) -> None:
        self.identifier = identifier

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str) and (found := personal_data_in(value, identifier=self.identifier)):
            raise ValidationError(_message(found))
        return value


def refuse_personal_data(value: str, *, field: str, code: str = "reason_contains_personal_data") -> str:
    """The free text ``value``, or a 400 ``code`` naming ``field`` if it holds personal data (for values
    read outside a schema: headers, console forms, services)."""
    found = personal_data_in(value)
    if found:
        raise BadRequest(_message(found), code=code, field=field)
    return value
