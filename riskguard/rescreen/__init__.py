"""Re-screening a published catalogue when the rules change: every listing through the same engine as
the API, on one process, a process pool, or Apache Spark (``mapInPandas``), with a manifest that is
recorded as one audit entry. See docs/rescreen.md.
"""

from __future__ import annotations

from .bundle import RulebookBundle
from .job import Counts, RescreenJob, run_job
from .rows import COLUMNS, screen_rows

__all__ = ["RulebookBundle", "RescreenJob", "Counts", "run_job", "COLUMNS", "screen_rows"]
