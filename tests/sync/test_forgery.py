"""Forgeries against a real hub process, on SQLite and PostgreSQL, as an attacker on the
nursery's network would try them (issue 13): each is refused with a reason in JSON, nothing
reaches the register, and the manager sees what was refused on the Kiosks page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy import select, update

from admin.office.pairing import pairing_code_hash
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Event, Kiosk, RefusedEvent, Staff
from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.store.door_key import key_path, new_door_key
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from kiosk.sync.start import hub_token
from tests.sync.events import Door, arrival, as_json, hub_event_uuids
from tests.sync.nursery import Hub, Nursery, saskia_id
from tests.sync.office import office_page


def _event(kind: EventType, nursery: Nursery, **fields: Any) -> EventRecord:
    base = EventRecord(str(uuid4()), kind, utc_now(), "front-door", child_id=nursery.child_id)
    return replace(base, **fields)


def _push(http: httpx.Client, hub: Hub, door: Door, events: list[dict[str, Any]]) -> Any:
    answer = http.post(f"{hub.base}/api/v1/events", json={"events": events}, headers=door.auth)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _refused(answer: Any) -> dict[str, str]:
    return {r["uuid"]: r["code"] for r in answer["refused"]}


def _stored(url: str) -> dict[str, Event]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        rows = {row.uuid: row for row in db.scalars(select(Event))}
    engine.dispose()
    return rows


def test_a_sniffed_token_alone_puts_nothing_in_the_register(
    hub: Hub, nursery: Nursery, front_door: Door, http: httpx.Client
) -> None:
    """The attacker has the front door's token (sniffed on the LAN), not its key. Maya's
    arrival and a collection "confirmed" by Saskia at the side door, unsigned; the same signed
    with the attacker's own key; a real signed event changed on the way; a forged resolution of
    a critical alert. All refused, each with its reason; the alert stays open."""
    saskia = saskia_id(nursery.url)
    alert = _event(EventType.ALERT_RAISED, nursery, payload={"reason": "restricted_person",
                   "severity": "critical"})  # fmt: skip
    assert _push(http, hub, front_door, front_door.signed(alert))["stored"] == 1

    arrived = _event(EventType.CHILD_ARRIVED, nursery, adult_id=nursery.adult_id)
    collected = _event(EventType.CHILD_COLLECTED, nursery, staff_id=saskia, ref=arrived.uuid)
    resolved = _event(EventType.ALERT_RESOLVED, nursery, staff_id=saskia, ref=alert.uuid,
                      payload={"note": "all fine"})  # fmt: skip
    unsigned = [{**as_json(e), "device": "side-door"} for e in (arrived, collected, resolved)]
    thief = Door("front-door", front_door.token, new_door_key())
    own_key = thief.signed(_event(EventType.CHILD_ARRIVED, nursery))
    (changed,) = front_door.signed(_event(EventType.CHILD_ARRIVED, nursery))
    changed = {**changed, "child_id": nursery.child_id, "staff_id": saskia}

    answer = _push(http, hub, front_door, [*unsigned, *own_key, changed])

    assert answer["stored"] == 0
    refused = _refused(answer)
    assert [refused[e["uuid"]] for e in unsigned] == ["unsigned"] * 3
    assert refused[own_key[0]["uuid"]] == "unknown_signer"
    assert refused[changed["uuid"]] == "bad_signature"
    reasons = {r["uuid"]: r["reason"] for r in answer["refused"]}
    assert reasons[changed["uuid"]] == (
        "Not as this kiosk signed it: its signature does not match its fields."
    )
    assert set(hub_event_uuids(nursery.url)) == {alert.uuid}  # the alert is still open
    again = _push(http, hub, front_door, unsigned)  # a resend: refused again, parked once
    assert _refused(again) == {e["uuid"]: "unsigned" for e in unsigned}
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        parked = list(db.scalars(select(RefusedEvent.uuid)))
    engine.dispose()
    assert sorted(parked) == sorted([*refused])


def test_a_door_cannot_name_what_does_not_exist_or_speak_for_another_door(
    hub: Hub, nursery: Nursery, front_door: Door, http: httpx.Client
) -> None:
    """Even with the door's own key (a kiosk taken apart): the hub takes the device from the
    key, and refuses events naming people, rooms and requests that do not exist, a handover by
    someone who left, an alert only the office raises, and a place in the chain used twice."""
    saskia = saskia_id(nursery.url)
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        gone = Staff(username="left", first_name="Pat", last_name="Gone", deleted_at=utc_now())
        db.add(gone)
        db.commit()
        gone_id = gone.id
    engine.dispose()
    request = _event(EventType.COLLECTION_REQUESTED, nursery, adult_id=nursery.adult_id)
    cases = {
        "unknown_child": _event(EventType.CHILD_ARRIVED, nursery, child_id=99999),
        "unknown_adult": _event(EventType.CHILD_ARRIVED, nursery, adult_id=99999),
        "unknown_staff": _event(EventType.STAFF_SIGNED_IN, nursery, staff_id=99999),
        "unknown_room": _event(EventType.CHILD_ARRIVED, nursery, room_id=99999),
        "unknown_visitor": _event(EventType.VISITOR_SIGNED_IN, nursery, visitor_id=99999),
        "unknown_collection": _event(
            EventType.CHILD_COLLECTED, nursery, staff_id=saskia, ref=str(uuid4())
        ),
        "no_staff": _event(EventType.CHILD_COLLECTED, nursery, ref=request.uuid),
        "staff_deleted": _event(
            EventType.CHILD_COLLECTED, nursery, staff_id=gone_id, ref=request.uuid
        ),
        "unknown_alert": _event(
            EventType.ALERT_RESOLVED, nursery, staff_id=saskia, ref=str(uuid4())
        ),
        "office_only": _event(
            EventType.ALERT_RAISED, nursery, payload={"reason": "kiosk_cannot_save"}
        ),
        "reserved_field": _event(
            EventType.CHILD_ARRIVED, nursery, payload={"device_time": utc_now().isoformat()}
        ),
    }
    fine = _event(EventType.CHILD_COLLECTED, nursery, staff_id=saskia, ref=request.uuid)
    signed = front_door.signed(request, *cases.values(), fine)
    signed = [{**e, "device": "side-door"} for e in signed]  # ignored: the key says who
    reused = front_door.signer.seal(_event(EventType.CHILD_ARRIVED, nursery), after=(0, "0" * 64))

    answer = _push(http, hub, front_door, [*signed, as_json(reused)])

    refused = _refused(answer)
    assert {refused[e.uuid]: code for code, e in cases.items()} == {c: c for c in cases}
    assert refused[reused.uuid] == "sequence_reused"
    stored = _stored(nursery.url)
    assert set(stored) == {request.uuid, fine.uuid}
    assert {row.device for row in stored.values()} == {"front-door"}
    page = office_page(nursery.url, "/kiosks")
    assert "Events the office refused" in page and "There is no child 99999." in page
    assert "Member of staff" in page and "no longer works here." in page


def test_a_refused_event_never_holds_up_the_rest_of_the_outbox(
    hub: Hub, nursery: Nursery, store: KioskStore, client: SyncClient
) -> None:
    """A child deleted in the office while the door was offline: the door's event naming her
    is refused and parked; the arrivals made after it still reach the register."""
    early = replace(arrival(nursery.child_id, nursery.adult_id), child_id=424242)
    later = [arrival(nursery.child_id, nursery.adult_id) for _ in range(3)]
    store.append([early, *later])
    assert client.sync_once().pushed == 4
    assert store.sync_status(hub.base).waiting == 0
    assert set(hub_event_uuids(nursery.url)) == {e.uuid for e in later}
    assert "There is no child 424242." in office_page(nursery.url, "/kiosks")


def test_a_kiosk_paired_before_signing_is_told_to_pair_again_and_then_sends_what_waited(
    hub: Hub, nursery: Nursery, store: KioskStore, client: SyncClient, kiosk_db: Path
) -> None:
    """Chosen over migrating old kiosks: a key the hub never saw made can prove nothing, so a
    kiosk paired before keeps its events, says "pair again" on its staff screen (and the
    Kiosks page says so), and sends them, signed, once it is."""
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:  # as 0006 leaves a kiosk paired before it
        db.execute(update(Kiosk).values(public_key=None, device=None))
        kiosk = db.scalar(select(Kiosk).where(Kiosk.name == "Front door"))
        assert kiosk is not None
        kiosk.pairing_code_hash = pairing_code_hash("PAIR-AGAI-N123")
        kiosk.pairing_expires_at = utc_now() + timedelta(hours=1)
        db.commit()
    engine.dispose()
    key_path(kiosk_db).unlink()  # an old kiosk has no key
    waiting = arrival(nursery.child_id, nursery.adult_id)
    store.append([waiting])
    try:
        client.sync_once()
    except Exception as exc:
        assert "pair_again" in str(exc)
    status = store.sync_status(hub.base)
    assert status.must_pair_again and status.waiting == 1
    assert "data-pair-again" in office_page(nursery.url, "/kiosks")

    token = hub_token(
        db=str(kiosk_db), hub_url=hub.base, code="PAIR-AGAI-N123", device="front-door"
    )
    assert token is not None and key_path(kiosk_db).stat().st_mode & 0o777 == 0o600
    client.token = token
    client.sync_once()
    assert hub_event_uuids(nursery.url) == [waiting.uuid]
    assert _stored(nursery.url)[waiting.uuid].signature
