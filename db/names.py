"""Names as people write them: Zoë, Łukasz, Ayşe, Nguyễn, محمد. Sorted by letters, not bytes."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters with no Unicode decomposition that readers still file under a Latin letter.
_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l", "þ": "th", "æ": "ae", "œ": "oe"}
)


@lru_cache(maxsize=1 << 16)  # a large nursery's register orders thousands of names each look
def sort_key(*parts: str) -> tuple[str, ...]:
    """A locale-independent collation good enough for a register: accents and case are
    secondary, so "Zoë" files with "Zoe" and "Łukasz" with "Lukasz"."""
    if all(part.isascii() for part in parts):  # most names: nothing to fold or decompose
        return (*(part.lower() for part in parts), *parts)
    keys = []
    for part in parts:
        folded = part.casefold().translate(_FOLD)
        base = "".join(
            ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch)
        )
        keys.append(base)
    return (*keys, *(unicodedata.normalize("NFC", p) for p in parts))


def full_name(first: str, last: str) -> str:
    return f"{first} {last}".strip()
