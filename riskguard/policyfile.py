"""Reading a policy file (``policies/*.yaml``): the one place its YAML is read and a read error is named.

Each domain checks the shape of its own policy; what they share is how the file is read and that a file
that cannot be read, or is not YAML, stops the start-up with the file named (a domain's own error type).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["YAML_LOADER", "read_policy_file"]

# libyaml's safe loader when PyYAML was built with it (the wheels are), as the rulebook loader uses: the
# pure-Python one is most of building an app's services (every app reads every policy file).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_policy_file(path: Path, error: type[Exception]) -> Any:
    """The YAML document in ``path``; ``error`` (the domain's policy error) naming the file if it cannot be
    read or is not valid YAML."""
    try:
        return yaml.load(Path(path).read_text("utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except OSError as exc:
        raise error(f"{path}: cannot read the policy file ({type(exc).__name__})") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: cannot read the policy file: not valid YAML ({type(exc).__name__})") from exc
