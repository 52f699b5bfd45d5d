"""The Spark engine (``.[spark]``, Java 17): Spark ``local[2]`` on the evaluation corpus (under 2,000 rows),
deciding every row as the API's engine does, and a PostgreSQL table read over JDBC deciding as the same
table read on one machine. One Spark session for the module (its start-up is most of the cost), so the
tests stay on one xdist worker. Skipped where pyspark or Java is missing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from riskguard._data import packaged_dir
from riskguard.rescreen import RescreenJob, RulebookBundle, run_job
from riskguard.rescreen.table import TableInput
from riskguard.screening.service import screen_text

from .tables import source_url, write_table
from .test_table import catalogue, screened

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark"),
              pytest.mark.skipif(shutil.which("java") is None, reason="no Java (scripts/ensure-java.sh)")]

AS_OF = date(2026, 12, 1)
CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    from riskguard.rescreen.spark import spark_session

    started = spark_session("local[2]")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def bundle() -> RulebookBundle:
    return RulebookBundle.from_dirs(packaged_dir("rules"), packaged_dir("policies"))


def test_spark_local_decides_as_the_api(tmp_path: Path, session: Any, bundle: RulebookBundle) -> None:
    rows = [json.loads(line) for path in sorted(CORPUS.glob("*.jsonl"))
            for line in path.read_text("utf-8").splitlines() if line.strip()][:2000]
    columns = ("id", "text", "kind", "category", "has_purchase_link", "labelled_as_ad")
    source = tmp_path / "catalogue.csv"  # CSV: Spark reads every column as text, flags included
    pacsv.write_csv(pa.table({c: [r[c] for r in rows] for c in columns}), source)
    manifest = run_job(RescreenJob(input=source, format="csv", output=tmp_path / "out", bundle=bundle,
                                   as_of=AS_OF, engine="spark", master="local[2]", partitions=4),
                       session=session)

    written = {r["id"]: r for r in pq.read_table(tmp_path / "out" / "decisions").to_pylist()}
    book = bundle.rulebook()
    expected = {}
    for r in rows:
        decision = screen_text(book, kind=r["kind"], text=r["text"], category=r["category"],
                               has_purchase_link=r["has_purchase_link"], labelled_as_ad=r["labelled_as_ad"],
                               as_of=AS_OF)
        expected[r["id"]] = (decision.decision, decision.rule_ids, [f.as_dict() for f in decision.findings])
    assert {i: (w["decision"], list(w["rule_ids"]), json.loads(w["findings"])) for i, w in written.items()} == expected
    assert {w["policy_revision"] for w in written.values()} == {book.revision}
    assert len({d for d, _, _ in expected.values()}) == 3  # allow, review and block all occur
    assert manifest["input"]["rows"] == manifest["output"]["rows"] == len(rows)
    assert manifest["engine"] == "spark" and manifest["master"] == "local[2]"


@pytest.mark.postgres
def test_a_table_over_jdbc_decides_as_on_one_machine(tmp_path: Path, session: Any, bundle: RulebookBundle,
                                                      pg_url: str) -> None:
    from riskguard.rescreen.spark import JDBC_JAR

    if not JDBC_JAR.is_file():
        pytest.skip("no PostgreSQL JDBC driver (scripts/ensure-java.sh)")
    rows = catalogue()  # integer ids, three of them null: the first key range must take those
    source = TableInput.parse(source_url(pg_url), write_table(pg_url, "listings", rows))
    assert source.spark_frame(session, 3).rdd.getNumPartitions() == 3  # split on the integer key
    runs = {engine: run_job(RescreenJob(input=source, format="postgresql", output=tmp_path / engine,
                                        bundle=bundle, as_of=AS_OF, engine=engine, partitions=3, batch_rows=5),
                            session=session)
            for engine in ("spark", "local")}

    assert screened(tmp_path / "spark") == screened(tmp_path / "local")
    assert runs["spark"]["input"] == runs["local"]["input"]  # name, rows, key and digest
    assert runs["spark"]["input"]["rows"] == runs["spark"]["output"]["rows"] == len(rows)
    assert runs["spark"]["output"]["decisions"] == runs["local"]["output"]["decisions"]
