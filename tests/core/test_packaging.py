"""The wheel alone runs the service: rule packs, policies and audit definitions travel inside it.

The wheel is built from a copy of the checkout (the build writes ``build/`` and ``*.egg-info``), installed
into a fresh virtual environment outside the checkout, and the installed ``riskguard`` initialises a data
directory, creates a key and screens an ad from a working directory that is not the checkout. The fresh
environment borrows the test environment's third-party packages through a ``.pth`` line (installing them
again would take minutes); a ``.pth`` line adds a folder only, so the checkout's editable install there
is not loaded, and the test checks that ``riskguard`` comes from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from riskguard.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

_COPY = ("riskguard", "rules", "policies", "audit", "pyproject.toml", "README.md")

_SCREEN = """
import json, sys
from pathlib import Path
import riskguard
from riskguard import create_app
from riskguard.config import Settings

app = create_app()
settings = Settings.from_env()
response = app.test_client().post("/v1/screen/ad", headers={"Authorization": "Bearer " + sys.argv[1]},
                                  json={"text": "全网最低价，最好的面霜", "category": "cosmetics"})
print(json.dumps({"module": riskguard.__file__, "rules_dir": str(settings.rules_dir),
                  "status": response.status_code, "body": response.get_json()}))
"""


def _run(args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in _COPY:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, src / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(origin, src / name)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
          str(src)], env=dict(os.environ), cwd=out)
    (built,) = out.glob("riskguard-*.whl")
    return built


def test_wheel_holds_the_data_as_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("riskguard/_data/rules/cn/adlaw.yaml", "riskguard/_data/policies/ad-prepublish.yaml",
                     "riskguard/_data/audit/report.schema.json", "riskguard/_data/audit/reports/overrides.yaml",
                     "riskguard/migrations/env.py"):
        assert required in names
    assert not any(name.startswith(("rules/", "policies/", "audit/")) for name in names)


def test_installed_wheel_serves_from_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     env={"PATH": os.environ.get("PATH", "")}, cwd=tmp_path).strip())
    (site / "borrowed-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
         env=dict(os.environ, PYTHONPATH=""), cwd=tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "RISKGUARD_DATA_DIR": str(work / "var")}
    riskguard = str(venv / "bin" / "riskguard")
    assert _run([riskguard, "--version"], env, work).strip() == "riskguard, version 0.1.0"
    _run([riskguard, "init"], env, work)
    token = _run([riskguard, "keys", "create", "--role", "screener", "--name", "wheel"], env, work).strip()
    result = json.loads(_run([str(python), "-c", _SCREEN, token], env, work).splitlines()[-1])

    assert result["module"].startswith(str(site)), result["module"]
    assert Path(result["rules_dir"]) == site / "riskguard" / "_data" / "rules"
    assert not Path(result["rules_dir"]).is_symlink()
    assert result["status"] == 200, result["body"]
    assert result["body"]["decision"] in {"block", "review"}
    assert result["body"]["policy_revision"]
