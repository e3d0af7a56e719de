"""A really full filesystem for fault tests: a small tmpfs, filled to the last byte.

Mounting needs root (these machines run tests as root; PLATFORM.md). Where it is not allowed
the test is skipped and says why, rather than faking a full disk with a mock.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest


@contextmanager
def small_filesystem(megabytes: int) -> Iterator[Path]:
    """A fresh tmpfs of ``megabytes``, unmounted afterwards (close every database on it first)."""
    folder = Path(tempfile.mkdtemp(prefix="handover-small-disk-"))
    mount = ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)]
    if os.geteuid() != 0:
        folder.rmdir()
        pytest.skip("a full disk needs a small tmpfs, and mounting one needs root")
    done = subprocess.run(mount, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"this machine does not allow mounting a tmpfs: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        for unmount in (["umount", str(folder)], ["umount", "-l", str(folder)]):
            if subprocess.run(unmount, capture_output=True, check=False).returncode == 0:
                break
        with suppress(OSError):
            folder.rmdir()


def fill(folder: Path) -> Path:
    """Write zeros into ``folder`` until the filesystem says it is full; the file is returned
    so that deleting it makes room again."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:  # unbuffered: each write reaches the disk
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    out.write(chunk[:size])
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
    return filler
