"""``handover import PATH`` and ``handover export PATH``: the children, their carers and who may
collect them, from and to the same spreadsheet the panel imports (CSV, or XLSX by its name).

The import prints what it would create or change and every problem per row; with a problem it
writes nothing and exits 1, so a script can try a file, fix it and try again.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from db.audit import record_view, set_actor
from db.clock import local_day, utc_now
from db.engine import make_engine, session_factory
from db.models import Child
from db.register import setting_zone

if TYPE_CHECKING:  # the office's code needs the hub part; a kiosk's `handover` must not
    from admin.office.importing import Plan


COMMANDS = {
    "import": (
        "Import children, their carers and who may collect them from a CSV or XLSX file (the "
        "panel's template): adds new people, updates those it matches, changes nothing twice.",
        "the .csv or .xlsx file",
    ),
    "export": (
        "Export every child, their carers and who may collect them, in the import's columns "
        "(XLSX when PATH ends in .xlsx, else CSV).",
        "the file to write",
    ),
}


def add_people_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, (described, path_help) in COMMANDS.items():
        sub = commands.add_parser(name, help=described, description=described)
        sub.set_defaults(func=cmd_import if name == "import" else cmd_export)
        sub.add_argument("path", type=Path, metavar="PATH", help=path_help)
        sub.add_argument(
            "--db",
            required=True,
            help="the hub's database: a file path (SQLite) or an SQLAlchemy URL",
        )
        if name == "import":
            sub.add_argument(
                "--dry-run", action="store_true", help="show what would change and write nothing"
            )


def describe(plan: Plan) -> list[str]:
    lines = []
    for row in plan.rows:
        if row.action != "unchanged":
            said = f" ({', '.join(row.changes)})" if row.action == "update" else ""
            lines.append(f"row {row.line.row}: {row.action} {row.name}{said}")
        for carer in row.carers:
            if carer.action != "unchanged":
                lines.append(f"row {row.line.row}:   {carer.action} carer {carer.name}")
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    from admin.office.import_writing import apply_plan
    from admin.office.importing import plan_import
    from admin.office.spreadsheet import UnreadableFile
    from handover.cli import CommandError

    try:
        data = args.path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {args.path}: {exc.strerror}") from exc
    engine = make_engine(args.db)
    try:
        with session_factory(engine)() as db:
            set_actor(db, "command:import")
            try:
                plan = plan_import(db, data, local_day(utc_now(), setting_zone(db)))
            except UnreadableFile as exc:
                raise CommandError(f"{args.path}: {exc}") from exc
            for line in describe(plan) + plan.problems:
                print(line)
            if plan.problems:
                print(
                    f"{len(plan.problems)} problem(s): nothing was imported. Fix the file and "
                    "run this again."
                )
                return 1
            summary = f"{plan.count('add')} children to add, {plan.count('update')} to update"
            if args.dry_run:
                print(f"{summary}; --dry-run: nothing was written.")
                return 0
            apply_plan(db, plan, utc_now())
            db.commit()
            print(summary.replace("to add", "added").replace("to update", "updated") + ".")
    finally:
        engine.dispose()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from admin.office.exporting import export_file

    engine = make_engine(args.db)
    try:
        with session_factory(engine)() as db:
            set_actor(db, "command:export")
            data = export_file(db, xlsx=args.path.suffix.lower() == ".xlsx")
            # R12: the file holds every family's contacts; the log says who took it, as the
            # panel's download does.
            for child_id in db.scalars(select(Child.id).where(Child.deleted_at.is_(None))):
                record_view(db, entity="children", entity_id=child_id, fields=["export"])
            db.commit()
    finally:
        engine.dispose()
    written = args.path.with_name(args.path.name + ".new")  # then renamed: never half a file
    written.write_bytes(data)
    written.replace(args.path)
    print(f"Wrote {args.path}.")
    return 0
