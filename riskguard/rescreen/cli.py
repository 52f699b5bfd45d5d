"""``riskguard rescreen``: a catalogue through the current rules, recorded as one audit entry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from .files import FORMATS

__all__ = ["rescreen"]


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()  # fixed once here, so every worker uses the same day
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@click.command()
@click.option("--input", "source", required=True,
              help="a Parquet, CSV or JSON lines file, or a folder of them; or postgresql://[user@]host[:port]/db "
                   "with --table")
@click.option("--table", default=None, help="with a postgresql:// input: the table, name or schema.name")
@click.option("--key", default="id", show_default=True,
              help="with --table: the column the rows are read (and digested) in order of; Spark splits the read "
                   "on it when it is an integer column")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="default: from the file names")
@click.option("--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="a new or empty folder: decisions/ (Parquet) and manifest.json")
@click.option("--engine", type=click.Choice(("local", "pool", "spark")), default=None,
              help="default: spark with --master, else pool")
@click.option("--master", default=None, help="Spark master: local[2], spark://host:7077, yarn (implies --engine spark)")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="pool size (default: one per core)")
@click.option("--partitions", type=click.IntRange(min=1), default=None, help="Spark: repartition the input")
@click.option("--revision", "revision_spec", default=None,
              help="the rules to screen with: PATH, a stored REV, `active` or `files` (default: the active "
                   "revision, or the rule files until one is promoted)")
@click.option("--base", "base_spec", default=None,
              help="the rules before the change: PATH, a stored REV, `previous` (the revision active before the "
                   "current one; the default with --only-changed), `active` or `files`")
@click.option("--base-rules", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="the rules before the change as folders (with --base-policies; instead of --base)")
@click.option("--base-policies", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None)
@click.option("--only-changed", is_flag=True, help="write only rows whose decision or rule ids changed from the base")
@click.option("--open-cases", is_flag=True, help="open review cases for the review/block rows written")
@click.option("--as-of", "as_of", callback=_day, help="day (YYYY-MM-DD) for rule validity and article numbering "
              "(default today)")
@click.pass_obj
def rescreen(settings: Settings, source: str, table: str | None, key: str, fmt: str | None, output: Path,
             engine: str | None, master: str | None, workers: int | None, partitions: int | None,
             revision_spec: str | None, base_spec: str | None, base_rules: Path | None,
             base_policies: Path | None, only_changed: bool, open_cases: bool, as_of: date) -> None:
    """Re-screen a catalogue (Parquet, CSV, JSON lines, or a PostgreSQL table) with the active rules;
    Parquet decisions and a manifest recorded as one audit entry."""
    from ..logging import configure_logging
    from ..services import build_services
    from .rulesets import PREVIOUS

    configure_logging(settings.log_level)
    if (base_rules is None) != (base_policies is None):
        raise click.UsageError("--base-rules and --base-policies go together")
    if base_rules is not None and base_spec is not None:
        raise click.UsageError("give --base or --base-rules/--base-policies, not both")
    if base_rules is not None:
        base_spec = str(base_rules)
    elif only_changed and base_spec is None:
        base_spec = PREVIOUS
    engine = engine or ("spark" if master else "pool")
    if master and engine != "spark":
        raise click.UsageError("--master is for --engine spark")
    read = _input(source, table, key, fmt)
    services = build_services(settings)
    try:
        job = _job(settings, services.rule_revisions, source=read, output=output,
                   engine=engine, master=master or "local[2]", workers=workers or 0, partitions=partitions,
                   specs=(revision_spec, base_spec, base_policies), only_changed=only_changed, as_of=as_of)
        click.echo(json.dumps(_run(services, job, open_cases), ensure_ascii=False))
    finally:
        services.db.dispose()


def _input(source: str, table: str | None, key: str, fmt: str | None) -> tuple[Any, str]:
    """The input and its format: a PostgreSQL table, or an existing file or folder."""
    from .files import detect_format
    from .table import TABLE_FORMAT, TableInput, is_table_url

    if is_table_url(source):
        if fmt is not None:
            raise click.UsageError("--format is for files; a postgresql:// input is a table")
        try:
            return TableInput.parse(source, table, key), TABLE_FORMAT
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--input/--table") from None
    if table is not None:
        raise click.UsageError("--table goes with a postgresql:// input")
    path = Path(source)
    if not path.exists():
        raise click.BadParameter(f"{source} does not exist", param_hint="--input")
    try:
        return path, fmt or detect_format(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--input") from None


def _job(settings: Settings, store: Any, *, source: tuple[Any, str],
         specs: tuple[str | None, str | None, Path | None], **options: Any) -> Any:
    """The job, its rules resolved and compiled: a broken rule file, an unknown revision or a table that
    is not there stops the run before any work."""
    from ..errors import ApiError
    from ..rulebook import RulebookError
    from . import RescreenJob
    from .rulesets import DEFAULT, RulesNotFound, resolve_rules
    from .table import TableInput

    revision_spec, base_spec, base_policies = specs
    try:
        bundle, rules_from = resolve_rules(store, revision_spec or DEFAULT, rules_dir=settings.rules_dir,
                                           policies_dir=settings.policies_dir)
        base, base_from = None, None
        if base_spec is not None:
            base, base_from = resolve_rules(store, base_spec, rules_dir=settings.rules_dir,
                                            policies_dir=base_policies or settings.policies_dir)
        bundle.rulebook()
        if base is not None:
            base.rulebook()
        if isinstance(source[0], TableInput):
            source[0].shape()
    except (RulebookError, RulesNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    except ApiError as exc:
        raise click.ClickException(f"{exc} ({exc.code})") from None
    except ValueError as exc:  # a stored revision that does not load as itself, a missing table or key
        raise click.ClickException(str(exc)) from None
    return RescreenJob(input=source[0], format=source[1], bundle=bundle, base=base,
                       rules_from={"revision": rules_from, "base": base_from}, **options)


def _run(services: Any, job: Any, open_cases: bool) -> dict[str, Any]:
    from ..audit import AuditUnavailable
    from . import run_job
    from .record import open_cases as open_review_cases
    from .record import record_run

    try:
        manifest = run_job(job)
    except (FileExistsError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        digest = record_run(services.audit, job, manifest)
    except AuditUnavailable:  # fail closed: no entry, so no manifest; the decisions written are not a run
        raise click.ClickException("the run could not be recorded in the audit log; no manifest was written") from None
    summary: dict[str, Any] = {"run_id": manifest["run_id"], "manifest_digest": digest,
                               "rows": manifest["input"]["rows"], "written": manifest["output"]["rows"],
                               "decisions": manifest["output"]["decisions"]}
    if open_cases:
        summary["cases_opened"] = open_review_cases(services.review, job, address_keep=services.address_keep)
    return summary
