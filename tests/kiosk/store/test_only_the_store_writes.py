"""Every write of the kiosk process goes through KioskStore (kiosk/store/local.py promises it):
the sync client asks the store to keep what the hub sent, it never opens the database itself."""

from __future__ import annotations

import ast
from pathlib import Path

SYNC = Path(__file__).resolve().parents[3] / "kiosk" / "sync"
AROUND_THE_STORE = {"sessions", "engine"}


def reaches_past_the_store(source: str) -> list[str]:
    tree = ast.parse(source)
    found = [
        f"{node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in AROUND_THE_STORE
    ]
    found += [
        f"{node.lineno}: import {node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
    ]
    return found


def test_the_check_notices_a_sync_client_writing_past_the_store() -> None:
    planted = "from sqlalchemy import update\nwith store.sessions.begin() as s:\n    pass\n"
    assert reaches_past_the_store(planted) == ["2: .sessions", "1: import sqlalchemy"]


def test_what_the_hub_sends_is_kept_only_through_the_doors_store() -> None:
    found = {
        f"{path.name}:{line}"
        for path in sorted(SYNC.glob("*.py"))
        for line in reaches_past_the_store(path.read_text(encoding="utf-8"))
    }
    assert found == set()
