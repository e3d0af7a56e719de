"""The kiosk's languages (R14): gettext catalogs (``assets/locale/<lang>/LC_MESSAGES/*.po``),
chosen by a tap on the home screen. Names are never translated."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "assets" / "locale"
DOMAIN = "handover"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own language, as the picker shows it
    rtl: bool = False


LANGUAGES = {
    "en": Language("en", "English"),
    "pl": Language("pl", "Polski"),
    "ur": Language("ur", "اردو", rtl=True),
}


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr for a .po file (no plurals or contexts: the kiosk needs neither).
    Untranslated entries are left out so the English shows instead of a blank."""
    catalog: dict[str, str] = {}
    current: dict[str, list[str]] = {}
    key = ""

    def flush() -> None:
        msgid = "".join(current.get("msgid", []))
        msgstr = "".join(current.get("msgstr", []))
        if msgid and msgstr:
            catalog[msgid] = msgstr

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            current, key = {"msgid": []}, "msgid"
            line = line[len("msgid ") :]
        elif line.startswith("msgstr "):
            current["msgstr"], key = [], "msgstr"
            line = line[len("msgstr ") :]
        current.setdefault(key, []).append(ast.literal_eval(line))
    flush()
    return catalog


class Translator:
    def __init__(
        self, locale_dir: Path = LOCALE_DIR, *, offered: tuple[str, ...] = ("en",)
    ) -> None:
        self.catalogs: dict[str, dict[str, str]] = {"en": {}}
        for code in offered:
            po = locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"
            if code != "en" and po.exists():
                self.catalogs[code] = parse_po(po.read_text(encoding="utf-8"))
        self.offered = [LANGUAGES[c] for c in offered if c in self.catalogs and c in LANGUAGES]
        self.language = LANGUAGES["en"]
        self._listeners: list[Callable[[], None]] = []

    def gettext(self, message: str) -> str:
        return self.catalogs[self.language.code].get(message, message)

    def choose(self, code: str) -> None:
        if code in self.catalogs and code in LANGUAGES and code != self.language.code:
            self.language = LANGUAGES[code]
            for listener in self._listeners:
                listener()

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
