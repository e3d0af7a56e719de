"""The arrival board drawn with labels that fit their place (issue 11, point 7), against the
labels as they were (wrapping only), in one run of the real app rendered offscreen.

    .venv/bin/python -m benchmarks.arrival_board            # prints its figures; not a test

Each label now measures its text (Kivy's own layout, no drawing) to find a size that fits,
cached, so a board drawn again costs about what it did. Each way runs in its own process
(Kivy keeps the fonts it opened, so the two ways would share their warm-up otherwise), the
processes taking turns so a busier machine later in the run is shared. Figures: the first
board of a process (nothing cached), the median of boards drawn again, and the home screen.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.kiosk_app import seeded_database

WAYS = {"before": "wrapping only (before)", "after": "fitting (after)"}


def _fit(label: Any, *_: Any) -> None:
    """What every label did before: wrap inside its width, nothing more. (Named as the method
    it stands in for: Kivy finds a bound handler again by its name.)"""
    label.text_size = (label.width, None)


def _drawn(show: Callable[[], None]) -> float:
    from kivy.base import EventLoop

    start = time.perf_counter()
    show()
    for _ in range(3):  # layout, then the labels' textures, then what they set off
        EventLoop.idle()
    return time.perf_counter() - start


def one_way(way: str, database: str, boards: int) -> dict[str, float]:
    """In this process: the app drawing boards with labels fitted one ``way``."""
    from kiosk.bootstrap import prepare_kivy

    prepare_kivy(headless=True)
    from kivy.base import EventLoop

    from kiosk.bootstrap import build_app
    from kiosk.ui import widgets

    if way == "before":
        widgets.Text._fit = _fit  # type: ignore[method-assign, assignment]
    app = build_app(db=database, camera="none")
    EventLoop.ensure_window()
    app._run_prepare()
    EventLoop.idle()
    first = _drawn(lambda: app.go("arrival"))
    again = [_drawn(lambda: app.go("arrival")) for _ in range(boards)]
    home = [_drawn(app.home) for _ in range(boards)]
    app.stop()
    return {"first": first, "again": statistics.median(again), "home": statistics.median(home)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:  # a child process: one way, figures as JSON on the last line
        print(json.dumps(one_way(args.way, args.db, args.boards)), flush=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        database = seeded_database(Path(tmp))
        runs: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
        for _ in range(args.turns):
            for way in WAYS:
                command = [sys.executable, "-m", "benchmarks.arrival_board", "--way", way]
                child = subprocess.run(
                    [*command, "--db", database, "--boards", str(args.boards)],
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=300,
                )
                runs[way].append(json.loads(child.stdout.strip().splitlines()[-1]))
    for way, name in WAYS.items():
        figure = {k: statistics.median(r[k] for r in runs[way]) * 1000 for k in runs[way][0]}
        print(
            f"{name:24} arrival board of 25: first {figure['first']:6.1f} ms, again median "
            f"{figure['again']:6.1f} ms; home screen median {figure['home']:6.1f} ms"
            f"  ({args.turns} processes)"
        )


if __name__ == "__main__":
    main()
