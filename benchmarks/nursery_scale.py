"""How the office's register and on-site list, the kiosk's start-up and a spreadsheet import grow
with the size of the nursery, before and after a change, measured side by side in one run.

    .venv/bin/python -m benchmarks.nursery_scale --children 200 2000 20000 --before /work/main
    .venv/bin/python -m benchmarks.nursery_scale --children 2000           # this checkout only

For each size a nursery is built once in a scratch SQLite file (three adults a child, three days
of history by default), then each checkout measures it in its own process (its own virtual
environment's Python, its own code on ``PYTHONPATH``), so both read exactly the same data.
Targets (issue 12): register and on-site list for 2,000 children < 50 ms; kiosk start-up with
2,000 children < 300 ms; creating people in one transaction linear in their number.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.nursery_data import build
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head

HERE = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "scale_probe.py"
# A repeated look reads a day that has not changed since the last; "new arrival" is the first
# look at today's register or on-site list after one more child arrived (issue 12.4).
MEASURES = (
    "daily register",
    "register, new arrival",
    "on-site list",
    "on-site, new arrival",
    "kiosk start-up",
    "book refresh",
)


def _probe(checkout: Path, *args: str) -> dict[str, Any]:
    """Run the probe with that checkout's interpreter and code; its last line is the JSON."""
    venv = checkout / ".venv" / "bin" / "python"
    python = str(venv) if venv.exists() else sys.executable
    done = subprocess.run(
        [python, str(PROBE), *args],
        cwd=checkout,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _cell(figure: dict[str, float]) -> str:
    return f"{figure['median']:8.1f} ({figure['cpu']:7.1f} cpu, {figure['first']:7.1f} first)"


def measure_sizes(sizes: list[int], versions: dict[str, Path], *, days: int, repeat: int) -> None:
    print("ms: median wall-clock (median CPU time, first call of the process; for a new")
    print("arrival, the look after the first arrival, the day's earlier answers kept)")
    print(f"{'children':>8}  {'measure':22} " + "  ".join(f"{v:>40}" for v in versions))
    for children in sizes:
        with tempfile.TemporaryDirectory() as folder:
            db = str(Path(folder) / "nursery.db")
            engine = make_engine(db)
            upgrade_to_head(engine)
            started = time.perf_counter()
            with session_factory(engine)() as session:
                build(session, children=children, days=days, today=date.today())
            engine.dispose()
            print(f"  (built {children} children in {time.perf_counter() - started:.0f} s)")
            figures = {
                name: _probe(path, "read", db, "--repeat", str(repeat))
                for name, path in versions.items()
            }
        for measure in MEASURES:
            cells = "  ".join(f"{_cell(figures[v][measure]):>40}" for v in versions)
            print(f"{children:>8}  {measure:22} {cells}")


def measure_imports(people: list[int], versions: dict[str, Path]) -> None:
    print("\ncreating adults in one transaction (s)")
    print(f"{'adults':>8}  " + "  ".join(f"{v:>10}" for v in versions))
    figures = {
        name: _probe(path, "create", "--people", *map(str, people))
        for name, path in versions.items()
    }
    for count in people:
        cells = "  ".join(f"{figures[v][str(count)]:10.2f}" for v in versions)
        print(f"{count:>8}  {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--children", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--days", type=int, default=3, help="days of history")
    parser.add_argument("--repeat", type=int, default=7, help="measurements after the first")
    parser.add_argument(
        "--before", type=Path, metavar="CHECKOUT", help="another checkout to compare with"
    )
    parser.add_argument("--people", type=int, nargs="*", default=[1000, 2000, 4000, 8000, 10000])
    args = parser.parse_args()
    versions = {"before": args.before.resolve()} if args.before else {}
    versions["this checkout"] = HERE
    measure_sizes(args.children, versions, days=args.days, repeat=args.repeat)
    if args.people:
        measure_imports(args.people, versions)


if __name__ == "__main__":
    main()
