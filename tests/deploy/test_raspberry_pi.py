"""The Raspberry Pi appliance (deploy/raspberry-pi), checked as far as a machine without a Pi
allows: the scripts and units are linted and verified, the install writes what it should, the
kiosk starts from its unit's command line (in cage, headless), talks to a real notify socket,
pairs with a real hub, its backups restore, and an update that fails to start is undone."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from db.engine import make_engine
from db.migrate import upgrade_to_head
from tests.deploy.helpers import settings, sh, verified_units
from tests.deploy.release import Release
from tests.sync.nursery import PAIRING_CODE, Hub, free_port, seed_nursery

ROOT = Path(__file__).parents[2]
PI = ROOT / "deploy" / "raspberry-pi"
SCRIPTS = [
    PI / "install.sh",
    PI / "handover-cage",
    PI / "handover-launch",
    PI / "handover-touch-rotation",
    PI / "handover-pair",
    PI / "handover-update",
]
UNITS = [
    "handover-kiosk.service",
    "handover-hub.service",
    "handover-backup.service",
    "handover-backup.timer",
]
HANDOVER = Path(sys.executable).with_name("handover")


def install(root: Path, *options: str) -> subprocess.CompletedProcess[str]:
    done = sh(PI / "install.sh", "--root", root, *options)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def release_folder(
    root: Path,
    name: str,
    *,
    runs: Path = HANDOVER,
    broken: bool = False,
    into: str = "opt/handover/releases",
) -> Path:
    """A release folder as the update makes one: its bin/handover runs the given Handover (the
    built wheel's, installed once per run, where the test needs a real release). A broken one
    migrates and backs up like the real thing but cannot open the kiosk."""
    folder = root / into / name
    (folder / "bin").mkdir(parents=True)
    launcher = folder / "bin/handover"
    fail = (
        'if [ "$1" = kiosk ]; then echo "kiosk: ImportError (a broken release)" >&2; exit 1; fi\n'
    )
    launcher.write_text(
        "#!/bin/sh\n" + (fail if broken else "") + f'exec "{runs}" "$@"\n', encoding="utf-8"
    )
    launcher.chmod(0o755)
    return folder


def env_file(root: Path, **values: str) -> Path:
    path = root / "etc/handover/kiosk.env"
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text = re.sub(rf"^{key}=.*$", f"{key}={value}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return path


# --- lint and verify ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_every_script_passes_shellcheck() -> None:
    checked = sh("shellcheck", "--external-sources", *SCRIPTS)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    install(tmp_path, "--with-hub")
    release_folder(tmp_path, "current-release")
    (tmp_path / "opt/handover/current").unlink()
    (tmp_path / "opt/handover/current").symlink_to("releases/current-release")
    if shutil.which("cage") is None:
        pytest.skip("cage is not installed (apt-get install cage): the kiosk unit starts it")
    verified = verified_units(tmp_path, {unit: unit for unit in UNITS})
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stderr.strip() == "", verified.stderr


# --- install --------------------------------------------------------------------------------


def test_a_dry_run_shows_every_step_and_changes_nothing(tmp_path: Path) -> None:
    done = sh(PI / "install.sh", "--dry-run", "--root", tmp_path, "--camera", "picamera")
    assert done.returncode == 0, done.stderr
    for expected in (
        "apt-get install",
        "python3-picamera2",
        "pip install --quiet simplejpeg",
        "cage",
        "useradd --system",
        "python3 -m venv --system-site-packages",
        "python3 -m pip wheel --quiet --no-deps",
        f"pip install --quiet --require-hashes -r {ROOT}/requirements/pi.txt",
        "pip install --quiet --no-deps " + str(tmp_path / "opt/handover/wheels"),
        "write " + str(tmp_path / "etc/handover/kiosk.env"),
        "handover-kiosk.service",
        "systemctl enable --now handover-kiosk.service",
        "consoleblank",
    ):
        assert expected in done.stdout, expected
    assert list(tmp_path.iterdir()) == []


def test_the_install_writes_settings_units_and_helpers_and_keeps_settings_on_a_rerun(
    tmp_path: Path,
) -> None:
    cmdline = tmp_path / "boot/firmware/cmdline.txt"
    cmdline.parent.mkdir(parents=True)
    cmdline.write_text("console=tty1 root=PARTUUID=1234-02 rootwait\n", encoding="utf-8")
    desktop = tmp_path / "etc/systemd/system/display-manager.service"
    desktop.parent.mkdir(parents=True)
    desktop.symlink_to("/lib/systemd/system/lightdm.service")  # Raspberry Pi OS with desktop
    done = install(
        tmp_path, "--device", "garden-gate", "--camera", "none", "--rotate", "180", "--with-hub"
    )
    assert "systemctl disable lightdm.service   [skipped: --root]" in done.stdout
    assert "sudo reboot" in done.stdout

    kiosk = settings(tmp_path / "etc/handover/kiosk.env")
    assert kiosk["HANDOVER_DEVICE"] == "garden-gate"
    assert kiosk["HANDOVER_CAMERA"] == "none" and kiosk["HANDOVER_ROTATE"] == "180"
    hub = tmp_path / "etc/handover/hub.env"
    assert hub.stat().st_mode & 0o777 == 0o600
    assert len(settings(hub)["HANDOVER_SECRET_KEY"]) >= 32
    for unit in UNITS:
        assert (tmp_path / "etc/systemd/system" / unit).read_text() == (PI / unit).read_text()
    assert (tmp_path / "etc/systemd/journald.conf.d/handover.conf").exists()
    for script in (
        "handover-cage",
        "handover-launch",
        "handover-touch-rotation",
        "handover-pair",
        "handover-update",
    ):
        assert os.access(tmp_path / "opt/handover/bin" / script, os.X_OK)
    assert (tmp_path / "usr/local/bin/handover-pair").is_symlink()
    assert cmdline.read_text().strip().endswith("rootwait consoleblank=0")
    assert oct((tmp_path / "var/lib/handover").stat().st_mode & 0o777) == "0o750"

    env_file(tmp_path, HANDOVER_HUB="http://office:8080")
    again = install(tmp_path, "--device", "other")
    assert "exists: left as it is" in again.stdout
    assert settings(tmp_path / "etc/handover/kiosk.env")["HANDOVER_HUB"] == "http://office:8080"
    assert cmdline.read_text().count("consoleblank=0") == 1


def test_bad_options_are_refused_before_anything_is_done(tmp_path: Path) -> None:
    for options in (["--rotate", "45"], ["--camera", "webcam"], ["--device", "front door!"]):
        refused = sh(PI / "install.sh", "--root", tmp_path, *options)
        assert refused.returncode == 2 and "install.sh:" in refused.stderr
    assert list(tmp_path.iterdir()) == []


# --- the kiosk, started as its unit starts it -----------------------------------------------


@pytest.fixture(scope="session")
def demo_nursery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo nursery's database, made once (seeding hashes every PIN and password)."""
    database = tmp_path_factory.mktemp("demo") / "kiosk.db"
    seeded = sh(HANDOVER, "seed-demo", "--db", database)
    assert seeded.returncode == 0, seeded.stderr
    return database


def copy_database(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture
def pi(tmp_path: Path, demo_nursery: Path, release: Release) -> Path:
    """An installed root whose release runs the built wheel, with the demo nursery's kiosk
    database."""
    install(tmp_path)
    release_folder(tmp_path, "r1", runs=release.handover(release.full))
    current = tmp_path / "opt/handover/current"
    current.unlink()
    current.symlink_to("releases/r1")
    copy_database(demo_nursery, tmp_path / "var/lib/handover/kiosk.db")
    return tmp_path


def launch_env(root: Path, **extra: str) -> dict[str, str]:
    """The environment the unit gives handover-launch: its EnvironmentFile, on this root."""
    values = settings(root / "etc/handover/kiosk.env")
    values["HANDOVER_DB"] = str(root / values["HANDOVER_DB"].lstrip("/"))
    values |= {
        "HANDOVER_CAMERA": "none",
        "HANDOVER_BIN": str(root / "opt/handover/current/bin/handover"),
    }
    # As systemd starts it: none of this test process's screen or Kivy settings (the kiosk's
    # own tests set KIVY_HOME and an offscreen SDL in this process).
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY") and not k.startswith(("KIVY_", "SDL_"))
    }
    return base | values | extra


def unit_command(root: Path) -> list[str]:
    line = next(
        line
        for line in (root / "etc/systemd/system/handover-kiosk.service").read_text().splitlines()
        if line.startswith("ExecStart=")
    )
    return line.removeprefix("ExecStart=").split()


@pytest.mark.release
def test_the_kiosk_starts_from_its_units_command_line_and_tells_systemd_it_is_ready(
    pi: Path,
) -> None:
    """What the unit's cage shows: handover-launch, as installed, with the unit's settings."""
    assert unit_command(pi) == ["/opt/handover/bin/handover-cage"]
    app = pi / "opt/handover/bin/handover-launch"
    shot = pi / "home.png"
    with notify_socket(pi) as (address, heard):
        env = launch_env(pi, NOTIFY_SOCKET=address, WATCHDOG_USEC="1000000")
        started = sh(app, "--screenshot-after", "3", shot, env=env)
        assert started.returncode == 0, started.stdout + started.stderr
        assert shot.stat().st_size > 5000
        messages = heard()
    assert messages[0].startswith("READY=1")
    assert "WATCHDOG=1" in messages


@pytest.mark.skipif(
    shutil.which("cage") is None or shutil.which("Xwayland") is None or os.geteuid() != 0,
    reason="needs cage and Xwayland (apt-get install cage xwayland) and root to switch user",
)
def test_the_whole_unit_command_runs_in_cage_on_a_headless_screen(demo_nursery: Path) -> None:
    """cage refuses to run as root (the Pi runs it as the handover user), so this runs it as
    nobody, in a folder nobody may write, with wlroots' headless backend for a screen."""
    folder = Path(tempfile.mkdtemp(prefix="handover-cage-"))
    try:
        install(folder)
        database = folder / "var/lib/handover/kiosk.db"
        copy_database(demo_nursery, database)
        # The kiosk's Python as nobody can run it: this machine's interpreter may live in a
        # folder only root reads, so Debian's python3 runs this checkout and its packages.
        # Handover's own code is copied in (1.6 MB): Alembic checks its migrations folder with
        # access(), which the capability below does not satisfy.
        code = folder / "opt/handover/src"
        for package in ("db", "kiosk", "admin", "handover"):
            shutil.copytree(ROOT / package, code / package)
        site = next((ROOT / ".venv/lib").glob("python3*/site-packages"))
        runner = folder / "opt/handover/releases/r1/bin/handover"
        runner.parent.mkdir(parents=True)
        runner.write_text(
            f'#!/bin/sh\nexport PYTHONPATH={code}:{site}\nexec /usr/bin/python3 -m handover "$@"\n'
        )
        runner.chmod(0o755)
        current = folder / "opt/handover/current"
        current.unlink()
        current.symlink_to("releases/r1")
        runtime = folder / "run"
        runtime.mkdir(mode=0o700)
        shutil.chown(folder, "nobody")
        for path in [runtime, database.parent, *database.parent.iterdir()]:
            shutil.chown(path, "nobody")
        shot = folder / "var/lib/handover/in-cage.png"
        command = [str(folder / part.lstrip("/")) for part in unit_command(folder)]
        env = launch_env(
            folder,
            HANDOVER_ROTATE="90",  # the panel mounted on its side: cage turns its output
            HOME=str(folder),
            XDG_RUNTIME_DIR=str(runtime),
            WLR_BACKENDS="headless",
            WLR_LIBINPUT_NO_DEVICES="1",
            WLR_RENDERER="pixman",
        )
        # As nobody, keeping one capability: reading any folder, because a clone under /root
        # (a fresh Debian's usual place) is out of nobody's reach. cage still cannot become
        # root again, which is what it checks before it starts.
        ran = sh(
            "setpriv",
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--inh-caps=+dac_read_search",
            "--ambient-caps=+dac_read_search",
            *command,
            "--screenshot-after",
            "4",
            shot,
            env=env,
            cwd=database.parent,  # the unit's WorkingDirectory
        )
        assert shot.exists() and shot.stat().st_size > 5000, ran.stdout + ran.stderr
        width, height = png_size(shot)
        assert width < height, (width, height)  # wlroots' headless output is 1280x720, turned
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    ("settings_", "matrix"),
    [
        ({"HANDOVER_ROTATE": "0"}, None),
        ({"HANDOVER_ROTATE": "90"}, "0 -1 1 1 0 0"),
        ({"HANDOVER_ROTATE": "180"}, "-1 0 1 0 -1 1"),
        ({"HANDOVER_ROTATE": "270"}, "0 1 0 -1 0 1"),
        ({"HANDOVER_ROTATE": "45"}, None),
        ({"HANDOVER_ROTATE": "180", "HANDOVER_TOUCH_MATRIX": "1 0 0 0 -1 1"}, "1 0 0 0 -1 1"),
        ({"HANDOVER_ROTATE": "180", "HANDOVER_TOUCH_MATRIX": "1 0 x"}, "-1 0 1 0 -1 1"),
    ],
)
def test_the_touch_panel_is_turned_with_the_picture(
    tmp_path: Path, settings_: dict[str, str], matrix: str | None
) -> None:
    """The unit's ExecStartPre writes a udev rule with libinput's calibration matrix: the one
    wlroots applies to a touch panel tied to a turned output (cage does not tie them)."""
    rule = tmp_path / "run/udev/rules.d/90-handover-touch.rules"
    rule.parent.mkdir(parents=True)
    rule.write_text("left from the last start\n")
    env = {**os.environ, "HANDOVER_ROOT": str(tmp_path), **settings_}
    done = sh(PI / "handover-touch-rotation", env=env)
    assert done.returncode == 0, done.stderr
    if matrix is None:
        assert not rule.exists()
    else:
        (line,) = [ln for ln in rule.read_text().splitlines() if not ln.startswith("#")]
        assert 'ENV{ID_INPUT_TOUCHSCREEN}=="1"' in line
        assert line.endswith(f'ENV{{LIBINPUT_CALIBRATION_MATRIX}}="{matrix}"')
    if "45" in settings_.values() or "x" in settings_.get("HANDOVER_TOUCH_MATRIX", ""):
        assert "must be" in done.stderr


