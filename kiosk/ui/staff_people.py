"""Staff mode's tabs about who is here: on site by room, the fire roll call, staff and visitors.
Functions over the staff-mode screen (kiosk/ui/staff.py), which draws the tabs that need acting
on (alerts, pick-ups) and the frame around them."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from kivy.uix.gridlayout import GridLayout

from kiosk import staff_views, views
from kiosk.ui import theme
from kiosk.ui.theme import u
from kiosk.ui.widgets import Text

if TYPE_CHECKING:
    from kiosk.ui.staff import StaffModeScreen


def on_site(screen: StaffModeScreen, rows: GridLayout) -> None:
    app = screen.app
    groups = staff_views.on_site_by_room(
        screen.seen.book, screen.seen.timeline, app.service.rooms, app.service.setting.zone
    )
    if not groups:
        rows.add_widget(
            Text(
                screen._("Nobody is signed in yet."),
                size=24,
                size_hint_y=None,
                height=theme.touch(),
            )
        )
    for group in groups:
        heading = f"{group['room']}: {len(group['children'])} / {len(group['staff'])}"
        rows.add_widget(Text(heading, size=24, bold=True, size_hint_y=None, height=u(44)))
        for child in group["children"]:
            buttons: list[tuple[str, Any, tuple[float, ...]]] = []
            if not child["acknowledged"]:
                uuid = child["arrival_uuid"]
                buttons.append(
                    (
                        "Acknowledge",
                        partial(app.flows.acknowledge_arrival, uuid, screen.staff),
                        theme.ARRIVE,
                    )
                )
            rows.add_widget(
                screen.row(
                    f"{child['name']} · {child['since']}",
                    *buttons,
                    colour=theme.SURFACE if child["acknowledged"] else theme.SELECTED,
                )
            )
        for person in group["staff"]:
            rows.add_widget(screen.row(f"{person['name']} · {person['since']}"))


def roll_call(screen: StaffModeScreen, rows: GridLayout) -> None:
    """Tick each person off at the assembly point; whoever is not ticked stays highlighted."""
    app = screen.app
    ticked: set[str] = screen.context.setdefault("ticked", set())
    groups = staff_views.on_site_by_room(
        screen.seen.book, screen.seen.timeline, app.service.rooms, app.service.setting.zone
    )
    people = [p for g in groups for p in g["children"] + g["staff"]]
    missing = [p for p in people if f"{p['kind']}:{p['id']}" not in ticked]
    summary = screen._("Unaccounted for: {n} of {total}").format(n=len(missing), total=len(people))
    rows.add_widget(
        Text(
            summary,
            size=28,
            bold=True,
            size_hint_y=None,
            height=u(50),
            color=theme.CRITICAL if missing else theme.ARRIVE,
        )
    )
    for person in people:
        key = f"{person['kind']}:{person['id']}"
        here = key in ticked
        rows.add_widget(
            screen.row(
                person["name"],
                (
                    "Here" if not here else "Undo",
                    partial(_tick, screen, key),
                    theme.ARRIVE if not here else theme.SURFACE,
                ),
                colour=theme.SURFACE if here else theme.SELECTED,
            )
        )


def _tick(screen: StaffModeScreen, key: str) -> None:
    ticked: set[str] = screen.context["ticked"]
    ticked.symmetric_difference_update({key})
    screen.show(**screen.context)


def members_of_staff(screen: StaffModeScreen, rows: GridLayout) -> None:
    app = screen.app
    for tile in views.staff_tiles(screen.seen.book, screen.seen.timeline):
        staff_id = tile["id"]
        button: tuple[str, Any, tuple[float, ...]]
        if tile["on_site"]:
            button = (
                "Sign out",
                partial(app.flows.staff_sign, staff_id, False, screen.staff),
                theme.SURFACE,
            )
        else:
            button = (
                "Sign in",
                partial(app.flows.staff_sign, staff_id, True, screen.staff),
                theme.ARRIVE,
            )
        rows.add_widget(
            screen.row(
                f"{tile['label']} {tile['detail']}",
                button,
                colour=theme.SURFACE if tile["on_site"] else theme.BACKGROUND,
            )
        )


def visitors_on_site(screen: StaffModeScreen, rows: GridLayout) -> None:
    app = screen.app
    rows.add_widget(
        screen.row(
            screen._("Visitors sign in with a member of staff supervising."),
            ("Sign in a visitor", lambda: app.flows.visitor_sign_in(screen.staff), theme.ARRIVE),
        )
    )
    for visit in screen.seen.timeline.visitors_on_site.values():
        text = f"{visit.name} · {visit.organisation} · {visit.visiting}"
        rows.add_widget(
            screen.row(
                text,
                (
                    "Sign out",
                    partial(app.flows.visitor_sign_out, visit.uuid, screen.staff),
                    theme.SURFACE,
                ),
            )
        )
