"""Accessors for the services the app factory wires onto the current Flask app."""

from __future__ import annotations

from typing import Any

from flask import current_app

from .config import Settings
from .db import Database
from .keyring import Keyring

__all__ = ["get_db", "get_settings", "get_keyring", "get_service", "EXTENSION"]

EXTENSION = "riskguard"


def _ext() -> dict[str, Any]:
    return current_app.extensions[EXTENSION]


def get_db() -> Database:
    return _ext()["db"]


def get_settings() -> Settings:
    return _ext()["settings"]


def get_keyring() -> Keyring:
    return _ext()["keyring"]


def get_service(name: str) -> Any:
    """A domain service registered by that domain's ``init_app`` (e.g. ``"rulebook"``)."""
    return _ext()[name]
