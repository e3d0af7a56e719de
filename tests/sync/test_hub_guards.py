"""What the hub refuses, and that a refusal stores nothing: oversized bodies however they are
sent, wrong or missing tokens, guessed pairing codes, replays, and two kiosks racing to store
the same events. Over HTTP, against a real ``handover hub`` on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx

from kiosk.store.door_key import new_door_key
from tests.sync.events import Door, arrival, as_json, hub_event_uuids
from tests.sync.nursery import PAIRING_CODE, Hub, Nursery


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _pairing(code: str, device: str) -> dict[str, str]:
    return {"code": code, "device": device, "public_key": new_door_key().public}


def test_a_body_over_the_cap_is_refused_before_it_is_read_whole(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client
) -> None:
    event = as_json(arrival(nursery.child_id, nursery.adult_id))
    huge = b'{"events": [' + b", ".join([httpx.Request("POST", "/", json=event).content] * 30_000)
    huge += b"]}"
    assert len(huge) > 4 * 1024 * 1024

    declared = http.post(
        f"{hub.base}/api/v1/events",
        content=huge,
        headers={**_auth(token), "Content-Type": "application/json"},
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent in pieces
        for start in range(0, len(huge), 65536):
            yield huge[start : start + 65536]

    streamed = http.post(
        f"{hub.base}/api/v1/events",
        content=chunks(),
        headers={**_auth(token), "Content-Type": "application/json"},
    )
    for answer in (declared, streamed):
        assert answer.status_code == 413
        assert answer.json()["code"] == "body_too_large"
    assert hub_event_uuids(nursery.url) == []


def test_wrong_missing_or_malformed_credentials_store_nothing(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client
) -> None:
    batch = {"events": [as_json(arrival(nursery.child_id, nursery.adult_id))]}
    kiosk_id = token.split(".")[0]
    cases: list[tuple[dict[str, str], int, str]] = [
        ({}, 401, "unknown_device"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, "unknown_device"),
        ({"Authorization": "Bearer"}, 401, "unknown_device"),
        (_auth(f"{kiosk_id}.not-the-secret"), 401, "unknown_device"),
        (_auth("x" * 500), 401, "unknown_device"),
        ({**_auth(token), "X-Device-Time": "half past eight"}, 400, "invalid_device_time"),
        ({**_auth(token), "X-Device-Time": "2026-11-23T08:30:00"}, 400, "invalid_device_time"),
    ]
    for headers, status, code in cases:
        answer = http.post(f"{hub.base}/api/v1/events", json=batch, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (status, code), headers
        assert set(answer.json()) == {"code", "message"}
    assert hub_event_uuids(nursery.url) == []


def test_a_replayed_batch_stores_nothing_new(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, front_door: Door
) -> None:
    batch = front_door.batch(*(arrival(nursery.child_id, nursery.adult_id) for _ in range(4)))
    http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(token))
    for _ in range(3):
        again = http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(token))
        assert again.status_code == 200 and again.json()["stored"] == 0
    assert len(hub_event_uuids(nursery.url)) == 4


def test_guessing_pairing_codes_is_stopped_after_ten_tries(hub: Hub, http: httpx.Client) -> None:
    pair = f"{hub.base}/api/v1/pair"
    for guess in range(10):
        wrong = http.post(pair, json=_pairing(f"GUES-S000-{guess:04d}", "thief"))
        assert wrong.status_code == 403 and wrong.json()["code"] == "pairing_code_unknown"
    stopped = http.post(pair, json=_pairing("GUES-S000-0010", "thief"))
    assert stopped.status_code == 429 and stopped.json()["code"] == "too_many_attempts"
    assert int(stopped.headers["Retry-After"]) > 0
    # Even the right code waits now: the limit is on the address, not on the guess.
    right = http.post(pair, json=_pairing(PAIRING_CODE, "front-door"))
    assert right.status_code == 429


def test_two_kiosks_racing_to_store_the_same_events_store_each_once(
    hub: Hub, nursery: Nursery, token: str, front_door: Door
) -> None:
    events = front_door.signed(*(arrival(nursery.child_id, nursery.adult_id) for _ in range(200)))
    answers: list[Any] = []
    start = threading.Barrier(6)

    def push() -> None:
        with hub.client(timeout=30) as http:
            start.wait()
            answer = http.post(
                f"{hub.base}/api/v1/events", json={"events": events}, headers=_auth(token)
            )
            answers.append((answer.status_code, answer.json()))

    threads = [threading.Thread(target=push) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _ in answers] == [200] * 6, answers
    assert sum(body["stored"] for _, body in answers) == 200
    assert sorted(hub_event_uuids(nursery.url)) == sorted(e["uuid"] for e in events)


def test_a_door_that_pairs_between_wrong_codes_is_not_counted_against_its_address(
    hub: Hub, http: httpx.Client
) -> None:
    pair = f"{hub.base}/api/v1/pair"
    for guess in range(9):
        wrong = http.post(pair, json=_pairing(f"TYPO-0000-{guess:04d}", "front-door"))
        assert wrong.status_code == 403
    right = http.post(pair, json=_pairing(PAIRING_CODE, "front-door"))
    assert right.status_code == 200
    tenth = http.post(pair, json=_pairing("TYPO-0000-0009", "front-door"))
    assert tenth.status_code == 403  # nine wrong and one right: still under ten wrong
    eleventh = http.post(pair, json=_pairing("TYPO-0000-0010", "front-door"))
    assert eleventh.status_code == 429 and eleventh.json()["code"] == "too_many_attempts"
