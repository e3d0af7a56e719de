"""``POST /round`` is guarded as ``POST /events`` is: a request without a valid token, from a
revoked door, too big, malformed or forged gets the same answer from both, and stores nothing;
a round sent twice stores its events once; and its pages are the pages ``GET /people`` and
``GET /events`` give. Over HTTPS, against a real ``handover hub`` on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
from sqlalchemy import update

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Kiosk
from kiosk.store.door_key import new_door_key
from tests.sync.events import Door, arrival, as_json, hub_event_uuids, pair_door
from tests.sync.nursery import SIDE_DOOR_CODE, Hub, Nursery, add_side_door

ENDPOINTS = ("/events", "/round")
Case = tuple[str, dict[str, str], Any, int, str]


def _body(path: str, events: list[dict[str, Any]], **round_fields: Any) -> dict[str, Any]:
    """What a door sends to ``path``: a batch, or a batch with both cursors."""
    if path == "/events":
        return {"events": events}
    return {"events": events, "people_since": 0, "events_since": 0, **round_fields}


def _raw(body: dict[str, Any], text: str) -> bytes:
    """``body`` as JSON with the note ``"@"`` spelt as ``text`` (JSON no encoder writes)."""
    return httpx.Request("POST", "/", json=body).content.replace(b'"@"', text.encode())


def _refusals(door: Door, nursery: Nursery, path: str) -> list[Case]:
    auth = door.auth
    kiosk_id = door.token.split(".")[0]
    (good,) = door.signed(arrival(nursery.child_id, nursery.adult_id))
    note = {**good, "payload": {"note": "@"}}
    many = [as_json(arrival(nursery.child_id, nursery.adult_id)) for _ in range(501)]
    huge = [{**good, "payload": {"note": "x" * 3900}}] * 1200
    deep: Any = b"[" * 1000 + b"]" * 1000
    return [
        ("no token", {}, _body(path, [good]), 401, "unknown_device"),
        ("a made-up token", {"Authorization": f"Bearer {kiosk_id}.not-the-secret"},
         _body(path, [good]), 401, "unknown_device"),
        ("a clock without its offset", {**auth, "X-Device-Time": "2026-11-23T08:30:00"},
         _body(path, [good]), 400, "invalid_device_time"),
        ("not a UUID", auth, _body(path, [{**good, "uuid": "not-a-uuid"}]), 422,
         "invalid_request"),
        ("a type that is no type", auth, _body(path, [{**good, "type": "Child Teleported!"}]),
         422, "invalid_request"),
        ("501 events", auth, _body(path, many), 413, "batch_too_large"),
        ("over 4 MB", auth, _body(path, huge), 413, "body_too_large"),
        ("a NUL", auth, _raw(_body(path, [note]), '"a\\u0000b"'), 422, "invalid_text"),
        ("a thousand brackets", auth, deep, 422, "too_deep"),
    ]  # fmt: skip


def _post(http: httpx.Client, url: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    if isinstance(body, bytes):
        return http.post(url, content=body, headers={**headers, "Content-Type": "application/json"})
    return http.post(url, json=body, headers=headers)


def test_a_round_is_refused_as_a_push_would_be_and_stores_nothing(
    hub: Hub, nursery: Nursery, http: httpx.Client, front_door: Door
) -> None:
    answers: dict[str, list[tuple[int, str]]] = {}
    for path in ENDPOINTS:
        answers[path] = []
        for name, headers, body, status, code in _refusals(front_door, nursery, path):
            answer = _post(http, f"{hub.base}/api/v1{path}", body, headers)
            assert (answer.status_code, answer.json().get("code")) == (status, code), (
                path, name, answer.text[:300],
            )  # fmt: skip
            assert set(answer.json()) == {"code", "message"}
            answers[path].append((answer.status_code, answer.json()["message"]))
    assert answers["/round"] == answers["/events"]  # the same words, not only the same code
    assert hub_event_uuids(nursery.url) == []


def test_cursors_and_pages_out_of_bounds_are_refused_before_the_batch_is_stored(
    hub: Hub, nursery: Nursery, http: httpx.Client, front_door: Door
) -> None:
    good = front_door.signed(arrival(nursery.child_id, nursery.adult_id))
    for wrong in (
        {"people_since": -1},
        {"events_since": 2**63},
        {"people_limit": 0},
        {"events_limit": 1001},
        {"device": "x" * 65},
        {"people_since": "the start"},
    ):
        answer = http.post(
            f"{hub.base}/api/v1/round", json=_body("/round", good, **wrong), headers=front_door.auth
        )
        assert answer.status_code == 422, (wrong, answer.text)
        assert answer.json()["code"] == "invalid_request"
    assert hub_event_uuids(nursery.url) == []
    stored = http.post(
        f"{hub.base}/api/v1/round", json=_body("/round", good), headers=front_door.auth
    )
    assert stored.status_code == 200 and stored.json()["stored"]["stored"] == 1


def test_a_revoked_door_is_told_so_by_a_round_and_stores_nothing(
    hub: Hub, nursery: Nursery, http: httpx.Client, front_door: Door
) -> None:
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:  # the panel's "Revoke": the token's hash stays
        db.execute(update(Kiosk).values(revoked_at=utc_now()))
        db.commit()
    engine.dispose()
    good = front_door.signed(arrival(nursery.child_id, nursery.adult_id))
    for path in ENDPOINTS:
        answer = http.post(
            f"{hub.base}/api/v1{path}", json=_body(path, good), headers=front_door.auth
        )
        assert answer.status_code == 403 and answer.json()["code"] == "kiosk_revoked"
    assert hub_event_uuids(nursery.url) == []


def test_a_forged_event_in_a_round_is_refused_with_the_reason_a_push_gives(
    hub: Hub, nursery: Nursery, http: httpx.Client, front_door: Door
) -> None:
    thief = Door("front-door", front_door.token, new_door_key())  # the token, not the key
    codes: dict[str, list[str]] = {}
    for path in ENDPOINTS:
        unsigned = as_json(arrival(nursery.child_id, nursery.adult_id))
        (own_key,) = thief.signed(arrival(nursery.child_id, nursery.adult_id))
        answer = http.post(
            f"{hub.base}/api/v1{path}",
            json=_body(path, [unsigned, own_key]),
            headers=front_door.auth,
        )
        assert answer.status_code == 200, answer.text
        stored = answer.json() if path == "/events" else answer.json()["stored"]
        assert stored["stored"] == 0
        codes[path] = [r["code"] for r in stored["refused"]]
    assert codes["/round"] == codes["/events"] == ["unsigned", "unknown_signer"]
    assert hub_event_uuids(nursery.url) == []


def test_the_same_round_sent_twice_stores_its_events_once(
    hub: Hub, nursery: Nursery, http: httpx.Client, front_door: Door
) -> None:
    events = front_door.signed(*(arrival(nursery.child_id, nursery.adult_id) for _ in range(3)))
    body = _body("/round", events, device="front-door")
    headers = {**front_door.auth, "X-Device-Time": utc_now().isoformat()}
    first = http.post(f"{hub.base}/api/v1/round", json=body, headers=headers)
    again = http.post(f"{hub.base}/api/v1/round", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert (first.json()["stored"]["stored"], first.json()["stored"]["duplicates"]) == (3, 0)
    assert (again.json()["stored"]["stored"], again.json()["stored"]["duplicates"]) == (0, 3)
    assert first.json()["events"]["events"] == []  # the door's own are left out
    assert "X-Clock-Skew" in again.headers
    assert hub_event_uuids(nursery.url) == [e["uuid"] for e in events]


def test_a_rounds_pages_are_the_pages_the_paged_calls_give(
    hub: Hub, nursery: Nursery, http: httpx.Client, front_door: Door
) -> None:
    add_side_door(nursery.url)
    gate = pair_door(hub.base, code=SIDE_DOOR_CODE, device="garden-gate")
    made = [
        replace(arrival(nursery.child_id, nursery.adult_id), device="garden-gate") for _ in range(3)
    ]
    http.post(f"{hub.base}/api/v1/events", json=gate.batch(*made), headers=gate.auth)
    api, auth = f"{hub.base}/api/v1", front_door.auth
    more: list[bool] = []
    for people_since, events_since, limit in ((0, 0, 1), (0, 0, 1000), (2, 1, 2)):
        cursors = {"people_since": people_since, "events_since": events_since}
        limits = {"people_limit": limit, "events_limit": limit}
        answer = http.post(
            f"{api}/round", json=_body("/round", [], **cursors, **limits, device="front-door"),
            headers=auth,
        ).json()  # fmt: skip
        people = http.get(f"{api}/people", params={"since": people_since, "limit": limit},
                          headers=auth).json()  # fmt: skip
        events = http.get(
            f"{api}/events",
            params={"since": events_since, "limit": limit, "device": "front-door"},
            headers=auth,
        ).json()
        assert answer["people"] == people and answer["events"] == events
        assert answer["stored"]["stored"] == 0
        more.append(answer["events"]["more"])
    assert more == [True, False, False]  # the first asked for one of the gate's three


def test_every_endpoint_but_pairing_refuses_a_request_without_a_token(
    hub: Hub, http: httpx.Client
) -> None:
    """Read from the API's own document, so an endpoint added later is checked too."""
    spec = http.get(f"{hub.base}/api/v1/openapi.json").json()
    operations = [
        (method.upper(), path.removeprefix("/api/v1"))
        for path, item in spec["paths"].items()
        for method in item
    ]
    assert ("POST", "/round") in operations
    for method, path in operations:
        if path == "/pair":  # how a door gets its token
            continue
        body: dict[str, object] | None = {} if method == "POST" else None
        answer = http.request(method, f"{hub.base}/api/v1{path}", json=body)
        assert (answer.status_code, answer.json()["code"]) == (401, "unknown_device"), path
