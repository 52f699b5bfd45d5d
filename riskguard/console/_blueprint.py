"""The one console blueprint; every page module adds its routes to it."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
