"""The application format's closed vocabularies (the API contract; the policy must cover them)."""

from __future__ import annotations

__all__ = ["CATEGORIES", "QUALIFICATION_TYPES", "ACCOUNT_TYPES", "DECISIONS", "SEVERITIES"]

CATEGORIES = (
    "general", "apparel", "cosmetics", "food", "health_food", "medical_device_class2",
    "medical_device_class3", "drug", "publications", "education", "finance", "agriculture",
    "pesticides", "payment", "degree_education", "subject_tutoring",
)
QUALIFICATION_TYPES = (
    "food_business_license", "prepackaged_food_filing", "medical_device_class2_filing",
    "medical_device_business_license", "drug_business_license", "publication_business_license",
    "internet_drug_information_certificate", "pesticide_business_license", "financial_license",
    "payment_business_license", "school_operation_license",
)
# bank_account.type: a payment card (Luhn-checked) or a bank account such as a company's 对公账户 (not)
ACCOUNT_TYPES = ("card", "account")
DECISIONS = ("allow", "review", "block")  # in rising order of strictness
SEVERITIES = ("info", "low", "medium", "high", "critical")
