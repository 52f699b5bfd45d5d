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
@click.option("--input", "source", required=True, type=click.Path(exists=True, path_type=Path),
              help="a Parquet, CSV or JSON lines file, or a folder of them")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="default: from the file names")
@click.option("--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="a new or empty folder: decisions/ (Parquet) and manifest.json")
@click.option("--engine", type=click.Choice(("local", "pool", "spark")), default=None,
              help="default: spark with --master, else pool")
@click.option("--master", default=None, help="Spark master: local[2], spark://host:7077, yarn (implies --engine spark)")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="pool size (default: one per core)")
@click.option("--partitions", type=click.IntRange(min=1), default=None, help="Spark: repartition the input")
@click.option("--base-rules", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="the rules before the change (with --base-policies)")
@click.option("--base-policies", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None)
@click.option("--only-changed", is_flag=True, help="write only rows whose decision or rule ids changed from the base")
@click.option("--open-cases", is_flag=True, help="open review cases for the review/block rows written")
@click.option("--as-of", "as_of", callback=_day, help="day (YYYY-MM-DD) for rule validity and article numbering "
              "(default today)")
@click.pass_obj
def rescreen(settings: Settings, source: Path, fmt: str | None, output: Path, engine: str | None,
             master: str | None, workers: int | None, partitions: int | None, base_rules: Path | None,
             base_policies: Path | None, only_changed: bool, open_cases: bool, as_of: date) -> None:
    """Re-screen a catalogue (Parquet, CSV, JSON lines) with the current rules; Parquet decisions and a
    manifest recorded as one audit entry."""
    from ..logging import configure_logging
    from ..services import build_services

    configure_logging(settings.log_level)
    if (base_rules is None) != (base_policies is None):
        raise click.UsageError("--base-rules and --base-policies go together")
    if only_changed and base_rules is None:
        raise click.UsageError("--only-changed needs --base-rules and --base-policies")
    engine = engine or ("spark" if master else "pool")
    if master and engine != "spark":
        raise click.UsageError("--master is for --engine spark")
    job = _job(settings, source=source, fmt=fmt, output=output, engine=engine, master=master or "local[2]",
               workers=workers or 0, partitions=partitions, base=(base_rules, base_policies),
               only_changed=only_changed, as_of=as_of)
    services = build_services(settings)
    try:
        click.echo(json.dumps(_run(services, job, open_cases), ensure_ascii=False))
    finally:
        services.db.dispose()


def _job(settings: Settings, *, source: Path, fmt: str | None, base: tuple[Path | None, Path | None],
         **options: Any) -> Any:
    from ..rulebook import RulebookError
    from . import RescreenJob, RulebookBundle
    from .files import detect_format

    try:
        fmt = fmt or detect_format(source)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--input") from None
    try:
        bundle = RulebookBundle.from_dirs(settings.rules_dir, settings.policies_dir)
        base_bundle = RulebookBundle.from_dirs(base[0], base[1]) if base[0] and base[1] else None
        bundle.rulebook()  # a broken rule file stops the run before any work
        if base_bundle is not None:
            base_bundle.rulebook()
    except RulebookError as exc:
        raise click.ClickException(str(exc)) from None
    return RescreenJob(input=source, format=fmt, bundle=bundle, base=base_bundle, **options)


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
