"""``handover verify --db URL``: is the record as the doors and the office signed it?

Exit 0 when every chain and every signature checks out, 1 at the first break of any chain
(printed: which door, which event in its chain, what is wrong), for a nightly timer to alert on.
"""

from __future__ import annotations

import argparse

from db.engine import make_engine, session_factory
from db.verify import verify


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
    if result.clean:
        print("The record is as it was signed.")
        return 0
    return 1
