"""The payout review policy (``policies/payout-review.yaml``): thresholds, lists and its revision."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..policyfile import read_policy_file

__all__ = ["PayoutPolicy", "PolicyError", "load_policy", "POLICY_FILE"]

POLICY_FILE = "payout-review.yaml"
_SECTIONS = ("input", "data_quality", "rules", "statistics")
_RULES = ("duplicate_payout_id", "duplicate_payment", "merchant_over_net", "merchant_net_unverifiable",
          "commission_over_contract", "bank_account_recent_change", "shared_account", "distribution_depth",
          "structuring", "blocked")
_SEVERITIES = ("info", "review", "block")


class PolicyError(Exception):
    """The policy file is missing or malformed; start-up stops with the file and the key."""


@dataclass(frozen=True)
class PayoutPolicy:
    revision: str
    input: dict[str, Any]
    data_quality: dict[str, Any]
    rules: dict[str, Any]
    statistics: dict[str, Any]

    @property
    def max_rows(self) -> int:
        return int(self.input["max_rows"])

    @property
    def max_bytes(self) -> int:
        return int(self.input["max_bytes"])

    def rule(self, name: str) -> dict[str, Any]:
        return self.rules[name]

    def stat(self, name: str) -> dict[str, Any]:
        return self.statistics[name]

    @classmethod
    def from_mapping(cls, raw: Any, source: str = "<policy>") -> PayoutPolicy:
        if not isinstance(raw, dict):
            raise PolicyError(f"{source}: not a mapping")
        for key in ("revision", *_SECTIONS):
            if key not in raw:
                raise PolicyError(f"{source}: missing key {key!r}")
        for name in _RULES:
            if name not in raw["rules"]:
                raise PolicyError(f"{source}: rules.{name} missing")
        for path, value in _severities(raw):
            if value not in _SEVERITIES:
                raise PolicyError(f"{source}: {path} must be one of {', '.join(_SEVERITIES)}")
        return cls(revision=str(raw["revision"]), input=raw["input"], data_quality=raw["data_quality"],
                   rules=raw["rules"], statistics=raw["statistics"])


def _severities(raw: dict[str, Any]) -> list[tuple[str, Any]]:
    found = []
    for section in _SECTIONS:
        for name, body in (raw[section] or {}).items():
            if isinstance(body, dict):
                found += [(f"{section}.{name}.{k}", v) for k, v in body.items() if k.endswith("severity")]
            elif name == "severity":
                found.append((f"{section}.severity", body))
    return found


def load_policy(policies_dir: Path) -> PayoutPolicy:
    path = Path(policies_dir) / POLICY_FILE
    return PayoutPolicy.from_mapping(read_policy_file(path, PolicyError), str(path))
