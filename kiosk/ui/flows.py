"""Where each tap and each scan leads. Decisions are the door's; this only chooses screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk import staff_views, views
from kiosk.door import Arrived, ByPassword, CardHolder, DoorInputError, PinChecked, StaffInfo
from kiosk.ui.collection_flows import CollectionFlows

# Screens where a card shown means "I came to collect" or "I came to drop off": the adult's
# intent, said by the button they pressed, decides what the card does.
COLLECTING_SCREENS = ("collection", "going_home", "choose_adult", "entry")
ARRIVING_SCREENS = ("arrival", "arrival_confirm", "choose_adult", "entry")


class Flows(CollectionFlows):
    """Where each tap and each card leads, given the app as its navigator (``nav``): the door
    decides on the door thread, and this chooses the next screen from the answer."""

    # --- arrival ----------------------------------------------------------------------------

    def start_arrival(self, room_id: int | None = None) -> None:
        self.intent = "arrival"
        self.nav.go("arrival", room_id=room_id)

    def arrival_child_chosen(self, child_id: int) -> None:
        self.nav.go("choose_adult", purpose="arrival", child_id=child_id)

    def adult_chosen(self, purpose: str, child_id: int, adult_id: int) -> None:
        if purpose == "collection":
            self.collector_chosen(child_id, adult_id)
            return
        seen = self.nav.snapshot
        siblings = views.siblings_to_bring(seen.book, seen.timeline, adult_id, child_id)
        if not siblings:
            self.arrive([child_id], brought_by_adult_id=adult_id)
            return
        (first,) = views.family_tiles(seen.book, [child_id])
        self.nav.go(
            "arrival_confirm",
            chosen={child_id},
            tiles=[first, *siblings],
            who={"brought_by_adult_id": adult_id},
        )

    def someone_else(self, purpose: str, child_id: int) -> None:
        if purpose == "arrival":
            self.nav.go(
                "entry",
                fields=[("name", "Your name", False)],
                done=lambda a: self.arrive([child_id], brought_by_name=a["name"]),
            )
            return
        self.nav.go(
            "entry",
            fields=[("name", "Your name", False), ("password", "The agreed password", True)],
            hint="Staff will ask to see your ID.",
            done=lambda a: self.collect(child_id, ByPassword(a["name"], a["password"])),
        )

    def arrive(self, child_ids: list[int], **who: Any) -> None:
        self.nav.call(
            lambda: self.service.arrive(child_ids, **who), self._arrived, self._refused_input
        )

    def _arrived(self, result: Arrived) -> None:
        if result.held_child_ids:  # brought by someone who must not collect: staff are coming
            self.nav.go("wait")
            return
        book = self.nav.snapshot.book
        lines = []
        for child_id in result.arrived_child_ids:
            name = views.first_name(book, child_id)
            key_person = views.key_person_name(book, child_id)
            line = self._("{name} is in.").format(name=name)
            if key_person:
                line += " " + self._("Please take {name} to {key_person}.").format(
                    name=name, key_person=key_person
                )
            lines.append(line)
        for child_id in result.already_in_child_ids:
            name = views.first_name(book, child_id)
            lines.append(self._("{name} is already here.").format(name=name))
        self.nav.go("done", lines=lines)

    # --- cards ------------------------------------------------------------------------------

    def scanned(self, payload: str) -> None:
        current = self.nav.screens.current_screen
        if current.name == "staff_pin":
            then = current.context["then"]
            self.nav.call(
                lambda: self.service.staff_by_card(payload),
                lambda staff: then(staff) if staff else self.nav.go("wait"),
            )
            return
        intent = self.intent if current.name in (*COLLECTING_SCREENS, *ARRIVING_SCREENS) else None
        self.nav.call(
            lambda: self.service.scan(payload, collecting=intent == "collection"),
            lambda decision: self._card_read(decision, intent),
        )

    def _card_read(self, decision: Any, intent: str | None = None) -> None:
        if not isinstance(decision, CardHolder):
            if decision.events:
                self.nav.go("wait")
            else:  # not one of our cards, shown at the home screen: no incident
                self.nav.home(notice=self._("That is not a Handover card."))
            return
        if decision.staff_id is not None:
            self.nav.go("staff", staff=self.nav.snapshot.book.staff[decision.staff_id])
        elif intent == "collection":
            self.card_for_collection(decision)
        elif intent == "arrival" or not decision.on_site_child_ids:
            self._card_without_collection(decision, asked=intent == "arrival")
        else:
            self.card_for_collection(decision)

    def _card_without_collection(self, holder: CardHolder, *, asked: bool) -> None:
        """A card at the home screen with no child here, or after *Arriving*. A door out of
        touch with the office cannot tell a drop-off from a collection of children signed in
        at another door, so unless the adult said, it asks."""
        if not holder.arriving_child_ids:
            if not holder.on_site_child_ids:  # a card that brings no child at all
                self.ask_for_staff("a card with no children was shown at the home screen")
                return
            book = self.nav.snapshot.book
            names = (views.first_name(book, c) for c in holder.on_site_child_ids)
            lines = [self._("{name} is already here.").format(name=n) for n in names]
            self.nav.go("done", lines=lines)
            return
        status, now = self.service.sync_status, self.service.clock()
        limit = self.service.setting.out_of_touch_seconds
        if not asked and staff_views.out_of_touch(status, now=now, limit_seconds=limit):
            self.nav.go("drop_or_collect", holder=holder)
            return
        self.card_for_arrival(holder)

    def card_for_arrival(self, holder: CardHolder) -> None:
        self.nav.go(
            "arrival_confirm",
            chosen=set(holder.arriving_child_ids),
            tiles=views.family_tiles(self.nav.snapshot.book, holder.arriving_child_ids),
            who={"brought_by_adult_id": holder.adult_id},
        )

    # --- staff ------------------------------------------------------------------------------

    def start_staff_mode(self) -> None:
        self.nav.go("staff_pin", then=lambda staff: self.nav.go("staff", staff=staff))

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

        self.nav.call(lambda: self.service.verify_pin(staff_id, pin), answered)

    def _refused_input(self, error: Exception) -> None:
        if isinstance(error, DoorInputError):
            current = self.nav.screens.current_screen
            self.nav.go(current.name, **dict(current.context, message=str(error), answers={}))
        else:
            self.nav.go("wait")

    def staff_action(self, work: Callable[[], Any], staff: StaffInfo, tab: str) -> None:
        self.nav.call(
            work,
            lambda _result: self.nav.go("staff", staff=staff, tab=tab),
            lambda error: self.nav.go("staff", staff=staff, tab=tab),
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
        self.nav.go(
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

        self.nav.go(
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
