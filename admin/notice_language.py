"""The languages parents are written to in (issue 17): the kiosk's own (en, pl, ur), from
gettext catalogs of the notices' words in ``admin/locale/<lang>/LC_MESSAGES/notices.po``,
compiled at build time as the kiosk's are (setup.py). A language with no compiled catalog
on this install is written in English rather than not at all. Names are never translated."""

from __future__ import annotations

import ast
import gettext
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

LOCALE_DIR: Traversable = resources.files("admin") / "locale"
DOMAIN = "notices"
# The kiosk's languages (kiosk/i18n.py), named as a parent would find their own.
LANGUAGES = {"en": "English", "pl": "Polski (Polish)", "ur": "اردو (Urdu)"}
RIGHT_TO_LEFT = frozenset({"ur"})


@cache
def translation(code: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The compiled catalog of ``domain`` (the e-mails', or the parents' page's) in that
    language, read from the installed package."""
    mo = LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.mo"
    if code == "en" or code not in LANGUAGES or not mo.is_file():
        return gettext.NullTranslations()
    with mo.open("rb") as compiled:
        return gettext.GNUTranslations(compiled)


def language_of(code: str | None) -> str:
    return code if code in LANGUAGES else "en"


def language_code(typed: str) -> str | None:
    """A language as a spreadsheet gives it ("pl", "Polish", "Polski", "اردو"), as its code;
    None when it is not one of the kiosk's."""
    wanted = typed.strip().casefold()
    for code, name in LANGUAGES.items():
        own, _, english = name.partition(" (")
        if wanted in (code, own.casefold(), english.rstrip(")").casefold() or "english"):
            return code
    return None


def _(message: str) -> str:
    """Marks a message for the catalogs; it is translated when a notice is written, in the
    language of the adult it is written to."""
    return message


WRITTEN_IN = (
    "office/notices.py",
    "office/event_notices.py",
    "office/card_mail.py",
    "office/family.py",
)


def notice_messages() -> list[str]:
    """Every message marked ``_("...")`` in the modules that write e-mails: what translators
    work from, and what a test checks each catalog translates."""
    found: dict[str, None] = {}
    for name in WRITTEN_IN:
        tree = ast.parse((Path(__file__).parent / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = None
    return list(found)
