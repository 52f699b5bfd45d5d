"""Personal data: PII detection and redaction (``pii``), and the encrypted vault (``vault``)."""

from __future__ import annotations

from flask import Flask

from . import pii, vault

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    vault.init_app(app)  # first: the PII service reads the privacy policy's address mask from it
    pii.init_app(app)
