"""``handover hub`` as its own process, as systemd runs it, with its console kept in a file
(what the journal would hold): the tests read its health, metrics, log and setup code."""

from __future__ import annotations

import os
import re
import socket
import ssl
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.admin.conftest import SECRET, csrf_of
from tests.hub_fork import HubProcess, start_handover
from tests.sync.events import Door, pair_door

SETUP_CODE = re.compile(r"^Setup code: ([A-Z0-9-]+)$", re.MULTILINE)


class RunningHub:
    def __init__(
        self,
        database: str,
        console: Path,
        env: Mapping[str, str] | None = None,
        *,
        fork: bool = True,
    ) -> None:
        """``fork=False``: the real ``python -m handover hub`` process, for tests of the process
        itself (how it starts or stops); else forked ready-imported (tests/hub_fork.py)."""
        self.database, self.console, self.fork = database, console, fork
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOVER_")}
        # HTTPS with the hub's own CA, as in the office; its tls/ folder beside the console.
        self.env |= {
            "HANDOVER_SECRET_KEY": SECRET,
            "HANDOVER_DATA_DIR": str(console.parent),
            # The demo's booked children would raise "not yet arrived" alerts or not by the
            # hour a test runs at: off, but for the tests of those alerts (test_not_arrived.py).
            "HANDOVER_NOT_ARRIVED_CHECK_SECONDS": "0",
            **(env or {}),
        }
        self.process: HubProcess | None = None
        self.url = ""
        self.scheme = "https"  # "http" with extra=("--insecure-http",)
        self.extra: tuple[str, ...] = ()

    def start(self, host: str = "127.0.0.1") -> RunningHub:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"{self.scheme}://127.0.0.1:{port}"
        self.process = start_handover(
            ["hub", "--db", self.database, *self.extra, "--host", host, "--port", str(port)],
            env=self.env,
            console=self.console,
            fork=self.fork,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the hub stopped:\n{self.output()}"
            try:
                # Unchecked while it starts: every client after checks the hub's certificate.
                httpx.get(f"{self.url}/healthz", timeout=2, verify=False)  # noqa: S501
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(f"the hub did not answer in 60 s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def output(self) -> str:
        return self.console.read_text(encoding="utf-8", errors="replace")

    def log_lines(self, event: str) -> list[str]:
        """The hub's structured lines for one event (``event=login``, not ``login_failed``)."""
        return [line for line in self.output().splitlines() if f" event={event} " in f"{line} "]

    def setup_codes(self) -> list[str]:
        """Every setup code this hub printed, oldest first (one per start)."""
        return SETUP_CODE.findall(self.output())

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """For httpx's ``verify=``: trusts the CA the hub made on its first start."""
        if self.scheme == "http":
            return True  # nothing to verify over plain HTTP
        folder = Path(self.env["HANDOVER_DATA_DIR"]) / "tls"
        return ssl.create_default_context(cafile=str(folder / "office-ca.pem"))

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, timeout=30, follow_redirects=False, verify=self.verify
        )


@dataclass(frozen=True)
class PairedKiosk:
    kiosk_id: int
    code: str
    token: str
    door: Door  # its key and chain: ``kiosk.door.signed_json(event)`` to push as it would


def signed_in(hub: RunningHub, who: tuple[str, str]) -> httpx.Client:
    """A browser-like client of the office, signed in as ``who``."""
    client = hub.client()
    form = {"username": who[0], "password": who[1], "next": "/today"}
    answer = client.post("/login", data={**form, "csrf_token": csrf_of(client.get("/login"))})
    assert answer.status_code == 303, answer.text
    return client


def register_kiosk(manager: httpx.Client, name: str) -> tuple[str, int]:
    """Registered on the Kiosks page by the manager: its pairing code and id."""
    page = manager.get("/kiosks")
    made = manager.post("/kiosks", data={"name": name, "csrf_token": csrf_of(page)})
    found = re.search(r"data-pairing-code>([^<]+)<", made.text)
    assert found, made.text
    return found[1], int(re.findall(r"/kiosks/(\d+)/pairing", made.text)[-1])


def pair_kiosk(hub: RunningHub, manager: httpx.Client, name: str) -> PairedKiosk:
    """Registered on the Kiosks page by the manager, then paired with the code itself."""
    code, _ = register_kiosk(manager, name)
    device = name.lower().replace(" ", "-")
    door = pair_door(hub.url, code=code, device=device)
    return PairedKiosk(int(door.token.split(".")[0]), code, door.token, door)


def seed_demo_for_today(database_url: str) -> None:
    """The demo nursery in an empty database, seeded for today by the real clock (a hub process
    reads the real clock, unlike the in-process app's fixed Monday)."""
    from zoneinfo import ZoneInfo

    from db.clock import local_day, utc_now
    from db.engine import make_engine, session_factory
    from db.migrate import upgrade_to_head
    from db.seed import seed_demo

    engine = make_engine(database_url)
    upgrade_to_head(engine)
    now = utc_now()
    with session_factory(engine)() as db:
        seed_demo(db, today=local_day(now, ZoneInfo("Europe/London")), now=now)
        db.commit()
    engine.dispose()
