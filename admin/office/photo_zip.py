"""Children's photos in bulk: a zip of pictures, each named after a child ("Mia Cole.jpg").

Reading the zip writes nothing. Each file is matched to one child by name, with case, accents
and separators folded ("mia_cole.JPG" and "Mía Cole.png" are Mia Cole's), and re-encoded exactly
as a single upload is (db/avatars.py: upright, small, no location). What cannot be used is said
per file, in words. A zip is a bomb when what it unpacks to is far bigger than what was sent, so
each member is read only up to :data:`MAX_PICTURE` whatever its header claims, and no more
than :data:`MAX_FILES` members or :data:`MAX_UNPACKED` bytes in all are read.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.avatars import resize_photo
from db.models import Child
from db.names import full_name, sort_key

MAX_PICTURE = 15 * 1024 * 1024  # the single upload's limit (admin/forms.py)
# Photos hardly compress: a 10 MB zip of them unpacks to little more (PNGs to a few times
# that). A bomb unpacks to gigabytes; reading stops at this.
MAX_UNPACKED = 50 * 1024 * 1024
# The preview carries each re-encoded photo back (about 40 kB as text): 200 of them stay
# inside the panel's 10 MB for the confirmation. A bigger nursery sends two zips.
MAX_FILES = 200
MAC_FOLDER = "__MACOSX/"  # what a Mac adds to a zip it makes, beside hidden files: no photos


class UnreadableZip(ValueError):
    """The whole file cannot be used; the message says why, fit to show the manager."""


@dataclass
class PhotoLine:
    file: str
    child_id: int | None = None
    child_name: str = ""
    replaces: bool = False  # the child already has a photo
    photo: bytes = b""
    problem: str = ""


@dataclass
class PhotoPlan:
    lines: list[PhotoLine] = field(default_factory=list)

    @property
    def matched(self) -> list[PhotoLine]:
        return [line for line in self.lines if not line.problem]

    @property
    def problems(self) -> list[PhotoLine]:
        return [line for line in self.lines if line.problem]


def fold_name(text: str) -> str:
    """A name as a file name may spell it: no accents, any case, ``_``, ``-`` or ``.`` for a
    space. Letters outside Latin (ياسمين) are kept as they are, only case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    spaced = "".join(" " if c in "_-." else c for c in plain)
    return " ".join(spaced.casefold().split())


def _children_by_name(db: Session) -> dict[str, list[Child]]:
    found: dict[str, list[Child]] = {}
    for child in db.scalars(select(Child).where(Child.deleted_at.is_(None))):
        found.setdefault(fold_name(f"{child.first_name} {child.last_name}"), []).append(child)
    return found


def _members(data: bytes) -> list[zipfile.ZipInfo]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableZip("That file is not a zip. Put the photos in a zip file first.") from exc
    members = [
        m
        for m in archive.infolist()
        if not m.is_dir()
        and MAC_FOLDER not in m.filename
        and not PurePosixPath(m.filename).name.startswith(".")
    ]
    if not members:
        raise UnreadableZip("That zip holds no photos.")
    if len(members) > MAX_FILES:
        raise UnreadableZip(
            f"That zip holds {len(members)} files; at most {MAX_FILES} can be read at once. "
            "Please split it into smaller zips."
        )
    return members


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """At most MAX_PICTURE + 1 bytes, whatever the member's header says its size is."""
    with archive.open(member) as stream:
        return stream.read(MAX_PICTURE + 1)


def plan_photos(db: Session, data: bytes) -> PhotoPlan:
    members = _members(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    children = _children_by_name(db)
    plan, unpacked = PhotoPlan(), 0
    for member in sorted(members, key=lambda m: sort_key(m.filename)):
        line = PhotoLine(file=member.filename)
        plan.lines.append(line)
        if unpacked > MAX_UNPACKED:
            line.problem = "not read: the files before it already unpacked to over 50 MB."
            continue
        _match(line, children)
        if line.problem:
            continue
        try:
            picture = _read(archive, member)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
            line.problem = "damaged inside the zip (or protected by a password)."
            continue
        unpacked += len(picture)
        if len(picture) > MAX_PICTURE:
            line.problem = "over 15 MB unpacked. Please use a smaller picture."
            continue
        try:
            line.photo = resize_photo(picture)
        except ValueError:
            line.problem = "not a picture we can read (JPEG, PNG or WebP)."
    _one_photo_per_child(plan)
    return plan


def _match(line: PhotoLine, children: dict[str, list[Child]]) -> None:
    stem = PurePosixPath(line.file).stem
    found = children.get(fold_name(stem), [])
    if not found:
        line.problem = f"no child here is called “{stem}”. Name the file as on the Children page."
    elif len(found) > 1:
        line.problem = (
            f"{len(found)} children are called {stem}: add this photo on the right child’s page."
        )
    else:
        child = found[0]
        line.child_id, line.child_name = child.id, full_name(child.first_name, child.last_name)
        line.replaces = child.photo is not None


def _one_photo_per_child(plan: PhotoPlan) -> None:
    files: dict[int, list[PhotoLine]] = {}
    for line in plan.matched:
        assert line.child_id is not None
        files.setdefault(line.child_id, []).append(line)
    for lines in files.values():
        if len(lines) > 1:
            for line in lines:
                others = ", ".join(o.file for o in lines if o is not line)
                line.problem = f"{line.child_name} has another photo in the zip too ({others})."
                line.photo = b""


def save_photos(db: Session, photos: dict[int, bytes]) -> int:
    """Sets each child's photo; each change is audited by the session hooks (db/audit.py).
    Photos are re-encoded once more, so what came back from the preview is only ever pixels.
    A child removed since the preview is skipped. The caller commits. Returns how many."""
    saved = 0
    for child_id, photo in photos.items():
        child = db.get(Child, child_id)
        if child is None or child.deleted_at is not None:
            continue
        child.photo = resize_photo(photo)
        saved += 1
    return saved
