"""``/metrics`` of ``handover hub`` in its own process, read as Prometheus reads it (the
library's own parser): requests by route, the records, and who may read them at all."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from db.engine import make_engine, session_factory
from db.models import Event
from tests.admin.conftest import MANAGER
from tests.admin.hub_process import PairedKiosk, RunningHub, pair_kiosk, signed_in

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(hub: RunningHub, **headers: str) -> Samples:
    answer = httpx.get(f"{hub.url}/metrics", headers=headers, timeout=10, verify=hub.verify)
    assert answer.status_code == 200, answer.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, metric: str, /, **labels: str) -> float:
    return samples.get((metric, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def hub(database: str, tmp_path: Path) -> Iterator[RunningHub]:
    hub = RunningHub(database, tmp_path / "console.log").start()
    yield hub
    hub.stop()


def _push(hub: RunningHub, kiosk: PairedKiosk, events: list[dict[str, object]]) -> int:
    answer = httpx.post(
        f"{hub.url}/api/v1/events",
        # Signed as the door signs; a body that is not an event at all goes as it is.
        json={
            "events": [
                *kiosk.door.signed_json(*(e for e in events if "type" in e)),
                *(e for e in events if "type" not in e),
            ]
        },
        headers={"Authorization": f"Bearer {kiosk.token}"},
        verify=hub.verify,
    )
    return answer.status_code


def _restricted_person_alert() -> dict[str, object]:
    return {
        "uuid": str(uuid4()),
        "type": "alert_raised",
        "device": "side-door",
        "occurred_at": datetime.now(UTC).isoformat(),
        "child_id": 4,
        "payload": {"reason": "restricted_person", "severity": "critical"},
    }


def test_prometheus_counts_pages_by_route_with_no_child_or_name_in_any_label(
    hub: RunningHub,
) -> None:
    manager = signed_in(hub, MANAGER)
    for child_id in (3, 4, 5):
        assert manager.get(f"/children/{child_id}").status_code == 200
    assert manager.get("/children", params={"q": "Fletcher"}).status_code == 200
    manager.close()
    samples = scrape(hub)
    route = "/children/{child_id}"
    assert (
        value(samples, "handover_http_requests_total", method="GET", route=route, status="200") == 3
    )
    assert (
        value(samples, "handover_http_request_duration_seconds_count", method="GET", route=route)
        == 3
    )
    routes = {dict(labels)["route"] for _, labels in samples if "route" in dict(labels)}
    assert "/login" in routes and "/children" in routes
    for shown in routes:
        assert shown == "unmatched" or shown.startswith("/"), shown
        assert not re.search(r"/\d|Fletcher", shown), shown


def test_prometheus_sees_events_kiosks_open_alerts_and_refused_batches(
    hub: RunningHub,
) -> None:
    before = scrape(hub)
    manager = signed_in(hub, MANAGER)
    kiosk = pair_kiosk(hub, manager, "Side door")
    manager.close()
    assert _push(hub, kiosk, [_restricted_person_alert()]) == 200
    assert _push(hub, kiosk, [{"uuid": "not a uuid"}]) == 422
    after = scrape(hub)
    engine = make_engine(hub.database)
    with session_factory(engine)() as db:
        stored = db.scalar(select(func.count()).select_from(Event))
    engine.dispose()
    assert value(after, "handover_events_stored_total") == stored
    assert (
        value(after, "handover_events_stored_total")
        == value(before, "handover_events_stored_total") + 1
    )
    critical = {"severity": "critical"}
    assert (
        value(after, "handover_open_alerts", **critical)
        == value(before, "handover_open_alerts", **critical) + 1
    )
    assert value(after, "handover_kiosks", state="paired") == 1
    assert value(after, "handover_kiosks", state="not_paired") == 1  # the demo's Front door
    last_sync = value(
        after,
        "handover_kiosk_last_sync_timestamp_seconds",
        kiosk=str(kiosk.kiosk_id),
        name="Side door",
    )
    assert abs(last_sync - time.time()) < 120
    assert value(after, "handover_sync_refusals_total", code="invalid_request") == 1


def _lan_address() -> str | None:
    """This machine's address on its network, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_without_a_token_metrics_are_for_this_machine_only_and_not_through_a_proxy(
    database: str, tmp_path: Path
) -> None:
    hub = RunningHub(database, tmp_path / "console.log").start(host="0.0.0.0")  # noqa: S104
    try:
        assert scrape(hub)
        proxied = httpx.get(
            f"{hub.url}/metrics", headers={"X-Forwarded-For": "192.0.2.7"}, verify=hub.verify
        )
        assert proxied.status_code == 403 and "HANDOVER_METRICS_TOKEN" in proxied.text
        lan = _lan_address()
        if lan is not None:
            port = hub.url.rsplit(":", 1)[1]
            from_lan = httpx.get(f"https://{lan}:{port}/metrics", verify=hub.verify)
            assert from_lan.status_code == 403
    finally:
        hub.stop()


def test_with_a_token_only_its_holder_reads_the_metrics(database: str, tmp_path: Path) -> None:
    token = "a-long-random-metrics-token-for-prometheus"
    env = {"HANDOVER_METRICS_TOKEN": token}
    hub = RunningHub(database, tmp_path / "console.log", env).start()
    try:
        assert httpx.get(f"{hub.url}/metrics", verify=hub.verify).status_code == 401
        guess = {"Authorization": "Bearer guess"}
        wrong = httpx.get(f"{hub.url}/metrics", headers=guess, verify=hub.verify)
        assert wrong.status_code == 401
        assert scrape(hub, Authorization=f"Bearer {token}")
        assert token not in hub.output()
    finally:
        hub.stop()
