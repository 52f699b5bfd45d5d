"""The Spark engine (``.[spark]``, Java 17): ONE test, Spark ``local[2]`` on the evaluation corpus (under
2,000 rows), deciding every row as the API's engine does. Skipped where pyspark or Java is missing."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from riskguard._data import packaged_dir
from riskguard.rescreen import RescreenJob, RulebookBundle, run_job
from riskguard.screening.service import screen_text

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("java") is None, reason="no Java (scripts/ensure-java.sh)")]

AS_OF = date(2026, 12, 1)
CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"


def test_spark_local_decides_as_the_api(tmp_path: Path) -> None:
    from riskguard.rescreen.spark import spark_session

    rows = [json.loads(line) for path in sorted(CORPUS.glob("*.jsonl"))
            for line in path.read_text("utf-8").splitlines() if line.strip()][:2000]
    columns = ("id", "text", "kind", "category", "has_purchase_link", "labelled_as_ad")
    source = tmp_path / "catalogue.csv"  # CSV: Spark reads every column as text, flags included
    pacsv.write_csv(pa.table({c: [r[c] for r in rows] for c in columns}), source)
    bundle = RulebookBundle.from_dirs(packaged_dir("rules"), packaged_dir("policies"))
    session = spark_session("local[2]")
    try:
        manifest = run_job(RescreenJob(input=source, format="csv", output=tmp_path / "out", bundle=bundle,
                                       as_of=AS_OF, engine="spark", master="local[2]", partitions=4),
                           session=session)
    finally:
        session.stop()

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
