"""The one place that builds the kiosk's object graph: store, service, devices, translations.

Kivy reads its configuration from the environment at first import, so :func:`prepare_kivy`
runs before anything imports it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from db.clock import utc_now

if TYPE_CHECKING:
    from kiosk.app import KioskApp


def prepare_kivy(
    *, width: int = 800, height: int = 480, fullscreen: bool = False, headless: bool = False
) -> None:
    """Quiet, self-contained Kivy: no ~/.kivy, no argv parsing, our window size."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_USE_DEFAULTCONFIG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="handover-kivy-"))
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def build_app(
    *,
    db: str,
    device: str = "front-door",
    camera: str = "v4l2:0",
    decoder: str = "zxing",
    clock: Callable[[], datetime] = utc_now,
    hub: tuple[str, str] | None = None,
) -> KioskApp:
    """The door, whole: every device and the sync loop (with ``hub``, its URL and this door's
    token) are made here and handed to the app as it is made, never set on it afterwards."""
    from kiosk.app import KioskApp
    from kiosk.devices.camera import camera_from_setting
    from kiosk.devices.decoder import make_decoder
    from kiosk.devices.scanning import CameraScanner
    from kiosk.devices.sound import SilentChime
    from kiosk.i18n import Translator
    from kiosk.service import KioskService
    from kiosk.store.local import KioskStore
    from kiosk.sync.start import start_sync
    from kiosk.ui.sound import KivyChime

    store = KioskStore(db, device=device)
    service = KioskService(store, device=device, clock=clock)
    translator = Translator(offered=service.setting.languages)
    # The scanner is given the app's hands (what to do with a card, a lost camera) by the app.
    scanner = None
    if camera != "none":
        scanner = partial(CameraScanner, camera_from_setting(camera), make_decoder(decoder))
    sounds = Path(tempfile.gettempdir()) / "handover-sounds"
    chime = KivyChime(sounds) if os.environ.get("SDL_VIDEODRIVER") != "offscreen" else SilentChime()
    sync_loop = start_sync(service, hub_url=hub[0], token=hub[1]) if hub else None
    return KioskApp(service, translator, camera=scanner, chime=chime, sync_loop=sync_loop)
