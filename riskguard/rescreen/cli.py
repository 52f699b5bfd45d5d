"""``riskguard rescreen``: a catalogue through the current rules, recorded as one audit entry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

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
    from ..rulebook import RulebookError
    from ..services import build_services
    from . import RescreenJob, RulebookBundle, run_job
    from .files import detect_format
    from .record import open_cases as open_review_cases
    from .record import record_run

    configure_logging(settings.log_level)
    if (base_rules is None) != (base_policies is None):
        raise click.UsageError("--base-rules and --base-policies go together")
    if only_changed and base_rules is None:
        raise click.UsageError("--only-changed needs --base-rules and --base-policies")
    engine = engine or ("spark" if master else "pool")
    if master and engine != "spark":
        raise click.UsageError("--master is for --engine spark")
    try:
        fmt = fmt or detect_format(source)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--input") from None
    services = build_services(settings)
    try:
        bundle = RulebookBundle.from_dirs(settings.rules_dir, settings.policies_dir)
        base = RulebookBundle.from_dirs(base_rules, base_policies) if base_rules and base_policies else None
        bundle.rulebook()
        if base is not None:
            base.rulebook()
    except RulebookError as exc:
        raise click.ClickException(str(exc)) from None
    job = RescreenJob(input=source, format=fmt, output=output, bundle=bundle, as_of=as_of, engine=engine,
                      workers=workers or 0, master=master or "local[2]", base=base, only_changed=only_changed,
                      partitions=partitions)
    try:
        manifest = run_job(job)
    except (FileExistsError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    digest = record_run(services.audit, job, manifest)
    summary = {"run_id": manifest["run_id"], "manifest_digest": digest, "rows": manifest["input"]["rows"],
               "written": manifest["output"]["rows"], "decisions": manifest["output"]["decisions"]}
    if open_cases:
        summary["cases_opened"] = open_review_cases(services.review, job, address_keep=services.address_keep)
    services.db.dispose()
    click.echo(json.dumps(summary, ensure_ascii=False))
