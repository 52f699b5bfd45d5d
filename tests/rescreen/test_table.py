"""``rescreen --input postgresql://… --table`` on one machine: a table's rows are screened as the same
rows in a file are, read in key order through batches, and its digest is the documented one."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from riskguard._data import packaged_dir
from riskguard.cli import main
from riskguard.rescreen import RescreenJob, RulebookBundle, run_job
from riskguard.rescreen.table import TableInput

from .tables import TYPES, source_url, write_table
from .test_rescreen import INVALID, ROWS

pytestmark = pytest.mark.postgres
AS_OF = date(2026, 12, 1)


@pytest.fixture(scope="module")
def bundle() -> RulebookBundle:
    return RulebookBundle.from_dirs(packaged_dir("rules"), packaged_dir("policies"))


def catalogue() -> list[dict[str, Any]]:
    """Integer ids (one missing), rows the API would refuse included; shuffled, so the table's physical
    order is not its key order."""
    invalid = [row for row, field in INVALID if field in ("text", "id", "kind", "category")]
    rows = [{**r, "id": n if "id" in r else None} for n, r in enumerate([*ROWS, *invalid] * 3, start=1)]
    random.Random(20).shuffle(rows)
    return rows


def screened(output: Path) -> list[tuple[Any, ...]]:
    table = pq.read_table(output / "decisions").to_pylist()
    return sorted((r["id"] or "", r["decision"], list(r["rule_ids"]), r["findings"]) for r in table)


def expected_digest(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """The definition in docs/rescreen.md, written out again: canonical JSON lines in key order."""
    ordered = sorted(rows, key=lambda r: (r["id"] is None, r["id"] or 0, json.dumps(r, sort_keys=True)))
    lines = [json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
             for r in ordered]
    return "sha256:" + hashlib.sha256("".join(line + "\n" for line in lines).encode()).hexdigest()


@pytest.mark.parametrize("shape", ["typed", "text-only"])
def test_a_table_is_screened_as_the_same_rows_in_a_file(tmp_path: Path, pg_url: str, bundle: RulebookBundle,
                                                         shape: str) -> None:
    rows = catalogue()
    types = None if shape == "typed" else {"id": "text", "text": "text"}  # kind and category default
    if types is not None:
        rows = [{"id": None if r["id"] is None else f"{r['id']:03d}", "text": r.get("text")} for r in rows]
    table = write_table(pg_url, "listings", rows, types)
    columns = tuple(types or TYPES)
    pq.write_table(pa.table({c: [r.get(c) for r in rows] for c in columns}), tmp_path / "same.parquet")

    source = TableInput.parse(source_url(pg_url, password="not-recorded"), table)
    from_table = run_job(RescreenJob(input=source, format="postgresql", output=tmp_path / "table", bundle=bundle,
                                     as_of=AS_OF, engine="local", batch_rows=4))
    from_file = run_job(RescreenJob(input=tmp_path / "same.parquet", format="parquet", output=tmp_path / "file",
                                    bundle=bundle, as_of=AS_OF, engine="local"))

    assert screened(tmp_path / "table") == screened(tmp_path / "file")
    assert from_table["output"]["decisions"] == from_file["output"]["decisions"]
    assert len({d for _, d, _, _ in screened(tmp_path / "table")}) >= 2
    assert len(list((tmp_path / "table" / "decisions").glob("part-*.parquet"))) == -(-len(rows) // 4)
    read = from_table["input"]
    assert (read["rows"], read["format"], read["key"]) == (len(rows), "postgresql", "id")
    assert read["name"] == f"postgresql://127.0.0.1:5432/test?table={table}"
    assert "not-recorded" not in json.dumps(from_table)
    assert read["digest"] == expected_digest(rows, columns)


def test_a_table_feeds_the_process_pool(tmp_path: Path, pg_url: str) -> None:
    """The parent reads the cursor and hands batches to spawned workers (the test packs: quick to compile)."""
    from rulebook.packs import packs, write_rulebook

    rules_dir, policies_dir = write_rulebook(tmp_path / "packs", packs())
    small = RulebookBundle.from_dirs(rules_dir, policies_dir)
    rows = catalogue()
    source = TableInput.parse(source_url(pg_url), write_table(pg_url, "listings", rows))
    runs = {engine: run_job(RescreenJob(input=source, format="postgresql", output=tmp_path / engine, bundle=small,
                                        as_of=AS_OF, engine=engine, workers=2, batch_rows=4))
            for engine in ("pool", "local")}
    assert screened(tmp_path / "pool") == screened(tmp_path / "local")
    assert runs["pool"]["input"] == runs["local"]["input"] and runs["pool"]["input"]["rows"] == len(rows)
    assert len(list((tmp_path / "pool" / "decisions").glob("part-*.parquet"))) == -(-len(rows) // 4)


def test_the_digest_is_the_rows_not_their_storage(pg_url: str) -> None:
    rows = catalogue()
    first = TableInput.parse(source_url(pg_url), write_table(pg_url, "first", rows))
    second = TableInput.parse(source_url(pg_url), write_table(pg_url, "second", list(reversed(rows))))
    assert first.digest() == second.digest() and first.digest()[1] == len(rows)
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE second SET text = text || '。' WHERE id = 1"))
    engine.dispose()
    assert second.digest()[0] != first.digest()[0]


def test_the_cli_refuses_an_unclear_table_input(tmp_path: Path) -> None:
    cases = [
        (["--input", "postgresql://127.0.0.1:5432/test"], "--table"),
        (["--input", "postgresql://127.0.0.1:5432/test", "--table", "a.b.c"], "schema.name"),
        (["--input", "postgresql://127.0.0.1:5432/test", "--table", "t", "--format", "csv"], "--format is for files"),
        (["--input", str(tmp_path), "--table", "t"], "postgresql://"),
    ]
    for args, said in cases:
        result = CliRunner().invoke(main, ["rescreen", *args, "--output", str(tmp_path / "out")])
        assert result.exit_code == 2 and said in result.output, (args, result.output)
