"""``handover kiosk``: the hallway app, and how ``handover demo`` starts it beside the hub."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.app import KioskApp

NO_SCREEN = """\
There is no screen here (no DISPLAY), so the kiosk is not shown. To see it:
  - on a machine with a screen:  .venv/bin/handover kiosk {kiosk}
  - or in a virtual screen, with a screenshot to look at:
      xvfb-run -a -s "-screen 0 800x480x24" \\
        .venv/bin/handover kiosk {kiosk} --screenshot-after 5 kiosk.png"""


def has_screen() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def add_kiosk_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kiosk = commands.add_parser(
        "kiosk",
        help="Open the hallway kiosk.",
        description="Open the hallway kiosk on this machine's screen (full screen on a Pi).",
    )
    kiosk.set_defaults(func=cmd_kiosk)
    kiosk.add_argument(
        "--db", default="kiosk.db", help="the kiosk's database file (default: %(default)s)"
    )
    kiosk.add_argument("--device", default="front-door", help="this door's name in the records")
    kiosk.add_argument(
        "--camera",
        default="v4l2:0",
        help="v4l2:N (USB webcam), picamera (Pi camera), fake:PATH, or none",
    )
    kiosk.add_argument(
        "--decoder",
        choices=("zxing", "pyzbar"),
        default="zxing",
        help="QR decoder (default: %(default)s, the faster and more accurate)",
    )
    kiosk.add_argument(
        "--size",
        default="800x480",
        type=_size,
        help="window size WIDTHxHEIGHT (default: %(default)s)",
    )
    kiosk.add_argument("--fullscreen", action="store_true", help="fill the screen (a Pi)")
    kiosk.add_argument("--hub", metavar="URL", help="the office hub to sync with")
    kiosk.add_argument(
        "--pair", metavar="CODE", help="pair with --hub using the code from the office panel"
    )
    kiosk.add_argument(
        "--backups",
        type=Path,
        default=os.environ.get("HANDOVER_BACKUPS") or _pi_backups(),
        help="where nightly backups are kept, to restore a damaged database from "
        "(default: $HANDOVER_BACKUPS, else /var/backups/handover where it exists)",
    )
    kiosk.add_argument(
        "--screenshot-after",
        nargs=2,
        metavar=("SECONDS", "PNG"),
        help="save a screenshot after SECONDS and exit (for checks without a screen)",
    )

    pair = commands.add_parser(
        "pair",
        help="Pair this kiosk with the office hub, without opening the screen.",
        description="Trade the pairing code from the office's Kiosks page for this kiosk's "
        "device token (kept beside the database, readable by its owner only), then sync once "
        "so the kiosk opens with the nursery's people.",
    )
    pair.set_defaults(func=cmd_pair)
    pair.add_argument("--db", default="kiosk.db", help="the kiosk's database file")
    pair.add_argument("--device", default="front-door", help="this door's name in the records")
    pair.add_argument("--hub", required=True, metavar="URL", help="the office hub")
    pair.add_argument("--code", required=True, help="the pairing code from the office panel")


def cmd_pair(args: argparse.Namespace) -> int:
    from kiosk.sync.start import first_sync, hub_token

    token = hub_token(db=args.db, hub_url=args.hub, code=args.code, device=args.device)
    if token is None:
        return 1
    first_sync(db=args.db, device=args.device, hub_url=args.hub, token=token)
    return 0


def _size(raw: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in raw.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a size like 800x480: {raw!r}") from exc
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"not a screen size: {raw!r}")
    return width, height


def _pi_backups() -> Path | None:
    folder = Path("/var/backups/handover")  # where handover-backup.service writes them
    return folder if folder.is_dir() else None


def cmd_kiosk(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("kivy") is None:  # an office install: say which part is missing
        raise ModuleNotFoundError("No module named 'kivy'", name="kivy")
    from kiosk.bootstrap import prepare_kivy
    from kiosk.stopping import end_at_once_on_sigterm

    end_at_once_on_sigterm()  # before Kivy loads SDL
    # Said before Kivy loads: once loaded, Kivy takes stderr into its own log.
    if not has_screen() and args.screenshot_after is None and not os.environ.get("SDL_VIDEODRIVER"):
        print(NO_SCREEN.format(kiosk=f"--db {args.db}"), file=sys.stderr)
        return 1
    if args.pair and not args.hub:
        print("handover kiosk: error: --pair needs --hub URL (see --help)", file=sys.stderr)
        return 2
    token = _hub_token(args)
    if args.pair and token is None:
        return 1  # the reason was printed; a door must not open believing it is paired
    width, height = args.size
    prepare_kivy(
        width=width,
        height=height,
        fullscreen=args.fullscreen,
        headless=not has_screen() and args.screenshot_after is not None,
    )
    try:
        app = _open_the_door(args, token)
    except Exception as error:  # whatever it is, a clear screen beats a restart loop
        return _out_of_service(args, error)
    if args.screenshot_after:
        _schedule_screenshot(float(args.screenshot_after[0]), args.screenshot_after[1])
    app.run()
    return 0


def _open_the_door(args: argparse.Namespace, token: str | None) -> KioskApp:
    """Check (and if need be replace) the database, sync once, build the app."""
    from db.clock import utc_now
    from kiosk.bootstrap import build_app
    from kiosk.store.health import recover
    from kiosk.sync.pairing import load_certificate
    from kiosk.sync.start import first_sync, rebuild_from_hub

    from_hub = None
    if args.hub and token:
        from_hub = partial(
            rebuild_from_hub,
            device=args.device,
            hub_url=args.hub,
            token=token,
            certificate=load_certificate(args.db),
        )
    recovery = recover(Path(args.db), now=utc_now(), backups=args.backups, from_hub=from_hub)
    if args.hub and token:
        first_sync(db=args.db, device=args.device, hub_url=args.hub, token=token)
    app = build_app(
        db=str(Path(args.db)),
        device=args.device,
        camera=args.camera,
        decoder=args.decoder,
        hub=(args.hub, token) if args.hub and token else None,
    )
    if recovery is not None:
        app.service.run(lambda: app.service.replaced_database(recovery)).result()
    return app


def _out_of_service(args: argparse.Namespace, error: Exception) -> int:
    import logging

    from kiosk.store.health import OutOfService
    from kiosk.ui.out_of_service import OutOfServiceApp

    reason = error.reason if isinstance(error, OutOfService) else f"It could not start: {error}"
    logging.getLogger("handover.kiosk").exception("the door is out of service")
    # To the real stderr (the journal on a Pi): Kivy has taken sys.stderr into its own log.
    print(f"handover kiosk: out of service: {reason}", file=sys.__stderr__, flush=True)
    app = OutOfServiceApp(reason)
    if args.screenshot_after:
        _schedule_screenshot(float(args.screenshot_after[0]), args.screenshot_after[1])
    app.run()
    return app.exit_status


def _hub_token(args: argparse.Namespace) -> str | None:
    """Pair once if asked (the token is kept beside the database), then read the token."""
    if not args.hub:
        return None
    from kiosk.sync.start import hub_token

    return hub_token(db=args.db, hub_url=args.hub, code=args.pair, device=args.device)


def _schedule_screenshot(seconds: float, target: str) -> None:
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    def shoot(_dt: float) -> None:
        # Drawn now, read before any flip: after a flip the back buffer that glReadPixels reads
        # is undefined, and offscreen it came out black.
        Window.dispatch("on_draw")
        made = Window.screenshot(name=target)
        if made and made != target:
            os.replace(made, target)
        print(f"kiosk screenshot: {target}")
        App.get_running_app().stop()

    # Counted from the first frame, not from now: building the app on a busy machine can take
    # longer than the wait, and the shot would catch a screen not yet laid out.
    Clock.schedule_once(lambda _dt: Clock.schedule_once(shoot, seconds), 0)


def start_beside_hub(db: str, *, hub_url: str, pairing_code: str | None) -> KioskBesideHub | None:
    """For ``handover demo``: the kiosk in its own process (Kivy wants the main thread), with
    its own database, syncing with the demo's hub like a real door. It starts once the hub
    answers, so that pairing (first run only) and the first sync find it."""
    arguments = ["--db", db, "--hub", hub_url]
    if pairing_code:  # the first run only: the token is kept beside the database
        arguments += ["--pair", pairing_code]
    if not has_screen():
        print(NO_SCREEN.format(kiosk=" ".join(arguments)))
        return None
    command = [sys.executable, "-m", "handover", "kiosk", *arguments, "--camera", "v4l2:0"]
    kiosk = KioskBesideHub()

    def when_the_hub_answers() -> None:
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # Only "is it up?": the kiosk checks the certificate itself when it pairs.
                probe = httpx.get(f"{hub_url}/api/v1/openapi.json", timeout=1, verify=False)  # noqa: S501
                probe.raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        print("The kiosk is opening in its own window.")
        kiosk.process = subprocess.Popen(command)  # noqa: S603 - our own interpreter and module

    threading.Thread(target=when_the_hub_answers, daemon=True).start()
    return kiosk


class KioskBesideHub:
    """The demo's kiosk process, which starts a little after the hub."""

    process: subprocess.Popen[bytes] | None = None

    def terminate(self) -> None:
        if self.process is not None:
            self.process.terminate()
