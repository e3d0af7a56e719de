"""One whole handover in a real window under Xvfb: a USB scanner types a card and Enter,
clicks go through to the staff PIN, and the screen and the records both show the child gone."""

from __future__ import annotations

import itertools
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Adult, Child, Event, Staff
from db.seed import seed_demo
from db.vocabulary import EventType

HANDOVER = str(Path(sys.executable).with_name("handover"))
# Where the buttons are on the 800x480 kiosk (measured from the rendered layout).
STAFF_CONFIRM = (400, 411)
CONFIRM_WITH_PIN = (515, 392)
SASKIA = (242, 297)
PIN_KEYS = {"6": (721, 228), "2": (580, 130), "3": (721, 130), "4": (438, 228), "OK": (721, 423)}

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool") and shutil.which("import")),
    reason="needs Xvfb, xdotool and ImageMagick (scripts/bootstrap.sh installs them)",
)


def _free_displays() -> Iterator[int]:
    """Display numbers whose lock file nobody holds, from a random start: no fixed :99 to race
    for, and no pipe to hand through (-displayfd failed under xdist here)."""
    start = random.randint(100, 900)
    for number in range(start, start + 200):
        if not Path(f"/tmp/.X{number}-lock").exists():  # noqa: S108 - where X keeps its locks
            yield number


def _answers(display: str) -> bool:
    probe = subprocess.run(
        ["xdpyinfo"],
        env=dict(os.environ, DISPLAY=display),
        capture_output=True,
        check=False,
        timeout=10,
    )
    return probe.returncode == 0


@contextmanager
def private_display(log: Path) -> Iterator[str]:
    """A private X server, checked to answer before a kiosk is started on it; Xvfb's own
    words are kept in ``log``. -noreset: an X server resets when its last client leaves, and
    our xdotool polls connect and leave while the kiosk is still starting."""
    for number in itertools.islice(_free_displays(), 5):
        name = f":{number}"
        with log.open("ab") as errors:
            server = subprocess.Popen(
                ["Xvfb", name, "-screen", "0", "800x480x24", "-nolisten", "tcp", "-noreset"],
                stderr=errors,
            )
        deadline = time.monotonic() + 10
        while server.poll() is None and not _answers(name) and time.monotonic() < deadline:
            time.sleep(0.2)
        if server.poll() is None and _answers(name):
            break
        server.kill()
        server.wait(timeout=10)
    else:
        pytest.fail(f"Xvfb would not start: {log.read_text(errors='replace')[-2000:]}")
    try:
        yield name
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    with private_display(tmp_path / "xvfb.log") as name:
        yield name


class RunningKiosk:
    def __init__(self, database: str, display: str, log: Path, *extra: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if k != "SDL_VIDEODRIVER"}
        self.env |= {"DISPLAY": display, "PYTHONFAULTHANDLER": "1"}
        self.log = log
        self._log_file = log.open("wb")  # a file, not a pipe that nobody drains
        self.process = subprocess.Popen(
            [HANDOVER, "kiosk", "--db", database, "--camera", "none", *extra],
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    def window(self) -> str:
        # On this private X server the kiosk is the only client with a window class.
        found = self.xdotool("search", "--pid", str(self.process.pid))
        return found or self.xdotool("search", "--class", ".")

    def click(self, at: tuple[int, int]) -> None:
        self.xdotool("mousemove", str(at[0]), str(at[1]), "click", "1")
        time.sleep(0.6)

    def wait(self, check: Callable[[], bool], what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.send_signal(signal.SIGABRT)  # faulthandler says where it was
                time.sleep(1)
                self.stop()
                said = self.log.read_text(errors="replace")[-3000:]
                tree = subprocess.run(
                    ["xwininfo", "-root", "-tree"],
                    env=self.env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                xvfb_log = self.log.parent / "xvfb.log"
                xvfb = xvfb_log.read_text(errors="replace")[-1500:] if xvfb_log.exists() else ""
                raise AssertionError(
                    f"{what} did not happen; Xvfb said:\n{xvfb}\nthe kiosk said:\n{said}\n"
                    f"windows on {self.env['DISPLAY']}:\n{tree.stdout}{tree.stderr}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self._log_file.close()


def test_a_usb_scanner_and_clicks_complete_a_handover_in_a_real_window(
    tmp_path: Path, display: str
) -> None:
    database = str(tmp_path / "kiosk.db")
    engine = make_engine(database)
    upgrade_to_head(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        credentials = seed_demo(session, today=date.today(), now=utc_now() - timedelta(hours=2))
        session.commit()
        mia = session.scalars(select(Child).where(Child.first_name == "Mia")).one().id
        kirsty = session.scalars(select(Adult).where(Adult.first_name == "Kirsty")).one().id
        saskia = session.scalars(select(Staff).where(Staff.username == "saskia")).one().id
    card = next(
        c.payload for c in credentials.cards if c.holder == "Kirsty Walsh" and not c.revoked
    )
    _arrive_this_morning(database, mia, kirsty)

    def events(kind: EventType) -> list[Event]:
        with sessions() as session:
            return list(session.scalars(select(Event).where(Event.type == kind.value)))

    kiosk = RunningKiosk(database, display, tmp_path / "kiosk.log")
    shot = tmp_path / "done.png"
    try:
        kiosk.wait(lambda: bool(kiosk.window()), "the kiosk window", timeout=90)
        kiosk.xdotool("windowfocus", "--sync", kiosk.window().split()[0])
        time.sleep(1.0)
        kiosk.xdotool("type", "--delay", "8", card)  # a USB 2D scanner is a keyboard
        kiosk.xdotool("key", "Return")
        kiosk.wait(lambda: bool(events(EventType.COLLECTION_REQUESTED)), "the collection request")
        time.sleep(0.5)
        for spot in (
            STAFF_CONFIRM,
            CONFIRM_WITH_PIN,
            SASKIA,
            *(PIN_KEYS[k] for k in "6234"),
            PIN_KEYS["OK"],
        ):
            kiosk.click(spot)
        kiosk.wait(lambda: bool(events(EventType.CHILD_COLLECTED)), "the handover", timeout=20)
        time.sleep(1.0)
        subprocess.run(["import", "-window", "root", str(shot)], env=kiosk.env, check=True)
    finally:
        kiosk.stop()
    (collected,) = events(EventType.CHILD_COLLECTED)
    assert (collected.child_id, collected.adult_id, collected.staff_id) == (mia, kirsty, saskia)
    pixel = Image.open(shot).convert("RGB").getpixel((400, 412))
    assert isinstance(pixel, tuple)
    red, green, blue = pixel[:3]
    assert green > red + 40 and green > blue + 20, "the green OK of the done screen"


def _arrive_this_morning(database: str, child: int, adult: int) -> None:
    from kiosk.service import KioskService
    from kiosk.store.local import KioskStore

    service = KioskService(KioskStore(database, device="front-door"), device="front-door")
    service.run(lambda: service.arrive([child], brought_by_adult_id=adult)).result(timeout=10)
    service.shutdown()
