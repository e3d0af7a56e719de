"""QR cards are printed once and revoked at will; kiosks pair with a one-time code."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.office.pairing import pairing_code_hash
from db.credentials import hash_secret
from db.models import AuditEntry, Card, Kiosk
from tests.admin.conftest import post_form
from tests.admin.test_people import adult_id, db_of


def test_a_new_card_is_printed_once_with_a_qr_code_and_only_its_hash_is_kept(
    manager: TestClient, database: str
) -> None:
    bob = adult_id(database, "Bob")
    sheet = post_form(manager, "/cards", "/cards/issue", {"holder": f"adult:{bob}"})
    assert sheet.status_code == 200
    assert "Bob Hughes" in sheet.text and "<svg" in sheet.text and "only this once" in sheet.text
    assert sheet.headers["cache-control"] == "no-store"
    card_id = re.search(r'data-card="([A-Z2-7]{10})"', sheet.text).group(1)  # type: ignore[union-attr]
    with db_of(database) as db:
        card = db.get(Card, card_id)
        assert card is not None and card.holder_adult_id == bob and card.revoked_at is None
        assert len(card.secret_hash) == 64
    assert card_id in manager.get("/cards").text


def test_several_cards_print_on_one_sheet(manager: TestClient, database: str) -> None:
    holders = [f"adult:{adult_id(database, n)}" for n in ("Bob", "Kemi", "Ngozi")]
    sheet = post_form(manager, "/cards", "/cards/issue", {"holder": holders})
    assert sheet.text.count('class="qr-card"') == 3


def test_a_person_ticked_under_two_rooms_gets_one_card_and_the_sheet_is_a_view_of_them(
    manager: TestClient, database: str
) -> None:
    """The Cards page lists a parent under each room their children are in; the sheet prints
    one card for them (a second would revoke the first) and records that it named them."""
    ngozi = adult_id(database, "Ngozi")
    sheet = post_form(
        manager, "/cards", "/cards/issue", {"holder": [f"adult:{ngozi}", f"adult:{ngozi}"]}
    )
    assert sheet.text.count('class="qr-card"') == 1
    with db_of(database) as db:
        in_use = db.scalars(
            select(Card).where(Card.holder_adult_id == ngozi, Card.revoked_at.is_(None))
        ).all()
        views = db.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "view",
                AuditEntry.entity == "adults",
                AuditEntry.entity_id == str(ngozi),
            )
        ).all()
    assert len(in_use) == 1
    assert ["card printed"] in [v.changes["fields"] for v in views]
    assert ["cards"] in [v.changes["fields"] for v in views]  # the page listed her first


def test_reissuing_a_card_makes_the_old_one_stop_working(
    manager: TestClient, database: str
) -> None:
    ngozi = adult_id(database, "Ngozi")
    with db_of(database) as db:
        old = (
            db.scalars(select(Card).where(Card.holder_adult_id == ngozi, Card.revoked_at.is_(None)))
            .one()
            .id
        )
    post_form(manager, f"/adults/{ngozi}", "/cards/issue", {"holder": f"adult:{ngozi}"})
    with db_of(database) as db:
        cards = db.scalars(select(Card).where(Card.holder_adult_id == ngozi)).all()
        in_use = [c for c in cards if c.revoked_at is None]
        assert len(in_use) == 1 and in_use[0].id != old
        assert db.get(Card, old).revoked_reason == "reissued"  # type: ignore[union-attr]


def test_a_lost_card_is_revoked_from_the_cards_page(manager: TestClient, database: str) -> None:
    ngozi = adult_id(database, "Ngozi")
    with db_of(database) as db:
        card = (
            db.scalars(select(Card).where(Card.holder_adult_id == ngozi, Card.revoked_at.is_(None)))
            .one()
            .id
        )
    response = post_form(manager, "/cards", f"/cards/{card}/revoke", {"reason": "lost"})
    assert response.status_code == 303
    assert "revoked (lost)" in manager.get("/cards").text
    with db_of(database) as db:
        assert db.get(Card, card).revoked_at is not None  # type: ignore[union-attr]


def test_a_kiosk_gets_a_pairing_code_shown_once_and_stored_as_a_hash(
    manager: TestClient, database: str
) -> None:
    page = post_form(manager, "/kiosks", "/kiosks", {"name": "Garden gate"})
    code = re.search(r"data-pairing-code>([A-Z0-9-]+)<", page.text).group(1)  # type: ignore[union-attr]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert code not in manager.get("/kiosks").text
    with db_of(database) as db:
        kiosk = db.scalars(select(Kiosk).where(Kiosk.name == "Garden gate")).one()
        assert kiosk.pairing_code_hash == pairing_code_hash(code.lower().replace("-", " "))
        assert kiosk.pairing_code_hash != hash_secret(code)


def test_a_kiosk_without_a_name_is_explained(manager: TestClient) -> None:
    page = post_form(manager, "/kiosks", "/kiosks", {"name": "  "})
    assert page.status_code == 400 and "Please enter a name for the kiosk" in page.text


def test_a_revoked_kiosk_is_known_by_its_token_and_can_never_sync_again(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        kiosk = db.scalars(select(Kiosk)).first()
        assert kiosk is not None
        kiosk.token_hash = hash_secret("device-token")
        db.commit()
        kiosk_id = kiosk.id
    response = post_form(manager, "/kiosks", f"/kiosks/{kiosk_id}/revoke", {})
    assert response.status_code == 303
    assert "revoked" in manager.get("/kiosks").text
    with db_of(database) as db:
        kiosk = db.get(Kiosk, kiosk_id)
        # The hash stays so the hub can tell this kiosk "revoked" (tests/sync/test_hub_api.py).
        assert kiosk is not None and kiosk.revoked_at is not None
        assert kiosk.token_hash == hash_secret("device-token")
    # Pairing it again is a new code, which ends the old token for good.
    page = post_form(manager, "/kiosks", f"/kiosks/{kiosk_id}/pairing", {})
    assert "data-pairing-code" in page.text
    with db_of(database) as db:
        kiosk = db.get(Kiosk, kiosk_id)
        assert kiosk is not None and kiosk.token_hash is None and kiosk.revoked_at is None


@pytest.mark.parametrize(
    ("skew", "shown", "warned"),
    [
        (None, "not known yet", False),
        (1.5, "on time", False),
        (-600.0, "10 min fast", True),
        (180.0, "3 min slow", True),
    ],
)
def test_the_kiosks_page_says_whether_each_clock_is_right(
    manager: TestClient, database: str, skew: float | None, shown: str, warned: bool
) -> None:
    with db_of(database) as db:
        kiosk = db.scalars(select(Kiosk)).first()
        assert kiosk is not None
        kiosk.clock_skew_seconds = skew
        db.commit()
    page = manager.get("/kiosks").text
    cell = re.search(r"<td data-clock>(.*?)</td>", page, re.S).group(1)  # type: ignore[union-attr]
    assert shown in cell
    assert ('class="tag bad"' in cell) == warned
