"""Rule revisions: store a rulebook by its content hash, make one active, roll back.

A revision is the rulebook's own revision (the hash over every rule pack, variant map, lexicon and
screening policy; :func:`riskguard.rulebook.loader.load_rulebook`). Storing one keeps those files in
the database, so any host can load it later without the source tree: it is written out under the data
directory and loaded again, and the revision it gives must be the one it is stored under.

Activating goes through one guarded UPDATE of ``rule_state`` (:func:`riskguard.transitions.transition`)
expecting the generation read before: of two promotes that read the same generation one wins and the
other gets 409 ``rules_generation_conflict``; the activation row and its audit entry commit with it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..audit import Action, AuditEvent
from ..errors import BadRequest, Conflict, NotFound
from ..files import private_dir
from ..ids import utcnow
from ..rulebook.loader import rule_files
from ..transitions import transition
from .models import RuleActivation, RuleRevision, RuleState

if TYPE_CHECKING:
    from ..audit import AuditLog
    from ..db import Database
    from ..rulebook import Rulebook

__all__ = ["Snapshot", "State", "Activation", "RuleRevisions", "MIN_PREFIX"]

MIN_PREFIX = 8  # a revision named on the command line: at least this many hex digits
STATE_ID = 1


@dataclass(frozen=True)
class Snapshot:
    """The files of one revision: ``rules/<path>`` and ``policies/<name>`` → their text."""

    revision: str
    files: dict[str, str]

    def encode(self) -> bytes:
        return zlib.compress(json.dumps(self.files, ensure_ascii=False, sort_keys=True).encode("utf-8"), 9)

    @classmethod
    def decode(cls, revision: str, content: bytes) -> Snapshot:
        return cls(revision, json.loads(zlib.decompress(content).decode("utf-8")))


@dataclass(frozen=True)
class State:
    generation: int
    revision: str | None
    shadow_revision: str | None = None
    shadow_sample: float | None = None

    @property
    def shadow(self) -> tuple[str, float] | None:
        """The candidate in shadow and its sample rate, if one is set."""
        if self.shadow_revision is None or not self.shadow_sample:
            return None
        return self.shadow_revision, float(self.shadow_sample)


@dataclass(frozen=True)
class Activation:
    generation: int
    revision: str
    previous_revision: str | None
    action: str
    label: str


def _screening_policy(raw: bytes) -> bool:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        return True  # the loader refuses it, naming the file
    return isinstance(data, dict) and data.get("type") == "screening"


def _binary(name: str) -> bool:
    """A model file (rules/models/*.json.gz): stored as base64 text in a snapshot, written back as bytes."""
    return name.endswith(".gz")


def tree_files(rules_dir: Path, policies_dir: Path) -> dict[str, str]:
    """What a revision is made of: every file of the rulebook under ``rules_dir`` (YAML, and the claim
    models' files, as base64) and the screening policies (other domains' policies are not part of the
    rulebook and stay with the deployment)."""
    files = {}
    for p in rule_files(Path(rules_dir)):
        name = f"rules/{p.relative_to(rules_dir).as_posix()}"
        files[name] = base64.b64encode(p.read_bytes()).decode("ascii") if _binary(name) else p.read_text("utf-8")
    for path in sorted(Path(policies_dir).glob("*.yaml")) if Path(policies_dir).is_dir() else []:
        raw = path.read_bytes()
        if _screening_policy(raw):
            files[f"policies/{path.name}"] = raw.decode("utf-8")
    return files


def _load(rules_dir: Path, policies_dir: Path) -> Rulebook:
    from .. import rulebook  # looked up when called: tests share compiled rulebooks through this name

    return rulebook.load_rulebook(rules_dir, policies_dir)


class RuleRevisions:
    """Stored revisions over one database; ``data_dir`` is where stored ones are written out to load,
    ``policies_dir`` the deployment's policies (other domains' files are copied beside a revision's)."""

    def __init__(self, db: Database, audit: AuditLog, *, data_dir: Path, policies_dir: Path) -> None:
        self.db = db
        self.audit = audit
        self.cache_dir = Path(data_dir) / "rule-revisions"
        self.policies_dir = Path(policies_dir)

    # -- reading a revision -------------------------------------------------------------------
    def from_tree(self, rules_dir: Path, policies_dir: Path | None = None) -> tuple[Snapshot, Rulebook]:
        """Load a source tree (schema-checked and compiled: a broken pack is refused here)."""
        policies_dir = Path(policies_dir) if policies_dir is not None else self.policies_dir
        book = _load(Path(rules_dir), policies_dir)
        return Snapshot(book.revision, tree_files(Path(rules_dir), policies_dir)), book

    def from_path(self, path: Path) -> tuple[Snapshot, Rulebook]:
        """``path`` holds ``rules/`` (and ``policies/``, else the deployment's), or is a rules folder."""
        path = Path(path)
        if (path / "rules").is_dir():
            policies = path / "policies" if (path / "policies").is_dir() else self.policies_dir
            return self.from_tree(path / "rules", policies)
        return self.from_tree(path)

    def get(self, revision: str) -> Snapshot:
        """A stored revision by its full hash or a unique prefix of at least ``MIN_PREFIX`` digits."""
        revision = revision.strip().lower()
        if len(revision) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in revision):
            raise BadRequest(f"a revision is at least {MIN_PREFIX} hex digits", code="bad_revision",
                             field="revision")
        with self.db.sessions() as session:
            rows = session.execute(select(RuleRevision.revision, RuleRevision.content)
                                   .where(RuleRevision.revision.startswith(revision, autoescape=True))
                                   .limit(2)).all()
        if not rows:
            raise NotFound("no stored revision starts with that", code="revision_not_found")
        if len(rows) > 1:
            raise BadRequest("several stored revisions start with that", code="ambiguous_revision",
                             field="revision")
        return Snapshot.decode(rows[0].revision, rows[0].content)

    def load(self, snapshot: Snapshot) -> Rulebook:
        """Write the revision's files out (once per host) and load them; they must give its revision.
        A new folder is checked before it takes the revision's name, so a folder by that name always
        holds that revision."""
        folder = self.cache_dir / snapshot.revision
        own = {n.removeprefix("policies/") for n in snapshot.files}
        if folder.is_dir():
            self._other_policies(folder / "policies", own)
            return self._checked(snapshot, folder)
        private_dir(self.cache_dir)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.cache_dir))
        try:
            for name, text in snapshot.files.items():
                if ".." in Path(name).parts or not name.startswith(("rules/", "policies/")):
                    raise ValueError("a stored revision names a file outside rules/ and policies/")
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                if _binary(name):
                    (staging / name).write_bytes(base64.b64decode(text.encode("ascii"), validate=True))
                else:
                    (staging / name).write_text(text, "utf-8")
            (staging / "rules").mkdir(exist_ok=True)
            (staging / "policies").mkdir(exist_ok=True)
            self._other_policies(staging / "policies", own)
            book = self._checked(snapshot, staging)
            with contextlib.suppress(OSError):  # another worker wrote the folder first: the same content
                os.rename(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already if it was renamed
        return book

    @staticmethod
    def _checked(snapshot: Snapshot, folder: Path) -> Rulebook:
        book = _load(folder / "rules", folder / "policies")
        if book.revision != snapshot.revision:
            raise ValueError(f"stored revision {snapshot.revision[:12]} loads as {book.revision[:12]}")
        return book

    def _other_policies(self, folder: Path, own: set[str]) -> None:
        """The deployment's non-screening policies beside the revision's, so the folder is a whole
        policies folder (``rulebook:policy:loaded`` lists it); they do not change the revision. Each is
        replaced in one rename: another worker loading the folder meanwhile reads a whole file."""
        for path in sorted(self.policies_dir.glob("*.yaml")) if self.policies_dir.is_dir() else []:
            raw = path.read_bytes()
            target = folder / path.name
            if path.name in own or _screening_policy(raw) or (target.exists() and target.read_bytes() == raw):
                continue
            fd, staging = tempfile.mkstemp(prefix=".policy-", dir=folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
            os.replace(staging, target)

    def _loadable(self, snapshot: Snapshot) -> None:
        """Refuse to store what would not load as its revision (a file edited while it was read): every
        worker loads it from the database, and one that cannot does not start."""
        try:
            self.load(snapshot)
        except ValueError:
            raise BadRequest("the rule files changed while they were read; try again", code="revision_mismatch",
                             field="revision") from None

    def folders(self, revision: str) -> tuple[Path, Path]:
        """Where a loaded stored revision's rules and policies are on this host."""
        return self.cache_dir / revision / "rules", self.cache_dir / revision / "policies"

    def resolve(self, spec: str, *, default_rules: Path | None = None) -> tuple[Snapshot, Rulebook]:
        """``spec``: an existing path, ``active``, ``files`` (the deployment's source tree, with
        ``default_rules``) or a stored revision (prefix)."""
        if spec == "active":
            state = self.state()
            if state is None or state.revision is None:
                raise NotFound("no revision has been promoted", code="no_active_revision")
            spec = state.revision
        elif spec == "files" and default_rules is not None:
            return self.from_tree(default_rules)
        elif Path(spec).exists():
            return self.from_path(Path(spec))
        snapshot = self.get(spec)
        return snapshot, self.load(snapshot)

    # -- the active revision ------------------------------------------------------------------
    def state(self) -> State | None:
        """The active revision and its generation: one read by primary key (what workers poll)."""
        with self.db.engine.connect() as conn:
            row = conn.execute(select(RuleState.generation, RuleState.revision, RuleState.shadow_revision,
                                      RuleState.shadow_sample).where(RuleState.id == STATE_ID)).first()
        return None if row is None else State(int(row.generation), row.revision, row.shadow_revision,
                                              row.shadow_sample)

    def store(self, snapshot: Snapshot, *, label: str, actor: str) -> bool:
        """Keep ``snapshot`` (content-addressed: storing it again changes nothing); True if it was new.
        Its own transaction: a stored revision is inert until promoted."""
        with self.db.transaction() as session:
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            result = session.execute(dialect.insert(RuleRevision).values(
                revision=snapshot.revision, label=label[:200], content=snapshot.encode(),
                files=len(snapshot.files), created_at=utcnow(), created_by=actor[:64],
            ).on_conflict_do_nothing(index_elements=["revision"]))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def promote(self, snapshot: Snapshot, *, label: str | None, actor: str,
                expect_generation: int | None = None) -> Activation:
        """Store ``snapshot`` and make it active; ``expect_generation`` is the generation the caller saw
        (default: the one read now), so a promote decided on stale state loses."""
        self._loadable(snapshot)
        self.store(snapshot, label=label or snapshot.revision[:12], actor=actor)
        state = self.state()
        if state is not None and state.revision == snapshot.revision:
            raise Conflict("that revision is already active", code="revision_already_active")
        generation = (state.generation if state else 0) if expect_generation is None else expect_generation
        return self._activate(snapshot.revision, "promote", actor, generation, label, generation or None)

    def rollback(self, *, actor: str, expect_generation: int | None = None) -> Activation:
        """Make the revision active before the current activation active again (repeatable: each
        rollback goes one further back)."""
        state = self.state()
        generation = (state.generation if state else 0) if expect_generation is None else expect_generation
        with self.db.sessions() as session:
            current = session.get(RuleActivation, generation) if generation else None
            target = session.get(RuleActivation, current.previous) if current and current.previous else None
        if target is None:
            raise Conflict("there is no earlier revision to roll back to", code="nothing_to_roll_back")
        return self._activate(target.revision, "rollback", actor, generation, None, target.previous)

    def record_evidence(self, action: Action, revision: str, *, actor: str, decision: str,
                        details: dict[str, object]) -> None:
        """An entry for what was learnt about a revision before it was promoted (its examples run, a diff
        over a catalogue sample): evidence in the trail, with counts and digests, never text."""
        with self.audit.transaction() as tx:
            tx.record(AuditEvent(action=action, actor=actor, subject_type="rule_revision",
                                 subject_id=f"sha256:{revision}", decision=decision, policy_revision=revision,
                                 details=details))

    def previous(self) -> tuple[int, str] | None:
        """The activation before the current one, as (generation, revision): what was active until the
        last promote or rollback, the base a re-screen after it compares with. ``None`` until a second
        activation (the first promote replaced the rule files, which are not stored)."""
        state = self.state()
        if state is None or state.generation < 2:
            return None
        with self.db.sessions() as session:
            row = session.get(RuleActivation, state.generation - 1)
            return (row.generation, row.revision) if row is not None else None

    def _activate(self, revision: str, action: str, actor: str, generation: int, label: str | None,
                  previous: int | None) -> Activation:
        """Generation ``generation + 1`` makes ``revision`` active; a rollback from it goes to
        ``previous``."""
        now = utcnow()
        with self.audit.transaction() as tx:
            session = tx.session
            self._claim(session, generation, revision, now)  # first: the loser stops here, nothing written
            current = session.get(RuleActivation, generation) if generation else None
            stored = session.get(RuleRevision, revision)
            assert stored is not None  # stored before, and revisions are never deleted
            if label and stored.label != label:
                stored.label = label[:200]
            session.add(RuleActivation(generation=generation + 1, revision=revision, previous=previous,
                                       action=action, actor=actor[:64], created_at=now))
            event = Action.RULES_PROMOTED if action == "promote" else Action.RULES_ROLLED_BACK
            tx.record(AuditEvent(
                action=event, actor=actor, subject_type="rule_revision", subject_id=f"sha256:{revision}",
                decision=action, policy_revision=revision,
                details={"generation": generation + 1, "label": stored.label, "files": stored.files,
                         "previous_revision": current.revision if current else None}))
        return Activation(generation + 1, revision, current.revision if current else None, action, stored.label)

    def shadow(self, snapshot: Snapshot | None, *, sample: float, actor: str) -> State:
        """Let ``snapshot`` decide ``sample`` (0 < sample ≤ 1) of live requests in the shadow of the active
        revision, or stop (``None``); recorded as ``rulebook:revision:shadowed``. Guarded like a promote
        against a promote or rollback in between; of two shadow changes the later one stands."""
        if snapshot is not None:
            if not 0 < sample <= 1:
                raise BadRequest("the sample rate is above 0 and at most 1", code="bad_sample", field="sample")
            self._loadable(snapshot)
            self.store(snapshot, label=snapshot.revision[:12], actor=actor)
        state = self.state()
        generation = state.generation if state else 0
        revision = snapshot.revision if snapshot is not None else None
        now = utcnow()
        with self.audit.transaction() as tx:
            self._claim(tx.session, generation, None, now, shadow=(revision, sample if revision else None))
            tx.record(AuditEvent(
                action=Action.RULES_SHADOWED, actor=actor, subject_type="rule_revision",
                subject_id=f"sha256:{revision}" if revision else "none", decision="shadow" if revision else "off",
                policy_revision=state.revision if state else None,
                details={"sample": sample if revision else None, "active_revision": state.revision if state else None,
                         "previous_shadow": state.shadow_revision if state else None}))
        return State(generation, state.revision if state else None, revision, sample if revision else None)

    def _claim(self, session: Session, generation: int, revision: str | None, now: datetime, *,
               shadow: tuple[str | None, float | None] | None = None) -> None:
        """The guarded UPDATE: a new active ``revision`` (generation + 1), or only a new ``shadow``."""
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(RuleState).values(id=STATE_ID, generation=0, revision=None, updated_at=now)
                        .on_conflict_do_nothing(index_elements=["id"]))
        values: dict[str, object] = {"updated_at": now}
        if shadow is None:
            values.update(generation=generation + 1, revision=revision)
        else:
            values.update(shadow_revision=shadow[0], shadow_sample=shadow[1])
        transition(session, RuleState, RuleState.id == STATE_ID, RuleState.generation == generation,
                   values=values, conflict=Conflict("another promote or rollback changed the active revision "
                                                    "first", code="rules_generation_conflict"))

    def history(self, limit: int = 20) -> list[dict[str, object]]:
        """The latest activations, newest first, with each revision's label."""
        with self.db.sessions() as session:
            rows = session.execute(
                select(RuleActivation, RuleRevision.label).join(
                    RuleRevision, RuleRevision.revision == RuleActivation.revision)
                .order_by(RuleActivation.generation.desc()).limit(limit)).all()
        return [{"generation": a.generation, "revision": a.revision, "label": label, "action": a.action,
                 "actor": a.actor, "at": a.created_at.isoformat()} for a, label in rows]
