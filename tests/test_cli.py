"""The `handover` command as a newcomer meets it: help everywhere, one-line errors."""

from __future__ import annotations

import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

HANDOVER = str(Path(sys.executable).with_name("handover"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HANDOVER, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


@pytest.mark.parametrize("command", [[], ["migrate"], ["seed-demo"], ["demo"], ["hub"]])
def test_every_subcommand_explains_itself(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: handover" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["fly"], "invalid choice"),
        (["migrate"], "--db"),
        (["seed-demo", "--db", "x.db", "--today", "next Tuesday"], "not a date"),
        (["migrate", "--db", "oracel://scott@db/x"], "no database driver"),
        (["demo", "--no-such-option"], "unrecognized arguments"),
        (["migrate", "--db", "mysql://office@db/nursery"], "mysql is not supported"),
        (["hub", "--db", "no-folder/office.db"], "no-folder for no-folder/office.db"),
    ],
)
def test_a_bad_argument_gets_one_line_and_status_two(
    args: list[str], says: str, tmp_path: Path
) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_that_does_not_answer_gets_one_line_not_a_traceback() -> None:
    result = run("migrate", "--db", "postgresql://postgres@127.0.0.1:9/none")
    assert result.returncode == 1
    assert "could not be used" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_hub_on_a_taken_port_says_so_and_never_claims_the_office_is_open(
    tmp_path: Path,
) -> None:
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        result = run("hub", "--db", str(tmp_path / "office.db"), "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1
    assert "office is open" not in result.stdout
    assert result.stderr.count("\n") == 1 and f"port {port} on 127.0.0.1 is already in use" in (
        result.stderr
    )
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_backup_and_restore_say_what_went_wrong_on_stderr(tmp_path: Path) -> None:
    missing = run("backup", "--db", str(tmp_path / "gone.db"), "--to", str(tmp_path))
    assert (missing.returncode, missing.stdout) == (1, "")
    assert "there is no database at" in missing.stderr and missing.stderr.count("\n") == 1
    nothing = run("restore", str(tmp_path / "no-backup.db"), "--db", str(tmp_path / "k.db"))
    assert (nothing.returncode, nothing.stdout) == (1, "")
    assert "handover backup made" in nothing.stderr and nothing.stderr.count("\n") == 1


def test_the_command_says_which_version_is_installed() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == f"handover {metadata.version('handover')}\n"


def test_migrate_brings_a_new_file_to_the_newest_schema(tmp_path: Path) -> None:
    result = run("migrate", "--db", str(tmp_path / "office.db"))
    assert result.returncode == 0, result.stderr
    assert "schema revision" in result.stdout
    assert (tmp_path / "office.db").exists()


def test_seed_demo_prints_logins_pins_and_cards_and_never_seeds_twice(tmp_path: Path) -> None:
    database = str(tmp_path / "demo.db")
    first = run("seed-demo", "--db", database)
    assert first.returncode == 0, first.stderr
    assert "manager" in first.stdout and "HOV1." in first.stdout
    again = run("seed-demo", "--db", database)
    assert again.returncode == 1
    assert "already has a nursery" in again.stderr and "Traceback" not in again.stderr


def test_demo_creates_the_nursery_once_and_shows_the_logins_every_time(tmp_path: Path) -> None:
    first = run("demo", "--data-dir", "nursery", "--no-hub", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Creating the demo nursery" in first.stdout and "HOV1." in first.stdout
    second = run("demo", "--data-dir", "nursery", "--no-hub", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Creating" not in second.stdout
    assert first.stdout.split("HOV1.", 1)[1][:40] == second.stdout.split("HOV1.", 1)[1][:40]
