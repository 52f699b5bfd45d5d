"""Imports every domain's models so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from __future__ import annotations

import importlib
import pkgutil

import riskguard

from .audit import models as _audit_models  # noqa: F401
from .auth import ApiKey  # noqa: F401

for _info in pkgutil.iter_modules(riskguard.__path__):
    if _info.ispkg:
        try:
            importlib.import_module(f"riskguard.{_info.name}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"riskguard.{_info.name}.models":
                raise
