"""What watching the hub costs: ``/healthz`` and ``/metrics`` on a nursery of 200 children and
a year of events, and the Today page with and without the middleware that times, counts and
logs every request (the "before" and "after" of issue 16.3, measured in one run, the two
interleaved so both see the same machine). Served in-process through the whole web stack;
prints p50/p95; it is not a test.

    .venv/bin/python -m benchmarks.hub_health                  # SQLite in a temp dir
    .venv/bin/python -m benchmarks.hub_health --postgres postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient

from admin.app import create_app
from admin.config import HubSettings
from admin.ops.logs import configure_hub_logging
from admin.ops.metrics import RequestObserver
from admin.security import SESSION_COOKIE
from benchmarks.admin_pages import SECRET, _ms, _prepare, _timed, run_on_scratch_nursery

METRICS_TOKEN = "benchmark-metrics-token"  # noqa: S105


def _hub(url: str, clock: Callable[[], object], *, observed: bool) -> FastAPI:
    # The test client is not on loopback: it reads the metrics with a token, as Prometheus would.
    settings = HubSettings(
        database_url=url, secret_key=SECRET, demo=False, metrics_token=METRICS_TOKEN
    )
    app = create_app(settings, clock=clock)  # type: ignore[arg-type]
    if not observed:  # the hub as it was before: the middleware stack is built on first use
        kept = [m for m in app.user_middleware if cast(object, m.cls) is not RequestObserver]
        app.user_middleware = kept
    return app


def run(url: str, *, children: int, days: int, requests: int) -> None:
    now, token, _ = _prepare(url, children, days)
    configure_hub_logging(open(os.devnull, "w"))  # noqa: SIM115 - formatted and written, unread

    def clock() -> object:
        return now + timedelta(seconds=time.perf_counter() % 60)

    before, after = _hub(url, clock, observed=False), _hub(url, clock, observed=True)
    with (
        TestClient(before, base_url="https://office") as plain,
        TestClient(after, base_url="https://office") as watched,
    ):
        for client in (plain, watched):
            client.cookies.set(SESSION_COOKIE, token)
            client.headers["Authorization"] = f"Bearer {METRICS_TOKEN}"
            for path in ("/today", "/healthz", "/metrics"):
                client.get(path)  # warm the pool, templates and statement cache
        # Today is the busiest page; /healthz is nearly free, so the observer's own cost shows.
        figures = {
            "today, before (no observer)": (plain, "/today"),
            "today, after (timed, counted, logged)": (watched, "/today"),
            "/healthz, before (no observer)": (plain, "/healthz"),
            "/healthz, after": (watched, "/healthz"),
            "/metrics": (watched, "/metrics"),
        }
        samples: dict[str, list[float]] = {name: [] for name in figures}
        for _ in range(requests):
            for name, (client, path) in figures.items():
                samples[name].append(_timed(client, path))
    for name, taken in samples.items():
        print(f"{name:38s} {_ms(taken)}")
    before.state.engine.dispose()
    after.state.engine.dispose()


def main() -> None:
    run_on_scratch_nursery(__doc__ or "", run)


if __name__ == "__main__":
    main()
