"""``/metrics`` in Prometheus' text format (the ``prometheus-client`` library), and the one
middleware that times every request, counts it and writes its access-log line.

Requests are labelled by route template (``/children/{child_id}``), never by the path asked
for, so no id or name becomes a label and the number of series stays fixed. The records
(events stored, kiosks and their last sync, open alerts) are read from the database when
Prometheus scrapes, not kept in step by hand.

Who may read it: with ``HANDOVER_METRICS_TOKEN`` set, whoever sends it as a bearer token
(Prometheus' ``authorization`` setting); without, only this machine, and only directly: a
request a reverse proxy forwarded (``X-Forwarded-For``/``Forwarded``) is refused, because on
the same machine a proxy's requests come from loopback too. The figures hold no personal
data, but they show when a nursery is busy and which doors are offline: not for the LAN.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from ipaddress import ip_address

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.office.alerts import open_alert_records
from admin.ops.logs import ACCESS_LOG, log_event
from db.models import Event, Kiosk
from db.vocabulary import Severity

router = APIRouter()
QUIET_ROUTES = frozenset({"/healthz", "/metrics"})  # polled every few seconds: no log line
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HubMetrics:
    """One registry per hub application (not the library's global one), so tests can build
    many hubs in one process."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "handover_http_requests",
            "Requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "handover_http_request_duration_seconds",
            "Time until the answer started, by route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.sync_refusals = Counter(
            "handover_sync_refusals",
            "Requests of the sync API refused, by the error code the kiosk was given.",
            ["code"],
            registry=self.registry,
        )
        self.registry.register(RecordsCollector(sessions, clock))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class RecordsCollector(Collector):
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self.sessions, self.clock = sessions, clock

    def collect(self) -> Iterator[Metric]:
        now = self.clock()
        with self.sessions() as db:
            # Every stored event takes the next sequence number: the highest is the count,
            # read from the primary key instead of counting a table that only grows.
            events = CounterMetricFamily("handover_events_stored", "Events in the hub's log.")
            events.add_metric([], float(db.scalar(select(func.max(Event.seq))) or 0))
            yield events
            yield from _kiosk_metrics(db)
            alerts = GaugeMetricFamily(
                "handover_open_alerts", "Alerts not yet resolved.", labels=["severity"]
            )
            open_now = [a.severity for a in open_alert_records(db, now)]
            for severity in Severity:
                alerts.add_metric([severity.value], float(open_now.count(severity)))
            yield alerts


def _kiosk_metrics(db: Session) -> Iterator[Metric]:
    kiosks = db.scalars(select(Kiosk).where(Kiosk.deleted_at.is_(None))).all()
    states = GaugeMetricFamily("handover_kiosks", "Kiosks, by state.", labels=["state"])
    last = GaugeMetricFamily(
        "handover_kiosk_last_sync_timestamp_seconds",
        "When each paired kiosk last spoke to the hub (Unix time).",
        labels=["kiosk", "name"],
    )
    counts = {"paired": 0, "revoked": 0, "not_paired": 0}
    for kiosk in kiosks:
        state = "revoked" if kiosk.revoked_at else "paired" if kiosk.token_hash else "not_paired"
        counts[state] += 1
        if state == "paired" and kiosk.last_seen_at is not None:
            last.add_metric([str(kiosk.id), kiosk.name], kiosk.last_seen_at.timestamp())
    for state, count in counts.items():
        states.add_metric([state], float(count))
    yield states
    yield last


def _may_read(request: Request, token: str | None) -> Response | None:
    """None when the caller may read the metrics, else the refusal."""
    if token:
        offered = request.headers.get("authorization", "")
        if secrets.compare_digest(offered.encode(), f"Bearer {token}".encode()):
            return None
        return PlainTextResponse(
            "Send the metrics token: Authorization: Bearer <HANDOVER_METRICS_TOKEN>\n",
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    host = request.client.host if request.client else ""
    try:
        local = ip_address(host).is_loopback
    except ValueError:
        local = False
    if local and not {"x-forwarded-for", "forwarded"} & set(request.headers.keys()):
        return None
    return PlainTextResponse(
        "Metrics are served to this machine only; set HANDOVER_METRICS_TOKEN to read them "
        "from elsewhere.\n",
        status_code=403,
    )


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    refusal = _may_read(request, request.app.state.settings.metrics_token)
    if refusal is not None:
        return refusal
    hub: HubMetrics = request.app.state.metrics
    return Response(hub.exposition(), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope, outer_root: str) -> str:
    """The matched route's path as written in the code; a mount's own files as one route."""
    mount = str(scope.get("root_path", ""))[len(outer_root) :]
    route = scope.get("route")
    if route is not None and isinstance(getattr(route, "path", None), str):
        return f"{mount}{route.path}"
    return f"{mount}/{{path}}" if mount else "unmatched"


def _kiosk_poll(method: str, route: str) -> bool:
    # Each kiosk asks for news every few seconds: tens of thousands of lines a day, on an SD card.
    # They are counted in the metrics; what a kiosk sends (POST) and every refusal are logged.
    return method == "GET" and route.startswith("/api/v1/")


def _kiosk_of(scope: Scope) -> str | None:
    # The id a device token starts with ("<kiosk id>.<secret>"); the secret is never read.
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            claimed = value.decode("latin-1").partition(" ")[2].partition(".")[0]
            return claimed if claimed.isdigit() else None
    return None


class RequestObserver:
    """Times, counts and logs every request. Plain ASGI: the live stream passes untouched."""

    def __init__(self, app: ASGIApp, *, metrics: HubMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, outer_root = time.perf_counter(), str(scope.get("root_path", ""))
        answered: list[float] = []
        status = [500]
        state = scope.setdefault("state", {})

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                answered.append(time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            seconds = answered[0] if answered else time.perf_counter() - started
            self._record(scope, route_template(scope, outer_root), status[0], seconds, state)

    def _record(
        self, scope: Scope, route: str, status: int, seconds: float, state: dict[str, object]
    ) -> None:
        method = str(scope["method"])
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.latency.labels(method, route).observe(seconds)
        refusal = state.get("sync_refusal")
        if isinstance(refusal, str):
            self.metrics.sync_refusals.labels(refusal).inc()
            log_event(
                "sync_refused", route=route, status=status, code=refusal, kiosk=_kiosk_of(scope)
            )
        if status < 400 and (route in QUIET_ROUTES or _kiosk_poll(method, route)):
            return
        client = scope.get("client")
        log_event(
            "request",
            logger=ACCESS_LOG,
            method=method,
            route=route,
            status=status,
            ms=round(seconds * 1000, 1),
            client=client[0] if client else None,
        )
