"""The devices stay free of Kivy, so they run (and are tested) without a window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import importlib, pkgutil, sys
import kiosk.devices
names = [m.name for m in pkgutil.walk_packages(kiosk.devices.__path__, "kiosk.devices.")]
for name in names:
    importlib.import_module(name)
assert len(names) >= 5, names
print("kivy loaded:", any(m == "kivy" or m.startswith("kivy.") for m in sys.modules))
"""


def test_every_device_module_imports_without_loading_kivy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[3],
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "kivy loaded: False" in result.stdout
