"""Run by tests/deploy/test_wheel.py with an installed Handover's Python, outside the checkout:
the kiosk's home screen switched to Polish, then to Urdu, each screenshotted, and what it
showed printed as JSON (the words, the screenshot, and where the Arabic font came from)."""

from __future__ import annotations

import json
import sys


def main(database: str, folder: str) -> None:
    from kiosk.bootstrap import build_app, prepare_kivy

    prepare_kivy(headless=True)
    app = build_app(db=database, device="wheel-check", camera="none")

    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.ui import theme
    from kiosk.ui.widgets import Text

    # Driven frame by frame, as tests/kiosk/ui does: a timer could fire before a loaded
    # machine has laid the screen out.
    EventLoop.ensure_window()
    app._run_prepare()
    seen: dict[str, object] = {"arabic_font": theme.ARABIC_FONT, "font": theme.FONT}
    for code in ("pl", "ur"):
        app.translator.choose(code)
        for _ in range(10):
            EventLoop.idle()
        words = [
            w.plain
            for w in app.root.walk()
            if isinstance(w, Text) and w.get_root_window() is not None and w.opacity > 0
        ]
        Window.dispatch("on_draw")  # read before a flip, as handover kiosk --screenshot-after
        seen[code] = {"words": words, "screenshot": Window.screenshot(name=f"{folder}/{code}.png")}
    app.stop()
    print(json.dumps(seen))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
