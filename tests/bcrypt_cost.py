"""bcrypt's cost in the suite.

Passwords, PINs and agreed passwords the tests make are hashed at bcrypt's lowest cost: the same
bcrypt, checked the same way (the cost is read from each hash), without 0.2 s of it for each
sign-in and each PIN, thousands of times a run (Django's documentation gives its tests the same
advice). Hubs and kiosks started as their own processes hash what they make at the real cost.
The tests that hold what ships to cost 12 hash inside :func:`at_product_cost`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from db import credentials, seed

PRODUCT = credentials.BCRYPT_COST
IN_TESTS = 4  # bcrypt's lowest


def use_test_cost() -> None:
    credentials.BCRYPT_COST = IN_TESTS


@contextmanager
def at_product_cost() -> Iterator[None]:
    """Hashes made inside are made as the product makes them, the demo's too (its cache of
    hashes is emptied on the way in and out, so no cost-4 hash leaks in or cost-12 one out)."""
    before = credentials.BCRYPT_COST
    credentials.BCRYPT_COST = PRODUCT
    seed._demo_hash.cache_clear()
    try:
        yield
    finally:
        credentials.BCRYPT_COST = before
        seed._demo_hash.cache_clear()
