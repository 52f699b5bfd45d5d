from __future__ import annotations

from pathlib import Path

import pytest

from riskguard.rulebook import Rulebook, load_rulebook

from .packs import write_rulebook


@pytest.fixture
def book(tmp_path: Path) -> Rulebook:
    """The test packs, compiled (cached per content, like production)."""
    return load_rulebook(*write_rulebook(tmp_path))
