"""The real ``handover kiosk`` process at the edges of its life (issue 11, points 5 and 7): a
damaged database at start-up, and SIGTERM while its display hangs."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from db.clock import utc_now
from db.models import Event, Outbox
from db.seed import seed_demo
from db.vocabulary import EventType
from handover.backup import backup
from kiosk.store.local import KioskStore
from tests.kiosk.test_end_to_end_xvfb import display
from tests.kiosk.ui.conftest import DOCS

__all__ = ["display"]  # a private Xvfb, from the end-to-end test
HANDOVER = str(Path(sys.executable).with_name("handover"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("door") / "kiosk.db"
    store = KioskStore(str(path), device="front-door")
    with store.sessions.begin() as session:
        seed_demo(session, today=date.today(), now=utc_now() - timedelta(hours=2))
    store.close()
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    return path


def _kiosk_screenshot(database: Path, shot: Path, *more: str) -> subprocess.CompletedProcess[str]:
    """The kiosk as systemd starts it, rendered offscreen, for a few seconds."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "HANDOVER_BACKUPS")}
    command = [HANDOVER, "kiosk", "--db", str(database), "--camera", "none", *more]
    command += ["--screenshot-after", "4", str(shot)]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _colours(shot: Path) -> int:
    with Image.open(shot) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1_000_000) or [])


def test_a_damaged_database_with_nothing_to_rebuild_from_shows_out_of_service_not_a_loop(
    tmp_path: Path,
) -> None:
    database = tmp_path / "kiosk.db"
    database.write_bytes(b"SQLite format 3\0" + os.urandom(64 * 1024))
    shot = tmp_path / "out-of-service.png"

    done = _kiosk_screenshot(database, shot, "--backups", str(tmp_path / "no-backups"))

    assert done.returncode == 0, done.stderr[-2000:]  # it stayed up until asked to stop
    assert "out of service: This kiosk's database is damaged" in done.stderr
    assert _colours(shot) > 50, "a screen with words on it, not a blank door"
    DOCS.mkdir(exist_ok=True)
    shutil.copy(shot, DOCS / "kiosk-out-of-service.png")


def test_a_damaged_database_opens_the_door_on_last_nights_backup(
    tmp_path: Path, seeded: Path
) -> None:
    database, backups = tmp_path / "kiosk.db", tmp_path / "backups"
    shutil.copy(seeded, database)
    backup(database, backups, keep=14)
    database.write_bytes(os.urandom(64 * 1024))
    shot = tmp_path / "home.png"

    done = _kiosk_screenshot(database, shot, "--backups", str(backups))

    assert done.returncode == 0 and "out of service" not in done.stderr, done.stderr[-2000:]
    assert [p.name.split(".")[1][:7] for p in tmp_path.glob("kiosk.damaged-*.db")] == ["damaged"]
    assert _colours(shot) > 50
    store = KioskStore(str(database), device="reader")
    try:
        with store.sessions() as session:
            alerts = session.execute(
                select(Event.payload, Outbox.sent_at)
                .join(Outbox, Outbox.event_uuid == Event.uuid)
                .where(Event.type == EventType.ALERT_RAISED)
            ).all()
    finally:
        store.close()
    assert [(a.payload["reason"], a.sent_at) for a in alerts] == [
        ("kiosk_database_replaced", None)
    ], "every staff screen will hear of it, through the outbox"


def _wait_for_sdl(pid: int, timeout: float = 60) -> None:
    """Until the kiosk has loaded SDL and is talking to the display (or trying to)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        maps = Path(f"/proc/{pid}/maps").read_text(errors="replace")
        if "libSDL2" in maps and "libX11" in maps:
            time.sleep(2)  # into the display's handshake, where a hung display holds it
            return
        time.sleep(0.2)
    pytest.fail("the kiosk never loaded SDL")


def test_the_kiosk_ends_within_seconds_of_sigterm_while_its_display_hangs(
    tmp_path: Path, seeded: Path, display: str
) -> None:
    database = tmp_path / "kiosk.db"
    shutil.copy(seeded, database)
    lock = Path(f"/tmp/.X{display.lstrip(':')}-lock")  # noqa: S108 - where X keeps its pid
    server = int(lock.read_text().strip())
    # A display that stops answering, as a hung compositor: the kiosk's screen thread blocks
    # inside SDL, where it used to sit through SIGTERM until systemd's SIGKILL 90 s later.
    os.kill(server, signal.SIGSTOP)
    env = {k: v for k, v in os.environ.items() if k != "SDL_VIDEODRIVER"} | {"DISPLAY": display}
    log = (tmp_path / "kiosk.log").open("wb")
    kiosk = subprocess.Popen(
        [HANDOVER, "kiosk", "--db", str(database), "--camera", "none"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_sdl(kiosk.pid)
        assert kiosk.poll() is None, "still starting, stuck on the display"
        asked = time.monotonic()
        kiosk.terminate()
        try:
            kiosk.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail("the kiosk was still running 10 s after SIGTERM")
        assert time.monotonic() - asked < 3
    finally:
        os.kill(server, signal.SIGCONT)
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
        log.close()
