"""Every message the kiosk shows, found in its source: the list translators work from.

Run ``python -m kiosk.messages`` to print a .pot template; a test checks that each catalog in
``kiosk/locale`` translates every message.
"""

from __future__ import annotations

import ast
from pathlib import Path

from db.vocabulary import STAFF_TEXT, Reason
from kiosk.door_health import MESSAGES as DOOR_HEALTH
from kiosk.staff_views import PAIR_AGAIN, REVOKED, UNTRUSTED, UNTRUSTED_WHY

KIOSK = Path(__file__).parent
# Messages passed around as data before translation (tab names, ID documents, entry labels).
DATA_MESSAGES = (
    "On site",
    "Alerts",
    "Pick-ups",
    "Roll call",
    "Staff",
    "Visitors",
    "Passport",
    "Driving licence",
    "Other photo ID",
    "Your name",
    "The agreed password",
    "Staff will ask to see your ID.",
    "What was done?",
    "Visitor's name",
    "Organisation",
    "Who or which room are they visiting?",
    "Acknowledge",
    "Resolve",
    "Unlock",
    "Confirm",
    "Here",
    "Undo",
    "Sign out",
    "Sign in",
    "Sign in a visitor",
    # kiosk.ui.arrival.ArrivalConfirmScreen and its going-home twin: title and button
    "Who is coming in today?",
    "Going home",
    # kiosk.staff_views.sync_lines: what staff mode says about the office hub
    "This kiosk works alone: it is not paired with an office hub.",
    REVOKED,
    PAIR_AGAIN,
    UNTRUSTED,
    UNTRUSTED_WHY,
    "Events waiting to send: {n}, kept safely here.",
    "In touch with the office; last sync {time}.",
    "Events waiting to send: {n}.",
    "The office hub has not answered yet.",
    "The office hub has not answered since {time}.",
    "This kiosk's clock is {n} min slow.",
    "This kiosk's clock is {n} min fast.",
    # kiosk.door_health: what staff mode says about the door's own disk and database
    *DOOR_HEALTH,
    # Alerts the office raises arrive at a door as these words (admin/office/not_arrived.py)
    STAFF_TEXT[Reason.NOT_ARRIVED],
)


def kiosk_messages() -> list[str]:
    found: dict[str, None] = dict.fromkeys(DATA_MESSAGES)
    for source in sorted((KIOSK / "ui").glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (
                    (isinstance(node.func, ast.Attribute) and node.func.attr in ("_", "gettext"))
                    or (isinstance(node.func, ast.Name) and node.func.id == "_")
                )
            ):
                found[node.args[0].value] = None
    return list(found)


def pot() -> str:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for message in kiosk_messages():
        lines += [f"msgid {message!r}".replace("'", '"'), 'msgstr ""', ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(pot())
