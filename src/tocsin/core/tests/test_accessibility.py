"""WCAG 2.2 AA on every supporter page, in English and Spanish, checked in the browser.

axe-core checks what a machine can (contrast, names, labels, landmarks, ARIA, target size);
`a11y` adds reflow at 320 px, our own target-size check and the focus ring. What neither can
judge is in docs/accessibility.md, with how it was checked by hand."""

import re

import pytest
from django.urls import reverse

from tocsin.conftest import ARTIFACTS
from tocsin.core.tests import a11y

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BALDWIN = "baldwin-honduras-election"
HR1299 = "hr-1299-berta-caceres-act"
SPYWARE = "no-spyware-for-honduras"
PETITION_SLUG = SPYWARE


class Walk:
    """Visits pages in one language and collects every problem the checks find on each."""

    def __init__(self, page, base_url: str, language: str):
        self.page = page
        self.base_url = base_url
        self.language = language
        self.problems: list[str] = []
        self.seen: list[str] = []
        page.goto(f"{base_url}/language/{language}/?next=/")

    def visit(self, path: str, name: str) -> None:
        self.page.goto(self.base_url + path)
        self.check(name)

    def check(self, name: str, language: str | None = None) -> None:
        where = f"[{self.language}] {name} ({self.page.url.removeprefix(self.base_url)})"
        expected = language or self.language
        assert self.page.locator("html").get_attribute("lang") == expected, where
        self.seen.append(name)
        self.problems += a11y.audit(self.page, where)

    def submit(self, form_selector: str = "main form[method=post]") -> None:
        with self.page.expect_navigation():
            self.page.locator(form_selector).last.locator(
                "button[type=submit], button:not([type])"
            ).last.click()


def fill_person(page, email: str) -> None:
    page.locator("input[name=name]").fill("Rosa Ortega")
    page.locator("input[name=email]").fill(email)
    zip_field = page.locator("input[name=zip], input[name=postcode]")
    if zip_field.count():
        zip_field.first.fill("53703")
    country = page.locator("input[name=country]")
    if country.count():
        country.fill("US")


def walk_petition(walk: Walk) -> None:
    from tocsin.petitions.models import Signature
    from tocsin.petitions.services import confirmation_token

    page = walk.page
    walk.visit(reverse("petitions:sign", args=[PETITION_SLUG]), "petition form")
    page.locator("input[name=email]").fill("not an address")
    walk.submit()
    walk.check("petition form with errors")
    fill_person(page, f"signer-{walk.language}@example.org")
    walk.submit()
    walk.check("petition: check your email")
    walk.visit(reverse("petitions:check-email", args=[PETITION_SLUG]), "petition: check email")
    signature = Signature.objects.get(email=f"signer-{walk.language}@example.org")
    walk.visit(reverse("petitions:confirm", args=[confirmation_token(signature)]), "confirm GET")
    walk.visit(reverse("petitions:confirm", args=["not-a-token"]), "confirm, bad link")


def step_link(page, slug: str):
    """The first link onwards in the call flow: to a call (`/call/0/`) or to its end."""
    links = page.locator(f"main a[href*='/c/{slug}/call/']")
    for link in links.all():
        if re.search(r"/call/(\d+|done)/", link.get_attribute("href")):
            return link
    return None


def walk_call(walk: Walk, slug: str) -> None:
    """From the campaign page to the thank-you page, whatever steps the flow has: onwards by
    the outcome buttons or the link to the next call, and a ZIP code when that is asked."""
    page = walk.page
    page.goto(f"{walk.base_url}/c/{slug}/")
    page.locator(f"main a[href*='/c/{slug}/call/']").first.click()
    for step in range(12):
        walk.check(f"call flow {slug} page {step + 1}")
        if "/call/done/" in page.url:
            return
        onwards = step_link(page, slug)
        if page.locator("main button[name=outcome]").count():
            with page.expect_navigation():
                page.locator("main button[name=outcome]").first.click()
        elif onwards is not None:
            onwards.click()
        elif page.locator("main input[name=zip]:visible").count():
            page.locator("main input[name=zip]:visible").first.fill("53703")
            town = page.locator("main input[name=town]:visible")
            if town.count():
                town.first.fill("Madison")
            walk.submit("main form:has(input[name=zip]:visible)")
        else:
            break
    page.screenshot(path=ARTIFACTS / f"a11y-call-stuck-{slug}.png", full_page=True)
    pytest.fail(f"the call flow of {slug} never reached its end: {page.url}")


