"""``riskguard rules promote|rollback|revisions|shadow|diff``: rule revisions from the command line.

``promote`` and ``rollback`` change what every worker screens with (each notices within
``RISKGUARD_RULES_REFRESH_SECONDS``) and record ``rulebook:revision:promoted`` / ``rolled_back``;
``diff`` screens a file with two revisions offline and records ``rulebook:revision:diffed`` (counts
and the file's digest, no text).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from ..errors import ApiError

__all__ = ["rules_promote", "rules_rollback", "rules_revisions", "rules_shadow", "rules_diff", "read_items"]

ACTOR = "cli"
_BOOLEAN_COLUMNS = ("has_purchase_link", "labelled_as_ad")


def _revisions(settings: Settings) -> Any:
    from ..logging import configure_logging
    from ..services import build_services

    configure_logging(settings.log_level)
    return build_services(settings).rule_revisions


def _resolve(store: Any, spec: str, settings: Settings) -> tuple[Any, Any]:
    from ..rulebook import RulebookError

    try:
        return store.resolve(spec, default_rules=settings.rules_dir)
    except RulebookError as exc:
        raise click.ClickException(str(exc)) from None


def _fail(exc: ApiError) -> click.ClickException:
    return click.ClickException(f"{exc} ({exc.code})")


def _activate(store: Any, change: Callable[[], Any]) -> None:
    """Run a promote or rollback and print the activation as JSON; a refusal is the error's code."""
    try:
        done = change()
    except ApiError as exc:
        raise _fail(exc) from None
    finally:
        store.db.dispose()
    click.echo(json.dumps({"generation": done.generation, "revision": done.revision, "label": done.label,
                           "previous_revision": done.previous_revision}, ensure_ascii=False))


@click.command("promote")
@click.argument("source")
@click.option("--label", default=None, help="a human name for the revision (default: its first 12 digits)")
@click.option("--expect-generation", type=int, default=None,
              help="refuse unless the active revision is still at this generation (see `rules revisions`)")
@click.pass_obj
def rules_promote(settings: Settings, source: str, label: str | None, expect_generation: int | None) -> None:
    """Make PATH (a folder with rules/ and policies/, or a rules folder) or a stored REV active everywhere."""
    store = _revisions(settings)
    _activate(store, lambda: store.promote(_resolve(store, source, settings)[0], label=label, actor=ACTOR,
                                           expect_generation=expect_generation))


@click.command("rollback")
@click.option("--expect-generation", type=int, default=None,
              help="refuse unless the active revision is still at this generation")
@click.pass_obj
def rules_rollback(settings: Settings, expect_generation: int | None) -> None:
    """Make the revision active before the current one active again."""
    store = _revisions(settings)
    _activate(store, lambda: store.rollback(actor=ACTOR, expect_generation=expect_generation))


@click.command("shadow")
@click.argument("source", required=False)
@click.option("--sample", type=click.FloatRange(0, 1, min_open=True), default=0.1, show_default=True,
              help="the share of screened items the candidate also decides")
@click.option("--off", is_flag=True, help="stop shadowing")
@click.pass_obj
def rules_shadow(settings: Settings, source: str | None, sample: float, off: bool) -> None:
    """Let PATH|REV decide a sample of live requests in the shadow of the active revision (or --off)."""
    if off == (source is not None):
        raise click.UsageError("give SOURCE or --off")
    store = _revisions(settings)
    try:
        snapshot = None if off else _resolve(store, source or "", settings)[0]
        state = store.shadow(snapshot, sample=sample, actor=ACTOR)
    except ApiError as exc:
        raise _fail(exc) from None
    finally:
        store.db.dispose()
    click.echo(json.dumps({"active": state.revision, "shadow": state.shadow_revision,
                           "sample": state.shadow_sample}))


@click.command("revisions")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.pass_obj
def rules_revisions(settings: Settings, limit: int) -> None:
    """The active revision and the latest promotes and rollbacks (JSON)."""
    store = _revisions(settings)
    try:
        state = store.state()
        out = {"active": state.revision if state else None, "generation": state.generation if state else 0,
               "shadow": state.shadow_revision if state else None,
               "shadow_sample": state.shadow_sample if state else None, "history": store.history(limit)}
    finally:
        store.db.dispose()
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


def _csv_row(row: dict[str, str | None]) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in row.items() if k and v not in (None, "")}
    for name in _BOOLEAN_COLUMNS:
        if name in data:
            data[name] = str(data[name]).strip().lower() in ("true", "1", "yes")
    if "registration_numbers" in data:
        data["registration_numbers"] = [p.strip() for p in str(data["registration_numbers"]).split(";") if p.strip()]
    return data


