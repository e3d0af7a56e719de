"""What staff are told as time passes, and how they close it (R2, R9, R13)."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.clock import at_local
from db.timeline import EventRecord
from db.vocabulary import EventType, Reason
from kiosk.door.context import MAX_NOTE_CHARS, DoorContext, clean_text


def due_alerts(ctx: DoorContext, *, now: datetime) -> tuple[EventRecord, ...]:
    """Alerts that time has made due and that nobody has raised yet: an arrival no member of
    staff has acknowledged within the window, a child still here after session end + grace.
    Safe to call every few seconds, from any door: each is raised once per stay."""
    raised = {(a.ref, a.reason) for a in ctx.timeline.alerts.values()}
    events: list[EventRecord] = []
    today = ctx.today(now)
    for stay in list(ctx.timeline.on_site.values()):
        key = (stay.arrival_uuid, Reason.ARRIVAL_NOT_ACKNOWLEDGED)
        waited = now - stay.arrived_at
        if (
            stay.acknowledged_at is None
            and waited > ctx.policy.acknowledgement_window
            and key not in raised
        ):
            events.append(
                ctx.alert(
                    Reason.ARRIVAL_NOT_ACKNOWLEDGED,
                    now=now,
                    ref=stay.arrival_uuid,
                    child_id=stay.child_id,
                    minutes_waiting=int(waited / timedelta(minutes=1)),
                )
            )
        end = ctx.book.session_end(stay.child_id, today)
        key = (stay.arrival_uuid, Reason.LATE_COLLECTION)
        if end is None or key in raised:
            continue
        due = at_local(today, end, ctx.policy.time_zone) + ctx.policy.late_collection_grace
        if now > due and stay.arrived_at < due:
            events.append(
                ctx.alert(
                    Reason.LATE_COLLECTION,
                    now=now,
                    ref=stay.arrival_uuid,
                    child_id=stay.child_id,
                    session_ended=end.isoformat(timespec="minutes"),
                )
            )
    return tuple(events)


def acknowledge_alert(
    ctx: DoorContext, *, alert_uuid: str, staff_id: int, now: datetime
) -> tuple[EventRecord, ...]:
    alert = ctx.timeline.alerts.get(alert_uuid)
    if alert is None or alert.acknowledged_at is not None:
        return ()
    return (
        ctx.event(
            EventType.ALERT_ACKNOWLEDGED,
            now=now,
            ref=alert_uuid,
            child_id=alert.child_id,
            staff_id=staff_id,
        ),
    )


def resolve_alert(
    ctx: DoorContext, *, alert_uuid: str, staff_id: int, note: str, now: datetime
) -> tuple[EventRecord, ...]:
    """R13: what was done, by whom, when. A note is required."""
    alert = ctx.timeline.alerts.get(alert_uuid)
    if alert is None or alert.resolved_at is not None:
        return ()
    text = clean_text(note, what="what was done", max_chars=MAX_NOTE_CHARS)
    return (
        ctx.event(
            EventType.ALERT_RESOLVED,
            now=now,
            ref=alert_uuid,
            child_id=alert.child_id,
            staff_id=staff_id,
            payload={"note": text},
        ),
    )


def is_locked(ctx: DoorContext, *, child_id: int, now: datetime) -> bool:
    since = now - ctx.policy.password_window
    failures = ctx.timeline.recent_password_failures(child_id, since)
    return failures >= ctx.policy.password_attempt_limit


def clear_lockout(
    ctx: DoorContext, *, child_id: int, staff_id: int, now: datetime
) -> tuple[EventRecord, ...]:
    """Only a member of staff can let password collection be tried again for a child."""
    if not ctx.timeline.password_failures.get(child_id):
        return ()
    return (ctx.event(EventType.LOCKOUT_CLEARED, now=now, child_id=child_id, staff_id=staff_id),)
