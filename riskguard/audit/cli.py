"""``riskguard audit verify|checkpoint|report|export|pubkey|sequencer``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..cli_io import progress, progress_option
from ..config import Settings

if TYPE_CHECKING:
    from .service import AuditLog

__all__ = ["audit"]

T = TypeVar("T")


def _open(settings: Settings, **engine_options: object) -> AuditLog:
    from ..db import Database
    from ..services import build_services

    db = Database(settings.sqlalchemy_url, **engine_options) if engine_options else None
    return build_services(settings, db=db).audit


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"not an ISO-8601 time: {value}") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _record_cli(log: AuditLog, action: str, subject_id: str, details: dict[str, Any]) -> None:
    from .events import AuditEvent

    with log.transaction() as tx:
        tx.record(AuditEvent(action=action, actor="cli", subject_type="audit_log", subject_id=subject_id,
                             details=details))


def _counted(rows: Iterator[T], advance: Callable[[int], None]) -> Iterator[T]:
    for row in rows:
        advance(1)
        yield row


@click.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="A signed checkpoint file held outside the database (repeatable).")
@click.option("--no-integrate", is_flag=True, help="Do not integrate queued entries first.")
@click.option("--fast", is_flag=True, help="Skip parsing entries to check the filter columns copied from them.")
@progress_option
@click.pass_obj
def verify(settings: Settings, checkpoints: tuple[Path, ...], no_integrate: bool, fast: bool,
           show_progress: bool | None) -> None:
    """Re-hash every entry, rebuild the tree, check every checkpoint; exit 1 naming the first bad index."""
    import base64
    import time

    from .store import StoredTree

    log = _open(settings)
    started = time.perf_counter()
    if not no_integrate:
        log.integrate()
    with log.db.engine.connect() as conn:
        size = StoredTree(conn).size
    with progress(show_progress, length=size, label="verify") as advance:
        report = log.verify([p.read_text("utf-8") for p in checkpoints], integrate_first=False,
                            deep=not fast, progress=advance)
    seconds = time.perf_counter() - started
    log.db.dispose()
    if report.ok:
        click.echo(f"OK: {report.entries_checked} entries, root {base64.b64encode(report.root).decode()}, "
                   f"{report.checkpoints_checked} checkpoints verified in {seconds:.2f}s")
        return
    first = report.first_bad_index
    click.echo(f"FAIL: first bad entry index {first}" if first is not None else "FAIL: log does not verify",
               err=True)
    for problem in report.problems:
        click.echo(f"  [{problem.kind}] {problem.message}", err=True)
    sys.exit(1)


@audit.command("checkpoint")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the note here.")
@click.pass_obj
def checkpoint(settings: Settings, out: Path | None) -> None:
    """Integrate queued entries and print the latest signed checkpoint (signing one if the log grew)."""
    log = _open(settings)
    cp = log.checkpoint()
    log.db.dispose()
    if out:
        out.write_text(cp.note, "utf-8")
    click.echo(cp.note, nl=False)


@audit.command("report")
@click.argument("name")
@click.option("--from", "since", help="ISO-8601 start (inclusive)")
@click.option("--to", "until", help="ISO-8601 end (exclusive)")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.pass_obj
def report(settings: Settings, name: str, since: str | None, until: str | None, fmt: str) -> None:
    """Run a named report from audit/reports/ (exit 3 if an expect-empty control has rows)."""
    from .query import export_csv, export_jsonl
    from .reports import load_reports, run_report
    from .store import StoredTree

    reports = load_reports(settings.audit_dir / "reports")
    if name not in reports:
        raise click.ClickException(f"no report {name!r}; known: {', '.join(sorted(reports))}")
    rep = reports[name]
    start, end = _when(since), _when(until)
    if start and end and start >= end:
        raise click.BadParameter("--from must be before --to")
    log = _open(settings)
    log.integrate()
    _record_cli(log, "audit:report:run", name, {"format": fmt})
    count = 0
    with log.db.engine.connect() as conn:
        size = StoredTree(conn).size
        rows = run_report(conn, rep, since=start, until=end, upto=size)
        for chunk in (export_csv(rows, rep.columns) if fmt == "csv" else export_jsonl(rows, rep.columns)):
            count += 1
            click.echo(chunk, nl=False)
    log.db.dispose()
    if rep.expect_empty and count > (1 if fmt == "csv" else 0):
        click.echo(f"FINDING: report {name} must be empty", err=True)
        sys.exit(3)


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--actor")
@click.option("--action")
@click.option("--subject-type")
@click.option("--subject-id")
@click.option("--from", "since")
@click.option("--to", "until")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout).")
@progress_option
@click.pass_obj
def export(settings: Settings, fmt: str, actor: str | None, action: str | None, subject_type: str | None,
           subject_id: str | None, since: str | None, until: str | None, out: Path | None,
           show_progress: bool | None) -> None:
    """Stream entries (fixed columns, ISO-8601 UTC); unfiltered exports feed the standalone verifier."""
    from .query import EntryFilter, export_csv, export_jsonl, iter_entries
    from .store import StoredTree

    flt = EntryFilter(actor=actor, action=action, subject_type=subject_type, subject_id=subject_id,
                      since=_when(since), until=_when(until))
    log = _open(settings)
    log.integrate()
    with log.db.engine.connect() as conn:
        size = StoredTree(conn).size
    _record_cli(log, "audit:entries:exported", "export", {**flt.as_details(), "format": fmt, "tree_size": size})
    stream = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
    try:
        with log.db.engine.connect() as conn, \
                progress(show_progress, length=size, label="export") as advance:
            rows = _counted(iter_entries(conn, flt, upto=size), advance)
            for chunk in (export_csv(rows) if fmt == "csv" else export_jsonl(rows)):
                stream.write(chunk)
    finally:
        if out:
            stream.close()
    log.db.dispose()


@audit.command("pubkey")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write audit_public_key.pem and checkpoint.vkey here (e.g. audit/).")
@click.pass_obj
def pubkey(settings: Settings, out_dir: Path | None) -> None:
    """Print (or write) the checkpoint verification key: PEM and the signed-note verifier key."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from ..services import build_services
    from ._keys import LogKeys
    from .checkpoints import verifier_key

    keys = LogKeys.from_keyring(build_services(settings).keyring, settings.audit_origin)
    pem = keys.signing_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    vkey = verifier_key(keys.origin, keys.public_key)
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "audit_public_key.pem").write_text(pem, "utf-8")
        (out_dir / "checkpoint.vkey").write_text(vkey + "\n", "utf-8")
    click.echo(pem, nl=False)
    click.echo(vkey)


@audit.command("sequencer")
@click.option("--window", type=click.FloatRange(0.01, 60), default=0.1, show_default=True,
              help="Seconds between looks at the queue of committed entries.")
@click.option("--parent", type=int, default=None, hidden=True,
              help="Exit when this process (the server that started it) is gone.")
@click.pass_obj
def sequencer(settings: Settings, window: float, parent: int | None) -> None:
    """Integrate committed entries and sign periodic checkpoints until stopped (SIGTERM or Ctrl-C).

    \b
    `riskguard serve` runs this beside its workers (their app has audit_sequencer "process"); run it
    yourself beside any other server whose app is set that way."""
    import signal
    import threading

    from ..logging import configure_logging
    configure_logging(settings.log_level)
    log = _open(settings, pool_size=1)  # one connection is all a sequencer uses
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if parent is not None:  # a server killed outright (SIGKILL) cannot stop it: notice being orphaned
        def watch() -> None:
            while not stop.wait(1.0):
                if os.getppid() != parent:
                    stop.set()

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    try:
        log.sequencer.follow(stop, window)
    finally:
        log.db.dispose()


if __name__ == "__main__":  # ``python -m riskguard.audit.cli sequencer``: without the other domains' imports
    audit(obj=Settings.from_env())