def walk_event(walk: Walk) -> None:
    from tocsin.events.models import Event

    page = walk.page
    event = Event.objects.get()
    walk.visit(event.get_absolute_url(), "event page")
    page.locator("main a[href*='/rsvp/']").first.click()
    walk.check("RSVP form")
    page.locator("input[name=email]").fill("nope")
    walk.submit()
    walk.check("RSVP form with errors")
    fill_person(page, f"rsvp-{walk.language}@example.org")
    walk.submit()
    walk.check("RSVP answered")


def walk_join(walk: Walk) -> None:
    from tocsin.supporters.models import Consent
    from tocsin.supporters.services import confirm_path, unsubscribe_path

    page = walk.page
    walk.visit(reverse("campaigns:join", args=[BALDWIN]), "join form")
    walk.submit()
    walk.check("join form with errors")
    fill_person(page, f"joiner-{walk.language}@example.org")
    for box in page.locator("main input[type=checkbox]").all():
        box.check()
    walk.submit()
    walk.check("joined")
    consent = Consent.objects.filter(supporter__email=f"joiner-{walk.language}@example.org")[0]
    supporter = consent.supporter
    consents = [consent.pk]
    organizations = [consent.organization]
    walk.visit(confirm_path(supporter, consents), "supporters: confirm GET")
    walk.visit(unsubscribe_path(supporter, organizations), "unsubscribe GET")


def walk_error_pages(walk: Walk) -> None:
    """The error pages Django renders itself, served as it would serve them."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    for name in ("400.html", "403_csrf.html", "500.html"):
        with translation.override(walk.language):
            html = render_to_string(name, request=RequestFactory().get("/"))
        path = f"/error-page/{name}"
        walk.page.route(
            f"**{path}",
            lambda route, _request, html=html: route.fulfill(body=html, content_type="text/html"),
        )
        walk.page.goto(walk.base_url + path)
        # The 500 page is static, English first with the Spanish marked as such.
        walk.check(name, language="en" if name == "500.html" else None)


def walk_lookup(walk: Walk) -> None:
    page = walk.page
    walk.visit(reverse("campaigns:legislators", args=[HR1299]), "legislators form")
    page.locator("main input[name=zip]").fill("53703")
    walk.submit("main form:has(input[name=zip]:visible)")
    walk.check("legislators for one ZIP")
    # A ZIP code split between districts asks which one.
    page.goto(walk.base_url + reverse("campaigns:legislators", args=[HR1299]))
    page.locator("main input[name=zip]:visible").fill("53593")
    walk.submit("main form:has(input[name=zip]:visible)")
    walk.check("legislators for a split ZIP")


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_supporter_page_meets_wcag_22_aa(browser_page, demo_site, monkeypatch, language):
    from tocsin.campaigns.models import Campaign
    from tocsin.fundraising.models import Fundraiser

    # A test types faster than the three seconds a person needs to fill the form in.
    monkeypatch.setattr("tocsin.petitions.forms.MIN_FILL_SECONDS", 0)
    walk = Walk(browser_page, demo_site, language)
    walk.visit("/", "home")
    for campaign in Campaign.objects.order_by("slug"):
        walk.visit(campaign.get_absolute_url(), f"campaign {campaign.slug}")
        walk.visit(reverse("whip:scoreboard", args=[campaign.slug]), f"whip {campaign.slug}")
    walk_petition(walk)
    walk_lookup(walk)
    walk_event(walk)
    fundraiser = Fundraiser.objects.get()
    walk.visit(reverse("fundraising:detail", args=[fundraiser.slug]), "fundraiser")
    walk.visit(reverse("fundraising:thanks", args=[fundraiser.slug]), "fundraiser thanks")
    walk_join(walk)
    walk.visit("/no-such-page/", "404")
    walk_error_pages(walk)

    assert len(walk.seen) >= 25, walk.seen
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_call_flow_page_meets_wcag_22_aa(browser_page, demo_site, language):
    walk = Walk(browser_page, demo_site, language)
    walk_call(walk, BALDWIN)
    walk_call(walk, HR1299)
    assert not walk.problems, "\n".join(walk.problems)


def tab_to(page, wanted, problems: list[str], limit: int = 80) -> None:
    """Press Tab until `wanted(focused element)` is true, noting any stop without a ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        problem = a11y.focus_problem(page)
        if problem:
            problems.append(f"{page.url}: {problem}")
        if page.evaluate(f"(el => ({wanted}))(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached {wanted} on {page.url}")


