"""The door's rules stay plain Python: no Kivy, SQLAlchemy, HTTP or OpenCV under kiosk/door."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kiosk.door

FORBIDDEN = [
    "kivy",
    "sqlalchemy",
    "httpx",
    "requests",
    "urllib3",
    "fastapi",
    "starlette",
    "cv2",
    "aiohttp",
    "http",
]

BLOCKER = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {FORBIDDEN!r}:
            raise ImportError("the door must not import " + name)
sys.meta_path.insert(0, Block())
import pkgutil, importlib, kiosk.door
for module in pkgutil.walk_packages(kiosk.door.__path__, "kiosk.door."):
    importlib.import_module(module.name)
print("imported", len(list(pkgutil.walk_packages(kiosk.door.__path__))), "modules")
"""


def test_every_door_module_imports_with_frameworks_blocked() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[3],
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout


def test_the_blocker_would_notice_a_framework_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import sqlalchemy\n")
    probe = BLOCKER.replace(
        "import pkgutil", f"sys.path.insert(0, {str(tmp_path)!r}); import sneaky\nimport pkgutil"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[3],
        check=False,
    )
    assert result.returncode != 0 and "must not import sqlalchemy" in result.stderr


def test_no_door_source_mentions_a_framework_import() -> None:
    for source in Path(kiosk.door.__file__).parent.rglob("*.py"):
        for line in source.read_text().splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                assert words[1].split(".")[0] not in FORBIDDEN, f"{source}: {line}"
