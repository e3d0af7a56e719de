"""Screens draw from the door's published snapshot, never from its live book and timeline,
which the door thread changes while a screen may be drawing (kiosk/snapshot.py)."""

from __future__ import annotations

import ast
from pathlib import Path

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
UI_THREAD = [*sorted((KIOSK / "ui").glob("*.py")), KIOSK / "app.py", KIOSK / "views.py"]
LIVE = {"book", "timeline"}


def live_reads(source: str) -> list[int]:
    """Lines reaching the door's live objects: ``<anything>.door.book`` or ``.door.timeline``,
    and ``service.door`` itself (the door is the door thread's alone)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        holder = node.value
        reaches_door = node.attr in LIVE and (
            (isinstance(holder, ast.Attribute) and holder.attr == "door")
            or (isinstance(holder, ast.Name) and holder.id == "door")
        )
        if reaches_door or (node.attr == "door" and _is_service(holder)):
            lines.append(node.lineno)
    return lines


def _is_service(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "service"


def test_the_check_notices_a_screen_that_reads_the_live_register() -> None:
    planted = "def draw(app):\n    return app.service.door.timeline.on_site\n"
    assert live_reads(planted) == [2, 2]
    assert live_reads("def draw(door):\n    return door.book.children\n") == [2]
    assert live_reads("def draw(app):\n    return app.snapshot.timeline.on_site\n") == []


def test_no_screen_reads_the_doors_live_book_or_timeline_while_the_door_changes_them() -> None:
    offences = {
        f"{path.relative_to(KIOSK.parent)}:{line}"
        for path in UI_THREAD
        for line in live_reads(path.read_text(encoding="utf-8"))
    }
    assert offences == set()
