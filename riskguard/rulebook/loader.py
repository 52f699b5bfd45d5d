"""Load rule packs, variant maps and policies; check them against their schemas; compile once.

A broken file stops start-up with a :class:`RulebookError` naming the file, the rule id and the field.
The compiled :class:`Rulebook` is cached per content hash, so every app built in one process (tests,
gunicorn workers after fork) shares one compiled automaton per revision.

Most of that work depends on the rule packs alone (with their variant maps, exemption library and
lexicons): parsing and schema-checking them, compiling their rules, building an engine (automata, literal
tables) for a set of rules. That part is cached per hash of those files, so a second policy set over the
same packs (a changed threshold, a promoted policy revision, a test's lenient copy) reuses it, and
policies that select the same rules share one engine. A claim model is decoded once per model file hash.
Every cached value is a function of file bytes only, never of an app or a database.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import structlog
import yaml

from . import detectors
from .claim_model import ClaimModel, ModelError, decode
from .clauses import KEEP, ClauseAnalyser, ClauseSpec
from .engine import Engine, pinyin_spelling
from .lexicons import Lexicon, expand, slots
from .model import KINDS, Citation, Context, Exemption, Numbering, Policy, Rule
from .model_stage import ClaimStage, citation_from
from .normalise import Normaliser

__all__ = ["Rulebook", "RulebookError", "load_rulebook", "rule_files", "FORMAT_VERSION", "MODEL_DIR"]

FORMAT_VERSION = "1"
LIBRARY_DIR = "exemptions"  # rules/exemptions/*.yaml: the shared exemption library
LEXICON_DIR = "lexicons"    # rules/lexicons/*.yaml: word lists that patterns use as {{slots}}
MODEL_DIR = "models"        # rules/models/<name>.yaml + its model file: the claim model stage
MODEL_FILES = "*.json.gz"
ALL = "_all"
log = structlog.get_logger("riskguard.rulebook")
_lock = threading.Lock()
# libyaml's safe loader when PyYAML was built with it (the wheels are): the packs parse about ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_cache: dict[str, Rulebook] = {}        # revision (rules and policies) -> rulebook
_parts: dict[str, _CompiledRules] = {}  # hash of the pack files -> what they compile to
_models: dict[str, ClaimModel] = {}     # sha256 of a model file -> its model


class RulebookError(Exception):
    """A rule pack, variant map or policy that cannot be loaded."""

    def __init__(self, file: str, message: str, *, rule_id: str | None = None, field: str | None = None):
        self.file, self.rule_id, self.field = file, rule_id, field
        where = file + (f": rule {rule_id}" if rule_id else "") + (f": field {field}" if field else "")
        super().__init__(f"{where}: {message}")


@dataclass
class Rulebook:
    """Every loaded rule and policy, the compiled engines, and the revision stamped on decisions."""

    revision: str
    rules: dict[str, Rule]
    policies: dict[str, Policy]
    normaliser: Normaliser
    files: list[str]
    rules_revision: str = ""  # the same hash over every file but the policies: equal means equal findings
    engines: dict[str, Engine] = field(default_factory=dict)
    rule_actions: dict[str, str | None] = field(default_factory=dict)
    library: dict[str, LibraryExemption] = field(default_factory=dict)
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    models: dict[str, ClaimStage] = field(default_factory=dict)

    def engine(self, policy: str) -> Engine:
        return self.engines[policy]

    def policy_for(self, kind: str, name: str | None = None) -> Policy:
        if name is not None:
            return self.policies[name]
        for policy in self.policies.values():
            if kind in policy.default_for:
                return policy
        raise KeyError(kind)

    def without_models(self) -> Rulebook:
        """The same rulebook with every policy's claim model turned off: the rules alone (benchmarks, and
        tests about the rules). A copy; the revision is unchanged, so never screen production with it."""
        return replace(self, policies={name: replace(p, model=None, model_review_at=None)
                                       for name, p in self.policies.items()})

    def all_rules_policy(self) -> Policy:
        return Policy(name=ALL, source="", packs=tuple(sorted({r.pack for r in self.rules.values()})),
                      actions={"critical": "block", "high": "block", "medium": "review", "low": "review",
                               "info": "allow"})


@cache
def _schema(name: str) -> jsonschema.protocols.Validator:
    raw = json.loads((Path(__file__).parent / name).read_text("utf-8"))
    return jsonschema.Draft202012Validator(raw)


def _plain(value: Any) -> Any:
    """YAML dates → ISO strings, so the JSON schema sees what the author wrote."""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, bool) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read_yaml(path: Path, rel: str) -> tuple[Any, bytes]:
    raw = path.read_bytes()
    return _parse_yaml(raw, rel), raw


def _parse_yaml(raw: bytes, rel: str) -> Any:
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RulebookError(rel, f"not valid YAML{where}") from None
    return _plain(data)


def _check(data: Any, schema: str, rel: str) -> None:
    errors = sorted(_schema(schema).iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)),))
    if not errors:
        return
    err = jsonschema.exceptions.best_match(errors)
    path = list(err.absolute_path)
    rule_id = None
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rule = data["rules"][path[1]]
        rule_id = rule.get("id", f"#{path[1]}") if isinstance(rule, dict) else f"#{path[1]}"
        path = path[2:]
    dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    raise RulebookError(rel, err.message, rule_id=rule_id, field=dotted or None)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _compile(source: str, normaliser: Normaliser, rel: str, rule_id: str | None, where: str,
             lexicons: dict[str, Lexicon] | None = None) -> re.Pattern[str]:
    lexicons = lexicons or {}
    for name in slots(source):
        if name not in lexicons:
            raise RulebookError(rel, f"unknown lexicon {{{{{name}}}}}", rule_id=rule_id, field=where)
    try:
        return re.compile(normaliser.pattern(expand(source, lexicons)))
    except re.error as exc:
        raise RulebookError(rel, f"regex does not compile ({exc.msg})", rule_id=rule_id, field=where) from None


def _terms(values: list[str], normaliser: Normaliser, rel: str, rule_id: str, where: str,
           pinyin: bool = False) -> tuple[str, ...]:
    out: list[str] = []
    for i, value in enumerate(values):
        term = normaliser.term(value)
        if not term:
            raise RulebookError(rel, "term is empty after normalisation", rule_id=rule_id, field=f"{where}[{i}]")
        out.append(term)
        if pinyin and (spelled := pinyin_spelling(value)):
            out.append(spelled)
    return tuple(dict.fromkeys(out))


def _example(value: Any) -> dict[str, Any]:
    return {"text": value} if isinstance(value, str) else dict(value)


def _exemption(ex: dict[str, Any], normaliser: Normaliser, rel: str, rid: str | None, where: str,
               pinyin: bool = True, lexicons: dict[str, Lexicon] | None = None) -> Exemption:
    return Exemption(id=ex["id"], window=ex.get("window", 20),
                     terms=_terms(ex.get("terms", []), normaliser, rel, rid, f"{where}.terms"),
                     patterns=tuple(_compile(p, normaliser, rel, rid, f"{where}.patterns[{j}]", lexicons)
                                    for j, p in enumerate(ex.get("patterns", []))),
                     whole_term=_terms(ex.get("whole_term", []), normaliser, rel, rid, f"{where}.whole_term",
                                       pinyin=pinyin))


@dataclass(frozen=True)
class LibraryExemption:
    """A named exemption of ``rules/exemptions/``: rules use it by id; ``default`` ones apply to every
    term and pattern rule whose ``clause.names`` is ``suppress``."""

    exemption: Exemption
    source: str
    default: bool
    note: str
    basis: str
    must_match: tuple[dict[str, Any], ...]      # the exemption applies: no rule using it fires
    must_not_match: tuple[dict[str, Any], ...]  # it does not: some rule using it fires


def _clause_spec(raw: dict[str, Any] | None, normaliser: Normaliser, rel: str, rid: str, default: ClauseSpec
                 ) -> ClauseSpec:
    if not raw:
        return default
    return ClauseSpec(negated=raw.get("negated", default.negated), names=raw.get("names", default.names),
                      target=raw.get("target", "any"), unit=raw.get("unit", "sentence"),
                      **{k: _terms(raw.get(k, []), normaliser, rel, rid, f"clause.{k}")
                         for k in ("requires_any", "forbids_any")})


def _rule(raw: dict[str, Any], pack: str, rel: str, normaliser: Normaliser,
          library: dict[str, LibraryExemption] | None = None, lexicons: dict[str, Lexicon] | None = None) -> Rule:
    library = library or {}
    rid = raw["id"]
    cit = raw["citation"]
    match = raw.get("match") or {}
    pinyin = match.get("pinyin", True)
    for name in match.get("detectors", []):
        if name not in detectors.names():
            raise RulebookError(rel, f"unknown detector {name!r}", rule_id=rid, field="match.detectors")
    _terms(match.get("terms", []), normaliser, rel, rid, "match.terms")  # none may fold to nothing
    ctx = raw.get("context") or {}
    scope = raw.get("scope") or {}
    exemptions: list[Exemption] = []
    for i, ex in enumerate(raw.get("exemptions") or []):
        if "use" in ex:
            if ex["use"] not in library:
                raise RulebookError(rel, f"unknown library exemption {ex['use']!r}", rule_id=rid,
                                    field=f"exemptions[{i}].use")
            exemptions.append(library[ex["use"]].exemption)
        else:
            exemptions.append(_exemption(ex, normaliser, rel, rid, f"exemptions[{i}]", pinyin, lexicons))
    claims = bool(match.get("terms") or match.get("patterns"))
    clause = _clause_spec(raw.get("clause"), normaliser, rel, rid, ClauseSpec() if claims else KEEP)
    if claims and clause.names == "suppress":
        exemptions.extend(lib.exemption for lib in library.values()
                          if lib.default and lib.exemption not in exemptions)
    examples = raw.get("examples") or {}
    return Rule(
        id=rid, pack=pack, source=rel,
        citation=Citation(law=cit["law"], short=cit.get("short", cit["law"]), article=str(cit["article"]),
                          numbering=tuple(Numbering(str(n["article"]), _day(n.get("effective_from")),
                                                    _day(n.get("effective_to")))
                                          for n in cit.get("numbering", []))),
        severity=raw["severity"], action=raw.get("action"),
        kinds=frozenset(scope.get("kinds") or KINDS),
        categories=frozenset(scope["categories"]) if scope.get("categories") is not None else None,
        exclude_categories=frozenset(scope.get("exclude_categories") or ()),
        effective_from=_day(raw.get("effective_from")), effective_to=_day(raw.get("effective_to")),
        terms=tuple(match.get("terms", [])),
        patterns=tuple(_compile(p, normaliser, rel, rid, f"match.patterns[{i}]", lexicons)
                       for i, p in enumerate(match.get("patterns", []))),
        detectors=tuple(match.get("detectors", [])), pinyin=pinyin,
        when=dict(raw.get("when") or {}),
        context=Context(window=ctx.get("window"),
                        **{k: _terms(ctx.get(k, []), normaliser, rel, rid, f"context.{k}")
                           for k in ("requires_any", "forbids_any", "document_requires_any",
                                     "document_forbids_any")}),
        exemptions=tuple(exemptions), clause=clause, message=raw["message"], suggestion=raw["suggestion"],
        must_match=tuple(_example(e) for e in examples.get("must_match", [])),
        must_not_match=tuple(_example(e) for e in examples.get("must_not_match", [])),
        lexicons=tuple(dict.fromkeys(n for p in match.get("patterns", []) for n in slots(p))),
    )


def _variant_maps(files: list[tuple[str, bytes]]) -> tuple[dict[str, str], dict[str, str]]:
    chars: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for rel, raw in files:
        data = _parse_yaml(raw, rel)
        if data is None:
            continue
        if not isinstance(data, dict) or set(data) - {"chars", "phrases", "description", "title"}:
            raise RulebookError(rel, "a variant map has only `chars` and `phrases`", field="_root")
        for key, value in (data.get("chars") or {}).items():
            if not (isinstance(key, str) and isinstance(value, str) and len(key) == 1 and len(value) == 1):
                raise RulebookError(rel, "chars maps one character to one character", field=f"chars.{key}")
            chars[key] = value
        for key, value in (data.get("phrases") or {}).items():
            if not (isinstance(key, str) and isinstance(value, str) and key and value):
                raise RulebookError(rel, "phrases maps text to text", field=f"phrases.{key}")
            phrases[key] = value
    return chars, phrases


def _library(libraries: list[tuple[str, dict[str, Any]]], normaliser: Normaliser) -> dict[str, LibraryExemption]:
    out: dict[str, LibraryExemption] = {}
    for rel, data in libraries:
        for i, ex in enumerate(data["exemptions"]):
            if ex["id"] in out:
                raise RulebookError(rel, f"duplicate exemption id (also in {out[ex['id']].source})",
                                    field=f"exemptions[{i}].id")
            examples = ex.get("examples") or {}
            out[ex["id"]] = LibraryExemption(
                exemption=_exemption(ex, normaliser, rel, None, f"exemptions[{i}]"), source=rel,
                default=bool(ex.get("default", False)), note=ex.get("note", ""), basis=ex.get("basis", ""),
                must_match=tuple(_example(e) for e in examples.get("must_match", [])),
                must_not_match=tuple(_example(e) for e in examples.get("must_not_match", [])))
    return out


def _lexicons(files: list[tuple[str, dict[str, Any]]]) -> dict[str, Lexicon]:
    out: dict[str, Lexicon] = {}
    for rel, data in files:
        name = data["lexicon"]
        if name in out:
            raise RulebookError(rel, f"duplicate lexicon (also in {out[name].source})", field="lexicon")
        out[name] = Lexicon(name=name, source=rel, title=data["title"], basis=data["basis"],
                            words=tuple(data["words"]))
    return out


def _policy(data: dict[str, Any], rel: str) -> Policy:
    thresholds = data.get("thresholds") or {}
    model = data.get("model") or {}
    return Policy(name=data["policy"], source=rel, packs=tuple(data["packs"]), actions=dict(data["actions"]),
                  model=model.get("name"), model_review_at=model.get("review_at"),
                  default_for=tuple(data.get("default_for", [])),
                  exclude_rules=frozenset(data.get("exclude_rules", [])),
                  review_at_findings=thresholds.get("review_at_findings"),
                  block_at_findings=thresholds.get("block_at_findings"),
                  max_findings=thresholds.get("max_findings", 200))


def _revision(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256(f"riskguard-rulebook-{FORMAT_VERSION}\n".encode())
    for rel, raw in sorted(files):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(raw).digest())
    return digest.hexdigest()


def rule_files(rules_dir: Path) -> list[Path]:
    """Every file under ``rules_dir`` a rulebook is made of: the YAML files and the model files of
    ``rules/models/`` (what a stored revision and a re-screen bundle carry)."""
    rules_dir = Path(rules_dir)
    return sorted([*rules_dir.rglob("*.yaml"), *(rules_dir / MODEL_DIR).glob(MODEL_FILES)])


def _rule_sources(rules_dir: Path) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]],
                                            list[tuple[str, bytes]], dict[str, bytes]]:
    """The bytes of every ``rules/`` file, unparsed: the variant maps, the packs (with the exemption
    library and lexicons), the model tables, and the model files by name. Reading is cheap; parsing and
    schema-checking are skipped when the same bytes were compiled before."""
    variants = [(p.relative_to(rules_dir).as_posix(), p.read_bytes())
                for p in sorted((rules_dir / "normalisation").glob("*.yaml"))]
    packs = [(rel, path.read_bytes()) for path in sorted(rules_dir.rglob("*.yaml"))
             if not (rel := path.relative_to(rules_dir).as_posix()).startswith(("normalisation/", MODEL_DIR + "/"))]
    folder = rules_dir / MODEL_DIR
    tables = [(p.relative_to(rules_dir).as_posix(), p.read_bytes()) for p in sorted(folder.glob("*.yaml"))]
    blobs = {p.name: p.read_bytes() for p in sorted(folder.glob(MODEL_FILES))}
    return variants, packs, tables, blobs


def _pack_data(sources: list[tuple[str, bytes]]) -> tuple[list[tuple[str, dict[str, Any]]], ...]:
    """The packs, exemption libraries and lexicons, parsed and schema-checked, in file order."""
    packs: list[tuple[str, dict[str, Any]]] = []
    libraries: list[tuple[str, dict[str, Any]]] = []
    lexicon_data: list[tuple[str, dict[str, Any]]] = []
    for rel, raw in sources:
        data = _parse_yaml(raw, rel)
        if rel.startswith(LIBRARY_DIR + "/"):
            _check(data, "exemption_schema.json", rel)
            libraries.append((rel, data))
        elif rel.startswith(LEXICON_DIR + "/"):
            _check(data, "lexicon_schema.json", rel)
            lexicon_data.append((rel, data))
        else:
            _check(data, "rule_schema.json", rel)
            packs.append((rel, data))
    return packs, libraries, lexicon_data


def _model_tables(sources: list[tuple[str, bytes]]) -> list[tuple[str, dict[str, Any]]]:
    """The model tables, parsed and schema-checked."""
    tables: list[tuple[str, dict[str, Any]]] = []
    for rel, raw in sources:
        data = _parse_yaml(raw, rel)
        _check(data, "model_schema.json", rel)
        tables.append((rel, data))
    return tables


@dataclass
class _CompiledRules:
    """What the rule packs (with their variant maps, exemption library and lexicons) compile to, whatever
    the policies and models: every rulebook over the same files shares it (cached per their hash), and
    with it one engine per distinct set of rules. Extended only under ``_lock``."""

    normaliser: Normaliser
    rules: dict[str, Rule]
    library: dict[str, LibraryExemption]
    lexicons: dict[str, Lexicon]
    engines: dict[tuple[str, ...], Engine] = field(default_factory=dict)  # rule ids, in order -> engine
    analyser: ClauseAnalyser | None = None  # the claim models' clause splitter, made on first use
    lint: int | None = None                 # how many static warnings the packs give (selfcheck)

    def engine(self, chosen: list[Rule]) -> Engine:
        """The engine for these rules: an engine depends on its rules and the normaliser only, so
        policies that select the same rules (the shipped ones all do) share one."""
        key = tuple(r.id for r in chosen)
        if (hit := self.engines.get(key)) is None:
            hit = self.engines[key] = Engine(chosen, self.normaliser)
        return hit

    def clause_analyser(self) -> ClauseAnalyser:
        if self.analyser is None:
            self.analyser = ClauseAnalyser(self.normaliser.full_term)
        return self.analyser


def _decoded(blob: bytes, use_cache: bool) -> ClaimModel:
    """A model file's model, decoded once per process per content (:class:`ModelError` if broken)."""
    key = hashlib.sha256(blob).hexdigest()
    if (hit := _models.get(key)) is not None:
        return hit
    model = decode(blob)
    if use_cache:
        _models[key] = model
    return model


