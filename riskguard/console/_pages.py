"""Which console area each role may open: the API endpoint whose roles it mirrors, and the roles used
until that endpoint exists."""

from __future__ import annotations

from dataclasses import dataclass

from ..auth import Role

__all__ = ["Area", "AREAS"]


@dataclass(frozen=True)
class Area:
    name: str                      # i18n key suffix and URL segment
    endpoint: str                  # the console page (Flask endpoint)
    api_endpoint: str | None       # the API endpoint whose roles this area mirrors
    fallback: tuple[Role, ...]


AREAS: tuple[Area, ...] = (
    Area("screening", "console.screening", "screening.screen_one", (Role.SCREENER,)),
    Area("review", "console.review_queue", "review.list_cases", (Role.REVIEWER,)),
    Area("audit", "console.audit_entries", "audit.list_entries", (Role.AUDITOR,)),
    Area("payouts", "console.payout_batches", "payouts.get_batch",
         (Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN)),
    Area("onboarding", "console.onboarding_list", "onboarding.list_applications", (Role.ONBOARDING,)),
    Area("privacy", "console.privacy_lookup", "vault.lookup_subjects_view", (Role.PRIVACY_OFFICER,)),
)
