"""What the deploy and backup tests share: running a script as a person would, reading a
settings file as systemd's EnvironmentFile reads it, and reading the nursery's records straight
from its database (a file path or a URL), as no Handover code would."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import Engine, create_engine, text


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


def verified_units(root: Path, units: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``systemd-analyze verify`` on the units installed under ``root`` (installed name: name to
    verify them as), with /opt/handover and /etc/handover inside root, so the verifier finds
    every program they start, and run as root, as the test machine has no handover user."""
    folder = root / "units"
    folder.mkdir()
    for installed, name in units.items():
        text = (root / "etc/systemd/system" / installed).read_text(encoding="utf-8")
        text = text.replace("/opt/handover", f"{root}/opt/handover")
        text = text.replace("/etc/handover", f"{root}/etc/handover")
        text = text.replace("User=handover", "User=root").replace("Group=handover", "Group=root")
        (folder / name).write_text(text, encoding="utf-8")
    return sh("systemd-analyze", "verify", *(folder / name for name in units.values()))


def _engine(database: str) -> Engine:
    return create_engine(database if "://" in database else f"sqlite:///{database}")


def children_named(database: str) -> list[str]:
    engine = _engine(database)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(text("SELECT first_name FROM children ORDER BY 1")))
    finally:
        engine.dispose()


def rename_every_child(database: str, name: str) -> None:
    """What a bad spreadsheet import would do to the records."""
    engine = _engine(database)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE children SET first_name = :n"), {"n": name})
    finally:
        engine.dispose()
