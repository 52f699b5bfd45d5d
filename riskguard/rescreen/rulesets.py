"""Which rules a re-screen uses, and which it compares with: named as ``rules diff`` names them.

``--revision`` (default: the active revision, or the deployment's rule files until one is promoted —
what the API's workers screen with) and ``--base`` (default with ``--only-changed``: ``previous``, the
revision active before the current activation) each take a ``PATH``, a stored ``REV`` (prefix),
``active``, ``files`` or ``previous``. A stored revision is written out under the data directory (as a
worker loads it) and bundled from there; how each was named goes into the manifest.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bundle import RulebookBundle

if TYPE_CHECKING:
    from ..revisions.service import RuleRevisions

__all__ = ["resolve_rules", "RulesNotFound", "DEFAULT", "PREVIOUS"]

DEFAULT = "default"    # --revision not given: active if one is promoted, else the rule files
PREVIOUS = "previous"  # the revision active before the current activation


class RulesNotFound(ValueError):
    """A name that gives no rules (nothing promoted, no earlier activation, no such revision)."""


def _stored(store: RuleRevisions, revision: str) -> RulebookBundle:
    snapshot = store.get(revision)
    store.load(snapshot)  # written out once per host, checked to load as its revision
    return RulebookBundle.from_dirs(*store.folders(snapshot.revision))


def resolve_rules(store: RuleRevisions, spec: str, *, rules_dir: Path, policies_dir: Path
                  ) -> tuple[RulebookBundle, dict[str, Any]]:
    """The bundle ``spec`` names, and how it was named (``from``: active | files | stored | path |
    previous, with the activation's ``generation`` where one decided)."""
    if spec in (DEFAULT, "active"):
        state = store.state()
        if state is None or state.revision is None:
            if spec == "active":
                raise RulesNotFound("no revision has been promoted (use `files` for the rule files)")
            return RulebookBundle.from_dirs(rules_dir, policies_dir), {"from": "files"}
        return _stored(store, state.revision), {"from": "active", "generation": state.generation}
    if spec == "files":
        return RulebookBundle.from_dirs(rules_dir, policies_dir), {"from": "files"}
    if spec == PREVIOUS:
        before = store.previous()
        if before is None:
            raise RulesNotFound("no revision was active before the current one: name the base (PATH or REV)")
        return _stored(store, before[1]), {"from": "previous", "generation": before[0]}
    path = Path(spec)
    if path.exists():
        if (path / "rules").is_dir():
            policies = path / "policies" if (path / "policies").is_dir() else policies_dir
            return RulebookBundle.from_dirs(path / "rules", policies), {"from": "path"}
        return RulebookBundle.from_dirs(path, policies_dir), {"from": "path"}
    return _stored(store, spec), {"from": "stored"}