def test_the_launcher_opens_the_kiosk_even_when_the_screen_cannot_be_turned(tmp_path: Path) -> None:
    """A cage with neither -r nor wlr-randr's protocol: the kiosk opens unturned, never not."""
    args = tmp_path / "args"
    fake = tmp_path / "handover"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {args}\n')
    fake.chmod(0o755)
    env = {
        "PATH": os.environ["PATH"],
        "HANDOVER_BIN": str(fake),
        "HANDOVER_ROTATE": "90",
        "HANDOVER_HUB": "http://office:8080",
        "WAYLAND_DISPLAY": "no-such-compositor",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    done = sh(PI / "handover-launch", "--screenshot-after", "1", "x.png", env=env)
    assert done.returncode == 0, done.stderr
    if shutil.which("wlr-randr"):
        assert "could not turn" in done.stderr
    assert args.read_text().split() == [
        "kiosk", "--db", "/var/lib/handover/kiosk.db", "--device", "front-door",
        "--camera", "v4l2:0", "--fullscreen", "--hub", "http://office:8080",
        "--screenshot-after", "1", "x.png",
    ]  # fmt: skip


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


class notify_socket:
    """A real NOTIFY_SOCKET, as systemd makes for a Type=notify unit."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "notify.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)

    def __enter__(self) -> tuple[str, Callable[[], list[str]]]:
        self.sock.bind(str(self.path))
        self.sock.setblocking(False)

        def heard() -> list[str]:
            messages = []
            while True:
                try:
                    messages.append(self.sock.recv(4096).decode())
                except BlockingIOError:
                    return messages

        return str(self.path), heard

    def __exit__(self, *_: object) -> None:
        self.sock.close()


def test_the_watchdog_pings_only_while_the_door_thread_answers(tmp_path: Path) -> None:
    from concurrent.futures import Future

    from kiosk.watchdog import Watchdog, notify, watchdog_interval

    assert notify("READY=1", environ={}) is False  # no systemd: nothing to tell, no error
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    stuck: Future[None] = Future()
    calls: list[Future[None]] = []

    def door(_work: Callable[[], None]) -> Future[None]:
        calls.append(stuck)
        return stuck

    with notify_socket(tmp_path) as (address, heard):
        os.environ["NOTIFY_SOCKET"] = address
        try:
            dog = Watchdog(door)
            assert dog.tick() is True  # READY and the first ping
            assert dog.tick() is False  # the door has not answered: no ping, systemd restarts
            stuck.set_result(None)
            assert dog.tick() is True
        finally:
            del os.environ["NOTIFY_SOCKET"]
        assert heard() == ["READY=1\nSTATUS=The door is open", "WATCHDOG=1", "WATCHDOG=1"]


def test_the_notify_client_speaks_to_abstract_sockets_and_survives_a_missing_one(
    tmp_path: Path,
) -> None:
    from kiosk.watchdog import notify

    name = f"handover-test-{os.getpid()}-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)  # systemd may hand out "@name": an abstract socket
        assert notify("WATCHDOG=1", environ={"NOTIFY_SOCKET": "@" + name}) is True
        assert listener.recv(64) == b"WATCHDOG=1"
    gone = {"NOTIFY_SOCKET": str(tmp_path / "no-such.sock")}
    assert notify("WATCHDOG=1", environ=gone) is False


# --- pairing ----------------------------------------------------------------------------------


@pytest.mark.release
def test_one_command_pairs_the_pi_with_a_real_hub(pi: Path) -> None:
    hub_db = pi / "hub.db"
    seed_nursery(str(hub_db))
    hub = Hub(str(hub_db), free_port(), pi / "hub.log").start()
    try:
        env = launch_env(pi, HANDOVER_ENV=str(pi / "etc/handover/kiosk.env"), HANDOVER_USER="root")
        fresh = pi / "var/lib/handover/paired.db"
        env_file(pi, HANDOVER_DB=str(fresh))
        wrong = sh(pi / "opt/handover/bin/handover-pair", hub.base, "NOPE-NOPE-NOPE", env=env)
        assert wrong.returncode == 1 and "pairing_code_unknown" in wrong.stdout + wrong.stderr
        assert settings(pi / "etc/handover/kiosk.env")["HANDOVER_HUB"] == ""
        paired = sh(pi / "opt/handover/bin/handover-pair", hub.base, PAIRING_CODE, env=env)
        assert paired.returncode == 0, paired.stdout + paired.stderr
        assert "Paired with" in paired.stdout and "Synced with" in paired.stdout
        assert settings(pi / "etc/handover/kiosk.env")["HANDOVER_HUB"] == hub.base
        token = fresh.with_suffix(".token")
        assert token.stat().st_mode & 0o777 == 0o600
        assert fresh.with_suffix(".key").stat().st_mode & 0o777 == 0o600  # its signing key
        usage = sh(pi / "opt/handover/bin/handover-pair", "office-pc", env=env)
        assert usage.returncode == 2 and "usage:" in usage.stderr
    finally:
        hub.stop()


# --- backups ------------------------------------------------------------------------------


def event_uuids(database: Path) -> set[str]:
    # closing(): a connection left to the garbage collector closes later, and its last close
    # deletes -wal and -shm, under the feet of a test listing the folder.
    with closing(sqlite3.connect(database)) as connection:
        return {row[0] for row in connection.execute("SELECT uuid FROM events")}


def test_a_backup_made_while_the_kiosk_writes_restores_to_the_same_events(tmp_path: Path) -> None:
    live = tmp_path / "kiosk.db"
    upgrade_to_head(make_engine(str(live)))
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.sync.kiosk_worker", "write", "--db", str(live)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert writer.stdout is not None
        for _ in range(300):  # the kiosk is busy writing events, one transaction each
            writer.stdout.readline()
        backed = sh(HANDOVER, "backup", "--db", live, "--to", tmp_path / "backups", "--keep", "2")
        assert backed.returncode == 0, backed.stdout + backed.stderr
        for _ in range(100):
            writer.stdout.readline()
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    (copy,) = (tmp_path / "backups").glob("kiosk-*.db")
    assert not Path(f"{copy}-wal").exists()  # one self-contained file
    at_backup = event_uuids(copy)
    assert len(at_backup) >= 300 and at_backup < event_uuids(live)

    restored = tmp_path / "restored.db"
    done = sh(HANDOVER, "restore", copy, "--db", restored)
    assert done.returncode == 0, done.stdout + done.stderr
    assert event_uuids(restored) == at_backup
    with closing(sqlite3.connect(restored)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    upgrade_to_head(make_engine(str(restored)))  # it opens as a kiosk database

    for _ in range(3):
        time.sleep(0.01)
        assert (
            sh(
                HANDOVER, "backup", "--db", live, "--to", tmp_path / "backups", "--keep", "2"
            ).returncode
            == 0
        )
    assert len(list((tmp_path / "backups").glob("kiosk-*.db"))) == 2  # rotated
    missing = sh(HANDOVER, "backup", "--db", tmp_path / "nothing.db", "--to", tmp_path / "b")
    assert missing.returncode == 1 and "there is no database" in missing.stderr


# --- updates --------------------------------------------------------------------------------


def owners(*folders: Path) -> set[str]:
    return {path.owner() for folder in folders for path in [folder, *folder.iterdir()]}


@pytest.mark.release
def test_an_update_that_starts_is_kept_and_one_that_does_not_is_rolled_back(
    pi: Path, release: Release
) -> None:
    update = pi / "opt/handover/bin/handover-update"
    env = {**os.environ, "HANDOVER_ROOT": str(pi), "PIP_COMPILE": "0"}  # as release.py
    env["HANDOVER_UPDATE_SETTLE"] = "1"  # the kiosk drawn offscreen for 1 s, not 3: it started
    env.pop("DISPLAY", None)
    database = pi / "var/lib/handover/kiosk.db"
    before = event_uuids(database)
    # The kiosk's files belong to its user; the update runs as root and must leave them so.
    data, backups = database.parent, pi / "var/backups/handover"
    for path in [data, *data.iterdir(), backups]:
        shutil.chown(path, "nobody", "nogroup")

    # The new version as a Pi gets it: the wheel, its dependencies from the lock by hash.
    lock = ROOT / "requirements" / "pi.txt"
    good = sh(update, release.wheel, "--lock", lock, env=env, timeout=600)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "updated: the kiosk runs" in good.stdout
    now_running = (pi / "opt/handover/current").resolve()
    assert now_running.parent == pi / "opt/handover/releases" and now_running.name != "r1"
    assert list((pi / "var/backups/handover").glob("kiosk-*.db"))
    assert owners(data, backups) == {"nobody"}

    broken = release_folder(
        pi, "broken", runs=release.handover(release.full), broken=True, into="incoming"
    )
    bad = sh(update, "--release", broken.as_posix(), env=env, timeout=300)
    assert bad.returncode == 1
    assert "did not start" in bad.stdout and "rolled back" in bad.stdout, bad.stdout + bad.stderr
    assert (pi / "opt/handover/current").resolve() == now_running
    assert event_uuids(database) == before
    assert owners(data, backups) == {"nobody"}
    assert len(list((pi / "opt/handover/releases").iterdir())) == 2  # r1 and the good one

    nothing = sh(update, env=env)
    assert nothing.returncode == 1 and "say what to install" in nothing.stderr
