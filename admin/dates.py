"""How the nursery writes a date in numbers (its date order), and reading one typed that way.

A browser's own date input shows the browser's locale: a UK nursery on a tablet set up in
American English would read 03/12/2026 as the 12th of March. So every date field in the panel
is a text field in the setting's order, and every date typed or linked is read here.

Three orders, in a fixed table rather than Babel's locale data: Babel's short formats give a
two-digit year for en-US ("12/3/26", unclear for a date of birth) and its parse_date guesses
the order from the locale and takes two-digit years, so we would have to check its answer
against a pattern like these anyway. A nursery picks the order, not a locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class DateOrder:
    key: str
    pattern: str  # how a date is written (strftime)
    hint: str  # what the manager sees beside a field
    label: str  # the choice on the Settings page
    fields: tuple[int, int, int]  # where day, month and year are among the three numbers


ORDERS = {
    order.key: order
    for order in (
        DateOrder("dmy", "%d/%m/%Y", "dd/mm/yyyy", "Day first: 31/12/2026 (UK)", (0, 1, 2)),
        DateOrder("mdy", "%m/%d/%Y", "mm/dd/yyyy", "Month first: 12/31/2026 (US)", (1, 0, 2)),
        DateOrder("ymd", "%Y-%m-%d", "yyyy-mm-dd", "Year first: 2026-12-31 (ISO)", (2, 1, 0)),
    )
}
DEFAULT_ORDER = "dmy"

# Three numbers with /, . or - between them (people type 31.12.2026 and 31-12-2026 too);
# a year always has four digits, so 01/02/26 is never read as the year 26.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")


def date_order(key: str | None) -> DateOrder:
    """The order a setting chose; the UK's when it chose none (or one no longer offered)."""
    return ORDERS.get(key or "", ORDERS[DEFAULT_ORDER])


def show_day(day: date | None, order: DateOrder) -> str:
    return "" if day is None else day.strftime(order.pattern)


def _make(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:  # 31/02, month 13, year 0
        return None


def read_day(raw: str, order: DateOrder) -> date | None:
    """A date typed in the setting's order, or as yyyy-mm-dd (links, bookmarks, the files we
    write); None when it is not one."""
    text = raw.strip()
    if found := _ISO.fullmatch(text):
        return _make(*found.groups())
    if order.key != "ymd" and (found := _DAY_MONTH_YEAR.fullmatch(text)):
        numbers = found.groups()
        d, m, y = (numbers[i] for i in order.fields)
        return _make(y, m, d)
    return None


def not_a_date(raw: str, order: DateOrder) -> str:
    """ "31/02/2023 is not a date; write it as dd/mm/yyyy" """
    return f"{raw.strip()} is not a date; write it as {order.hint}."


def typed_day(value: Any, order: DateOrder) -> str:
    """What a date field shows: a date in the setting's order, a linked yyyy-mm-dd turned into
    it, and anything else exactly as it was typed, so a mistake can be seen and mended."""
    if isinstance(value, date):
        return show_day(value, order)
    text = "" if value is None else str(value)
    found = read_day(text, order) if text else None
    return show_day(found, order) if found else text


def order_for(request: Any) -> DateOrder:
    """The order of the setting a request is for (cached; forgotten when Settings is saved)."""
    order: DateOrder = request.app.state.setting_info().date_order
    return order
