"""Where a collection leads: the adult's intent decides, brothers and sisters go home together,
and every child leaves only after one staff confirmation. Decisions are the door's."""

from __future__ import annotations

from typing import Any

from db.vocabulary import Check, CollectionMethod
from kiosk import views
from kiosk.door import (
    ByCard,
    ByChosenAdult,
    CardHolder,
    GoingHome,
    HandoversDecided,
    ReleasePending,
    StaffInfo,
    requests_together,
)
from kiosk.door.collection import Collector
from kiosk.i18n import Translator
from kiosk.service import KioskService
from kiosk.ui.navigation import Navigator


class CollectionFlows:
    """The collection half of :class:`kiosk.ui.flows.Flows`: where a tap or a card leads."""

    def __init__(self, nav: Navigator, service: KioskService, translator: Translator) -> None:
        self.nav = nav
        self.service = service
        self.translator = translator
        # What the adult said they came for ("arrival", "collection"); None at the home screen.
        self.intent: str | None = None

    def _(self, message: str) -> str:
        return self.translator.gettext(message)

    def start_collection(self) -> None:
        self.intent = "collection"
        self.nav.go("collection")

    def collection_child_chosen(self, child_id: int) -> None:
        self.nav.go("choose_adult", purpose="collection", child_id=child_id)

    def collector_chosen(self, child_id: int, adult_id: int) -> None:
        """Mum chosen from the photos: her other children here are offered to go with her."""
        seen = self.nav.snapshot
        others = views.siblings_going_home(seen.book, seen.timeline, adult_id, child_id)
        self.choose_going_home([child_id, *others], {child_id, *others}, ByChosenAdult(adult_id))

    def card_for_collection(self, holder: CardHolder) -> None:
        """After *Collecting*, a card never leads to an arrival: each of the adult's children
        may be chosen, and one this door has not seen go in goes to staff."""
        assert holder.adult_id is not None
        children = [*holder.on_site_child_ids, *holder.arriving_child_ids]
        if not children:
            self.ask_for_staff("a card with no children was shown to collect")
            return
        collector = ByCard(holder.card_id, holder.adult_id)
        self.choose_going_home(children, set(holder.on_site_child_ids), collector)

    def choose_going_home(
        self, children: list[int], chosen: set[int], collector: ByCard | ByChosenAdult
    ) -> None:
        if len(children) == 1:
            self.go_home_together(children, collector)
            return
        tiles = views.family_tiles(self.nav.snapshot.book, children)
        self.nav.go("going_home", chosen=chosen, tiles=tiles, collector=collector)

    def go_home_together(self, child_ids: list[int], collector: ByCard | ByChosenAdult) -> None:
        self.nav.call(
            lambda: self.service.go_home_together(child_ids, collector), self._going_home_decided
        )

    def _going_home_decided(self, decision: GoingHome) -> None:
        # A child who may not go has its own alert; the adult sees the same calm wait.
        first = decision.pending[0].request.uuid if decision.pending else None
        self.nav.go("wait", request_uuid=first)

    def collect(self, child_id: int, collector: Collector) -> None:
        """One child, by the agreed password (the password is the child's, or the family's)."""
        self.nav.call(lambda: self.service.collect(child_id, collector), self._collection_decided)

    def _collection_decided(self, decision: Any) -> None:
        if isinstance(decision, ReleasePending):
            self.nav.go("wait", request_uuid=decision.request.uuid)
        else:  # refused or locked: calm words for the adult, the alert for staff
            self.nav.go("wait")

    def ask_for_staff(self, why: str) -> None:
        """The door cannot help: every staff screen is told, the adult waits calmly."""
        self.nav.call(lambda: self.service.ask_for_help(why), lambda _none: self.nav.go("wait"))

    # --- the staff side ---------------------------------------------------------------------

    def open_handover(self, request_uuid: str, staff: StaffInfo | None = None) -> None:
        """Every child waiting to go with this collector, on one screen."""
        seen = self.nav.snapshot
        pendings = [
            _pending(seen.timeline.pending_collections[uuid])
            for uuid in requests_together(seen, request_uuid)
        ]
        if not pendings:
            self.nav.home()
            return
        self.nav.go("handover", pendings=pendings, staff=staff)

    def cancel_handover(self) -> None:
        pendings = self.nav.screens.get_screen("handover").context.get("pendings")
        self.nav.go("wait", request_uuid=pendings[0].request.uuid if pendings else None)

    def confirm_handover(
        self, pendings: list[ReleasePending], id_document: str, staff: StaffInfo | None = None
    ) -> None:
        uuids = [p.request.uuid for p in pendings]

        def confirm(by: StaffInfo) -> None:
            self.nav.call(
                lambda: self.service.confirm_together(uuids, by, id_document),
                lambda decision: self._handover_decided(decision, pendings, id_document),
            )

        if staff is not None:
            confirm(staff)
        else:
            self.nav.go("staff_pin", then=confirm)

    def _handover_decided(
        self, decision: HandoversDecided, pendings: list[ReleasePending], id_document: str
    ) -> None:
        if decision.not_confirmed is not None:
            message = self._(decision.not_confirmed.message)
            self.nav.go("handover", pendings=pendings, id_document=id_document, message=message)
            return
        if not decision.handed:
            self.nav.go("wait")
            return
        book = self.nav.snapshot.book
        lines = [
            self._("{child} is going home with {collector}.").format(
                child=views.first_name(book, h.event.child_id),
                collector=h.event.payload.get("collector_name", ""),
            )
            for h in decision.handed
        ]
        for refused in decision.refused:
            alert = refused.alert
            child = book.children.get(alert.child_id or -1) if alert else None
            if child is not None:
                lines.append(self._("{name} stays here for now.").format(name=child.first_name))
        self.nav.go("done", lines=[*lines, self._("Goodbye!")])


def _pending(request: Any) -> ReleasePending:
    return ReleasePending(
        request=request,
        child_id=request.child_id,
        adult_id=request.adult_id,
        collector_name=request.payload.get("collector_name", ""),
        method=CollectionMethod(request.payload.get("method", "chosen_adult")),
        checks=tuple(Check(c) for c in request.payload.get("checks", ())),
    )