def _stages(tables: list[tuple[str, dict[str, Any]]], blobs: dict[str, bytes], wanted: set[str],
            part: _CompiledRules, use_cache: bool) -> dict[str, ClaimStage]:
    """The models the policies name, decoded; a named model that is missing or broken fails the load."""
    by_name = {data["model"]: (rel, data) for rel, data in tables}
    stages: dict[str, ClaimStage] = {}
    for name in sorted(wanted):
        if name not in by_name:
            raise RulebookError(f"{MODEL_DIR}/{name}.yaml", f"a policy names model {name!r}, which has no table "
                                f"in rules/{MODEL_DIR}/", field="model")
        rel, data = by_name[name]
        blob = blobs.get(data["file"])
        if blob is None:
            raise RulebookError(rel, f"model file {MODEL_DIR}/{data['file']} is missing", field="file")
        try:
            model = _decoded(blob, use_cache)
        except ModelError as exc:
            raise RulebookError(rel, f"model file {MODEL_DIR}/{data['file']} is broken: {exc}", field="file") from None
        stages[name] = ClaimStage(name=name, source=rel, model=model,
                                  families={f: citation_from(raw) for f, raw in data["families"].items()},
                                  fallback=citation_from(data["fallback"]), normaliser=part.normaliser,
                                  analyser=part.clause_analyser(), sentence_margin=data.get("sentence_margin"))
    return stages


