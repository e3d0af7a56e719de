"""Cards, secrets and slow hashes, shared by the hub and the kiosk."""

from __future__ import annotations

import pytest

from db.credentials import (
    CARD_PREFIX,
    CredentialError,
    PasswordTooLong,
    bcrypt_cost,
    check_password,
    check_pin_format,
    hash_password,
    hash_secret,
    new_card,
    parse_card,
    secret_matches,
)
from tests.bcrypt_cost import at_product_cost


def test_a_new_card_round_trips_and_fits_qr_alphanumeric_mode() -> None:
    card = new_card()
    text = card.text()
    assert text.startswith(CARD_PREFIX + ".")
    assert parse_card(text) == card
    assert set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .")
    assert len(card.secret) * 5 >= 160  # base32: five bits a character


def test_two_cards_never_share_a_secret() -> None:
    assert len({new_card().secret for _ in range(200)}) == 200


def test_only_the_hash_of_a_secret_is_kept_and_it_matches_in_constant_time() -> None:
    card = new_card()
    stored = hash_secret(card.secret)
    assert card.secret not in stored and len(stored) == 64
    assert secret_matches(card.secret, stored)
    assert not secret_matches(new_card().secret, stored)


def test_a_password_over_72_bytes_is_refused_with_a_clear_message() -> None:
    with pytest.raises(PasswordTooLong, match="at most 72 bytes"):
        hash_password("ł" * 37)
    with pytest.raises(PasswordTooLong):
        check_password("x" * 73, "$2b$12$" + "a" * 53)


def test_passwords_are_bcrypt_at_cost_twelve_and_verify() -> None:
    with at_product_cost():  # the suite hashes at cost 4 (tests/bcrypt_cost.py)
        stored = hash_password("acorns-manager")
    assert bcrypt_cost(stored) >= 12
    assert check_password("acorns-manager", stored)
    assert not check_password("acorns-Manager", stored)


def test_an_empty_password_cannot_be_agreed() -> None:
    with pytest.raises(CredentialError, match="empty"):
        hash_password("   ", agreed=True)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "١٢٣٤", ""])
def test_a_staff_pin_is_four_to_eight_ascii_digits(pin: str) -> None:
    with pytest.raises(CredentialError, match="4 to 8 digits"):
        check_pin_format(pin)
