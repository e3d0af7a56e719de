"""Handover as users get it: the wheel built from this checkout, installed in clean virtual
environments outside it, once per test run (xdist workers share them through a lock).

- ``full``: requirements/pi.txt (hashes checked) then the wheel without dependencies, exactly
  as deploy/raspberry-pi/install.sh does it.
- ``hub``: ``pip install 'handover-*.whl[hub]'``, resolved from the wheel's own metadata, as
  someone installing only the office would.

pip's cache makes a second run quick; nothing is downloaded that PyPI does not serve.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
LOCKS = ROOT / "requirements"


@dataclass(frozen=True)
class Release:
    wheel: Path
    full: Path  # a venv with hub and kiosk, from the Pi's lock
    hub: Path  # a venv with handover[hub] only
    seconds: dict[str, float]  # how long each step took, for the test's report

    def handover(self, venv: Path) -> Path:
        return venv / "bin" / "handover"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of someone who never saw the checkout: no PYTHONPATH, no venv. pip
    skips compiling every module to .pyc (a third of an install's time here); Python compiles
    what it imports anyway."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env | {"PYTHONNOUSERSITE": "1", "PIP_COMPILE": "0"} | extra


def run(*command: str | Path, cwd: Path, timeout: float = 900) -> str:
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{command} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def only_one_builder(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _venv(folder: Path, cwd: Path) -> Path:
    # sys._base_executable: the interpreter beneath the checkout's .venv, so the new venv
    # does not inherit it.
    run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", folder, cwd=cwd)
    return folder / "bin" / "pip"


def build_release(folder: Path, run_id: str) -> Release:
    """Build and install once per run; another worker of the same run reads what the first
    made; a new run starts from nothing (the checkout may have changed)."""
    made = folder / "release.json"
    with only_one_builder(folder):
        saved = json.loads(made.read_text(encoding="utf-8")) if made.exists() else {}
        if saved.get("run") == run_id:
            return Release(
                Path(saved["wheel"]), Path(saved["full"]), Path(saved["hub"]), saved["seconds"]
            )
        for old in ("dist", "full", "hub", "release.json"):
            shutil.rmtree(folder / old, ignore_errors=True)
            (folder / old).unlink(missing_ok=True)
        seconds: dict[str, float] = {}
        started = time.monotonic()
        dist = folder / "dist"
        run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT, cwd=folder)
        (wheel,) = dist.glob("handover-*.whl")
        seconds["build the wheel"] = time.monotonic() - started

        started = time.monotonic()
        pip = _venv(folder / "full", folder)
        run(pip, "install", "-q", "--require-hashes", "-r", LOCKS / "pi.txt", cwd=folder)
        run(pip, "install", "-q", "--no-deps", wheel, cwd=folder)
        run(pip, "check", cwd=folder)
        seconds["install hub and kiosk from the Pi's lock"] = time.monotonic() - started

        started = time.monotonic()
        pip = _venv(folder / "hub", folder)
        run(pip, "install", "-q", f"{wheel}[hub]", cwd=folder)
        seconds["install handover[hub]"] = time.monotonic() - started

        release = Release(wheel, folder / "full", folder / "hub", seconds)
        made.write_text(
            json.dumps(
                {"wheel": str(wheel), "full": str(release.full), "hub": str(release.hub)}
                | {"seconds": seconds, "run": run_id}
            ),
            encoding="utf-8",
        )
        return release
