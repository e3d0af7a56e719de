"""The demo nursery: believable, consistent with the door's rules, and holding no plain secret."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.avatars import NOT_A_PICTURE, make_avatar, resize_photo
from db.clock import age_in_months, age_in_years
from db.credentials import bcrypt_cost, check_password, parse_card, secret_matches
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import (
    Adult,
    AgreedPassword,
    AuditEntry,
    Authorisation,
    Card,
    Child,
    Kiosk,
    OneOffPermission,
    Restriction,
    Room,
    Setting,
    Staff,
)
from db.seed import DemoCredentials, SeedError, format_credentials, seed_demo
from db.seed_data import ROOMS
from tests.bcrypt_cost import at_product_cost

TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 7, 45, tzinfo=UTC)
JPEG_START = b"\xff\xd8"
GPS_IFD = 0x8825


@dataclass
class Demo:
    path: Path
    sessions: sessionmaker[Session]
    creds: DemoCredentials


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """Seeded once: bcrypt makes seeding take seconds, and these tests only read."""
    path = tmp_path_factory.mktemp("seed") / "demo.db"
    engine = make_engine(str(path))
    upgrade_to_head(engine)
    sessions = session_factory(engine)
    # The demo as it ships, hashes at cost 12 (the suite's others are at 4: tests/bcrypt_cost.py).
    with sessions() as session, at_product_cost():
        creds = seed_demo(session, today=TODAY, now=NOW)
        session.commit()
    yield Demo(path, sessions, creds)
    engine.dispose()


@pytest.fixture
def db(demo: Demo) -> Iterator[Session]:
    with demo.sessions() as session:
        yield session


def _full_name(row: Adult | Child | Staff) -> str:
    return f"{row.first_name} {row.last_name}"


def _adult(db: Session, name: str) -> Adult:
    return next(a for a in db.scalars(select(Adult)) if _full_name(a) == name)


def _child(db: Session, name: str) -> Child:
    return next(c for c in db.scalars(select(Child)) if _full_name(c) == name)


def test_the_demo_nursery_has_three_rooms_and_about_25_children_each_with_their_key_person(
    db: Session,
) -> None:
    rooms = {room.id: room.name for room in db.scalars(select(Room))}
    assert sorted(rooms.values()) == ["Babies", "Pre-school", "Twos"]
    children = db.scalars(select(Child)).all()
    assert 22 <= len(children) <= 28
    staff = {s.id: s for s in db.scalars(select(Staff))}
    for child in children:
        assert child.key_person_id is not None, child.first_name
        assert staff[child.key_person_id].room_id == child.room_id, child.first_name
        assert child.photo is not None and child.photo.startswith(JPEG_START)
    assert {c.room_id for c in children} == set(rooms)
    assert db.scalar(select(Setting.name)) == "Little Acorns Pre-School"
    assert db.scalar(select(Kiosk.name).where(Kiosk.token_hash.is_(None))) == "Front door"


def test_names_in_many_scripts_are_kept_exactly_as_written(db: Session) -> None:
    names = {c.first_name for c in db.scalars(select(Child))}
    assert {"Zoë", "Łukasz", "Ayşe", "Siobhán", "ياسمين"} <= names
    assert "Nguyễn" in {c.last_name for c in db.scalars(select(Child))}


def test_children_in_each_room_are_the_rooms_age_on_the_day(db: Session) -> None:
    bands = {room.name: room for room in ROOMS}
    rooms = {room.id: room.name for room in db.scalars(select(Room))}
    for child in db.scalars(select(Child)):
        assert child.room_id is not None
        band = bands[rooms[child.room_id]]
        months = age_in_months(child.date_of_birth, TODAY)
        assert band.min_months <= months <= band.max_months, (child.first_name, months)
        assert child.started_on is not None
        assert child.date_of_birth < child.started_on < TODAY


def test_every_printed_card_opens_its_stored_hash_and_the_lost_one_is_revoked(
    demo: Demo, db: Session
) -> None:
    cards = {card.id: card for card in db.scalars(select(Card))}
    assert len(demo.creds.cards) == len(cards) >= 10
    for printed in demo.creds.cards:
        payload = parse_card(printed.payload)
        stored = cards[payload.card_id]
        assert secret_matches(payload.secret, stored.secret_hash)
        assert (stored.revoked_at is not None) == printed.revoked
        assert (stored.holder_staff_id is not None) == printed.staff
    revoked = [p for p in demo.creds.cards if p.revoked]
    assert [p.holder for p in revoked] == [demo.creds.notable.lost_card_holder]
    valid_for_same_holder = [
        p for p in demo.creds.cards if p.holder == revoked[0].holder and not p.revoked
    ]
    assert len(valid_for_same_holder) == 1
    assert sum(p.staff for p in demo.creds.cards) == 2


def test_printed_staff_pins_unlock_the_kiosk_and_are_slow_hashes(demo: Demo, db: Session) -> None:
    staff = {s.username: s for s in db.scalars(select(Staff))}
    logins = {login.username: login for login in demo.creds.staff}
    assert set(logins) == set(staff) and len(staff) >= 8
    assert logins["manager"].role == "manager" and logins["manager"].password == "acorns-manager"
    assert len({login.pin for login in logins.values()}) == len(logins)
    for username in ("manager", "saskia"):
        pin_hash = staff[username].pin_hash
        assert pin_hash is not None and bcrypt_cost(pin_hash) >= 12
        assert check_password(logins[username].pin, pin_hash)
    assert all(s.password_hash and bcrypt_cost(s.password_hash) >= 12 for s in staff.values())


def test_siblings_share_one_agreed_password_that_the_kiosk_can_check(
    demo: Demo, db: Session
) -> None:
    nowak = {c.first_name: c for c in db.scalars(select(Child).where(Child.last_name == "Nowak"))}
    assert set(nowak) == {"Łukasz", "Zofia"}
    assert nowak["Łukasz"].agreed_password_id == nowak["Zofia"].agreed_password_id is not None
    stored = db.get(AgreedPassword, nowak["Łukasz"].agreed_password_id)
    assert stored is not None and bcrypt_cost(stored.password_hash) >= 12
    printed = {p.family: p.password for p in demo.creds.agreed_passwords}
    assert len(printed) >= 3
    assert check_password(
        printed["the Nowak children (Łukasz, Zofia)"], stored.password_hash, agreed=True
    )
    assert db.scalar(select(func.count()).select_from(AgreedPassword)) == len(printed)


def test_no_printed_password_or_card_secret_is_written_to_the_database_file(demo: Demo) -> None:
    stored = b"".join(
        path.read_bytes()
        for path in demo.path.parent.iterdir()
        if path.name.startswith(demo.path.name)  # demo.db, demo.db-wal, demo.db-shm
    )
    assert len(stored) > 100_000  # the photos are in there: the scan read the real data
    secrets = {login.password for login in demo.creds.staff}
    secrets |= {p.password for p in demo.creds.agreed_passwords}
    secrets |= {parse_card(card.payload).secret for card in demo.creds.cards}
    for secret in secrets:
        assert secret.encode("utf-8") not in stored, secret
        assert secret.upper().encode("utf-8") not in stored, secret


def test_seeding_a_nursery_twice_is_refused_and_changes_nothing(demo: Demo, db: Session) -> None:
    def counts() -> tuple[int, ...]:
        models = (Setting, Staff, Child, Adult, Card, AuditEntry)
        return tuple(db.scalar(select(func.count()).select_from(m)) or 0 for m in models)

    before = counts()
    with pytest.raises(SeedError, match="already has a nursery"):
        seed_demo(db, today=TODAY, now=NOW)
    db.rollback()
    assert counts() == before


def test_every_child_and_adult_record_is_in_the_audit_log_as_made_by_seed_demo(
    db: Session,
) -> None:
    created = {
        (entry.entity, entry.entity_id): entry
        for entry in db.scalars(select(AuditEntry).where(AuditEntry.action == "create"))
    }
    rows = [("children", c.id) for c in db.scalars(select(Child))]
    rows += [("adults", a.id) for a in db.scalars(select(Adult))]
    for entity, row_id in rows:
        entry = created[(entity, str(row_id))]
        assert entry.actor == "seed-demo"
    mia = created[("children", str(_child(db, "Mia Walsh").id))]
    assert mia.changes["particular_needs"] == "(set)"  # sensitive: the value is not logged


def test_the_restricted_person_holds_an_old_card_and_a_court_order_restriction(
    demo: Demo, db: Session
) -> None:
    notable = demo.creds.notable
    darren = _adult(db, notable.restricted_person)
    child = _child(db, notable.restricted_child)
    assert darren.photo is not None
    restriction = db.scalars(select(Restriction).where(Restriction.adult_id == darren.id)).one()
    assert restriction.child_id == child.id
    assert restriction.reason.startswith("Court order")
    card = db.scalars(select(Card).where(Card.holder_adult_id == darren.id)).one()
    assert card.revoked_at is None  # the door must catch him by the restriction, not the card
    authorised = select(Authorisation).where(Authorisation.adult_id == darren.id)
    assert db.scalars(authorised).all() == []


def test_the_one_off_permission_is_valid_today_and_the_expired_one_is_not(
    demo: Demo, db: Session
) -> None:
    notable = demo.creds.notable
    manager = db.scalars(select(Staff).where(Staff.username == "manager")).one()
    permissions = {(p.adult_id, p.child_id): p for p in db.scalars(select(OneOffPermission))}
    one_off = permissions[
        (_adult(db, notable.one_off.adult).id, _child(db, notable.one_off.child).id)
    ]
    assert one_off.valid_from <= TODAY <= one_off.valid_to
    assert one_off.taken_by_staff_id == manager.id
    assert one_off.taken_at == NOW - timedelta(days=2)
    assert one_off.note == "Mum phoned; written note in file"
    expired = permissions[
        (_adult(db, notable.expired.adult).id, _child(db, notable.expired.child).id)
    ]
    assert expired.valid_to < TODAY
    assert TODAY - expired.valid_from <= timedelta(days=13)  # last week, not long ago


def test_everyone_authorised_to_collect_is_at_least_16_and_the_teenager_is_not(
    demo: Demo, db: Session
) -> None:
    collector_ids = set(db.scalars(select(Authorisation.adult_id)))
    collector_ids |= set(db.scalars(select(OneOffPermission.adult_id)))
    for adult in db.scalars(select(Adult).where(Adult.id.in_(collector_ids))):
        if adult.date_of_birth is None:
            assert adult.confirmed_adult, adult.first_name
        else:
            assert age_in_years(adult.date_of_birth, TODAY) >= 16, adult.first_name
    teenager = _adult(db, demo.creds.notable.under_age_person)
    assert teenager.date_of_birth is not None
    assert age_in_years(teenager.date_of_birth, TODAY) == demo.creds.notable.under_age_years == 15
    assert teenager.id not in collector_ids
    without_photo = db.scalar(select(func.count()).select_from(Adult).where(Adult.photo.is_(None)))
    assert 1 <= (without_photo or 0) <= 8


def test_the_printed_sheet_has_a_section_for_each_kind_of_secret(demo: Demo) -> None:
    sheet = format_credentials(demo.creds)
    for heading in ("Staff", "QR cards", "Agreed passwords", "People to try at the door"):
        assert heading in sheet
    for card in demo.creds.cards:
        assert card.payload in sheet
    assert "purple giraffe" in sheet and "Darren Cole" in sheet and "REVOKED" in sheet


def _exif(jpeg: bytes) -> dict[int, object]:
    return dict(Image.open(io.BytesIO(jpeg)).getexif())


def test_avatars_are_small_plain_jpegs_that_differ_between_people() -> None:
    zoe = make_avatar(seed="Zoë Fletcher", initials="ZF")
    lukasz = make_avatar(seed="Łukasz Nowak", initials="ŁN")
    assert zoe.startswith(JPEG_START) and len(zoe) < 15_000
    assert Image.open(io.BytesIO(zoe)).size == (256, 256)
    assert _exif(zoe) == {} and b"Exif" not in zoe
    assert zoe != lukasz
    assert make_avatar(seed="Zoë Fletcher", initials="ZF") == zoe


def _phone_photo(size: tuple[int, int], *, orientation: int = 1) -> bytes:
    image = Image.new("RGB", size, "#88aacc")
    image.paste((200, 40, 40), (0, 0, size[0] // 4, size[1] // 4))  # a red top-left corner
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_uploaded_phone_photo_loses_its_gps_position_and_is_shrunk() -> None:
    original = _phone_photo((2000, 1500))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)[1] == "N"  # it has one
    kept = resize_photo(original)
    assert Image.open(io.BytesIO(kept)).size == (320, 240)
    assert _exif(kept) == {} and b"Exif" not in kept and b"PhoneMaker" not in kept


def test_a_sideways_phone_photo_is_stored_upright() -> None:
    kept = resize_photo(_phone_photo((800, 600), orientation=6))  # "rotate 90° clockwise"
    image = Image.open(io.BytesIO(kept)).convert("RGB")
    assert image.size == (240, 320)
    corner = image.getpixel((image.width - 5, 5))  # the red corner moved to the top right
    assert isinstance(corner, tuple)
    assert corner[0] > 150 and corner[1] < 100


def test_a_text_file_is_refused_as_a_photo_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match=f"^{NOT_A_PICTURE}$"):
        resize_photo(b"Dear nursery, please find attached...\n")


def test_an_enormous_picture_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (6000, 4000)).save(out, "PNG")  # 24 MP, a few kilobytes on disk
    with pytest.raises(ValueError, match="too large"):
        resize_photo(out.getvalue())
