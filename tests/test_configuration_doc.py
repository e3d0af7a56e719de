"""docs/configuration.md lists every setting: a variable read in the code or a command-line
option missing from the page fails here, so the page cannot fall behind the code."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from handover.cli import build_parser

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "configuration.md"
# The hub, the kiosk, the records, the command, and the Pi's scripts, units and settings file.
CODE = ("admin", "kiosk", "db", "handover", "deploy")
VARIABLE = re.compile(r"\bHANDOVER_[A-Z0-9_]*[A-Z0-9]\b")


def variables_in_code() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix not in (".png", ".wav", ".ttf", ".mo", ".pyc"):
                for name in VARIABLE.findall(path.read_text(encoding="utf-8", errors="ignore")):
                    found.setdefault(name, path.relative_to(ROOT))
    return found


def test_every_handover_variable_the_code_reads_is_on_the_configuration_page() -> None:
    page = PAGE.read_text(encoding="utf-8")
    found = variables_in_code()
    assert {"HANDOVER_SECRET_KEY", "HANDOVER_METRICS_TOKEN", "HANDOVER_HUB"} <= found.keys()
    missing = {name: str(path) for name, path in found.items() if f"`{name}`" not in page}
    assert not missing, f"add these to docs/configuration.md (name: where it is read): {missing}"


def _sections(page: str) -> dict[str, str]:
    """The page's text under each ``### `handover ...` `` heading, by command name."""
    sections: dict[str, str] = {}
    for part in re.split(r"^### ", page, flags=re.MULTILINE)[1:]:
        heading, _, body = part.partition("\n")
        for command in re.findall(r"`handover ([a-z-]+)`", heading):
            sections[command] = body
    return sections


def test_every_option_of_every_command_is_under_that_command_on_the_page() -> None:
    sections = _sections(PAGE.read_text(encoding="utf-8"))
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing: list[str] = []
    for name, parser in commands.choices.items():
        options = [
            option
            for action in parser._actions
            for option in action.option_strings
            if option.startswith("--") and option != "--help"
        ]
        missing += [
            f"handover {name} {o}" for o in options if f"`{o}`" not in sections.get(name, "")
        ]
    assert "hub" in commands.choices and "kiosk" in commands.choices
    assert not missing, f"add these options to docs/configuration.md: {missing}"
