"""What the deploy tests of the Pi and the server share: running a script as a person would,
and reading a settings file as systemd's EnvironmentFile reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path


def sh(
    *command: str | Path,
    env: dict[str, str] | None = None,
    timeout: float = 180,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        cwd=cwd,
    )


def settings(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
