"""Who may take a child home (R3-R8). Every path ends in exactly one decision, and the only
decision that lets a child go is a handover confirmed by a member of staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from db.clock import age_in_years
from db.credentials import (
    CredentialError,
    PasswordTooLong,
    check_password,
    parse_card,
    secret_matches,
)
from db.vocabulary import Check, CollectionMethod, EventType, Reason
from kiosk.door.book import AdultInfo
from kiosk.door.context import DoorContext, clean_text
from kiosk.door.decisions import (
    CardDecision,
    CardHolder,
    CollectionDecision,
    DoorInputError,
    Locked,
    Refused,
    ReleasePending,
)


@dataclass(frozen=True)
class ByCard:
    card_id: str
    adult_id: int


@dataclass(frozen=True)
class ByChosenAdult:
    adult_id: int


@dataclass(frozen=True)
class ByPassword:
    name: str
    password: str = field(repr=False)


Collector = ByCard | ByChosenAdult | ByPassword


def read_card(
    ctx: DoorContext, raw: str, *, now: datetime, collecting: bool = False
) -> CardDecision:
    """A card shown to the camera or typed by a USB scanner. An unknown or revoked Handover card
    always alerts staff; a QR code that is not ours alerts only during a collection (a cereal box
    held up at the home screen is not an incident)."""
    try:
        payload = parse_card(raw)
    except CredentialError:
        presented = {"card": "not a Handover card", "length": len(raw)}
        refused = ctx.refuse(Reason.MALFORMED_CARD, now=now, presented=presented)
        return refused if collecting else Refused(refused.reason, refused.severity, events=())
    card = ctx.book.cards.get(payload.card_id)
    if card is None or not secret_matches(payload.secret, card.secret_hash):
        # A known id with a wrong secret is a forged or mistyped card: unknown, not "revoked".
        return ctx.refuse(Reason.UNKNOWN_CARD, now=now, presented={"card_id": payload.card_id})
    if card.revoked:
        return ctx.refuse(
            Reason.REVOKED_CARD,
            now=now,
            adult_id=card.holder_adult_id,
            presented={"card_id": card.id},
        )
    if card.holder_staff_id is not None:
        return CardHolder(card_id=card.id, staff_id=card.holder_staff_id)
    assert card.holder_adult_id is not None
    return _adult_card(ctx, card.id, card.holder_adult_id, now=now)


def _adult_card(ctx: DoorContext, card_id: str, adult_id: int, *, now: datetime) -> CardDecision:
    restricted = ctx.book.restricted_children(adult_id=adult_id)
    if restricted:  # a court order outranks any authorisation: never show them a child
        presented = {"card_id": card_id}
        return ctx.refuse_restricted(restricted, now=now, adult_id=adult_id, presented=presented)
    on_site = ctx.timeline.on_site
    linked = ctx.book.children_of_adult.get(adult_id, set())
    names = ctx.book.children
    order = sorted(
        linked, key=lambda c: (names[c].first_name, names[c].last_name) if c in names else ("", "")
    )
    return CardHolder(
        card_id=card_id,
        adult_id=adult_id,
        on_site_child_ids=tuple(c for c in order if c in on_site),
        arriving_child_ids=tuple(c for c in order if c not in on_site and c in names),
    )


def decide_collection(
    ctx: DoorContext,
    *,
    child_id: int,
    collector: Collector,
    now: datetime,
    together: str | None = None,
) -> CollectionDecision:
    """Exactly one of: release pending staff confirmation, refused (and alert), or locked.
    A child this door has not seen arrive still goes to staff, never to "not here": another
    door may have signed them in while the office was out of reach."""
    adult_id = None if isinstance(collector, ByPassword) else collector.adult_id
    presented = presented_by(collector)
    if child_id not in ctx.book.children:
        return ctx.refuse(Reason.UNKNOWN_CHILD, now=now, adult_id=adult_id, presented=presented)
    restricted = restricted_for(ctx, collector)
    if restricted:
        return ctx.refuse_restricted(restricted, now=now, adult_id=adult_id, presented=presented)
    if isinstance(collector, ByPassword):
        return _by_password(ctx, child_id=child_id, collector=collector, now=now)
    return _by_adult(ctx, child_id=child_id, collector=collector, now=now, together=together)


def restricted_for(ctx: DoorContext, collector: Collector) -> list[int]:
    if isinstance(collector, ByPassword):
        return ctx.book.restricted_children(name=collector.name)
    adult = ctx.book.adults.get(collector.adult_id)
    return ctx.book.restricted_children(
        adult_id=collector.adult_id, name=adult.full_name if adult else None
    )


def presented_by(collector: Collector) -> dict[str, object]:
    if isinstance(collector, ByCard):
        return {"method": CollectionMethod.CARD.value, "card_id": collector.card_id}
    if isinstance(collector, ByChosenAdult):
        return {"method": CollectionMethod.CHOSEN_ADULT.value}
    # The typed name goes to staff; the password never goes anywhere.
    return {"method": CollectionMethod.PASSWORD.value, "name": collector.name[:100]}


def _by_adult(
    ctx: DoorContext,
    *,
    child_id: int,
    collector: ByCard | ByChosenAdult,
    now: datetime,
    together: str | None,
) -> CollectionDecision:
    presented = presented_by(collector)
    adult = ctx.book.adults.get(collector.adult_id)

    def refuse_as(reason: Reason) -> Refused:
        return ctx.refuse(
            reason, now=now, child_id=child_id, adult_id=collector.adult_id, presented=presented
        )

    if adult is None:
        return refuse_as(Reason.NOT_AUTHORISED)
    checks: list[Check] = [Check.COMPARE_PHOTO] if adult.has_photo else []
    permission_id = None
    if adult.id not in ctx.book.authorised.get(child_id, {}):
        today = ctx.today(now)
        permissions = [p for p in ctx.book.permissions.get(child_id, ()) if p.adult_id == adult.id]
        if not permissions:
            return refuse_as(Reason.NOT_AUTHORISED)
        valid = [p for p in permissions if p.valid_on(today)]
        if not valid:
            return refuse_as(Reason.PERMISSION_OUT_OF_DATES)
        permission_id = valid[0].id
        checks.append(Check.CHECK_ID_DOCUMENT)  # R5: not known to the key person
    if not _old_enough(ctx, adult, now):
        return refuse_as(Reason.UNDER_AGE)
    method = (
        CollectionMethod.CARD if isinstance(collector, ByCard) else CollectionMethod.CHOSEN_ADULT
    )
    return _pending(
        ctx,
        child_id=child_id,
        adult_id=adult.id,
        name=adult.full_name,
        method=method,
        checks=tuple(checks),
        now=now,
        permission_id=permission_id,
        card_id=collector.card_id if isinstance(collector, ByCard) else None,
        together=together,
    )


def _old_enough(ctx: DoorContext, adult: AdultInfo, now: datetime) -> bool:
    if adult.date_of_birth is None:
        return adult.confirmed_adult
    return age_in_years(adult.date_of_birth, ctx.today(now)) >= ctx.policy.minimum_collector_age


def _by_password(
    ctx: DoorContext, *, child_id: int, collector: ByPassword, now: datetime
) -> CollectionDecision:
    try:
        name = clean_text(collector.name, what="your name")
    except DoorInputError:
        name = collector.name[:100]
    presented = {"method": CollectionMethod.PASSWORD.value, "name": name}
    failures = ctx.timeline.recent_password_failures(child_id, now - ctx.policy.password_window)
    limit = ctx.policy.password_attempt_limit
    if failures >= limit:
        alert = ctx.alert(Reason.LOCKED_OUT, now=now, child_id=child_id, presented=presented)
        return Locked(child_id=child_id, events=(alert,))

    def refuse_as(reason: Reason, locked: bool = False) -> Refused:
        return ctx.refuse(reason, now=now, child_id=child_id, presented=presented, locked=locked)

    password_id = ctx.book.children[child_id].agreed_password_id
    stored = ctx.book.password_hashes.get(password_id) if password_id is not None else None
    if stored is None:
        return refuse_as(Reason.NO_PASSWORD_AGREED)
    try:
        right = check_password(collector.password, stored, agreed=True)
    except PasswordTooLong:
        return refuse_as(Reason.PASSWORD_TOO_LONG)
    if not right:
        return refuse_as(Reason.WRONG_PASSWORD, failures + 1 >= limit)
    if not name.strip():
        return refuse_as(Reason.NOT_AUTHORISED)
    return _pending(
        ctx,
        child_id=child_id,
        adult_id=None,
        name=name,
        method=CollectionMethod.PASSWORD,
        checks=(Check.CHECK_ID_DOCUMENT,),
        now=now,
    )


def _pending(
    ctx: DoorContext,
    *,
    child_id: int,
    adult_id: int | None,
    name: str,
    method: CollectionMethod,
    checks: tuple[Check, ...],
    now: datetime,
    permission_id: int | None = None,
    card_id: str | None = None,
    together: str | None = None,
) -> ReleasePending:
    seen_here = child_id in ctx.timeline.on_site
    if not seen_here:
        checks += (Check.SEE_THE_CHILD,)
    request = ctx.event(
        EventType.COLLECTION_REQUESTED,
        now=now,
        child_id=child_id,
        adult_id=adult_id,
        payload={
            "method": method.value,
            "collector_name": name,
            "checks": [c.value for c in checks],
            "permission_id": permission_id,
            "card_id": card_id,
            **({"together": together} if together else {}),
            **({} if seen_here else {"arrival_known_here": False}),
        },
    )
    notice = None
    if not seen_here:
        notice = ctx.alert(
            Reason.ARRIVAL_NOT_KNOWN_HERE,
            now=now,
            ref=request.uuid,
            child_id=child_id,
            adult_id=adult_id,
            text=_not_seen_here(ctx, child_id),
        )
    return ReleasePending(
        request=request,
        child_id=child_id,
        adult_id=adult_id,
        collector_name=name,
        method=method,
        checks=checks,
        notice=notice,
    )


def _not_seen_here(ctx: DoorContext, child_id: int) -> str:
    """Why the door cannot see the child, for the staff-screen notice."""
    child = ctx.book.children[child_id].full_name
    stays = ctx.timeline.stays.get(child_id)
    if stays and stays[-1].departed_at is not None:
        left = stays[-1].departed_at.astimezone(ctx.policy.time_zone).strftime("%H:%M")
        why = f"this door saw {child} go home at {left}"
    else:
        why = f"no arrival for {child} has reached this door today"
    return (
        f"Collection of {child}: {why} (another door's arrival not yet synced, a door that "
        "was offline, or a child who came in another way). See the child before the handover."
    )
