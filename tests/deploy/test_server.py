"""The hub on an office PC or a small server (deploy/server), checked as far as a machine
without its own systemd allows: the scripts and units are linted and verified, the install
writes one nursery's settings, key and units (and a second nursery's beside it), the unit's own
command line starts a hub that answers over HTTP, and an update that does not come up is undone
with the nursery's records as they were."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.deploy.helpers import children_named, settings, sh, verified_units
from tests.sync.nursery import free_port, seed_nursery

ROOT = Path(__file__).parents[2]
SERVER = ROOT / "deploy" / "server"
UNITS = ["handover-hub@.service", "handover-hub-backup@.service", "handover-hub-backup@.timer"]
HANDOVER = Path(sys.executable).with_name("handover")


def install(root: Path, *options: str) -> subprocess.CompletedProcess[str]:
    done = sh(SERVER / "install.sh", "--root", root, *options)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def release(
    root: Path, name: str, *, into: str = "opt/handover/releases", script: str = ""
) -> Path:
    """A release as the update makes one: its bin/handover runs this checkout's Handover, after
    ``script`` (shell lines that may stand in for a broken version)."""
    folder = root / into / name
    (folder / "bin").mkdir(parents=True)
    launcher = folder / "bin/handover"
    launcher.write_text(f'#!/bin/sh\n{script}exec "{HANDOVER}" "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return folder


def use_release(root: Path, name: str) -> None:
    release(root, name)
    current = root / "opt/handover/current"
    current.unlink(missing_ok=True)
    current.symlink_to(f"releases/{name}")


def unit_command(root: Path, nursery: str) -> tuple[list[str], dict[str, str]]:
    """handover-hub@NURSERY's command line and environment, as systemd makes them, on root."""
    unit = (root / "etc/systemd/system/handover-hub@.service").read_text(encoding="utf-8")
    unit = unit.replace("%i", nursery)
    values = settings(root / f"etc/handover/{nursery}/hub.env")
    (extra,) = re.findall(r"^Environment=(\w+)=(.*)$", unit, flags=re.M)
    values[extra[0]] = extra[1]
    for key in ("HANDOVER_DB", "HANDOVER_SECRET_KEY_FILE"):
        if "://" not in values[key]:
            values[key] = str(root / values[key].lstrip("/"))
    line = next(ln for ln in unit.splitlines() if ln.startswith("ExecStart="))
    words = line.removeprefix("ExecStart=").replace("/opt/handover", f"{root}/opt/handover")
    command = [re.sub(r"\$\{(\w+)\}", lambda m: values[m[1]], w) for w in words.split()]
    return command, {**os.environ, **values}


# --- lint and verify ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_every_server_script_passes_shellcheck() -> None:
    scripts = [SERVER / "install.sh", SERVER / "handover-update", ROOT / "deploy/common/steps.sh"]
    checked = sh("shellcheck", "--external-sources", *scripts)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_every_server_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    install(tmp_path, "--name", "little-acorns")
    use_release(tmp_path, "r1")
    # An instance of each template: a template alone is only parsed, its mistakes only warned
    # about, and the programs it starts never looked for.
    verified = verified_units(tmp_path, {u: u.replace("@.", "@little-acorns.") for u in UNITS})
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stderr.strip() == "", verified.stderr


# --- install --------------------------------------------------------------------------------


def test_a_dry_run_shows_every_step_and_changes_nothing(tmp_path: Path) -> None:
    done = sh(SERVER / "install.sh", "--dry-run", "--root", tmp_path, "--name", "oak-tree")
    assert done.returncode == 0, done.stderr
    for expected in (
        "apt-get install",
        "postgresql-client",
        "useradd --system",
        "pip wheel",
        "python3 -m venv",
        "[hub]",
        "write " + str(tmp_path / "etc/handover/oak-tree/hub.env") + " (mode 640)",
        "write " + str(tmp_path / "etc/handover/oak-tree/secret-key") + " (mode 600)",
        "handover migrate --db /var/lib/handover/oak-tree/hub.db",
        "handover-hub@.service",
        "systemctl enable --now handover-hub@oak-tree.service",
        "systemctl enable --now handover-hub-backup@oak-tree.timer",
        "https://",
    ):
        assert expected in done.stdout, expected
    assert list(tmp_path.iterdir()) == []


