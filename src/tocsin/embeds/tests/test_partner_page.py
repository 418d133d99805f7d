"""Issue 21's proof: a partner's page on another origin frames the petition and the call with
the two-line snippet, in a browser that blocks third-party cookies; a supporter signs and
reports a call inside the frames; the rows carry the partner's page as their source; and a
site not on the campaign's list cannot frame it."""

import functools
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tocsin.calls.models import CallReport, Outcome
from tocsin.conftest import ARTIFACTS, CHROMIUM
from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions.models import Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long organizer passphrase"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def partner_site(tmp_path):
    """Serves tmp_path over HTTP on a loopback port of its own: another origin (and, as
    127.0.0.1 against the live server's localhost, another site)."""
    servers = []

    def serve(name: str, html: str) -> str:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "partner.html").write_text(html)
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cookie_blocking_browser():
    """Debian's Chromium with third-party cookies blocked, as more and more browsers are."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("TOCSIN_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and TOCSIN_REQUIRE_BROWSER is set")
        pytest.skip("browser tests need Debian's chromium: apt-get install chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--test-third-party-cookie-phaseout",
                "--disable-features=TrackingProtection3pcdUX",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def whole_page_shot(page, name: str, width: int) -> None:
    """The whole partner page with its frames painted (a full-page screenshot leaves the
    parts of frames below the first screen blank): a window as tall as the page."""
    page.set_viewport_size({"width": width, "height": 900})
    page.locator("iframe").last.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / f"{name}.png")


def partner_html(tocsin: str, slug: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner group</title>
<style>body{{font-family:Georgia,serif;margin:0 auto;max-width:44rem;padding:1rem;
background:#f3efe6}}</style>
</head><body><h1>Our partner's news</h1><p>Stand with us: sign and call below.</p>
<div data-tocsin-action="sign" data-campaign="{slug}" data-title="Sign the petition"></div>
<script async src="{tocsin}/embed.js"></script>
<h2>Then call</h2>
<div data-tocsin-action="call" data-campaign="{slug}" data-title="Call"></div>
<script async src="{tocsin}/embed.js"></script>
</body></html>"""


def test_a_partner_page_embeds_the_petition_and_the_call(
    live_server, settings, monkeypatch, embeddable, partner_site, cookie_blocking_browser
):
    monkeypatch.setattr("tocsin.petitions.forms.MIN_FILL_SECONDS", 0)
    settings.TOCSIN_BASE_URL = live_server.url
    tocsin = live_server.url.replace("127.0.0.1", "localhost")
    campaign = embeddable["campaign"]
    partner = partner_site("listed", partner_html(tocsin, campaign.slug))
    campaign.embed_origins = partner
    campaign.save()

    context = cookie_blocking_browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(partner + "/partner.html")

    sign_frame = page.frame_locator("div[data-tocsin-action=sign] iframe")
    expect(sign_frame.get_by_role("button", name="Sign")).to_be_visible()
    frame_element = page.locator("div[data-tocsin-action=sign] iframe")
    expect(frame_element).to_have_attribute("title", "Sign the petition")
    # The frame told the page its height: no longer the snippet's starting guess.
    expect(frame_element).not_to_have_attribute("style", re.compile("760px"))
    whole_page_shot(page, "embed-partner-phone", width=390)

    sign_frame.get_by_role("textbox", name="Name").fill("Rosa Ortega")
    sign_frame.get_by_role("textbox", name="Email").fill("rosa@example.org")
    sign_frame.get_by_role("button", name="Sign").click()
    expect(sign_frame.get_by_text("check your email", exact=False).first).to_be_visible()

    call_frame = page.frame_locator("div[data-tocsin-action=call] iframe")
    call_frame.get_by_role("button", name="Talked to staff").click()
    expect(call_frame.locator("h1, h2").first).to_be_visible()
    whole_page_shot(page, "embed-partner-desktop", width=1280)

    source = f"embed-127.0.0.1-{partner.rsplit(':', 1)[1]}-partner.html"
    signature = Signature.objects.get(petition=embeddable["petition"])
    assert signature.source == source
    report = CallReport.objects.get(action=embeddable["call"])
    assert (report.outcome, report.source) == (Outcome.TALKED, source)
    # Nothing inside the frames set a cookie (nor could have: third-party cookies blocked).
    assert context.cookies() == []
    for frame in page.frames[1:]:
        assert frame.evaluate("document.cookie") == ""
        # And the frame could not keep one if it tried: the flow never relied on it.
        assert frame.evaluate("document.cookie = 'probe=1'; document.cookie") == ""
    context.close()


def test_a_site_not_on_the_list_cannot_frame_the_campaign(
    live_server, embeddable, partner_site, cookie_blocking_browser
):
    campaign = embeddable["campaign"]
    tocsin = live_server.url.replace("127.0.0.1", "localhost")
    stranger = partner_site(
        "stranger",
        f'<!doctype html><title>Not a partner</title><iframe id="f" title="Sign" width="390" '
        f'height="600" src="{tocsin}/embed/c/{campaign.slug}/sign/"></iframe>',
    )
    page = cookie_blocking_browser.new_page()
    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto(stranger + "/partner.html")
    page.wait_for_load_state("load")
    framed = page.frame_locator("#f")
    expect(framed.locator("form")).to_have_count(0)
    frame = page.frames[1]
    assert not frame.url.startswith(tocsin) or frame.evaluate("document.forms.length") == 0
    assert any("frame-ancestors" in text for text in refusals)
    assert not Signature.objects.exists()


def test_the_snippets_page_looks_right(live_server, settings, embeddable, cookie_blocking_browser):
    settings.TOCSIN_BASE_URL = live_server.url
    campaign = embeddable["campaign"]
    organizer = OrganizerFactory(organizations=[campaign.organization])
    page = cookie_blocking_browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(organizer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + f"/organize/campaigns/{campaign.pk}/embed/")
    expect(page.get_by_role("heading", name="Embed on other sites")).to_be_visible()
    expect(page.get_by_role("button", name="Copy").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "embed-snippets-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=ARTIFACTS / "embed-snippets-desktop.png", full_page=True)
