"""The hub's log: one line per thing that happened, ``key=value``, to stderr (the journal).

Lines name people and devices by id only. What a person typed (a username, a password, a
code) and what a door sent (names in an event) never reach this module: callers pass ids,
codes of our own making and counts. A value with a space or a quote is written as a JSON
string, so every line splits the same way (``journalctl -o cat | grep event=login``).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from db.timeline import EventRecord
from db.vocabulary import EventType

HUB_LOG = logging.getLogger("handover.hub")
ACCESS_LOG = logging.getLogger("handover.access")
Value = str | int | float | bool | None


def log_event(event: str, /, *, logger: logging.Logger = HUB_LOG, **fields: Value) -> None:
    """One line for ``event``; fields that are None are left out."""
    logger.info(event, extra={"fields": {k: v for k, v in fields.items() if v is not None}})


def _value(value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if text == "" or any(ch in text for ch in ' "=\\') or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    return text


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        fields: dict[str, object] = {
            "time": moment.replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        return " ".join(f"{key}={_value(value)}" for key, value in fields.items())


def configure_hub_logging(stream: TextIO | None = None) -> None:
    """Send the hub's lines and its access log to ``stream`` (stderr: the journal under
    systemd). Called once by ``handover hub``; tests that build the app in-process leave the
    loggers alone, so nothing is printed twice."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    for logger in (HUB_LOG, ACCESS_LOG):
        logger.handlers = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


ALERT_EVENTS = frozenset(
    {EventType.ALERT_RAISED, EventType.ALERT_ACKNOWLEDGED, EventType.ALERT_RESOLVED}
)


def log_alerts(records: Iterable[EventRecord], *, kiosk: int | None = None) -> None:
    """A line for each alert raised, acknowledged or resolved among events just stored. The
    payload's free text (a resolution note, what was presented) stays out: it may name
    people. The reason and severity are codes of our own."""
    for record in records:
        if record.type not in ALERT_EVENTS:
            continue
        raised = record.type == EventType.ALERT_RAISED
        log_event(
            str(record.type.value if isinstance(record.type, EventType) else record.type),
            alert=record.uuid if raised else record.ref,
            severity=_code(record.payload.get("severity")) if raised else None,
            reason=_code(record.payload.get("reason")) if raised else None,
            kiosk=kiosk,
            device=_code(record.device),
            child=record.child_id,
            staff=record.staff_id,
        )


def _code(value: object) -> str | None:
    # A code is short and plain; anything else a door sent is not repeated here.
    text = str(value) if value is not None else ""
    plain = text.replace("-", "").replace("_", "")
    return text if 0 < len(text) <= 64 and plain.isascii() and plain.isalnum() else None


def log_database_busy(path: str, exc: Exception) -> None:
    """A request answered 503 because the database was busy; the exception's kind only, never
    its message (the SQL may hold names)."""
    log_event("database_busy", path=path, reason=type(getattr(exc, "orig", None) or exc).__name__)
