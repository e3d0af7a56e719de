"""``handover``: one command with a subcommand per job. Bad arguments get one line and exit 2."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from db.engine import DatabaseUrlError, make_engine, normalise_url, session_factory
from db.migrate import upgrade_to_head
from handover.backup import add_backup_commands
from handover.kiosk_command import add_kiosk_command, start_beside_hub
from handover.people_command import add_people_commands
from handover.verify_command import add_verify_command

if TYPE_CHECKING:
    from admin.config import HubSettings

DEMO_DIR = Path("demo-data")
CREDENTIALS_FILE = "demo-credentials.txt"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class CommandError(Exception):
    """A failure the person at the terminal can act on; printed as one line."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _db_url(raw: str) -> str:
    try:
        url = normalise_url(raw)
    except DatabaseUrlError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return _supported_database(raw, url)


def _supported_database(raw: str, url: str) -> str:
    """Only the two databases Handover is tested on; a file's folder must exist already (a
    typo in it should not look like a database that "could not be used")."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise argparse.ArgumentTypeError(
            f"{parsed.get_backend_name()} is not supported: give a file path (SQLite) or a "
            "postgresql://user@host/name URL"
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise argparse.ArgumentTypeError(
                f"there is no folder {folder} for {raw}: create it first, or give another path"
            )
    return url


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {raw!r}") from exc


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    revision = upgrade_to_head(engine)
    print(f"{_shown(args.db)} is at schema revision {revision}.")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from db.seed import SeedError, format_credentials, seed_demo

    engine = make_engine(args.db)
    upgrade_to_head(engine)
    with session_factory(engine)() as session:
        try:
            credentials = seed_demo(session, today=args.today or date.today())
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        session.commit()
    text = format_credentials(credentials)
    print(text)
    if args.credentials_file:
        Path(args.credentials_file).write_text(text + "\n", encoding="utf-8")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    data_dir: Path = args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "handover.db"
    credentials = data_dir / CREDENTIALS_FILE
    url = normalise_url(str(database))
    if not credentials.exists():
        print(f"Creating the demo nursery in {database} ...")
        database.unlink(missing_ok=True)
        seed = argparse.Namespace(db=url, today=None, credentials_file=str(credentials))
        cmd_seed_demo(seed)
    else:
        upgrade_to_head(make_engine(url))
        print(credentials.read_text(encoding="utf-8"))
    print(f"Demo database: {database}  (delete {data_dir}/ to start again)")
    if args.no_hub:
        return 0
    # The kiosk keeps its own database and syncs with the hub over HTTPS, as a real door does.
    from kiosk.store.door_key import key_path
    from kiosk.sync.pairing import is_paired

    sock = _hub_socket(args.host, args.port)  # before the kiosk: a taken port opens nothing
    kiosk_db = data_dir / "kiosk.db"
    scheme = "http" if args.insecure_http else "https"
    # A demo kiosk paired before kiosks signed (no key) or before the office served HTTPS (no
    # pinned certificate) is paired again.
    paired = is_paired(str(kiosk_db), scheme=scheme) and key_path(kiosk_db).exists()
    code = None if paired else _demo_pairing_code(url)
    everywhere = args.host in ("0.0.0.0", "::")  # noqa: S104 - recognised, not bound
    hub_url = f"{scheme}://{'127.0.0.1' if everywhere else args.host}:{args.port}"
    kiosk = start_beside_hub(str(kiosk_db), hub_url=hub_url, pairing_code=code)
    try:
        return _open_office(url, sock, args)
    finally:
        if kiosk is not None:
            kiosk.terminate()


def _demo_pairing_code(url: str) -> str:
    """A pairing code for the demo's front door, as the manager would make on the Kiosks page."""
    from datetime import timedelta

    from sqlalchemy import select

    from admin.office.pairing import PAIRING_VALID, issue_pairing_code
    from db.audit import set_actor
    from db.clock import utc_now
    from db.models import Kiosk

    engine = make_engine(url)
    with session_factory(engine)() as db:
        set_actor(db, "demo")
        kiosk = db.scalar(select(Kiosk).where(Kiosk.name == "Front door (demo)"))
        if kiosk is None:
            kiosk = Kiosk(name="Front door (demo)")
            db.add(kiosk)
        valid = min(PAIRING_VALID, timedelta(hours=1))
        code = issue_pairing_code(kiosk, now=utc_now(), valid=valid)
        db.commit()
    engine.dispose()
    return code


