"""Staff:child ratios per room (EYFS): under 2 1:3, two-year-olds 1:5, three and over 1:8, or
1:13 where a qualified teacher works with them. Pure Python.

A room may mix ages, so each child needs a fraction of an adult (a baby a third, a three-year-old
an eighth) and the room needs the sum, rounded up. Fractions are exact, so three babies need
exactly one adult, not 1.0000000001.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class RatioBand:
    label: str
    min_age_months: int
    max_age_months: int | None
    children_per_adult: int
    children_per_adult_with_qualified_teacher: int | None = None

    def covers(self, age_months: int) -> bool:
        upper = self.max_age_months
        return self.min_age_months <= age_months and (upper is None or age_months <= upper)

    def per_adult(self, *, qualified_teacher: bool) -> int:
        if qualified_teacher and self.children_per_adult_with_qualified_teacher:
            return self.children_per_adult_with_qualified_teacher
        return self.children_per_adult


EYFS = (
    RatioBand("Under 2", 0, 23, 3),
    RatioBand("2-year-olds", 24, 35, 5),
    RatioBand("3 and over", 36, None, 8, 13),
)


@dataclass(frozen=True)
class RoomRatio:
    children: int
    staff: int
    required: int

    @property
    def breached(self) -> bool:
        return self.staff < self.required

    def text(self) -> str:
        if self.children == 0:
            return f"No children · {self.staff} staff"
        need = "1 adult" if self.required == 1 else f"{self.required} adults"
        return f"{self.children} children · {self.staff} staff · needs {need}"


def band_for(age_months: int, bands: Sequence[RatioBand]) -> RatioBand:
    """The band a child's age falls in; an age no band covers takes the strictest band."""
    for band in bands:
        if band.covers(age_months):
            return band
    return min(bands, key=lambda b: b.children_per_adult)


def room_ratio(
    child_ages_months: Sequence[int],
    staff_qualified: Sequence[bool],
    bands: Sequence[RatioBand] = EYFS,
) -> RoomRatio:
    """``staff_qualified``: one entry per member of staff in the room, True for a qualified
    teacher. The 1:13 ratio applies only while a qualified teacher is in the room."""
    teacher = any(staff_qualified)
    need = sum(
        (
            Fraction(1, band_for(age, bands).per_adult(qualified_teacher=teacher))
            for age in child_ages_months
        ),
        Fraction(0),
    )
    return RoomRatio(len(child_ages_months), len(staff_qualified), math.ceil(need))
