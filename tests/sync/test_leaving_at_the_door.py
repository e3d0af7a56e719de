"""A child or an adult removed in the office, as the door sees it through a real hub process:
gone after one sync, and back after an undo and one more."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from admin.office.leaving import remove_adult, remove_child, undo_adult, undo_child
from db.clock import utc_now
from db.models import Adult, Child
from kiosk.door.decisions import CardHolder, Refused
from kiosk.service import KioskService
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from tests.sync.nursery import Nursery
from tests.sync.office import on_the_hub


def _remove_child(child_id: int) -> Callable[[Session], None]:
    def change(db: Session) -> None:
        child = db.get(Child, child_id)
        assert child is not None
        remove_child(db, child, now=utc_now())

    return change


def test_a_removed_child_leaves_the_door_and_comes_back_after_undo(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.sync_once()
    book = store.book()
    assert nursery.child_id in book.children
    assert nursery.child_id in book.children_of_adult[nursery.adult_id]

    on_the_hub(nursery.url, _remove_child(nursery.child_id))
    assert client.sync_once().people_changed
    book = store.book()
    assert nursery.child_id not in book.children
    assert nursery.child_id not in book.children_of_adult.get(nursery.adult_id, set())
    assert nursery.child_id not in book.authorised

    on_the_hub(nursery.url, lambda db: undo_child(db, nursery.child_id, now=utc_now()))
    assert client.sync_once().people_changed
    book = store.book()
    assert book.children[nursery.child_id].first_name
    assert nursery.adult_id in book.authorised[nursery.child_id]


def test_a_removed_adults_card_calls_staff_at_the_door_and_works_again_after_undo(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.sync_once()
    service = KioskService(store, device="front-door")

    def scan() -> object:
        result = client.sync_once()
        service.run(lambda: service.pulled(result.events, people_changed=result.people_changed))
        return service.run(lambda: service.scan(nursery.card_payload)).result()

    def remove(db: Session) -> None:
        adult = db.get(Adult, nursery.adult_id)
        assert adult is not None
        remove_adult(db, adult, now=utc_now())

    try:
        assert isinstance(scan(), CardHolder)
        on_the_hub(nursery.url, remove)
        refused = scan()
        assert isinstance(refused, Refused)
        assert nursery.adult_id not in service.door.book.adults
        on_the_hub(nursery.url, lambda db: undo_adult(db, nursery.adult_id, now=utc_now()))
        back = scan()
        assert isinstance(back, CardHolder) and back.adult_id == nursery.adult_id
        assert nursery.child_id in back.arriving_child_ids
    finally:
        service.shutdown()
