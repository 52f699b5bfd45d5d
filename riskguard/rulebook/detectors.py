"""The detectors registry: named functions a rule pack can use next to terms and patterns.

A detector takes the ORIGINAL text and yields ``(start, end, label)`` spans over it; the PII package
registers ``CN_MOBILE``, ``WECHAT_ID``, ``QQ_NUMBER`` and ``EMAIL_ADDRESS`` here when it is imported.
Registering is the single extension point: adding a detector never touches the engine.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable

__all__ = ["Detector", "register", "get", "names", "load_builtin"]

Detector = Callable[[str], Iterable[tuple[int, int, str]]]

_registry: dict[str, Detector] = {}
_lock = threading.Lock()
_loaded = False
PII_MODULE = "riskguard.privacy.pii.detectors"


def register(name: str, fn: Detector) -> None:
    """Make ``fn`` available to rule packs as ``name`` (re-registering replaces it)."""
    if not name or not name.replace("_", "").isalnum() or not name.isupper():
        raise ValueError(f"detector names are UPPER_SNAKE_CASE, not {name!r}")
    _registry[name] = fn


def load_builtin() -> None:
    """Import the modules that register detectors, once; a module not written yet is skipped."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        try:
            importlib.import_module(PII_MODULE)
        except ModuleNotFoundError as exc:
            if exc.name != PII_MODULE:
                raise
        _loaded = True


def get(name: str) -> Detector:
    load_builtin()
    return _registry[name]


def names() -> frozenset[str]:
    load_builtin()
    return frozenset(_registry)
