"""``handover verify --db URL``: is the record as the doors and the office signed it?

Exit 0 when every chain and every signature checks out, 1 at the first break of any chain
(printed: which door, which event in its chain, what is wrong), for a nightly timer to alert on.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.verify import VERIFICATION_FILE, Verification, verify


def add_verify_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    described = (
        "Walk every door's and the office's chain of signed events and check each signature: "
        "report the first event deleted, edited or moved in each chain. Exit 1 on a break."
    )
    sub = commands.add_parser("verify", help=described, description=described)
    sub.set_defaults(func=cmd_verify)
    sub.add_argument(
        "--db", required=True, help="the hub's database: a file path (SQLite) or an SQLAlchemy URL"
    )
    sub.add_argument(
        "--record",
        type=Path,
        metavar="FOLDER",
        help="also leave the result in FOLDER/last-verification.json (the hub's data folder), "
        "where /healthz and the Kiosks page read it: the nightly timer does this",
    )


def _record(folder: Path, result: Verification) -> None:
    outcome = {
        "status": "passed" if result.clean else "failed",
        "finished_at": utc_now().isoformat(timespec="seconds"),
        "problem": "; ".join(str(b) for b in result.breaks[:5]) or None,
        "events": result.events,
    }
    written = folder / (VERIFICATION_FILE + ".new")  # then renamed: never half a file
    written.write_text(json.dumps(outcome), encoding="utf-8")
    written.replace(folder / VERIFICATION_FILE)


def cmd_verify(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    try:
        with session_factory(engine)() as db:
            result = verify(db)
    finally:
        engine.dispose()
    print(
        f"Checked {result.events} events in {result.chains} signed chains"
        + (f" ({result.before_signing} from before events were signed)." if result.before_signing
           else ".")
    )  # fmt: skip
    for found in result.breaks:
        print(f"BROKEN: {found}")
    if args.record is not None:
        _record(args.record, result)
    if result.clean:
        print("The record is as it was signed.")
        return 0
    return 1
