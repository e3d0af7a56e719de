"""``handover kiosk --hub URL --pair CODE`` as a person types it: pairs once, keeps the token
where only its owner reads it, opens with the nursery's people, and refuses a bad code."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.models import Child, Kiosk
from tests.sync.nursery import EXPIRED_CODE, PAIRING_CODE, Hub, Nursery

ROOT = Path(__file__).parents[2]


def kiosk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run(
        [sys.executable, "-m", "handover", "kiosk", "--camera", "none", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pairing_from_the_command_line_opens_a_door_with_the_nurserys_people(
    hub: Hub, nursery: Nursery, tmp_path: Path
) -> None:
    shot = tmp_path / "door.png"
    first = kiosk(
        "--db",
        "door.db",
        "--hub",
        hub.base,
        "--pair",
        PAIRING_CODE.lower(),  # read aloud and typed: case does not matter
        "--screenshot-after",
        "2",
        str(shot),
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Paired with" in first.stdout and "Synced with" in first.stdout
    token = tmp_path / "door.token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert shot.stat().st_size > 1000
    engine = make_engine(str(tmp_path / "door.db"))
    with session_factory(engine)() as db:
        assert list(db.scalars(select(Child.first_name))) == ["Maya"]
    engine.dispose()

    # The code was used up; the door keeps its token and needs no code the next time.
    again = kiosk(
        "--db", "door.db", "--hub", hub.base, "--screenshot-after", "1", str(shot), cwd=tmp_path
    )
    assert again.returncode == 0 and "Synced with" in again.stdout, again.stderr
    hub_engine = make_engine(nursery.url)
    with session_factory(hub_engine)() as db:
        door = db.scalar(select(Kiosk).where(Kiosk.name == "Front door"))
        assert door is not None and door.paired_at is not None and door.pairing_code_hash is None
    hub_engine.dispose()


def test_a_bad_or_expired_code_is_refused_and_the_door_does_not_open(
    hub: Hub, tmp_path: Path
) -> None:
    for code, said in (("NOPE-NOPE-NOPE", "pairing_code_unknown"), (EXPIRED_CODE, "expired")):
        refused = kiosk(
            "--db",
            "door.db",
            "--hub",
            hub.base,
            "--pair",
            code,
            "--screenshot-after",
            "1",
            "x.png",
            cwd=tmp_path,
        )
        assert refused.returncode == 1
        assert "refused the pairing code" in refused.stderr and said in refused.stderr
        assert not (tmp_path / "door.token").exists() and not (tmp_path / "x.png").exists()


def test_pair_without_a_hub_is_a_usage_error(tmp_path: Path) -> None:
    wrong = kiosk(
        "--db", "door.db", "--pair", "ABCD", "--screenshot-after", "1", "x.png", cwd=tmp_path
    )
    assert wrong.returncode == 2 and "--pair needs --hub" in wrong.stderr