def load_rulebook(rules_dir: Path, policies_dir: Path, *, use_cache: bool = True) -> Rulebook:
    """Read and check every file; compile (or reuse the compiled rulebook of the same content).

    Parsing, schema-checking and compiling the packs is skipped when the same pack files were compiled
    before, whatever the policies and models. ``use_cache=False`` gives a rulebook of its own and stores
    nothing; it still reuses packs compiled before, which are a function of the files' bytes."""
    rules_dir, policies_dir = Path(rules_dir), Path(policies_dir)
    variant_files, pack_files, table_files, blobs = _rule_sources(rules_dir)
    rule_yaml = [*variant_files, *(("rules/" + rel, raw) for rel, raw in pack_files)]
    packs_key = _revision(rule_yaml)
    part = _parts.get(packs_key)
    if part is None:  # checked in the same order as ever, so the first broken file is the one named
        chars, phrases = _variant_maps(variant_files)
        packs, libraries, lexicon_data = _pack_data(pack_files)
    policy_data: list[tuple[str, dict[str, Any]]] = []
    policy_files: list[tuple[str, bytes]] = []
    for path in sorted(policies_dir.glob("*.yaml")) if policies_dir.is_dir() else []:
        rel = "policies/" + path.name
        data, raw = _read_yaml(path, rel)
        if not isinstance(data, dict) or data.get("type") != "screening":
            continue  # another domain's policy (e.g. payouts)
        policy_files.append((rel, raw))
        _check(data, "policy_schema.json", rel)
        policy_data.append((rel, data))
    tables = _model_tables(table_files)
    files = [*rule_yaml, *policy_files, *(("rules/" + rel, raw) for rel, raw in table_files),
             *((f"rules/{MODEL_DIR}/{name}", raw) for name, raw in blobs.items())]
    revision = _revision(files)
    rules_revision = _revision([f for f in files if not f[0].startswith("policies/")])
    if use_cache and (hit := _cache.get(revision)) is not None:
        return hit
    with _lock:
        if use_cache and (hit := _cache.get(revision)) is not None:
            return hit
        if part is None and (part := _parts.get(packs_key)) is None:
            part = _compile_rules(chars, phrases, packs, libraries, _lexicons(lexicon_data))
            if use_cache:
                _parts[packs_key] = part
        book = _compile_book((revision, rules_revision), part, policy_data, [r for r, _ in files], (tables, blobs),
                             use_cache)
        if use_cache:
            _cache[revision] = book
    if part.lint is None:  # the packs' own warnings: the same for every rulebook over them
        from .selfcheck import static_warnings  # selfcheck imports this module

        part.lint = len(static_warnings(book))
    log.info("rulebook.loaded", revision=revision, rules=len(book.rules), policies=sorted(book.policies),
             exemptions=len(book.library), warnings=len(book.warnings) + part.lint)
    return book