def test_two_nurseries_on_one_machine_each_get_their_own_database_port_key_and_folders(
    tmp_path: Path,
) -> None:
    first = install(tmp_path, "--name", "little-acorns")
    assert "handover-hub@little-acorns" in first.stdout and ":8080/setup" in first.stdout
    url = "postgresql://oak:secret@db.example/oak_tree"
    second = install(tmp_path, "--name", "oak-tree", "--database", url)
    assert ":8081/setup" in second.stdout
    # One program for every nursery: a second install leaves it to handover-update.
    assert "already installed" in second.stdout and "pip install" not in second.stdout

    acorns = settings(tmp_path / "etc/handover/little-acorns/hub.env")
    oak = settings(tmp_path / "etc/handover/oak-tree/hub.env")
    assert acorns["HANDOVER_DB"] == "/var/lib/handover/little-acorns/hub.db"
    assert oak["HANDOVER_DB"] == url
    assert (acorns["HANDOVER_PORT"], oak["HANDOVER_PORT"]) == ("8080", "8081")
    keys = [tmp_path / f"etc/handover/{n}/secret-key" for n in ("little-acorns", "oak-tree")]
    assert all(key.stat().st_mode & 0o777 == 0o600 for key in keys)
    assert len({key.read_text() for key in keys}) == 2
    assert len(keys[0].read_text().strip()) >= 32
    # The database URL may carry a password: not for every user of the machine to read.
    assert (tmp_path / "etc/handover/oak-tree/hub.env").stat().st_mode & 0o777 == 0o640
    for unit in UNITS:
        assert (tmp_path / "etc/systemd/system" / unit).read_text() == (SERVER / unit).read_text()
    for folder in ("var/lib/handover/oak-tree", "var/backups/handover/little-acorns"):
        assert (tmp_path / folder).stat().st_mode & 0o777 == 0o750
    assert os.access(tmp_path / "opt/handover/bin/handover-update", os.X_OK)

    key_before = keys[0].read_text()
    again = install(tmp_path, "--name", "little-acorns", "--port", "9000")
    assert again.stdout.count("exists: left as it is") == 2
    assert keys[0].read_text() == key_before  # a new key would sign everyone out
    assert settings(tmp_path / "etc/handover/little-acorns/hub.env")["HANDOVER_PORT"] == "8080"
    taken = sh(SERVER / "install.sh", "--root", tmp_path, "--name", "elm", "--port", "8081")
    assert taken.returncode == 2 and "another nursery's hub" in taken.stderr, taken.stderr


def test_bad_options_are_refused_before_anything_is_done(tmp_path: Path) -> None:
    for options in (
        ["--name", "Little Acorns!"],
        ["--port", "80"],
        ["--port", "eighty"],
        ["--database", "mysql://db/acorns"],
        ["--wheel", str(tmp_path / "no-such.whl")],
        ["--colour", "blue"],
    ):
        refused = sh(SERVER / "install.sh", "--root", tmp_path, *options)
        assert refused.returncode == 2 and "install.sh:" in refused.stderr, options
    assert list(tmp_path.iterdir()) == []


# --- the hub, started as its unit starts it -------------------------------------------------


class UnitHub:
    """handover-hub@NAME's own command line, in its own process, as systemd would run it."""

    def __init__(self, root: Path, nursery: str) -> None:
        self.command, self.env = unit_command(root, nursery)
        self.base = f"https://127.0.0.1:{self.env['HANDOVER_PORT']}"
        self.log = root / f"{nursery}.log"
        self.cwd = root / f"var/lib/handover/{nursery}"  # the unit's WorkingDirectory
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> UnitHub:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=self.cwd, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                httpx.get(f"{self.base}/login", timeout=1, verify=False)  # noqa: S501 - up yet?
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(f"the hub did not answer in 60 s:\n{self.log.read_text()}")

    @property
    def verify(self) -> ssl.SSLContext:
        """Trusts the certificate authority this nursery's hub made in its data folder."""
        return ssl.create_default_context(cafile=str(self.cwd / "tls" / "office-ca.pem"))

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(15)


