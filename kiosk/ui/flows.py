"""Where each tap and each scan leads. Decisions are the door's; this only chooses screens."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from db.vocabulary import Check, CollectionMethod
from kiosk import views
from kiosk.door import (
    Arrived,
    ByCard,
    ByChosenAdult,
    ByPassword,
    CardHolder,
    Door,
    DoorInputError,
    HandedOver,
    NotConfirmed,
    PinChecked,
    ReleasePending,
    StaffInfo,
)
from kiosk.door.collection import Collector
from kiosk.i18n import Translator
from kiosk.service import KioskService


class Flows:
    """Mixed into :class:`kiosk.app.KioskApp`; uses its ``go``, ``call``, ``door``, ``service``."""

    go: Callable[..., None]
    call: Callable[..., None]
    home: Callable[[], None]
    service: KioskService
    screens: Any
    translator: Translator
    notice: str
    last_touch: float

    @property
    def door(self) -> Door:
        return self.service.door

    card_collector: tuple[str, int] | None = None

    def _(self, message: str) -> str:
        return self.translator.gettext(message)

    # --- arrival ----------------------------------------------------------------------------

    def start_arrival(self, room_id: int | None = None) -> None:
        self.card_collector = None
        self.go("arrival", room_id=room_id)

    def arrival_child_chosen(self, child_id: int) -> None:
        self.go("choose_adult", purpose="arrival", child_id=child_id)

    def adult_chosen(self, purpose: str, child_id: int, adult_id: int) -> None:
        if purpose == "collection":
            self.collect(child_id, ByChosenAdult(adult_id))
            return
        siblings = views.siblings_to_bring(self.door.book, self.door.timeline, adult_id, child_id)
        if not siblings:
            self.arrive([child_id], brought_by_adult_id=adult_id)
            return
        child = self.door.book.children[child_id]
        first = {
            "id": child_id,
            "label": child.first_name,
            "photo": ("child", child_id) if child.has_photo else None,
        }
        self.go(
            "arrival_confirm",
            chosen={child_id},
            tiles=[first, *siblings],
            who={"brought_by_adult_id": adult_id},
        )

    def someone_else(self, purpose: str, child_id: int) -> None:
        if purpose == "arrival":
            self.go(
                "entry",
                fields=[("name", "Your name", False)],
                done=lambda a: self.arrive([child_id], brought_by_name=a["name"]),
            )
            return
        self.go(
            "entry",
            fields=[("name", "Your name", False), ("password", "The agreed password", True)],
            hint="Staff will ask to see your ID.",
            done=lambda a: self.collect(child_id, ByPassword(a["name"], a["password"])),
        )

    def arrive(self, child_ids: list[int], **who: Any) -> None:
        self.call(lambda: self.service.arrive(child_ids, **who), self._arrived, self._refused_input)

    def _arrived(self, result: Arrived) -> None:
        book = self.door.book
        lines = []
        for child_id in result.arrived_child_ids:
            name = book.children[child_id].first_name
            key_person = views.key_person_name(book, child_id)
            line = self._("{name} is in.").format(name=name)
            if key_person:
                line += " " + self._("Please take {name} to {key_person}.").format(
                    name=name, key_person=key_person
                )
            lines.append(line)
        for child_id in result.already_in_child_ids:
            name = book.children[child_id].first_name
            lines.append(self._("{name} is already here.").format(name=name))
        self.go("done", lines=lines)

    # --- collection -------------------------------------------------------------------------

    def start_collection(self) -> None:
        self.card_collector = None
        self.go("collection")

    def collection_child_chosen(self, child_id: int) -> None:
        if self.card_collector is not None:
            card_id, adult_id = self.card_collector
            self.collect(child_id, ByCard(card_id, adult_id))
        else:
            self.go("choose_adult", purpose="collection", child_id=child_id)

    def collect(self, child_id: int, collector: Collector) -> None:
        self.card_collector = None
        self.call(lambda: self.service.collect(child_id, collector), self._collection_decided)

    def _collection_decided(self, decision: Any) -> None:
        if isinstance(decision, ReleasePending):
            self.go("wait", request_uuid=decision.request.uuid)
        else:  # refused or locked: calm words for the adult, the alert for staff
            self.go("wait")

    # --- cards ------------------------------------------------------------------------------

    def scanned(self, payload: str) -> None:
        # A card shown is a person at the door: the idle timer starts again from now.
        self.last_touch = time.monotonic()
        current = self.screens.current_screen
        if current.name == "staff_pin":
            then = current.context["then"]
            self.call(
                lambda: self.service.staff_by_card(payload),
                lambda staff: then(staff) if staff else self.go("wait"),
            )
            return
        collecting = current.name in ("collection", "choose_adult", "entry")
        self.call(lambda: self.service.scan(payload, collecting=collecting), self._card_read)

    def _card_read(self, decision: Any) -> None:
        if not isinstance(decision, CardHolder):
            if decision.events:
                self.go("wait")
            else:  # not one of our cards, shown at the home screen: no incident
                self.notice = self._("That is not a Handover card.")
                self.home()
            return
        if decision.staff_id is not None:
            self.go("staff", staff=self.door.book.staff[decision.staff_id])
            return
        assert decision.adult_id is not None
        if decision.on_site_child_ids:
            self.card_collector = (decision.card_id, decision.adult_id)
            if len(decision.on_site_child_ids) == 1:
                self.collection_child_chosen(decision.on_site_child_ids[0])
            else:
                self.go("collection", only=set(decision.on_site_child_ids))
        elif decision.arriving_child_ids:
            tiles = [
                {
                    "id": c,
                    "label": self.door.book.children[c].first_name,
                    "photo": ("child", c) if self.door.book.children[c].has_photo else None,
                }
                for c in decision.arriving_child_ids
            ]
            self.go(
                "arrival_confirm",
                chosen=set(decision.arriving_child_ids),
                tiles=tiles,
                who={"brought_by_adult_id": decision.adult_id},
            )
        else:
            self.notice = self._("None of your children are signed in here.")
            self.home()

    # --- staff ------------------------------------------------------------------------------

    def start_staff_mode(self) -> None:
        self.go("staff_pin", then=lambda staff: self.go("staff", staff=staff))

    def check_staff_pin(
        self,
        staff_id: int,
        pin: str,
        then: Callable[[StaffInfo], None],
        wrong: Callable[[bool], None],
    ) -> None:
        """``then(staff)`` for the right PIN, else ``wrong(paused)``: paused when PIN entry
        stopped after too many wrong PINs (every staff screen has been alerted)."""

        def answered(checked: PinChecked) -> None:
            if checked.staff is not None:
                then(checked.staff)
            else:
                wrong(checked.locked)

        self.call(lambda: self.service.verify_pin(staff_id, pin), answered)

    def open_handover(self, request_uuid: str, staff: StaffInfo | None = None) -> None:
        request = self.door.timeline.pending_collections.get(request_uuid)
        if request is None or request.child_id is None:
            self.home()
            return
        pending = ReleasePending(
            request=request,
            child_id=request.child_id,
            adult_id=request.adult_id,
            collector_name=request.payload.get("collector_name", ""),
            method=CollectionMethod(request.payload.get("method", "chosen_adult")),
            checks=tuple(Check(c) for c in request.payload.get("checks", ())),
        )
        self.go("handover", pending=pending, staff=staff)

    def cancel_handover(self) -> None:
        pending = self.screens.get_screen("handover").context.get("pending")
        self.go("wait", request_uuid=pending.request.uuid if pending else None)

    def confirm_handover(
        self, pending: ReleasePending, id_document: str, staff: StaffInfo | None = None
    ) -> None:
        def confirm(by: StaffInfo) -> None:
            self.call(
                lambda: self.service.confirm(pending.request.uuid, by, id_document),
                lambda decision: self._handover_decided(decision, pending, id_document),
            )

        if staff is not None:
            confirm(staff)
        else:
            self.go("staff_pin", then=confirm)

    def _handover_decided(self, decision: Any, pending: ReleasePending, id_document: str) -> None:
        if isinstance(decision, HandedOver):
            child = self.door.book.children[pending.child_id].first_name
            self.go(
                "done",
                lines=[
                    self._("{child} is going home with {collector}.").format(
                        child=child, collector=pending.collector_name
                    ),
                    self._("Goodbye!"),
                ],
            )
        elif isinstance(decision, NotConfirmed):
            self.go(
                "handover",
                pending=pending,
                id_document=id_document,
                message=self._(decision.message),
            )
        else:
            self.go("wait")

    def _refused_input(self, error: Exception) -> None:
        if isinstance(error, DoorInputError):
            current = self.screens.current_screen
            self.go(current.name, **dict(current.context, message=str(error), answers={}))
        else:
            self.go("wait")

    def staff_action(self, work: Callable[[], Any], staff: StaffInfo, tab: str) -> None:
        self.call(
            work,
            lambda _result: self.go("staff", staff=staff, tab=tab),
            lambda error: self.go("staff", staff=staff, tab=tab),
        )

    def acknowledge_arrival(self, arrival_uuid: str, staff: StaffInfo) -> None:
        self.staff_action(
            lambda: self.service.acknowledge_arrival(arrival_uuid, staff.id), staff, "On site"
        )

    def acknowledge_alert(self, alert_uuid: str, staff: StaffInfo) -> None:
        self.staff_action(
            lambda: self.service.acknowledge_alert(alert_uuid, staff.id), staff, "Alerts"
        )

    def resolve_alert(self, alert_uuid: str, staff: StaffInfo) -> None:
        self.go(
            "entry",
            fields=[("note", "What was done?", False)],
            done=lambda a: self.staff_action(
                lambda: self.service.resolve_alert(alert_uuid, staff.id, a["note"]), staff, "Alerts"
            ),
        )

    def clear_lockout(self, child_id: int, staff: StaffInfo) -> None:
        self.staff_action(lambda: self.service.clear_lockout(child_id, staff.id), staff, "Alerts")

    def staff_sign(self, staff_id: int, signing_in: bool, staff: StaffInfo) -> None:
        work = (
            (lambda: self.service.staff_sign_in(staff_id))
            if signing_in
            else (lambda: self.service.staff_sign_out(staff_id))
        )
        self.staff_action(work, staff, "Staff")

    def visitor_sign_in(self, staff: StaffInfo) -> None:
        def sign_in(answers: dict[str, str]) -> None:
            def work() -> None:
                self.service.staff_sign_in(staff.id)  # whoever supervises is on site
                self.service.visitor_sign_in(
                    name=answers["name"],
                    organisation=answers["organisation"],
                    visiting=answers["visiting"],
                    supervisor_staff_id=staff.id,
                )

            self.staff_action(work, staff, "Visitors")

        self.go(
            "entry",
            fields=[
                ("name", "Visitor's name", False),
                ("organisation", "Organisation", False),
                ("visiting", "Who or which room are they visiting?", False),
            ],
            done=sign_in,
        )

    def visitor_sign_out(self, visit_uuid: str, staff: StaffInfo) -> None:
        self.staff_action(lambda: self.service.visitor_sign_out(visit_uuid), staff, "Visitors")