def test_the_petition_can_be_signed_with_a_keyboard_alone(browser_page, demo_site, monkeypatch):
    from tocsin.petitions.models import Signature

    monkeypatch.setattr("tocsin.petitions.forms.MIN_FILL_SECONDS", 0)
    page = browser_page
    page.goto(demo_site + reverse("petitions:sign", args=[PETITION_SLUG]))
    problems: list[str] = []
    # The first stop is the skip link, shown when it has focus, and it leads into the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert a11y.focus_problem(page) is None, a11y.focus_problem(page)
    page.screenshot(path=ARTIFACTS / "a11y-skip-link-390.png")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")

    answers = {"name": "Rosa Ortega", "email": "rosa@example.org", "postcode": "53703"}
    answers["country"] = "US"
    for field, text in answers.items():
        tab_to(page, f"el.name === '{field}'", problems)
        page.keyboard.type(text)
    page.screenshot(path=ARTIFACTS / "a11y-focus-field-390.png")
    tab_to(page, "el.name && el.name.startsWith('consent_')", problems)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "el.tagName === 'BUTTON' && el.type === 'submit'", problems)
    page.screenshot(path=ARTIFACTS / "a11y-focus-button-390.png")
    with page.expect_navigation():
        page.keyboard.press("Space")

    assert "/check-your-email/" in page.url
    signature = Signature.objects.get(email="rosa@example.org")
    assert signature.consents
    assert not problems, "\n".join(problems)


def test_the_call_flow_runs_from_the_campaign_page_to_the_end_by_keyboard(browser_page, demo_site):
    from tocsin.calls.models import CallReport

    page = browser_page
    page.goto(f"{demo_site}/c/{BALDWIN}/")
    problems: list[str] = []
    into_the_flow = (
        f"el.tagName === 'A' && /\\/c\\/{BALDWIN}\\/call\\/(\\d+\\/)?(\\?|$)/.test(el.href)"
    )
    tab_to(page, into_the_flow, problems, limit=150)
    page.screenshot(path=ARTIFACTS / "a11y-focus-start-390.png")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    onwards = (
        "(el.tagName === 'BUTTON' && el.name === 'outcome')"
        f" || (el.tagName === 'A' && /\\/c\\/{BALDWIN}\\/call\\/(\\d+|done)\\//.test(el.href))"
    )
    for _ in range(10):
        if "/call/done/" in page.url:
            break
        tab_to(page, onwards, problems, limit=150)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert "/call/done/" in page.url, page.url
    assert CallReport.objects.count() >= 2
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_are_for(browser_page):
    """Each check, on a page made to fail it, says so (a check that cannot fail proves nothing)."""
    page = browser_page
    page.set_content(
        """<!doctype html><html lang="en"><head><title>Bad</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>button:focus { outline: none; }</style></head><body><main>
        <h1>Bad page</h1>
        <p style="color:#bbb">Pale grey text on white.</p>
        <button></button>
        <div><a href="#a" style="display:inline-block;width:14px;height:14px">a</a><a
           href="#b" style="display:inline-block;width:14px;height:14px">b</a></div>
        <p>A <a href="#c">link inside a sentence</a> is exempt from the size rule.</p>
        <div style="width:600px">Too wide for a small screen.</div>
        <button id="plain">No ring</button>
        </main></body></html>"""
    )
    problems = "\n".join(a11y.audit(page, "bad page"))
    assert "axe color-contrast" in problems
    assert "axe button-name" in problems
    assert "scrolls sideways at 320 px" in problems
    assert 'target too small: a "a"' in problems
    assert "link inside a sentence" not in problems
    page.focus("#plain")
    assert "without a visible ring" in a11y.focus_problem(page)
