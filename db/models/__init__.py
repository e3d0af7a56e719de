"""Every table, on one ``MetaData``. Import models from here."""

from db.models.base import OFFICE_ONLY, SECRET, SENSITIVE, Base, VersionCounter, Versioned
from db.models.family import FamilyCode, FamilyRequest, FamilySession
from db.models.office import LoginAttempt, MailSettings, Notice, NoticeCursor, WebSession
from db.models.people import (
    Adult,
    AgreedPassword,
    Authorisation,
    Card,
    Child,
    ChildBooking,
    OneOffPermission,
    Restriction,
    Staff,
    Visitor,
)
from db.models.records import AuditEntry, Event, Kiosk, RefusedEvent, SigningKey
from db.models.setting import ClosedDay, NurserySession, RatioRule, Room, Setting
from db.models.sync import Outbox, SyncState

__all__ = [
    "OFFICE_ONLY",
    "SECRET",
    "SENSITIVE",
    "Adult",
    "AgreedPassword",
    "AuditEntry",
    "Authorisation",
    "Base",
    "Card",
    "Child",
    "ChildBooking",
    "ClosedDay",
    "Event",
    "FamilyCode",
    "FamilyRequest",
    "FamilySession",
    "Kiosk",
    "LoginAttempt",
    "MailSettings",
    "Notice",
    "NoticeCursor",
    "NurserySession",
    "OneOffPermission",
    "Outbox",
    "RatioRule",
    "RefusedEvent",
    "Restriction",
    "Room",
    "Setting",
    "SigningKey",
    "Staff",
    "SyncState",
    "VersionCounter",
    "Versioned",
    "Visitor",
    "WebSession",
]
