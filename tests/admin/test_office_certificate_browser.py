"""The office's browsers and HTTPS, in real Chromium against real hub processes: the sign-in
page offers the office's CA to download, and a hub run with --insecure-http says so in red on
every page. Screenshots at 1280 and 390 px go to docs/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from playwright.sync_api import Browser, expect

from tests.admin.conftest import MANAGER
from tests.admin.hub_process import RunningHub, signed_in
from tests.admin.test_browser import DOCS, browser

__all__ = ["browser"]  # the module's Chromium, shared with the other browser tests


@pytest.fixture
def https_hub(database: str, tmp_path: Path) -> Iterator[RunningHub]:
    hub = RunningHub(database, tmp_path / "console.log").start()
    yield hub
    hub.stop()


def test_the_sign_in_page_offers_the_offices_certificate_to_trust(
    browser: Browser, https_hub: RunningHub
) -> None:
    ca = (Path(https_hub.env["HANDOVER_DATA_DIR"]) / "tls" / "office-ca.pem").read_bytes()
    for width in (1280, 390):
        context = browser.new_context(
            base_url=https_hub.url,
            viewport={"width": width, "height": 860},
            ignore_https_errors=True,  # an office PC trusts the CA by hand (README)
        )
        page = context.new_page()
        page.goto("/login")
        link = page.get_by_role("link", name="Download the office’s certificate")
        expect(link).to_be_visible()
        page.screenshot(path=str(DOCS / f"panel-login-office-ca-{width}.png"), full_page=True)
        # What the link gives, fetched as the page's own request: Chromium's download manager
        # cancelled the same download when other browser tests had run in the worker before.
        href = link.get_attribute("href")
        assert href is not None
        answer = page.request.get(href)
        assert answer.ok and "attachment" in answer.headers["content-disposition"]
        assert answer.body() == ca
        authority = x509.load_pem_x509_certificate(answer.body())
        assert "Handover office CA" in authority.subject.rfc4514_string()
        context.close()


def test_a_plain_http_hub_says_so_in_red_on_every_page(
    browser: Browser, database: str, tmp_path: Path
) -> None:
    hub = RunningHub(database, tmp_path / "console.log")
    hub.scheme, hub.extra = "http", ("--insecure-http",)
    hub.start()
    try:
        manager = signed_in(hub, MANAGER)  # possible at all: the cookie is not Secure here
        for path in ("/today", "/children", "/kiosks", "/settings"):
            answer = manager.get(path)
            assert answer.status_code == 200, path
            assert 'class="insecure-ribbon"' in answer.text, path
        manager.close()
        for width in (1280, 390):
            context = browser.new_context(
                base_url=hub.url, viewport={"width": width, "height": 860}
            )
            page = context.new_page()
            page.goto("/login")
            ribbon = page.locator(".insecure-ribbon")
            expect(ribbon).to_contain_text("Not secure")
            colour = ribbon.evaluate("e => getComputedStyle(e).backgroundColor")
            assert colour == "rgb(179, 38, 30)"
            page.screenshot(path=str(DOCS / f"panel-insecure-http-{width}.png"), full_page=True)
            context.close()
    finally:
        hub.stop()
    assert not (tmp_path / "tls").exists()
