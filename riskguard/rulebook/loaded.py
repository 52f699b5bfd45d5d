"""The ``rulebook:policy:loaded`` entry: which rule packs and policies a process starts with.

Decisions carry the rulebook revision; this entry ties that revision, and the revisions of the other
domains' policies, to every file's digest and to where it was loaded (host, process, OS user), the first
time the log sees that set of files. The ``policy-and-key-changes`` report lists these entries, so every
change of rules or policies that reached a running service is in the trail.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..audit.events import Action, AuditEvent

if TYPE_CHECKING:
    from ..audit.service import AuditLog

__all__ = ["PolicySet", "policy_set", "record_if_new"]

ACTOR = "system:riskguard"


@dataclass(frozen=True)
class PolicySet:
    revision: str  # sha256:<hex> over every file's name and digest
    rulebook_revision: str  # the revision stamped on screening decisions
    policy_revisions: dict[str, str]  # each policy file's own ``revision``, where it declares one
    files: dict[str, str]  # "rules/..." and "policies/..." -> sha256:<hex>


def _files(folder: Path, prefix: str, pattern: str) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {f"{prefix}/{p.relative_to(folder).as_posix()}": p.read_bytes() for p in sorted(folder.glob(pattern))}


def policy_set(rules_dir: Path, policies_dir: Path, rulebook_revision: str) -> PolicySet:
    raw = {**_files(Path(rules_dir), "rules", "**/*.yaml"), **_files(Path(rules_dir), "rules", "models/*.json.gz"),
           **_files(Path(policies_dir), "policies", "*.yaml")}
    files = {name: "sha256:" + hashlib.sha256(data).hexdigest() for name, data in sorted(raw.items())}
    total = hashlib.sha256(b"".join(f"{n}\0{d}\n".encode() for n, d in files.items())).hexdigest()
    revisions = {}
    for name, data in raw.items():
        if name.startswith("policies/") and name.endswith(".yaml"):
            try:
                declared = yaml.safe_load(data)
            except yaml.YAMLError:
                continue  # the domain that owns the file refuses it at start
            if isinstance(declared, dict) and declared.get("revision") is not None:
                revisions[Path(name).stem] = str(declared["revision"])
    return PolicySet(revision="sha256:" + total, rulebook_revision=rulebook_revision,
                     policy_revisions=revisions, files=files)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers): the numeric id
        return f"uid:{os.getuid()}"


def record_if_new(audit: AuditLog, policies: PolicySet) -> str | None:
    """Record the set unless the log has an entry for it already; the entry id, or None if seen."""
    if audit.has_entry(Action.POLICY_LOADED, policies.revision):
        return None
    with audit.transaction() as tx:
        receipt = tx.record(AuditEvent(
            action=Action.POLICY_LOADED, actor=ACTOR, subject_type="policy_set", subject_id=policies.revision,
            policy_revision=policies.rulebook_revision,
            details={"rulebook_revision": policies.rulebook_revision, "policy_revisions": policies.policy_revisions,
                     "files": policies.files, "host": socket.gethostname(), "pid": os.getpid(), "user": _user()}))
    return receipt.entry_id