# --- the office (hub) ---------------------------------------------------------------------


def cmd_hub(args: argparse.Namespace) -> int:
    """Serve the office panel with uvicorn in this process until Ctrl+C."""
    holding = _claim_database(args.db)  # noqa: F841 - held (locked) until this process ends
    return _open_office(args.db, _hub_socket(args.host, args.port), args)


def _hub_socket(host: str, port: int) -> socket.socket:
    from handover.hub_server import PortError, listening_socket

    try:
        return listening_socket(host, port)
    except PortError as exc:
        raise CommandError(str(exc)) from exc


def _open_office(db: str, sock: socket.socket, tls: argparse.Namespace) -> int:
    from admin.app import create_app
    from admin.config import ConfigError, load_settings
    from admin.first_run import setup_code_banner
    from admin.ops.logs import configure_hub_logging
    from handover.hub_server import serve

    try:
        settings = _with_certificate(load_settings(db), tls, sock)
        configure_hub_logging()
        app = create_app(settings, watch_not_arrived=True)
    except ConfigError as exc:
        sock.close()
        raise CommandError(str(exc)) from exc
    host, port = sock.getsockname()[:2]
    mode = "demo mode" if settings.demo else _shown(db)
    scheme = "http" if settings.certificate is None else "https"
    office = f"{scheme}://{host}:{port}/"
    print(f"The office is open at {office}  ({mode}; Ctrl+C stops it)")
    if settings.certificate is None:
        print(
            "WARNING: plain HTTP (--insecure-http): passwords and kiosk tokens cross the "
            "network readable by anyone on it."
        )
    elif settings.certificate.ca_file is not None:
        print(f"Its certificate authority (for the office's browsers): {office}office-ca.pem")
    if app.state.setup_code is not None:
        print(setup_code_banner(app.state.setup_code.code, office))
    sys.stdout.flush()
    serve(app, sock, certificate=settings.certificate)
    return 0


def _with_certificate(
    settings: HubSettings, tls: argparse.Namespace, sock: socket.socket
) -> HubSettings:
    """HTTPS unless --insecure-http: the given certificate, else the hub's own (admin/tls.py)."""
    from admin.config import ConfigError
    from admin.ops.health import data_folder
    from admin.tls import TlsError, given_certificate, own_certificate

    if tls.insecure_http:
        return replace(settings, insecure_http=True)
    try:
        if tls.tls_cert is not None:
            certificate = given_certificate(tls.tls_cert, tls.tls_key)
        else:
            host = sock.getsockname()[0]
            certificate = own_certificate(data_folder(settings) / "tls", listen_host=host)
    except (TlsError, OSError) as exc:
        raise ConfigError(f"cannot serve HTTPS: {exc}") from exc
    return replace(settings, certificate=certificate)


def _claim_database(url: str) -> object:
    """The hub's hold on its database (handover/running.py), once its pool settings are sane."""
    from db.engine import pool_settings
    from handover.running import DatabaseInUse, hold_for_hub

    try:
        pool_settings()
        return hold_for_hub(url)
    except DatabaseUrlError as exc:
        raise CommandError(str(exc), status=2) from exc
    except DatabaseInUse as exc:
        raise CommandError(f"{exc}: one hub per database (stop the other first)") from exc


def _add_hub_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8080, help="port (default: %(default)s)")
    parser.add_argument(
        "--tls-cert",
        type=Path,
        metavar="PEM",
        help="serve this certificate (chain) instead of the hub's own (needs --tls-key)",
    )
    parser.add_argument("--tls-key", type=Path, metavar="PEM", help="the key of --tls-cert")
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        help="serve plain HTTP: passwords and tokens readable on the network (every page says so)",
    )


