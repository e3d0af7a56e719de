"""Every CSV the hub writes goes through here, so none can carry a spreadsheet formula.

A cell that starts with ``= + - @`` runs as a formula when the file is opened in Excel or
LibreOffice; so does one that starts with a tab or a carriage return, which spreadsheets skip
before they look for the ``=`` (OWASP "CSV injection"). Such a cell is written with a leading
apostrophe, which every spreadsheet shows as plain text. Names, notes and typed collector names
come from parents and doors, so no CSV of the hub may skip this: registers, hours, the
subject-access export and any new download all call :func:`csv_text`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guarded(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV as text, with a byte-order mark so Excel reads it as UTF-8 (Zoë, Łukasz)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([guarded(c) for c in header])
    writer.writerows([guarded(c) for c in row] for row in rows)
    return "\ufeff" + out.getvalue()


def csv_download(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> Response:
    return Response(
        csv_text(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
