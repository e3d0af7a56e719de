"""The words Handover's records are written in. Pure Python: the door imports this."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """What can happen at the door or in the office. Events are immutable once written."""

    CHILD_ARRIVED = "child_arrived"
    ARRIVAL_ACKNOWLEDGED = "arrival_acknowledged"
    COLLECTION_REQUESTED = "collection_requested"
    COLLECTION_CANCELLED = "collection_cancelled"
    COLLECTION_REFUSED = "collection_refused"
    CHILD_COLLECTED = "child_collected"
    ALERT_RAISED = "alert_raised"
    ALERT_ACKNOWLEDGED = "alert_acknowledged"
    ALERT_RESOLVED = "alert_resolved"
    LOCKOUT_CLEARED = "lockout_cleared"
    STAFF_PIN_FAILED = "staff_pin_failed"  # a wrong staff PIN at a kiosk: counted, not alerted
    STAFF_SIGNED_IN = "staff_signed_in"
    STAFF_SIGNED_OUT = "staff_signed_out"
    VISITOR_SIGNED_IN = "visitor_signed_in"
    VISITOR_SIGNED_OUT = "visitor_signed_out"
    # Office-only: a manager's word that a day's register is complete (ref: the day, ISO).
    REGISTER_SIGNED_OFF = "register_signed_off"
    # Office-only: a booked child who did not come, and why (ref: the day, ISO).
    CHILD_ABSENT = "child_absent"


class AbsenceReason(StrEnum):
    """Why a booked child did not come: the register records it, and "not brought" is what
    the EYFS asks a setting to follow up."""

    ILL = "ill"
    HOLIDAY = "holiday"
    NOT_BROUGHT = "not_brought"
    UNKNOWN = "unknown"
    OTHER = "other"  # a parent's own words, in the note


ABSENCE_TEXT: dict[AbsenceReason, str] = {
    AbsenceReason.ILL: "Ill",
    AbsenceReason.HOLIDAY: "On holiday",
    AbsenceReason.NOT_BROUGHT: "Not brought",
    AbsenceReason.UNKNOWN: "Reason not known",
    AbsenceReason.OTHER: "Another reason",
}


class Role(StrEnum):
    MANAGER = "manager"
    STAFF = "staff"


class PrivacyMode(StrEnum):
    """What the self-registration board shows of each child (R12)."""

    PHOTO_AND_FIRST_NAME = "photo_first_name"
    FIRST_NAME_AND_INITIAL = "first_name_initial"
    CARD_FIRST = "card_first"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    HIGH = "high"
    CRITICAL = "critical"  # a person who must not collect: court orders


class Reason(StrEnum):
    """Why a collection was refused, or why an alert was raised."""

    MALFORMED_CARD = "malformed_card"
    UNKNOWN_CARD = "unknown_card"
    REVOKED_CARD = "revoked_card"
    STAFF_CARD = "staff_card"
    NOT_AUTHORISED = "not_authorised"
    RESTRICTED_PERSON = "restricted_person"
    UNDER_AGE = "under_age"
    PERMISSION_OUT_OF_DATES = "permission_out_of_dates"
    WRONG_PASSWORD = "wrong_password"
    NO_PASSWORD_AGREED = "no_password_agreed"
    PASSWORD_TOO_LONG = "password_too_long"
    LOCKED_OUT = "locked_out"
    CHILD_NOT_ON_SITE = "child_not_on_site"
    UNKNOWN_CHILD = "unknown_child"
    ARRIVAL_NOT_ACKNOWLEDGED = "arrival_not_acknowledged"
    LATE_COLLECTION = "late_collection"
    STAFF_PIN_LOCKED = "staff_pin_locked"
    KIOSK_CANNOT_SAVE = "kiosk_cannot_save"  # a door's disk refused a write: it records nothing
    ARRIVAL_NOT_KNOWN_HERE = "arrival_not_known_here"
    RESTRICTED_PERSON_ARRIVING = "restricted_person_arriving"
    HELP_ASKED = "help_asked"
    KIOSK_DATABASE_REPLACED = "kiosk_database_replaced"  # damaged at start-up, then replaced
    KIOSK_OVER_QUOTA = "kiosk_over_quota"  # a door sent far more in an hour than doors ever do
    # Office-only: a booked child past their session's start plus the setting's minutes with
    # no arrival and no absence recorded (the EYFS asks settings to follow up).
    NOT_ARRIVED = "not_arrived"


SEVERITY_OF: dict[Reason, Severity] = {
    Reason.RESTRICTED_PERSON: Severity.CRITICAL,
    Reason.RESTRICTED_PERSON_ARRIVING: Severity.CRITICAL,
    Reason.UNKNOWN_CARD: Severity.HIGH,
    Reason.REVOKED_CARD: Severity.HIGH,
    Reason.NOT_AUTHORISED: Severity.HIGH,
    Reason.UNDER_AGE: Severity.HIGH,
    Reason.PERMISSION_OUT_OF_DATES: Severity.HIGH,
    Reason.WRONG_PASSWORD: Severity.HIGH,
    Reason.LOCKED_OUT: Severity.HIGH,
    Reason.NO_PASSWORD_AGREED: Severity.HIGH,
    Reason.STAFF_PIN_LOCKED: Severity.HIGH,
    Reason.KIOSK_CANNOT_SAVE: Severity.HIGH,
    Reason.KIOSK_DATABASE_REPLACED: Severity.WARNING,
    Reason.KIOSK_OVER_QUOTA: Severity.HIGH,
    Reason.MALFORMED_CARD: Severity.WARNING,
    Reason.STAFF_CARD: Severity.WARNING,
    Reason.PASSWORD_TOO_LONG: Severity.WARNING,
    Reason.CHILD_NOT_ON_SITE: Severity.WARNING,
    Reason.UNKNOWN_CHILD: Severity.WARNING,
    Reason.ARRIVAL_NOT_ACKNOWLEDGED: Severity.WARNING,
    Reason.LATE_COLLECTION: Severity.WARNING,
    Reason.ARRIVAL_NOT_KNOWN_HERE: Severity.WARNING,
    Reason.HELP_ASKED: Severity.WARNING,
    Reason.NOT_ARRIVED: Severity.WARNING,
}

# What staff read on an alert; the adult at the door only ever sees "please wait".
STAFF_TEXT: dict[Reason, str] = {
    Reason.MALFORMED_CARD: "A card that is not a Handover card was shown",
    Reason.UNKNOWN_CARD: "An unknown card was shown",
    Reason.REVOKED_CARD: "A revoked card was shown",
    Reason.STAFF_CARD: "A staff card was shown to collect a child",
    Reason.NOT_AUTHORISED: "This adult is not authorised to collect this child",
    Reason.RESTRICTED_PERSON: "A person who must not collect this child is at the door",
    Reason.UNDER_AGE: "The collector is under the minimum age",
    Reason.PERMISSION_OUT_OF_DATES: "The written permission is not valid today",
    Reason.WRONG_PASSWORD: "A wrong agreed password was given",
    Reason.NO_PASSWORD_AGREED: "No agreed password is set for this child",
    Reason.PASSWORD_TOO_LONG: "An over-long password was typed",
    Reason.LOCKED_OUT: "Password collection is locked for this child",
    Reason.CHILD_NOT_ON_SITE: "Collection asked for a child who is not on site",
    Reason.UNKNOWN_CHILD: "Collection asked for a child the kiosk does not know",
    Reason.ARRIVAL_NOT_ACKNOWLEDGED: "An arrival has not been acknowledged by staff",
    Reason.LATE_COLLECTION: "A child is still here after their session ended",
    Reason.STAFF_PIN_LOCKED: "Too many wrong staff PINs at a kiosk: PIN entry is paused",
    Reason.KIOSK_CANNOT_SAVE: "A kiosk cannot save: arrivals and collections there are not "
    "being recorded",
    Reason.ARRIVAL_NOT_KNOWN_HERE: "Collection asked for a child whose arrival this kiosk has "
    "not seen (another door's arrival not yet synced, a door that was offline, or a child who "
    "came in another way): see the child before the handover",
    Reason.RESTRICTED_PERSON_ARRIVING: "A person who must not collect this child is bringing "
    "children in: the arrival is held for staff",
    Reason.HELP_ASKED: "Someone at the door asked for a member of staff",
    Reason.KIOSK_DATABASE_REPLACED: "A kiosk's database was damaged and replaced at start-up: "
    "check the register for what it recorded since its last sync",
    Reason.KIOSK_OVER_QUOTA: "A kiosk sent far more than a door ever does and was paused: "
    "check it has not been tampered with, and revoke it if in doubt",
    Reason.NOT_ARRIVED: "A booked child has not arrived and no absence is recorded: "
    "contact the family and note what you did",
}


class CollectionMethod(StrEnum):
    CARD = "card"
    CHOSEN_ADULT = "chosen_adult"
    PASSWORD = "password"


class Check(StrEnum):
    """What a member of staff must do before a handover completes (R5)."""

    COMPARE_PHOTO = "compare_photo"
    CHECK_ID_DOCUMENT = "check_id_document"
    # This door never saw the child arrive: staff confirm with the child in front of them.
    SEE_THE_CHILD = "see_the_child"
