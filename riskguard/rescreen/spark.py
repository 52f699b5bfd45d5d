"""Re-screening on Apache Spark: ``mapInPandas`` with the API's engine (the optional extra ``.[spark]``).

The driver broadcasts the rule bundle once; each Python worker compiles it on its first batch and
keeps it (:meth:`RulebookBundle.rulebook`), so a task costs screening, not loading. The executors need
riskguard installed (the same version as the driver). The decisions are written as Parquet by Spark and
counted from what was written.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from .bundle import RulebookBundle
from .rows import COLUMNS, INPUT_COLUMNS, SPARK_SCHEMA, screen_rows
from .table import TableInput

__all__ = ["run_spark", "spark_session", "JDBC_JAR"]

# Debian's PostgreSQL JDBC driver (package libpostgresql-jdbc-java; scripts/ensure-java.sh installs it):
# on the classpath of every session when present, so a table can be read over JDBC.
JDBC_JAR = Path("/usr/share/java/postgresql.jar")


def spark_session(master: str, app_name: str = "riskguard-rescreen") -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise RuntimeError("Spark needs the optional extra: pip install 'riskguard[spark]'") from None
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    if master.startswith("local"):  # the workers run this interpreter (and its packages)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if JDBC_JAR.is_file():  # shipped to the executors by Spark
        builder = builder.config("spark.jars", str(JDBC_JAR))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _screen_batches(shipped: Any, as_of: date, only_changed: bool, batches: Iterator[Any]) -> Iterator[Any]:
    import pandas as pd

    bundle, base = shipped.value
    book, base_book = bundle.rulebook(), base.rulebook() if base is not None else None
    for batch in batches:
        rows = screen_rows(batch.to_dict("records"), book, as_of=as_of, base=base_book, only_changed=only_changed)
        yield pd.DataFrame(list(rows), columns=list(COLUMNS))


def _read(session: Any, path: Path | TableInput, fmt: str, partitions: int | None) -> Any:
    reader = session.read
    if isinstance(path, TableInput):  # split on an integer key into the partitions asked, or one per 2 cores
        parallelism = session.sparkContext.defaultParallelism
        frame = path.spark_frame(session, partitions or 2 * parallelism)
    elif fmt == "csv":  # every column as text: ids keep their leading zeros; flags are parsed per row
        # RFC 4180 as pandas, Arrow and the csv module write it: quoted newlines, "" inside quotes
        frame = reader.options(header="true", multiLine="true", escape='"').csv(str(path))
    elif fmt == "jsonl":
        frame = reader.json(str(path))
    else:
        frame = reader.parquet(str(path))
    from pyspark.sql import functions as F

    present = set(frame.columns)
    return frame.select(*[F.col(c) if c in present else F.lit(None).cast("string").alias(c)
                          for c in INPUT_COLUMNS])


def run_spark(path: Path | TableInput, fmt: str, *, session: Any, bundle: RulebookBundle, base: RulebookBundle | None,
              as_of: date, only_changed: bool, folder: Path, partitions: int | None = None
              ) -> Counter[tuple[str, str | None]]:
    """Screen the input on ``session``; returns counts by (decision, base decision) and ``("", None)``."""
    frame = _read(session, path, fmt, partitions)
    rows_in = frame.count()
    parallelism = session.sparkContext.defaultParallelism
    if partitions is None and frame.rdd.getNumPartitions() < 2 * parallelism:
        partitions = 4 * parallelism  # one large file would otherwise keep cores idle
    if partitions and frame.rdd.getNumPartitions() != partitions:  # a table split on its key already is
        frame = frame.repartition(partitions)
    shipped = session.sparkContext.broadcast((bundle, base))
    screened = frame.mapInPandas(partial(_screen_batches, shipped, as_of, only_changed), schema=SPARK_SCHEMA)
    screened.write.mode("errorifexists").parquet(str(folder))
    shipped.unpersist()
    counts: Counter[tuple[str, str | None]] = Counter({("", None): rows_in})
    for row in session.read.parquet(str(folder)).groupBy("decision", "base_decision").count().collect():
        counts[(row["decision"], row["base_decision"])] += row["count"]
    return counts