def _check_tls_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if "tls_cert" not in args:
        return
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if args.insecure_http and args.tls_cert is not None:
        parser.error("--insecure-http serves no certificate: leave out --tls-cert/--tls-key")


def _version() -> str:
    try:
        return metadata.version("handover")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def build_parser() -> Parser:
    parser = Parser(prog="handover", description="Sign-in and collection for nurseries.")
    parser.add_argument("--version", action="version", version=f"handover {_version()}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )

    def add(name: str, help_: str, func: Callable[[argparse.Namespace], int]) -> Parser:
        sub: Parser = commands.add_parser(name, help=help_, description=help_)
        sub.set_defaults(func=func)
        return sub

    migrate = add("migrate", "Create or upgrade a database to the newest schema.", cmd_migrate)
    migrate.add_argument(
        "--db", required=True, type=_db_url, help="a file path (SQLite) or an SQLAlchemy URL"
    )
    seed = add(
        "seed-demo",
        "Fill an empty database with a demo nursery and print its logins, PINs and card payloads.",
        cmd_seed_demo,
    )
    seed.add_argument(
        "--db", required=True, type=_db_url, help="a file path (SQLite) or an SQLAlchemy URL"
    )
    seed.add_argument("--today", type=_day, help="the demo's today (default: today)")
    seed.add_argument("--credentials-file", help="also write the printed logins to this file")
    demo = add(
        "demo",
        "Create the demo nursery if there is none and run what exists of Handover with it.",
        cmd_demo,
    )
    demo.add_argument(
        "--data-dir",
        type=Path,
        default=DEMO_DIR,
        help=f"where the demo keeps its database (default: {DEMO_DIR}/)",
    )
    demo.add_argument(
        "--no-hub", action="store_true", help="prepare the demo and print its logins, then stop"
    )
    _add_hub_options(demo)
    hub = add(
        "hub",
        "Serve the office panel (upgrades the database first). A database that is not a demo "
        "needs HANDOVER_SECRET_KEY or HANDOVER_SECRET_KEY_FILE.",
        cmd_hub,
    )
    hub.add_argument(
        "--db",
        type=_db_url,
        default=os.environ.get("HANDOVER_DB", "handover.db"),
        help="a file path (SQLite) or an SQLAlchemy URL (default: $HANDOVER_DB, else handover.db)",
    )
    _add_hub_options(hub)
    add_kiosk_command(commands)
    add_verify_command(commands)
    add_backup_commands(commands)
    add_people_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_tls_options(parser, args)
    try:
        status: int = args.func(args)
    except CommandError as exc:
        print(f"handover {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except SQLAlchemyError as exc:
        reason = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
        print(f"handover {args.command}: the database could not be used: {reason}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        print(f"handover {args.command}: {_missing_package(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status


# Where each optional package comes from: a hub installed with handover[hub] has no Kivy.
EXTRA_OF = {
    "kivy": "kiosk",
    "cv2": "kiosk",
    "numpy": "kiosk",
    "zxingcpp": "kiosk",
    "pyzbar": "kiosk",
    "arabic_reshaper": "kiosk",
    "bidi": "kiosk",
    "httpx": "kiosk",
    "fastapi": "hub",
    "starlette": "hub",
    "uvicorn": "hub",
    "jinja2": "hub",
    "multipart": "hub",
    "segno": "hub",
    "openpyxl": "hub",
}


def _missing_package(exc: ModuleNotFoundError) -> str:
    top = (exc.name or "").split(".")[0]
    extra = EXTRA_OF.get(top)
    if extra is None:
        raise exc  # not an optional part: a real bug, and its traceback helps
    return (
        f"this needs {top}, which comes with Handover's {extra} part: "
        f"pip install 'handover[{extra}]' (or 'handover[hub,kiosk]' for both)"
    )
