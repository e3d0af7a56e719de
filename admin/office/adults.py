"""An adult's record as the office reads it: finding one, or a 404 in words."""

from __future__ import annotations

from sqlalchemy.orm import Session

from admin.errors import not_found
from db.models import Adult


def get_adult(db: Session, adult_id: int) -> Adult:
    adult = db.get(Adult, adult_id)
    if adult is None or adult.deleted_at is not None:
        raise not_found("That adult")
    return adult