def _raw_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(row number, object, error) for each row of a JSON-lines, CSV or Parquet file."""
    from ..cli_io import BadLine, json_object, numbered_lines

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise click.ClickException("reading Parquet needs pyarrow, which is not installed; "
                                       "use JSON lines or CSV") from None
        for number, row in enumerate(pq.read_table(path).to_pylist(), start=1):
            yield number, {k: v for k, v in row.items() if v is not None}, None
    elif suffix == ".csv":
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):  # line 1 is the header
                yield number, _csv_row(row), None
    else:
        with path.open("rb") as handle:
            for number, raw in numbered_lines(handle, lambda _n: None):
                try:
                    yield number, json_object(raw), None
                except BadLine as bad:
                    yield number, None, bad.error["code"]


def read_items(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Each row checked like an API request (plus an optional ``kind``; other fields are ignored):
    ``(number, item, None)`` or ``(number, None, error code)``."""
    from ..cli_io import BadLine, load_line
    from ..rulebook import KINDS
    from ..screening.schemas import ScreenRequestSchema

    schema = ScreenRequestSchema()
    for number, data, error in _raw_rows(path):
        if data is None:
            yield number, None, error
            continue
        kind = data.pop("kind", None)
        data = {k: v for k, v in data.items() if k in schema.fields}  # a catalogue export has other columns
        if "id" in data and not isinstance(data["id"], str):
            data["id"] = str(data["id"])
        if kind is not None and kind not in KINDS:
            yield number, None, "unknown_kind"
            continue
        try:
            item = load_line(schema, data)
        except BadLine as bad:
            yield number, None, bad.error["code"]
            continue
        yield number, {**item, **({"kind": kind} if kind else {})}, None


@click.command("diff")
@click.option("--base", "base_spec", default="active", show_default=True,
              help="PATH, a stored REV, `active` or `files` (the deployment's rule files)")
@click.option("--candidate", "candidate_spec", required=True, help="PATH, a stored REV, `active` or `files`")
@click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON lines (.jsonl), CSV (.csv, header row) or Parquet (.parquet, needs pyarrow)")
@click.option("--kind", default="ad", show_default=True, help="for rows without a `kind`")
@click.option("--examples", default=3, show_default=True, type=click.IntRange(0, 50),
              help="masked examples kept per decision change")
@click.option("--no-mask", is_flag=True, help="examples without their text (no PII models are loaded)")
@click.pass_obj
def rules_diff(settings: Settings, base_spec: str, candidate_spec: str, input_path: Path, kind: str,
               examples: int, no_mask: bool) -> None:
    """Screen a file with two revisions: decision changes per rule and per category, with masked examples."""
    from ..rulebook import KINDS
    from .diff import diff_items

    if kind not in KINDS:
        raise click.BadParameter(f"one of {', '.join(KINDS)}", param_hint="--kind")
    store = _revisions(settings)
    try:
        base = _resolve(store, base_spec, settings)[1]
        candidate = _resolve(store, candidate_spec, settings)[1]
    except ApiError as exc:
        store.db.dispose()
        raise _fail(exc) from None
    bad: dict[str, int] = {}

    def items() -> Iterator[dict[str, Any]]:
        for _number, item, error in read_items(input_path):
            if item is None:
                bad[error or "bad_row"] = bad.get(error or "bad_row", 0) + 1
                continue
            yield item

    mask = None
    if not no_mask and examples:
        from ..privacy.pii.service import mask_personal_data

        mask = mask_personal_data
    try:
        report = diff_items(base, candidate, items(), kind=kind, mask=mask, examples=examples).as_dict()
        _record_diff(store, base.revision, candidate.revision, input_path, bad, report)
    finally:
        store.db.dispose()
    out = {"base": base.revision, "candidate": candidate.revision, "bad_rows": bad, **report}
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


def _record_diff(store: Any, base: str, candidate: str, path: Path, bad: dict[str, int],
                 report: dict[str, Any]) -> None:
    """``rulebook:revision:diffed`` on the candidate: both revisions, the sample's name, SHA-256 and
    counts, the decision changes — no examples (they hold text). Fails closed: no entry, no report."""
    import hashlib

    from ..audit import Action, AuditUnavailable

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    counts = {k: report[k] for k in ("items", "agree", "changed", "newly_blocked", "newly_allowed", "changes")}
    details = {"base_revision": base, "input": {"name": path.name, "digest": "sha256:" + digest.hexdigest(),
                                                "bad_rows": bad}, **counts}
    try:
        store.record_evidence(Action.RULES_DIFFED, candidate, actor=ACTOR, decision="diff", details=details)
    except AuditUnavailable:
        raise click.ClickException("the diff could not be recorded in the audit log") from None
