"""The hub's sync API, spoken to over HTTP by a real ``handover hub`` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from admin.office.pairing import pairing_code_hash
from db.clock import utc_now
from db.credentials import hash_secret
from db.engine import make_engine, session_factory
from db.models import AuditEntry, Kiosk
from db.register import daily_register
from kiosk.store.door_key import new_door_key
from kiosk.store.hub_pages import read_state
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from tests.sync.events import Door, arrival, as_json, hub_event_uuids, pair_door
from tests.sync.nursery import (
    ADDRESS,
    EXPIRED_CODE,
    NEEDS,
    PAIRING_CODE,
    PHONES,
    REASON,
    SIDE_DOOR_CODE,
    Hub,
    Nursery,
    add_side_door,
)

LONDON = ZoneInfo("Europe/London")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _pairing(code: str, device: str) -> dict[str, str]:
    return {"code": code, "device": device, "public_key": new_door_key().public}


def test_a_pairing_code_works_once_and_a_second_door_using_it_is_refused(
    hub: Hub, http: httpx.Client
) -> None:
    first = http.post(f"{hub.base}/api/v1/pair", json=_pairing(PAIRING_CODE, "front"))
    assert first.status_code == 200 and first.json()["token"]
    again = http.post(f"{hub.base}/api/v1/pair", json=_pairing(PAIRING_CODE, "back"))
    assert again.status_code == 403
    assert again.json() == {
        "code": "pairing_code_unknown",
        "message": "That pairing code is not valid or was used.",
    }
    token = first.json()["token"]
    assert http.get(f"{hub.base}/api/v1/people", headers=_auth(token)).status_code == 200


def test_a_pairing_code_left_overnight_has_expired(hub: Hub, http: httpx.Client) -> None:
    answer = http.post(f"{hub.base}/api/v1/pair", json=_pairing(EXPIRED_CODE, "gate"))
    assert answer.status_code == 403 and answer.json()["code"] == "pairing_code_expired"


def test_a_door_with_no_token_or_a_made_up_one_is_told_it_is_unknown(
    hub: Hub, http: httpx.Client
) -> None:
    for headers in ({}, _auth("1.made-up"), {"Authorization": "Basic abc"}):
        answer = http.get(f"{hub.base}/api/v1/people", headers=headers)
        assert answer.status_code == 401 and answer.json()["code"] == "unknown_device"


def test_a_kiosk_revoked_in_the_office_is_refused_with_kiosk_revoked(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client
) -> None:
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        kiosk = db.get(Kiosk, int(token.split(".")[0]))
        assert kiosk is not None and kiosk.paired_at is not None
        # What the panel's "Revoke" does (admin/views/kiosks.py): the token's hash stays, so
        # the hub knows who is calling and can say "revoked" rather than "unknown".
        kiosk.revoked_at = utc_now()
        db.commit()
    engine.dispose()
    answer = http.get(f"{hub.base}/api/v1/events", headers=_auth(token))
    assert answer.status_code == 403
    assert answer.json()["code"] == "kiosk_revoked"


def test_the_people_a_door_pulls_carry_no_needs_addresses_phones_or_court_reasons(
    hub: Hub, token: str, http: httpx.Client
) -> None:
    page = http.get(f"{hub.base}/api/v1/people", params={"since": 0}, headers=_auth(token))
    assert page.status_code == 200
    text = page.text
    assert "Maya" in text and "Darren Smith" in text  # the door data is there
    for secret in (NEEDS, ADDRESS, REASON, "ngozi@example.org", *PHONES):
        assert secret not in text
    body = page.json()
    # The newest version, beyond the rows' own when the last changes were to tables no door
    # holds (the door was just paired): the next pull starts past them (test_people_cursor.py).
    assert body["more"] is False and body["next"] >= max(r["version"] for r in body["rows"])
    after = http.get(
        f"{hub.base}/api/v1/people", params={"since": body["next"]}, headers=_auth(token)
    )
    assert after.json() == {"rows": [], "next": body["next"], "more": False}
    with session_factory(make_engine(hub.db_url))() as db:  # R12: one entry a pull, not a row
        pulls = db.scalars(select(AuditEntry).where(AuditEntry.entity == "door data")).all()
    assert len(pulls) == 1 and pulls[0].actor.startswith("kiosk:")
    assert pulls[0].changes["rows"]["children"] >= 1  # "nothing new" wrote nothing


def test_the_same_batch_pushed_twice_is_stored_once(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, front_door: Door
) -> None:
    batch = front_door.batch(*(arrival(nursery.child_id, nursery.adult_id) for _ in range(3)))
    first = http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(token))
    again = http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(token))
    assert (first.json()["stored"], first.json()["duplicates"]) == (3, 0)
    assert (again.json()["stored"], again.json()["duplicates"]) == (0, 3)
    uuids = [e["uuid"] for e in batch["events"]]
    assert hub_event_uuids(nursery.url, device="front-door") == uuids


def test_a_batch_with_one_bad_event_or_too_many_stores_nothing(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, front_door: Door
) -> None:
    good = front_door.signed(*(arrival(nursery.child_id, nursery.adult_id) for _ in range(2)))
    bad_cases = [
        ([*good, {**good[0], "uuid": "not-a-uuid"}], 422, "invalid_request"),
        # A type that is no type at all (a well-formed new one is kept: see the newer door).
        ([*good, {**good[0], "uuid": str(uuid4()), "type": "Child Teleported!"}], 422, None),
        ([*good, {**good[0], "uuid": str(uuid4()), "device": "x" * 65}], 422, None),
        ([*good, {**good[0], "uuid": str(uuid4()), "occurred_at": "2026-11-23T08:30"}], 422, None),
        ([as_json(arrival(nursery.child_id, nursery.adult_id)) for _ in range(501)], 413, None),
        ([], 422, "invalid_request"),
    ]
    for events, status, code in bad_cases:
        answer = http.post(
            f"{hub.base}/api/v1/events", json={"events": events}, headers=_auth(token)
        )
        assert answer.status_code == status, answer.text
        assert set(answer.json()) == {"code", "message"}
        assert code is None or answer.json()["code"] == code
    assert hub_event_uuids(nursery.url) == []


def test_a_door_reads_what_the_other_doors_recorded_but_not_its_own(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, front_door: Door
) -> None:
    add_side_door(nursery.url)
    gate = pair_door(hub.base, code=SIDE_DOOR_CODE, device="garden-gate")
    (ours,) = front_door.signed(arrival(nursery.child_id, nursery.adult_id))
    (theirs,) = gate.signed(
        replace(arrival(nursery.child_id, nursery.adult_id), device="garden-gate")
    )
    http.post(f"{hub.base}/api/v1/events", json={"events": [ours]}, headers=_auth(token))
    http.post(f"{hub.base}/api/v1/events", json={"events": [theirs]}, headers=gate.auth)
    page = http.get(
        f"{hub.base}/api/v1/events",
        params={"since": 0, "device": "front-door"},
        headers=_auth(token),
    ).json()
    assert [e["uuid"] for e in page["events"]] == [theirs["uuid"]]
    assert page["more"] is False
    nothing_new = http.get(
        f"{hub.base}/api/v1/events",
        params={"since": page["next"], "device": "front-door"},
        headers=_auth(token),
    ).json()
    assert nothing_new["events"] == []
    start = http.get(f"{hub.base}/api/v1/events/start", headers=_auth(token)).json()
    assert len(start["events"]) == 2
    with session_factory(make_engine(hub.db_url))() as db:  # R12: one entry a pull, not a row
        pulls = db.scalars(select(AuditEntry).where(AuditEntry.entity == "door events")).all()
    kiosk = f"kiosk:{token.split('.')[0]}"
    assert [(p.actor, p.entity_id, p.changes["rows"]) for p in pulls] == [
        (kiosk, f"0-{page['next']}", {"child_arrived": 1}),
        (kiosk, f"start-{start['next']}", {"child_arrived": 2}),
    ]  # the pull that found nothing new wrote nothing; no names, only counts


def test_a_revoked_kiosk_is_told_so_until_it_is_paired_again_with_a_new_token(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, front_door: Door
) -> None:
    kiosk_id = int(token.split(".")[0])
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        kiosk = db.get(Kiosk, kiosk_id)
        assert kiosk is not None
        kiosk.revoked_at = utc_now()  # the panel's "Revoke": the token's hash stays
        db.commit()
    batch = front_door.batch(arrival(nursery.child_id, nursery.adult_id))
    refused = http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(token))
    assert refused.status_code == 403 and refused.json()["code"] == "kiosk_revoked"
    with session_factory(engine)() as db:  # the panel's "New pairing code"
        kiosk = db.get(Kiosk, kiosk_id)
        assert kiosk is not None
        kiosk.pairing_code_hash = pairing_code_hash("AGAI-NPLE-ASE2")
        kiosk.pairing_expires_at = utc_now() + timedelta(hours=1)
        kiosk.token_hash, kiosk.paired_at, kiosk.revoked_at = None, None, None
        db.commit()
    stale = http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(token))
    assert stale.status_code == 401 and stale.json()["code"] == "unknown_device"
    assert hub_event_uuids(nursery.url) == []

    # Paired again, with a new key: what the old key signed while offline still goes in.
    fresh = pair_door(hub.base, code="AGAI-NPLE-ASE2", device="front-door").token
    assert fresh != token and fresh.split(".")[0] == str(kiosk_id)
    stored = http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(fresh))
    assert stored.status_code == 200 and stored.json()["stored"] == 1
    again = http.post(f"{hub.base}/api/v1/events", json=batch, headers=_auth(token))
    assert again.status_code == 401  # the old token is gone for good
    with session_factory(engine)() as db:
        kiosk = db.get(Kiosk, kiosk_id)
        assert kiosk is not None and kiosk.token_hash == hash_secret(fresh)
    engine.dispose()


def test_text_no_database_can_hold_is_refused_and_text_that_only_looks_like_it_is_kept(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, front_door: Door
) -> None:
    event = as_json(arrival(nursery.child_id, nursery.adult_id))
    for bad in ('"a\\u0000b"', '"\\ud800"'):  # a NUL; half of a UTF-16 pair
        body = json.dumps({"events": [{**event, "payload": {"note": "@"}}]}).replace('"@"', bad)
        answer = http.post(
            f"{hub.base}/api/v1/events",
            content=body,
            headers={**_auth(token), "Content-Type": "application/json"},
        )
        assert answer.status_code == 422 and answer.json()["code"] == "invalid_text", body
    assert hub_event_uuids(nursery.url) == []
    # A note that spells a backslash and "u0000" is only text, and is kept as it was written.
    note = {"note": "C:\\u0000 and an emoji \U0001f600"}
    (kept,) = front_door.signed(replace(arrival(nursery.child_id, nursery.adult_id), payload=note))
    answer = http.post(f"{hub.base}/api/v1/events", json={"events": [kept]}, headers=_auth(token))
    assert answer.status_code == 200 and answer.json()["stored"] == 1, answer.text
    page = http.get(f"{hub.base}/api/v1/events", headers=_auth(token)).json()
    assert page["events"][0]["payload"] == kept["payload"]


def test_a_door_newer_than_the_office_keeps_syncing_and_an_older_door_passes_over_the_new_kind(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, tmp_path: Path, front_door: Door
) -> None:
    """The front door was updated first and records a kind of event this version does not
    know. The office stores it rather than refusing the batch (which would hold up Maya's
    arrival behind it); the register counts the arrival; the side door, older, passes over the
    new kind and keeps its place in the stream."""
    newer, arrived = front_door.signed(
        replace(arrival(nursery.child_id, nursery.adult_id), type="door_held_open"),
        arrival(nursery.child_id, nursery.adult_id),
    )
    answer = http.post(
        f"{hub.base}/api/v1/events", json={"events": [newer, arrived]}, headers=_auth(token)
    )
    assert answer.status_code == 200 and answer.json()["stored"] == 2, answer.text
    assert sorted(hub_event_uuids(nursery.url)) == sorted([newer["uuid"], arrived["uuid"]])
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        (row,) = daily_register(db, utc_now().astimezone(LONDON).date(), LONDON)
    engine.dispose()
    assert row.child_id == nursery.child_id

    add_side_door(nursery.url)
    side_token = pair_door(hub.base, code=SIDE_DOOR_CODE, device="side-door").token
    side = KioskStore(str(tmp_path / "side.db"), device="side-door")
    try:
        older = SyncClient(side, hub.base, side_token, clock=utc_now, http=http)
        assert [e.uuid for e in older.pull_events()] == [arrived["uuid"]]
        assert read_state(side.sessions)[1] > 0  # the cursor moved past both
        assert older.pull_events() == []
        kept = side.today(now=utc_now(), zone=LONDON)
        assert [e.uuid for e in kept] == [arrived["uuid"]]
    finally:
        side.close()

    for bad in ("", "Child_Arrived", "drop table events;", "a" * 41, "🙂"):
        refused = http.post(
            f"{hub.base}/api/v1/events",
            json={
                "events": [{**as_json(arrival(nursery.child_id, nursery.adult_id)), "type": bad}]
            },
            headers=_auth(token),
        )
        assert refused.status_code == 422 and refused.json()["code"], (bad, refused.text)
    assert len(hub_event_uuids(nursery.url)) == 2
