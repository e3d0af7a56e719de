"""What a kiosk may hold is decided by the flags on the models, and nothing else gets out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Column, Table

from db.models.sync import (
    DOOR_TABLES,
    deserialise_row,
    door_columns,
    python_type,
    serialise_row,
)

MARK = "OFFICE-ONLY-MARK"


def _filled(table: Table) -> dict[str, Any]:
    """A row with every column of the table set, office-only ones to a recognisable mark."""

    def value(column: Column[Any]) -> Any:
        if column.info.get("office_only") or column.info.get("sensitive"):
            return MARK
        kind = python_type(column)
        samples = {
            bytes: b"\x89PNG",
            datetime: datetime(2026, 11, 23, 8, 30, tzinfo=UTC),
            date: date(2023, 3, 14),
            time: time(8, 30),
            bool: True,
            int: 7,
            str: "Maya",
        }
        assert kind in samples or column.name in ("languages", "extra"), column
        return samples.get(kind, {"en": True}) if kind else ["en"]

    row = {column.name: value(column) for column in table.columns}
    row.update(deleted_at=None, version=42)
    return row


def test_no_office_only_or_sensitive_column_ever_reaches_a_kiosk() -> None:
    for table in DOOR_TABLES:
        sent = serialise_row(table, _filled(table))
        assert MARK not in repr(sent), table.name
        flagged = {
            c.name for c in table.columns if c.info.get("office_only") or c.info.get("sensitive")
        }
        assert not flagged & set(sent["row"]), table.name


def test_the_door_gets_the_hashes_it_checks_but_not_the_contact_details() -> None:
    by_name = {t.name: {c.name for c in door_columns(t)} for t in DOOR_TABLES}
    assert {"pin_hash", "photo", "first_name"} <= by_name["staff"]
    assert not {"password_hash", "phone"} & by_name["staff"]
    assert "secret_hash" in by_name["cards"] and "password_hash" in by_name["agreed_passwords"]
    assert (
        not {"particular_needs", "home_address", "emergency_contacts", "lives_with"}
        & by_name["children"]
    )
    assert not {"phone", "email"} & by_name["adults"]
    assert "reason" not in by_name["restrictions"] and "note" not in by_name["one_off_permissions"]


def test_a_row_read_back_at_the_kiosk_is_the_row_the_office_holds() -> None:
    for table in DOOR_TABLES:
        row = _filled(table)
        back = deserialise_row(table, serialise_row(table, row)["row"])
        assert back == {c.name: row[c.name] for c in door_columns(table)}, table.name


def test_a_child_who_left_travels_as_a_tombstone_without_her_name() -> None:
    children = next(t for t in DOOR_TABLES if t.name == "children")
    row = _filled(children) | {"deleted_at": datetime(2026, 11, 23, tzinfo=UTC)}
    assert serialise_row(children, row) == {
        "table": "children",
        "id": 7,
        "deleted": True,
        "version": 42,
    }


def test_a_kiosk_drops_a_sensitive_column_even_if_a_hub_sent_one() -> None:
    children = next(t for t in DOOR_TABLES if t.name == "children")
    assert "particular_needs" not in deserialise_row(children, {"particular_needs": MARK})
