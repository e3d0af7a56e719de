"""A hub asked to stop (systemd's stop, an update's restart) stops at once, even while doors
and browsers hold their connections open between requests, as they do for 65 s."""

from __future__ import annotations

import time
from pathlib import Path

from tests.admin.hub_process import RunningHub

GRACE_SECONDS = 2  # handover/hub_server.py: what a request under way is given to finish


def test_a_hub_with_idle_connections_open_stops_without_waiting_out_the_grace(
    tmp_path: Path,
) -> None:
    # The real command: what systemd stops is the process as it starts, imports and all.
    hub = RunningHub(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path / "console.log", fork=False)
    hub.start()
    assert hub.process is not None
    with hub.client() as door, hub.client() as browser:
        assert door.get("/healthz").status_code == 200
        assert browser.get("/login").status_code in (200, 303)  # 303: to first-run setup
        # Both connections now sit idle and open, as between a door's rounds.
        started = time.monotonic()
        hub.process.terminate()
        hub.process.wait(30)  # uvicorn ends by raising SIGTERM again, as systemd expects
        took = time.monotonic() - started
    # Waiting on TLS goodbyes from clients between requests took the whole grace, every time.
    assert took < GRACE_SECONDS, f"the hub took {took:.1f} s to stop:\n{hub.output()}"
    assert "Traceback" not in hub.output()
