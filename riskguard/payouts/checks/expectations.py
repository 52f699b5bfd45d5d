"""Data quality with great-expectations: the suite in ``payout_batch_suite.json``, run in memory.

GX takes seconds to import, so it is imported once per process, lazily, and the ephemeral context,
datasource and validation definition are built once and reused (:func:`suite_runner`). The context is
ephemeral with in-memory stores: nothing is written to disk, usage statistics are off, progress bars
are off. Each run gets the batch as a pandas DataFrame through batch parameters.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..findings import Findings
from ..policy import PayoutPolicy

__all__ = ["SUITE_PATH", "SuiteRunner", "suite_runner", "run_suite", "import_seconds"]

SUITE_PATH = Path(__file__).with_name("payout_batch_suite.json")
_lock = threading.Lock()
_runner: SuiteRunner | None = None
_import_seconds: float | None = None


def import_seconds() -> float | None:
    """How long importing great-expectations took in this process (None before the first run)."""
    return _import_seconds


@dataclass
class SuiteRunner:
    gx_version: str
    suite: Any
    validation: Any
    order: dict[str, int]  # check -> position in the suite file, for a stable report

    @classmethod
    def build(cls, suite_path: Path = SUITE_PATH) -> SuiteRunner:
        global _import_seconds
        started = time.perf_counter()
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        _import_seconds = time.perf_counter() - started
        config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                                   analytics_enabled=False, progress_bars=ProgressBarsConfig(globally=False))
        context = gx.get_context(mode="ephemeral", project_config=config)
        definition = (context.data_sources.add_pandas("payouts")
                      .add_dataframe_asset("batch").add_batch_definition_whole_dataframe("whole"))
        spec = json.loads(suite_path.read_text("utf-8"))
        suite = context.suites.add(gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"],
                                                       meta=spec.get("meta", {})))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name="payout-batch", data=definition, suite=suite))
        order = {e.get("meta", {}).get("check", e["type"]): i for i, e in enumerate(spec["expectations"])}
        return cls(gx_version=gx.__version__, suite=suite, validation=validation, order=order)

    def run(self, frame: pd.DataFrame, parameters: dict[str, Any]) -> Any:
        with _lock:  # one validation at a time per process: the context is shared
            return self.validation.run(batch_parameters={"dataframe": frame},
                                       expectation_parameters=parameters,
                                       result_format={"result_format": "COMPLETE",
                                                      "include_unexpected_rows": False,
                                                      "return_unexpected_index_query": False})


def suite_runner() -> SuiteRunner:
    """The process-wide runner, built on first use."""
    global _runner
    if _runner is None:
        with _lock:
            if _runner is None:
                _runner = SuiteRunner.build()
    return _runner


def _raised(info: Any) -> bool:
    """GX reports exceptions either flat or keyed by metric."""
    if not info:
        return False
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _source_column(name: str) -> str:
    return name.split("__", 1)[0]


def run_suite(frame: pd.DataFrame, policy: PayoutPolicy, findings: Findings) -> dict[str, Any]:
    """Validate the prepared batch; failing rows become findings; returns the batch-level result."""
    runner = suite_runner()
    started = time.perf_counter()
    gx_frame = frame.copy(deep=False)
    for name in [c for c in frame.columns if c.endswith("__ts")]:  # GX compares naive UTC times
        gx_frame[name] = frame[name].dt.tz_convert(None)
    result = runner.run(gx_frame, {"currencies": list(policy.input["currencies"]),
                                "payee_types": list(policy.input["payee_types"])})
    seconds = time.perf_counter() - started
    severity = policy.data_quality["severity"]
    report = []
    for item in result.results:
        config = item.expectation_config
        meta = config.meta or {}
        res = item.result or {}
        raised = _raised(item.exception_info)
        entry = {"check": meta.get("check", config.type), "expectation": config.type,
                 "column": meta.get("column"), "success": bool(item.success),
                 "unexpected_count": int(res.get("unexpected_count") or 0),
                 "unexpected_percent": round(float(res.get("unexpected_percent") or 0.0), 4)}
        if raised:
            entry["error"] = "expectation could not be evaluated"
        report.append(entry)
        if raised:  # fail closed: a check that could not run cannot clear any row
            findings.add("dq.suite_error", "block", np.arange(len(frame)),
                         "a data-quality expectation could not be evaluated", column=entry["column"],
                         expectation=entry["check"])
            continue
        rows = res.get("unexpected_index_list") or []
        if item.success or not rows:
            continue
        rows_arr = np.asarray(rows, dtype=np.int64)
        columns = [c for c in (config.kwargs.get("column"), config.kwargs.get("column_A"),
                               config.kwargs.get("column_B")) if c]
        values = {_source_column(c): frame[_source_column(c)].to_numpy(dtype=object) for c in columns}
        findings.add(entry["check"], severity, rows_arr, meta.get("message", config.type),
                     column=entry["column"], **values)
    report.sort(key=lambda e: runner.order.get(e["check"], len(runner.order)))
    return {"suite": runner.suite.name, "engine": f"great_expectations {runner.gx_version}",
            "success": bool(result.success), "statistics": {k: (round(v, 4) if isinstance(v, float) else v)
                                                           for k, v in result.statistics.items()},
            "expectations": report, "seconds": round(seconds, 4)}
