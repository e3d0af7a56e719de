"""The languages parents are written to in (issue 17): the kiosk's own (en, pl, ur), from
gettext catalogs of the notices' words in ``admin/locale/<lang>/LC_MESSAGES/notices.po``,
compiled at build time as the kiosk's are (setup.py). A language with no compiled catalog
on this install is written in English rather than not at all. Names are never translated."""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

LOCALE_DIR: Traversable = resources.files("admin") / "locale"
DOMAIN = "notices"
# The kiosk's languages (kiosk/i18n.py), named as a parent would find their own.
LANGUAGES = {"en": "English", "pl": "Polski (Polish)", "ur": "اردو (Urdu)"}
RIGHT_TO_LEFT = frozenset({"ur"})


@cache
def translation(code: str) -> gettext.NullTranslations:
    mo = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if code == "en" or code not in LANGUAGES or not mo.is_file():
        return gettext.NullTranslations()
    with mo.open("rb") as compiled:
        return gettext.GNUTranslations(compiled)


def language_of(code: str | None) -> str:
    return code if code in LANGUAGES else "en"
