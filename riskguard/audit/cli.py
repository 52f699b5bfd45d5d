"""``riskguard audit verify|witness|checkpoint|report|export|pubkey|sequencer``."""

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
@click.option("--trust-store", type=click.Path(dir_okay=False, path_type=Path),
              help="File keeping the largest checkpoint verified so far (default: RISKGUARD_AUDIT_TRUST_STORE, "
                   "else <data dir>/audit-trusted-checkpoint).")
@progress_option
@click.pass_obj
def verify(settings: Settings, checkpoints: tuple[Path, ...], no_integrate: bool, fast: bool,
           trust_store: Path | None, show_progress: bool | None) -> None:
    """Re-hash every entry, rebuild the tree, check every checkpoint and the trusted one; exit 1 naming
    the first bad index (or a rollback, deleted checkpoints, a non-empty log without a checkpoint)."""
    import base64
    import time

    from .store import StoredTree
    from .trust import TrustStore

    log = _open(settings)
    started = time.perf_counter()
    if not no_integrate:
        log.integrate()
    with log.db.engine.connect() as conn:
        size = StoredTree(conn).size
    with progress(show_progress, length=size, label="verify") as advance:
        report = log.verify([p.read_text("utf-8") for p in checkpoints], integrate_first=False,
                            deep=not fast, progress=advance,
                            trust_store=TrustStore(trust_store or settings.trust_store_path))
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


@audit.command("witness")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The witness's key and append-only state, outside the database (default: "
                   "RISKGUARD_AUDIT_WITNESS_DIR, else <data dir>/witness).")
@click.option("--name", help="The witness's key name (default: <origin>/witness).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the co-signed note here.")
@click.pass_obj
def witness(settings: Settings, state_dir: Path | None, name: str | None, out: Path | None) -> None:
    """Co-sign the latest checkpoint after checking that it extends the last one this witness co-signed
    (RFC 6962 consistency proof); exit 1 refusing a rolled-back or rewritten log."""
    from .witness import Witness, WitnessError, WitnessState, load_or_create_key, witness_latest

    directory = state_dir or settings.witness_dir
    log = _open(settings)
    try:
        cosigner = Witness(WitnessState(directory / "state.jsonl"), load_or_create_key(directory / "witness.key"),
                          name or f"{log.keys.origin}/witness", origin=log.keys.origin, log_key=log.keys.public_key)
        (directory / "witness.vkey").write_text(cosigner.vkey + "\n", "utf-8")
        note = witness_latest(log, cosigner)
    except WitnessError as exc:
        click.echo(f"REFUSED: [{exc.kind}] {exc}", err=True)
        sys.exit(1)
    finally:
        log.db.dispose()
    if out:
        out.write_text(note, "utf-8")
    click.echo(note, nl=False)


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
@click.option("--checkpoint-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the signed checkpoint covering exactly the exported entries "
                   "(default: the --out file name + .checkpoint; with stdout, none unless given).")
@progress_option
@click.pass_obj
def export(settings: Settings, fmt: str, actor: str | None, action: str | None, subject_type: str | None,
           subject_id: str | None, since: str | None, until: str | None, out: Path | None,
           checkpoint_out: Path | None, show_progress: bool | None) -> None:
    """Stream entries (fixed columns, ISO-8601 UTC) with the checkpoint they are pinned to; unfiltered
    exports feed the standalone verifier. The export's own access entry is its last entry."""
    from .query import EntryFilter, export_csv, export_jsonl, iter_entries
    from .reads import export_checkpoint

    start, end = _when(since), _when(until)
    log = _open(settings)
    flt = EntryFilter(actor=actor, action=action, subject_type=subject_type,
                      subject_id=None if subject_id is None else log.identifier(subject_id), since=start, until=end)
    cp = export_checkpoint(log, lambda: _record_cli(log, "audit:entries:exported", "export",
                                                    {**flt.as_details(), "format": fmt}))
    size = cp.size
    checkpoint_out = checkpoint_out or (out.with_name(out.name + ".checkpoint") if out else None)
    if checkpoint_out:
        checkpoint_out.write_text(cp.note, "utf-8")
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
