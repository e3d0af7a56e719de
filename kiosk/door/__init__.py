"""The door's rules: who may collect whom, lockouts, alerts. Plain Python only.

Nothing under ``kiosk.door`` imports Kivy, SQLAlchemy, an HTTP library or OpenCV; a test
imports it with those blocked. Given the people data (:class:`PeopleBook`) and the day's
events, every function returns a decision and the events it would record.
"""

from kiosk.door.arrival import acknowledge_arrival, decide_arrival
from kiosk.door.book import (
    AdultInfo,
    AuthorisationInfo,
    CardInfo,
    ChildInfo,
    DoorPolicy,
    PeopleBook,
    PermissionInfo,
    RestrictionInfo,
    SessionInfo,
    StaffInfo,
)
from kiosk.door.collection import ByCard, ByChosenAdult, ByPassword, decide_collection, read_card
from kiosk.door.decisions import (
    PLEASE_WAIT,
    Arrived,
    CardHolder,
    DoorInputError,
    GoingHome,
    HandedOver,
    HandoversDecided,
    Locked,
    NotConfirmed,
    PinChecked,
    Refused,
    ReleasePending,
)
from kiosk.door.door import Door
from kiosk.door.handover import (
    cancel_collection,
    check_staff_pin,
    confirm_handover,
    verify_staff_pin,
)
from kiosk.door.presence import staff_sign_in, staff_sign_out, visitor_sign_in, visitor_sign_out
from kiosk.door.together import confirm_going_home, decide_going_home, requests_together
from kiosk.door.watch import acknowledge_alert, clear_lockout, due_alerts, is_locked, resolve_alert

__all__ = [
    "PLEASE_WAIT",
    "AdultInfo",
    "Arrived",
    "AuthorisationInfo",
    "ByCard",
    "ByChosenAdult",
    "ByPassword",
    "CardHolder",
    "CardInfo",
    "ChildInfo",
    "Door",
    "DoorInputError",
    "DoorPolicy",
    "GoingHome",
    "HandedOver",
    "HandoversDecided",
    "Locked",
    "NotConfirmed",
    "PeopleBook",
    "PermissionInfo",
    "PinChecked",
    "Refused",
    "ReleasePending",
    "RestrictionInfo",
    "SessionInfo",
    "StaffInfo",
    "acknowledge_alert",
    "acknowledge_arrival",
    "cancel_collection",
    "check_staff_pin",
    "clear_lockout",
    "confirm_going_home",
    "confirm_handover",
    "decide_arrival",
    "decide_collection",
    "decide_going_home",
    "due_alerts",
    "is_locked",
    "read_card",
    "requests_together",
    "resolve_alert",
    "staff_sign_in",
    "staff_sign_out",
    "verify_staff_pin",
    "visitor_sign_in",
    "visitor_sign_out",
]
