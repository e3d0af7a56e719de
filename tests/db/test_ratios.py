"""Staff:child ratios by room (EYFS), including mixed ages and the qualified-teacher rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from db.ratios import room_ratio

BABY, TWO, THREE = 10, 28, 40  # ages in months


def test_three_babies_need_one_adult_and_a_fourth_needs_another() -> None:
    assert room_ratio([BABY] * 3, [False]).breached is False
    four = room_ratio([BABY] * 4, [False])
    assert four.required == 2 and four.breached
    assert four.text() == "4 children · 1 staff · needs 2 adults"


def test_eight_three_year_olds_need_one_adult_thirteen_with_a_qualified_teacher() -> None:
    assert room_ratio([THREE] * 9, [False]).required == 2
    assert room_ratio([THREE] * 13, [True]).required == 1
    assert room_ratio([THREE] * 14, [True]).required == 2


def test_a_mixed_room_adds_up_each_childs_share_of_an_adult() -> None:
    # a baby is a third of an adult, a two-year-old a fifth: 1/3 + 3/5 = 14/15 -> one adult
    assert room_ratio([BABY, TWO, TWO, TWO], [False]).required == 1
    assert room_ratio([BABY, BABY, TWO, TWO], [False]).required == 2


def test_an_empty_room_needs_nobody_and_children_with_no_staff_are_a_breach() -> None:
    assert room_ratio([], []).text() == "No children · 0 staff"
    assert room_ratio([TWO], []).breached


@given(st.lists(st.integers(min_value=0, max_value=72), max_size=40), st.integers(0, 8))
def test_adding_a_child_never_needs_fewer_adults(ages: list[int], staff: int) -> None:
    before = room_ratio(ages, [False] * staff).required
    assert room_ratio([*ages, 20], [False] * staff).required >= before