def _compile_rules(chars: dict[str, str], phrases: dict[str, str], packs: list[tuple[str, dict[str, Any]]],
                   libraries: list[tuple[str, dict[str, Any]]], lexicons: dict[str, Lexicon]) -> _CompiledRules:
    normaliser = Normaliser(chars, phrases)
    library = _library(libraries, normaliser)
    rules: dict[str, Rule] = {}
    for rel, data in packs:
        for raw in data["rules"]:
            if raw["id"] in rules:
                raise RulebookError(rel, f"duplicate rule id (also in {rules[raw['id']].source})",
                                    rule_id=raw["id"], field="id")
            rules[raw["id"]] = _rule(raw, data["pack"], rel, normaliser, library, lexicons)
    return _CompiledRules(normaliser=normaliser, rules=rules, library=library, lexicons=lexicons)


def _compile_book(revisions: tuple[str, str], part: _CompiledRules,
                  policy_data: list[tuple[str, dict[str, Any]]], files: list[str],
                  models: tuple[list[tuple[str, dict[str, Any]]], dict[str, bytes]], use_cache: bool) -> Rulebook:
    """The policies over compiled packs: each policy's engine comes from ``part``. ``revisions``: the
    rulebook's, and the one of its files without the policies."""
    rules = dict(part.rules)
    book = Rulebook(revision=revisions[0], rules_revision=revisions[1], rules=rules, policies={},
                    normaliser=part.normaliser, files=files, library=dict(part.library),
                    lexicons=dict(part.lexicons), rule_actions={rid: r.action for rid, r in rules.items()})
    known_packs = {r.pack for r in rules.values()}
    for rel, data in policy_data:
        policy = _policy(data, rel)
        if policy.name in book.policies:
            raise RulebookError(rel, "duplicate policy name", field="policy")
        for name in policy.packs:
            if name not in known_packs:
                book.warnings.append(f"{rel}: policy {policy.name} names pack {name!r}, which has no rules")
        for kind in policy.default_for:
            if any(kind in p.default_for for p in book.policies.values()):
                raise RulebookError(rel, f"a second default policy for kind {kind!r}", field="default_for")
        book.policies[policy.name] = policy
    book.models = _stages(*models, {p.model for p in book.policies.values() if p.model}, part, use_cache)
    for policy in [*book.policies.values(), book.all_rules_policy()]:
        chosen = [r for r in rules.values() if r.pack in policy.packs and r.id not in policy.exclude_rules]
        book.engines[policy.name] = part.engine(chosen)
    if book.warnings:
        log.warning("rulebook.warnings", count=len(book.warnings), details=book.warnings)
    return book
