"""Handover installed as users install it: the wheel in clean virtual environments outside the
checkout. A nursery that installs it gets a demo, an office that serves its pages with their
styles, and a kiosk that speaks Polish and Urdu; an office PC gets the hub without Kivy."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import ssl
import subprocess
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.deploy.release import Release, clean_env
from tests.sync.nursery import free_port

pytestmark = pytest.mark.release
HERE = Path(__file__).parent


def handover(
    venv: Path, *args: str | Path, cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "handover"), *map(str, args)],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def office(venv: Path, database: Path, cwd: Path) -> Iterator[httpx.Client]:
    """The installed ``handover hub`` serving a demo nursery over HTTPS, until the block ends:
    a client that trusts the CA the hub made beside its database."""
    port = free_port()
    log = (cwd / "hub.log").open("w")
    process = subprocess.Popen(
        [venv / "bin" / "handover", "hub", "--db", database, "--port", str(port)],
        cwd=cwd,
        env=clean_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(f"{base}/login", timeout=1, verify=False)  # noqa: S501 - is it up?
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert process.poll() is None, (cwd / "hub.log").read_text()
        ca = ssl.create_default_context(cafile=str(database.with_name("tls") / "office-ca.pem"))
        with httpx.Client(base_url=base, verify=ca, timeout=10) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def assert_login_page_with_its_styles(office: httpx.Client) -> None:
    page = office.get("/login")
    assert page.status_code == 200 and "Sign in" in page.text
    assert '/static/office.css"' in page.text
    styles = office.get("/static/office.css")
    assert styles.status_code == 200 and styles.headers["content-type"].startswith("text/css")
    assert "body" in styles.text


def test_the_wheel_carries_pages_styles_catalogs_fonts_migrations_and_the_licence(
    release: Release,
) -> None:
    names = set(zipfile.ZipFile(release.wheel).namelist())
    for needed in (
        "admin/templates/login.html",
        "admin/static/office.css",
        "admin/static/live.js",
        "admin/static/dates.js",  # every date field's calendar button
        "kiosk/locale/pl/LC_MESSAGES/handover.mo",
        "kiosk/locale/ur/LC_MESSAGES/handover.mo",
        "admin/locale/pl/LC_MESSAGES/notices.mo",
        "admin/locale/ur/LC_MESSAGES/notices.mo",
        "admin/locale/pl/LC_MESSAGES/family.mo",
        "admin/locale/ur/LC_MESSAGES/family.mo",
        "kiosk/fonts/NotoSansArabic-Regular.ttf",
        "kiosk/fonts/OFL.txt",
        "db/migrations/env.py",
        "db/migrations/script.py.mako",
        "db/migrations/versions/0001_the_first_tables.py",
    ):
        assert needed in names, needed
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "assets/", "benchmarks/")) for n in names)
    with zipfile.ZipFile(release.wheel) as wheel:  # the parents' page, compiled, plurals and all
        polish = gettext.GNUTranslations(
            io.BytesIO(wheel.read("admin/locale/pl/LC_MESSAGES/family.mo"))
        )
    assert polish.gettext("Parents' page") == "Strona dla rodziców"
    days = ("%(num)d day at the nursery.", "%(num)d days at the nursery.")
    assert [polish.ngettext(*days, n) % {"num": n} for n in (1, 5)] == [
        "1 dzień w placówce.",
        "5 dni w placówce.",
    ]


def test_a_new_install_makes_the_demo_nursery_far_from_any_checkout(
    release: Release, tmp_path: Path
) -> None:
    version = handover(release.full, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("handover 0.")
    demo = handover(release.full, "demo", "--no-hub", "--data-dir", "nursery", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "Little Acorns" in demo.stdout and "acorns-manager" in demo.stdout
    assert (tmp_path / "nursery" / "handover.db").stat().st_size > 100_000


def test_the_installed_office_serves_its_login_page_with_its_styles(
    release: Release, tmp_path: Path
) -> None:
    made = handover(release.full, "demo", "--no-hub", "--data-dir", "nursery", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    with office(release.full, tmp_path / "nursery" / "handover.db", tmp_path) as served:
        assert_login_page_with_its_styles(served)


def test_the_installed_kiosk_greets_families_in_polish_and_urdu(
    release: Release, tmp_path: Path
) -> None:
    made = handover(release.full, "demo", "--no-hub", "--data-dir", "nursery", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    script = shutil.copy(HERE / "kiosk_in_two_languages.py", tmp_path)
    shown = subprocess.run(
        [release.full / "bin" / "python", script, tmp_path / "nursery" / "handover.db", tmp_path],
        cwd=tmp_path,
        env=clean_env(SDL_VIDEODRIVER="offscreen"),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr[-3000:]
    seen = __import__("json").loads(shown.stdout.strip().splitlines()[-1])
    assert "Przyjście" in seen["pl"]["words"] and "Odbiór" in seen["pl"]["words"]
    assert "آمد" in seen["ur"]["words"]
    # The fonts are the package's own, found in the venv, not Debian's or the checkout's.
    assert seen["arabic_font"].startswith(str(release.full)), seen["arabic_font"]
    polish, urdu = (Image.open(seen[code]["screenshot"]).convert("RGB") for code in ("pl", "ur"))
    assert polish.size == (800, 480)
    for screen in (polish, urdu):
        assert len(screen.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50  # not blank
    assert polish.tobytes() != urdu.tobytes()


def test_an_office_pc_gets_the_hub_without_kivy_opencv_or_numpy(
    release: Release, tmp_path: Path
) -> None:
    installed = subprocess.run(
        [release.hub / "bin" / "python", "-m", "pip", "list", "--format=freeze"],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    for absent in ("kivy", "opencv", "numpy", "zxing"):
        assert absent not in installed, absent
    # Kivy holds Pillow below 11; without Kivy the office is free of that cap.
    pillow = re.search(r"^pillow==(\d+)\.", installed, flags=re.M)
    assert pillow is not None and int(pillow.group(1)) >= 11, installed
    seeded = handover(release.hub, "seed-demo", "--db", "office.db", cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    with office(release.hub, tmp_path / "office.db", tmp_path) as served:
        assert_login_page_with_its_styles(served)
    kiosk = handover(release.hub, "kiosk", "--db", "k.db", "--camera", "none", cwd=tmp_path)
    assert kiosk.returncode == 1
    assert "pip install 'handover[kiosk]'" in kiosk.stderr and "Traceback" not in kiosk.stderr
