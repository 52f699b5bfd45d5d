"""Console pages, one module per area; importing them attaches their routes to the blueprint."""

from . import audit, audit_entry, home, onboarding, payouts, privacy, review, screening  # noqa: F401
