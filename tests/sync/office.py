"""The office's pages read in-process against the hub's database, as the manager sees them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.app import create_app
from admin.config import HubSettings
from db.audit import set_actor
from db.credentials import hash_password
from db.engine import make_engine, session_factory
from db.models import Staff
from db.vocabulary import Role
from tests.admin.conftest import sign_in
from tests.sync.nursery import SECRET

MANAGER = ("office-manager", "a-manager-password-for-the-test")


def on_the_hub(url: str, change: Callable[[Session], object]) -> None:
    """A change made in the office, through the ORM so versions and audit are as the panel's."""
    engine = make_engine(url)
    with session_factory(engine)() as db:
        set_actor(db, "manager")
        change(db)
        db.commit()
    engine.dispose()


def office_page(url: str, path: str, *, data_dir: Path | None = None) -> str:
    """``path`` as the manager sees it (made a manager account the first time), from a hub
    whose data folder is ``data_dir`` when given."""
    engine = make_engine(url)
    with session_factory(engine)() as db:
        if db.scalar(select(Staff).where(Staff.username == MANAGER[0])) is None:
            db.add(
                Staff(
                    username=MANAGER[0],
                    first_name="Joanne",
                    last_name="Whitfield",
                    role=Role.MANAGER.value,
                    password_hash=hash_password(MANAGER[1]),
                )
            )
            db.commit()
    engine.dispose()
    settings = HubSettings(database_url=url, secret_key=SECRET, demo=False, data_dir=data_dir)
    with TestClient(
        create_app(settings), base_url="https://testserver", follow_redirects=False
    ) as office:
        signed_in = sign_in(office, MANAGER)
        assert signed_in.status_code == 303, signed_in.text
        page = office.get(path)
        office.app.state.engine.dispose()  # type: ignore[attr-defined]
        assert page.status_code == 200, page.text
        return str(page.text)
