"""``GET /metrics``: who may read it, what it counts, that it carries no personal data, and that the
alert rules and the dashboard in docs/ops/ use only metrics it exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from riskguard.auth import Role

OPS = Path(__file__).resolve().parents[2] / "docs" / "ops"
PERSONAL_TEXT = "联系张伟13812345678，全网最低价"


def _series(text: str) -> dict[str, float]:
    """``name{labels}`` -> value, comments left out."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


@pytest.fixture
def scraped(shared_client, shared_auth) -> str:  # type: ignore[no-untyped-def]
    screener = shared_auth(Role.SCREENER)
    res = shared_client.post("/v1/screen/ad", json={"id": "13812345678", "text": PERSONAL_TEXT,
                                                    "category": "general"}, headers=screener)
    assert res.status_code == 200 and res.get_json()["decision"] == "block"
    res = shared_client.get("/metrics", headers=shared_auth(Role.MONITOR))
    assert res.status_code == 200 and res.content_type.startswith("text/plain; version=0.0.4")
    return res.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [(None, 401), (Role.SCREENER, 403), (Role.AUDITOR, 403),
                                              (Role.MONITOR, 200), (Role.ADMIN, 200)])
def test_only_monitor_and_admin_read_metrics(shared_client, shared_auth, role, status) -> None:  # type: ignore[no-untyped-def]
    headers = shared_auth(role) if role else {}
    assert shared_client.get("/metrics", headers=headers).status_code == status


def test_requests_and_decisions_are_counted(shared_client, shared_auth, scraped: str) -> None:  # type: ignore[no-untyped-def]
    before = _series(scraped)
    decided = 'riskguard_screening_decisions_total{decision="block",policy="ad-prepublish"}'
    answered = 'riskguard_http_requests_total{endpoint="/v1/screen/<string:kind>",method="POST",status="200"}'
    shared_client.post("/v1/screen/ad", json={"text": "全网最低价", "category": "general"},
                       headers=shared_auth(Role.SCREENER))
    after = _series(shared_client.get("/metrics", headers=shared_auth(Role.MONITOR)).get_data(as_text=True))
    assert after[decided] == before[decided] + 1
    assert after[answered] == before[answered] + 1
    lowest = [k for k in after if k.startswith("riskguard_screening_findings_total") and "lowest-price" in k]
    assert lowest and all('action="block"' in k for k in lowest)
    assert after["riskguard_audit_tree_size"] + after["riskguard_audit_unintegrated_entries"] >= 2
    assert 'riskguard_api_keys{role="monitor"}' in after


def test_no_personal_data_in_metrics(scraped: str) -> None:
    for value in ("13812345678", "张伟", "全网最低价"):
        assert value not in scraped


def _metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\briskguard_[a-z_]+", expr))


def test_alert_rules_and_dashboard_use_exported_metrics(scraped: str) -> None:
    exported = {re.split(r"[{ ]", line, maxsplit=1)[0] for line in scraped.splitlines() if line.startswith("riskguard_")}
    # families that exist only once an event happened: named in a HELP line even without a sample
    exported |= set(re.findall(r"^# HELP (\S+)", scraped, flags=re.M))
    exported |= {f"{name}_total" for name in exported}
    rules = yaml.safe_load((OPS / "prometheus-alerts.yaml").read_text("utf-8"))
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert len(alerts) >= 8
    for rule in alerts:
        assert rule["alert"].startswith("Riskguard") and rule["labels"]["severity"] in {"page", "ticket"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert _metric_names(rule["expr"]) and _metric_names(rule["expr"]) <= exported, rule["alert"]
    dashboard = json.loads((OPS / "grafana-dashboard.json").read_text("utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(dashboard["panels"]) >= 10
    for expr in exprs:
        assert _metric_names(expr) and _metric_names(expr) <= exported, expr
