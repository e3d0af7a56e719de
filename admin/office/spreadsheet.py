"""The children-and-carers spreadsheet as cells: its columns, reading a CSV or XLSX file into
numbered rows, and writing one (the template and the export use the same columns).

One row per child; each carer takes a block of columns "Carer 1 ...", "Carer 2 ...", so a file
from Famly or a paper list copied into Excel fits without a second sheet. Reading knows nothing
of the database: :mod:`admin.office.importing` turns the cells into a plan.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from admin.csv_files import FORMULA_STARTS, csv_text

CHILD_COLUMNS = {
    "child first name": "first_name",
    "child last name": "last_name",
    "date of birth": "date_of_birth",
    "room": "room",
    "key person": "key_person",
    "booked sessions": "sessions",
    "start date": "started_on",
}
REQUIRED = ("child first name", "child last name", "date of birth")
CARER_FIELDS = {
    "first name": "first_name",
    "last name": "last_name",
    "relationship": "relationship",
    "parental responsibility": "parental_responsibility",
    "phone": "phone",
    "email": "email",
    "may collect": "may_collect",
    "date of birth": "date_of_birth",
    "confirmed adult": "confirmed_adult",
    "language": "language",  # of the e-mails the nursery sends them (admin/notice_language.py)
}
TEMPLATE_CARERS = 3
MAX_ROWS = 2000  # far beyond any nursery; a bigger file is a mistake, not a register
_CARER = re.compile(r"carer (\d{1,2}) (.+)")
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    """The file is not a spreadsheet this can read; the message says what to do."""


@dataclass
class Sheet:
    """Rows as {field: text or date}; ``carers`` holds one dict per carer block."""

    rows: list[tuple[int, dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def header(carers: int = TEMPLATE_CARERS) -> list[str]:
    names = [c[0].upper() + c[1:] for c in CHILD_COLUMNS]
    for n in range(1, carers + 1):
        names += [f"Carer {n} {f}" for f in CARER_FIELDS]
    return names


def _label(raw: object) -> str:
    return " ".join(str(raw or "").replace("_", " ").split()).casefold()


def _cell(raw: object) -> Any:
    """Text as typed (NFC, so Zoë typed two ways is one Zoë), dates as dates."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFC", str(raw if raw is not None else "")).strip()
    # Our own CSVs guard formulas with an apostrophe (admin/csv_files.py): read it back off.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _columns(titles: list[object], sheet: Sheet) -> dict[int, tuple[int, str]]:
    """Column index -> (carer number, 0 for the child; field)."""
    found: dict[int, tuple[int, str]] = {}
    for index, title in enumerate(titles):
        label = _label(title)
        carer = _CARER.fullmatch(label)
        if label in CHILD_COLUMNS:
            found[index] = (0, CHILD_COLUMNS[label])
        elif carer and carer.group(2) in CARER_FIELDS:
            found[index] = (int(carer.group(1)), CARER_FIELDS[carer.group(2)])
        elif label:
            sheet.problems.append(
                f"column “{title}” is not one Handover knows: download the template to see "
                "the column names"
            )
    missing = [
        c for c in REQUIRED if CHILD_COLUMNS[c] not in {f for n, f in found.values() if not n}
    ]
    if missing:
        sheet.problems.append("the file has no column " + ", ".join(f"“{m}”" for m in missing))
    return found


def read_rows(grid: list[list[object]]) -> Sheet:
    sheet = Sheet()
    if not grid:
        sheet.problems.append("the file is empty: download the template and fill it in")
        return sheet
    columns = _columns(grid[0], sheet)
    if len(grid) - 1 > MAX_ROWS:
        sheet.problems.append(f"the file has {len(grid) - 1} rows: at most {MAX_ROWS}")
        return sheet
    for number, raw in enumerate(grid[1:], start=2):
        child: dict[str, Any] = {}
        carers: dict[int, dict[str, Any]] = {}
        for index, value in enumerate(raw):
            if index in columns and (cell := _cell(value)) != "":
                n, name = columns[index]
                (carers.setdefault(n, {}) if n else child)[name] = cell
        if child or carers:
            sheet.rows.append((number, child, [carers[n] for n in sorted(carers)]))
    return sheet


def read_file(data: bytes) -> Sheet:
    """A CSV (UTF-8, as Excel's "CSV UTF-8" saves it) or an XLSX workbook's first sheet."""
    if data.startswith(XLSX_MAGIC):
        return read_rows(_xlsx_grid(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            "the file is not UTF-8 text: in Excel save it as “CSV UTF-8”, or upload the .xlsx"
        ) from exc
    return read_rows([list(r) for r in csv.reader(io.StringIO(text, newline=""))])


def _xlsx_grid(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook  # only the import needs it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile("the file looks like an XLSX workbook but cannot be opened") from exc
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def csv_bytes(titles: list[str], rows: list[list[object]]) -> bytes:
    return csv_text(titles, rows).encode("utf-8")


def xlsx_bytes(titles: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet: Any = book.active  # a new workbook always has its one sheet
    sheet.title = "Children"
    grid: list[list[object]] = [[*titles], *rows]
    for values in grid:
        sheet.append(
            [v if isinstance(v, date) else str(v if v is not None else "") for v in values]
        )
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # a name or a phone such as "+44..." is text, never a formula
                cell.data_type = "s"
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
