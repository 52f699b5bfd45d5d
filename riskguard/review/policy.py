"""The review policy (``policies/review.yaml``): service levels of the queue, hours per case kind.

A missing file gives every kind :data:`DEFAULT_SLA_HOURS`; a file that is there but wrong stops the
start-up (``ReviewPolicyError``), as the other domains' policies do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..policyfile import YAML_LOADER

__all__ = ["ReviewPolicy", "ReviewPolicyError", "load_policy", "DEFAULT_SLA_HOURS", "POLICY_FILE"]

POLICY_FILE = "review.yaml"
DEFAULT_SLA_HOURS = 24.0


class ReviewPolicyError(ValueError):
    """policies/review.yaml cannot be used; the message names the key."""


@dataclass(frozen=True)
class ReviewPolicy:
    revision: str = "default"
    default_sla_hours: float = DEFAULT_SLA_HOURS
    sla_hours_by_kind: dict[str, float] = field(default_factory=dict)

    def sla_hours(self, kind: str) -> float:
        return self.sla_hours_by_kind.get(kind, self.default_sla_hours)

    @classmethod
    def from_mapping(cls, raw: Any, kinds: tuple[str, ...], source: str = POLICY_FILE) -> ReviewPolicy:
        if not isinstance(raw, dict):
            raise ReviewPolicyError(f"{source}: must be a mapping")
        unknown = sorted(set(map(str, raw)) - {"policy", "revision", "sla_hours"})
        if unknown:
            raise ReviewPolicyError(f"{source}: {unknown[0]} is not a known key")
        if not raw.get("revision"):
            raise ReviewPolicyError(f"{source}: missing key 'revision'")
        sla = raw.get("sla_hours") or {}
        if not isinstance(sla, dict):
            raise ReviewPolicyError(f"{source}: sla_hours must be a mapping")
        hours: dict[str, float] = {}
        for key, value in sla.items():
            if key != "default" and key not in kinds:
                raise ReviewPolicyError(f"{source}: sla_hours.{key} is not a case kind ({', '.join(kinds)})")
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 24 * 365:
                raise ReviewPolicyError(f"{source}: sla_hours.{key} must be a number of hours above 0")
            hours[str(key)] = float(value)
        return cls(revision=str(raw["revision"]), default_sla_hours=hours.pop("default", DEFAULT_SLA_HOURS),
                   sla_hours_by_kind=hours)


def load_policy(policies_dir: Path, kinds: tuple[str, ...]) -> ReviewPolicy:
    path = Path(policies_dir) / POLICY_FILE
    if not path.exists():
        return ReviewPolicy()
    try:
        raw = yaml.load(path.read_text("utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise ReviewPolicyError(f"{path.name}: cannot be read as YAML ({type(exc).__name__})") from exc
    return ReviewPolicy.from_mapping(raw, kinds, path.name)
