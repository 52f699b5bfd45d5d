"""The rule packs, policies and auditors' definitions, shipped as package data.

``rules/``, ``policies/`` and ``audit/`` live at the top of the source tree, where their authors and the
auditors work on them. Here they are symbolic links to those folders, so a checkout (editable install or
``PYTHONPATH``) and a wheel see the same files at the same place: the wheel build copies the files behind
the links into ``riskguard/_data/``. The service finds them through :func:`packaged_dir`, never relative to
the source tree; ``RISKGUARD_RULES_DIR``, ``RISKGUARD_POLICIES_DIR`` and ``RISKGUARD_AUDIT_DIR`` point it
elsewhere (see :mod:`riskguard.config`).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["packaged_dir"]


def packaged_dir(name: str) -> Path:
    """The installed folder ``name`` (``rules``, ``policies`` or ``audit``) as a file-system path.

    The loaders walk folders (``rglob``), so a zipped install, which has no paths, is refused here.
    """
    root = files(__name__)
    if not isinstance(root, Path):  # pragma: no cover - wheels are installed unpacked
        raise RuntimeError(f"riskguard's package data is not on the file system ({root!r})")
    return root / name
