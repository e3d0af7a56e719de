"""The parents' page in the family's language (issue 17 §3): the kiosk's languages, from the
gettext catalog ``admin/locale/<lang>/LC_MESSAGES/family.po`` (compiled at build time, as the
e-mails' are: setup.py). A signed-in parent reads it in the language the nursery writes to
them in; before signing in, in the one chosen with the page's language switch (a cookie), or
else the browser's first Accept-Language that the nursery has. Names are never translated.

Templates call ``_()`` and ``ngettext()`` (Jinja's i18n extension, "new style": the values
are escaped and put in by name, so a catalog may move them); Python marks what it hands a
template with ``N_()`` and the template translates it."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2.ext import (  # Jinja's own new-style wrappers, and its reader for translators
    _make_new_gettext,
    _make_new_ngettext,
    babel_extract,
)

from admin.notice_language import LANGUAGES, RIGHT_TO_LEFT, language_of, translation

DOMAIN = "family"
LANGUAGE_COOKIE = "handover_family_language"
DAY = "%a %d %b %Y"  # marked below: a catalog gives its own order and numbers for months


def N_(message: str) -> str:
    return message


N_(DAY)


def browser_language(accept: str) -> str:
    """The first of the browser's languages (by q-value, then order) the nursery has."""
    wanted: list[tuple[float, int, str]] = []
    for order, part in enumerate(accept.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = re.search(r"q=([0-9.]+)", params)
        try:
            q = float(quality.group(1)) if quality else 1.0
        except ValueError:
            q = 0.0
        wanted.append((-q, order, tag.strip().lower().split("-")[0]))
    for q, _, code in sorted(wanted):
        if q < 0 and code in LANGUAGES:
            return code
    return "en"


def page_language(request: Request, preferred: str | None) -> str:
    """The signed-in adult's language; before sign-in, the switch's or the browser's."""
    if preferred is not None:
        return language_of(preferred)
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return browser_language(request.headers.get("accept-language", ""))


def page_words(code: str) -> dict[str, Any]:
    """What a parents' page template needs to speak ``code``: gettext and ngettext for the
    i18n extension, the page's ``lang`` and ``dir``, days written the language's way, and
    the switch's languages."""
    catalog = translation(code, DOMAIN)

    def day(value: date | None) -> str:
        return "" if value is None else value.strftime(catalog.gettext(DAY))

    return {
        "gettext": _make_new_gettext(catalog.gettext),
        "ngettext": _make_new_ngettext(catalog.ngettext),
        "language": code,
        "direction": "rtl" if code in RIGHT_TO_LEFT else "ltr",
        "day": day,
        "languages": LANGUAGES,
    }


# The date field (../_fields.html) is shared with the office, whose pages stay in English.
PAGES = ("base.html", "sign_in.html", "code.html", "home.html", "child.html", "../_fields.html")
MARKED_IN = ("views/family.py", "office/family.py", "office/family_requests.py")


def family_messages() -> dict[str | tuple[str, str], None]:
    """Every message of the parents' page, as translators work from it and a test checks each
    catalog has it: the pages' ``_()``/``ngettext()`` (a plural as its two English forms),
    and what Python marks ``N_()``."""
    found: dict[str | tuple[str, str], None] = {DAY: None}
    folder = Path(__file__).parent
    for page in PAGES:
        with (folder / "templates" / "family" / page).open("rb") as text:
            for _line, function, message, _comments in babel_extract(
                text, ("_", "gettext", "ngettext"), [], {"newstyle_gettext": "true"}
            ):
                # _("...", name=...) comes as ("...", None): the values are not messages.
                texts = (message,) if isinstance(message, str) else tuple(message or ())
                one, many = (*texts, None, None)[:2]
                if function == "ngettext" and isinstance(one, str) and isinstance(many, str):
                    found[(one, many)] = None
                elif function != "ngettext" and texts and isinstance(texts[0], str):
                    found[texts[0]] = None
    for name in MARKED_IN:
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "N_"
                and isinstance(node.args[0], ast.Constant)
            ):
                found[str(node.args[0].value)] = None
    return found