def test_each_nurserys_hub_starts_from_its_units_command_line_and_answers_over_https(
    tmp_path: Path,
) -> None:
    for nursery in ("little-acorns", "oak-tree"):
        install(tmp_path, "--name", nursery, "--port", str(free_port()))
    use_release(tmp_path, "r1")
    with UnitHub(tmp_path, "little-acorns") as acorns, UnitHub(tmp_path, "oak-tree") as oak:
        for hub in (acorns, oak):
            # A new nursery's hub sends the first visitor to make the manager's account.
            first = httpx.get(f"{hub.base}/", follow_redirects=True, timeout=10, verify=hub.verify)
            assert first.status_code == 200 and first.url.path == "/setup", first.url
            assert "text/html" in first.headers["content-type"]
    for nursery in ("little-acorns", "oak-tree"):  # each in its own data folder
        assert (tmp_path / f"var/lib/handover/{nursery}/hub.db").stat().st_size > 0
        assert (tmp_path / f"var/lib/handover/{nursery}/tls/office-ca.pem").exists()


# --- updates --------------------------------------------------------------------------------


def test_an_update_that_comes_up_is_kept_and_one_that_does_not_is_rolled_back_with_nothing_lost(
    tmp_path: Path, database_url: str
) -> None:
    on_postgres = "://" in database_url
    options = ["--database", database_url] if on_postgres else []
    install(tmp_path, "--name", "little-acorns", "--port", str(free_port()), *options)
    use_release(tmp_path, "r1")
    database = (
        database_url if on_postgres else str(tmp_path / "var/lib/handover/little-acorns/hub.db")
    )
    seed_nursery(database)
    before = children_named(database)
    update = tmp_path / "opt/handover/bin/handover-update"
    # Each hub must still run a moment after it answers: 2 s here rather than a server's 10 s,
    # which would only add waiting (the broken release below never comes up at all).
    env = {**os.environ, "HANDOVER_ROOT": str(tmp_path), "HANDOVER_UPDATE_SETTLE": "2"}

    good = release(tmp_path, "good", into="incoming")
    kept = sh(update, "--release", good, env=env, timeout=300)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "updated: the hubs run" in kept.stdout
    now_running = (tmp_path / "opt/handover/current").resolve()
    assert now_running.parent.name == "releases" and now_running.name != "r1"
    assert list((tmp_path / "var/backups/handover/little-acorns").iterdir())

    # A broken version: its migration damages the records, then its hub cannot start.
    damage = tmp_path / "damage.py"
    damage.write_text(
        "import sys\nimport sqlalchemy as s\nu = sys.argv[1]\n"
        "e = s.create_engine(u if '://' in u else 'sqlite:///' + u)\n"
        "with e.begin() as c:\n"
        "    c.execute(s.text(\"UPDATE children SET first_name = 'Broken'\"))\n",
        encoding="utf-8",
    )
    script = (
        f'if [ "$1" = migrate ]; then "{sys.executable}" {damage} "$3" || exit 1; fi\n'
        'if [ "$1" = hub ]; then echo "hub: ImportError (a broken release)" >&2; exit 1; fi\n'
    )
    broken = release(tmp_path, "broken", into="incoming", script=script)
    bad = sh(update, "--release", broken, env=env, timeout=300)
    assert bad.returncode == 1
    assert "did not come up" in bad.stdout and "rolled back" in bad.stdout, bad.stdout + bad.stderr
    assert (tmp_path / "opt/handover/current").resolve() == now_running
    assert children_named(database) == before  # the damaged records were put back
    assert len(list((tmp_path / "opt/handover/releases").iterdir())) == 2  # r1 and good

    nothing = sh(update, env=env)
    assert nothing.returncode == 1 and "say what to install" in nothing.stderr


def test_an_update_whose_wheel_does_not_install_changes_nothing(tmp_path: Path) -> None:
    install(tmp_path, "--name", "little-acorns", "--port", str(free_port()))
    use_release(tmp_path, "r1")
    database = tmp_path / "var/lib/handover/little-acorns/hub.db"
    seed_nursery(str(database))
    env = {**os.environ, "HANDOVER_ROOT": str(tmp_path)}
    not_a_wheel = tmp_path / "handover-9.9-py3-none-any.whl"
    not_a_wheel.write_text("a download cut short\n")
    failed = sh(tmp_path / "opt/handover/bin/handover-update", not_a_wheel, env=env, timeout=300)
    assert failed.returncode == 1
    assert "did not install; nothing was changed" in failed.stderr, failed.stdout + failed.stderr
    assert (tmp_path / "opt/handover/current").resolve().name == "r1"
    assert [p.name for p in (tmp_path / "opt/handover/releases").iterdir()] == ["r1"]
    assert children_named(str(database)) == ["Maya"]
