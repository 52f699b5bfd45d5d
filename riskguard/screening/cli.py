"""``riskguard screen`` (JSON lines in, JSON lines out, offline) and ``riskguard rules test|lint``."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..cli_io import finish_lines, input_size, json_line, line_id, parsed_lines, progress, progress_option
from ..config import Settings
from ..rulebook import KINDS, RulebookError, load_rulebook
from .schemas import ScreenRequestSchema
from .service import screen_text

__all__ = ["screen", "rules"]

def _load(settings: Settings) -> Any:
    from ..logging import configure_logging

    configure_logging(settings.log_level)  # JSON on stderr: stdout carries only results
    try:
        return load_rulebook(settings.rules_dir, settings.policies_dir)
    except RulebookError as exc:
        raise click.ClickException(str(exc)) from None


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


def _text_id(data: dict[str, Any]) -> None:
    if line_id(data) is not None:
        data["id"] = str(data["id"])  # numeric ids are common in exports: accept them as text


def _screened(book: Any, body: dict[str, Any], kind: str, policy: str | None, as_of: date | None
              ) -> dict[str, Any]:
    decision = screen_text(book, kind=kind, policy=policy, as_of=as_of, **body)
    out = decision.as_dict()
    out.pop("decision_id", None)
    return {"id": body.get("id"), **{k: v for k, v in out.items() if k != "id"}}


@click.command()
@click.option("--kind", required=True, type=click.Choice(KINDS))
@click.option("--as-of", "as_of", callback=_day, help="day (YYYY-MM-DD) for items without published_at; "
              "decides rule validity and which article numbering is cited (default today)")
@click.option("--policy", default=None, help="a screening policy other than the kind's default")
@progress_option
@click.pass_obj
def screen(settings: Settings, kind: str, as_of: date | None, policy: str | None,
           show_progress: bool | None) -> None:
    """Screen JSON lines {id, text, category, ...} from stdin; one JSON line per input on stdout, in order.

    A bad line gives {"line", "id", "error"} and the rest go on; exit 1 if any line was bad. Offline: nothing
    is recorded.
    """
    book = _load(settings)
    if policy is not None and policy not in book.policies:
        raise click.BadParameter(f"unknown policy {policy!r}", param_hint="--policy")
    schema = ScreenRequestSchema()
    source, out = sys.stdin.buffer, sys.stdout
    size = input_size(source)
    total = bad = 0
    with progress(show_progress, length=size, label="screening") as advance:
        for _number, body, bad_line in parsed_lines(source, schema, advance, by_bytes=bool(size),
                                                    prepare=_text_id):
            total += 1
            bad += bad_line is not None
            out.write(json_line(bad_line or _screened(book, body or {}, kind, policy, as_of)) + "\n")
    out.flush()
    finish_lines(bad, total)


@click.group()
def rules() -> None:
    """Rule packs: test, lint, diff, promote and roll back revisions."""


@rules.command("test")
@click.option("--rule", "rule_ids", multiple=True, help="only these rule ids")
@click.option("--record", is_flag=True, help="record the result as rulebook:revision:tested in the audit log "
              "(needs the database)")
@progress_option
@click.pass_obj
def rules_test(settings: Settings, rule_ids: tuple[str, ...], record: bool, show_progress: bool | None) -> None:
    """Run every rule's must_match / must_not_match examples through the full engine."""
    from ..rulebook.selfcheck import run_examples

    started = time.perf_counter()
    book = _load(settings)
    chosen = [book.rules[r] for r in rule_ids if r in book.rules] if rule_ids else None
    unknown = [r for r in rule_ids if r not in book.rules]
    if unknown:
        raise click.BadParameter(f"unknown rule ids: {', '.join(unknown)}", param_hint="--rule")
    with progress(show_progress, length=len(chosen if chosen is not None else book.rules),
                  label="rules test") as advance:
        count, failures = run_examples(book, chosen, progress=advance)
    for failure in failures:
        click.echo(f"FAIL {failure}")
    rules_n = len(chosen) if chosen is not None else len(book.rules)
    click.echo(f"{count - len(failures)}/{count} examples pass across {rules_n} rules "
               f"(revision {book.revision[:12]}, {time.perf_counter() - started:.1f}s)")
    if record:
        _record_test(settings, book.revision, examples=count, failures=len(failures), rules_n=rules_n,
                     rule_ids=rule_ids)
    if failures:
        sys.exit(1)


def _record_test(settings: Settings, revision: str, *, examples: int, failures: int, rules_n: int,
                 rule_ids: tuple[str, ...]) -> None:
    """``rulebook:revision:tested``: the revision's examples were run (counts only), before a promote."""
    from ..audit import Action, AuditUnavailable
    from ..services import build_services

    services = build_services(settings)
    try:
        services.rule_revisions.record_evidence(
            Action.RULES_TESTED, revision, actor="cli", decision="fail" if failures else "pass",
            details={"examples": examples, "failures": failures, "rules": rules_n, "only": list(rule_ids)})
    except AuditUnavailable:
        raise click.ClickException("the result could not be recorded in the audit log") from None
    finally:
        services.db.dispose()


@rules.command("table")
@click.option("--write", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="replace the rule catalogue section of this Markdown file (docs/rules.md)")
@click.pass_obj
def rules_table(settings: Settings, target: Path | None) -> None:
    """The rule catalogue as Markdown tables (one per pack, and the exemption library)."""
    from ..rulebook.catalogue import markdown, replace_section

    table = markdown(_load(settings))
    if target is None:
        click.echo(table)
        return
    target.write_text(replace_section(target.read_text("utf-8"), table), "utf-8")
    click.echo(f"wrote the rule catalogue into {target}")


@rules.command("lint")
@click.option("--strict", is_flag=True, help="warnings fail too")
@click.pass_obj
def rules_lint(settings: Settings, strict: bool) -> None:
    """Check the packs beyond the schema: example counts, unexercised terms, policies, variant maps."""
    from ..rulebook.selfcheck import lint

    book = _load(settings)
    errors, warnings = lint(book)
    for e in errors:
        click.echo(f"ERROR {e}")
    for w in warnings:
        click.echo(f"WARN  {w}")
    click.echo(f"{len(book.rules)} rules, {len(book.policies)} policies: {len(errors)} errors, "
               f"{len(warnings)} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


def _revision_commands() -> None:
    from ..revisions.cli import rules_diff, rules_promote, rules_revisions, rules_rollback, rules_shadow

    for command in (rules_diff, rules_promote, rules_revisions, rules_rollback, rules_shadow):
        rules.add_command(command)


_revision_commands()
