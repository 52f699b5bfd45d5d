"""Console pages, one module per area; importing them attaches their routes to the blueprint."""

from . import audit, home, payouts, review, screening  # noqa: F401
