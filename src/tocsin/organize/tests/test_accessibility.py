"""The organizer pages pass the same WCAG 2.2 AA checks as the supporter pages (issue 20): an
owner's home, each step of the new-campaign flow, members, sessions and the audit log, at
phone width; and the basics form can be filled from the keyboard, each field wearing a ring."""

import pytest
from django.urls import reverse

from tocsin.conftest import ARTIFACTS
from tocsin.core.tests import a11y
from tocsin.core.tests.test_accessibility import tab_to
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASICS_FIELDS = ["title", "summary", "demands", "deadline", "language", "country"]


def sign_in_an_owner(page, base_url: str):
    from tocsin.campaigns.factories import CampaignFactory
    from tocsin.campaigns.models import Campaign

    organization = OrganizationFactory(name="SOA Watch")
    owner = OrganizerFactory(organizations=[organization], organizations__role=Role.OWNER)
    draft = CampaignFactory(
        organization=organization, title="Stop the deportations", status=Campaign.Status.DRAFT
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + reverse("organize:home"))
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill("a long organizer passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/organize/")
    return organization, draft


def test_every_organizer_page_meets_wcag_22_aa_and_basics_works_by_keyboard(
    browser_page, live_server, settings
):
    settings.TOCSIN_REQUIRE_TWO_FACTOR = False
    page = browser_page
    organization, draft = sign_in_an_owner(page, live_server.url)
    pages = {
        "home": reverse("organize:home"),
        "basics": reverse("organize:basics", args=[draft.pk]),
        "actions": reverse("organize:actions", args=[draft.pk]),
        "preview": reverse("organize:preview", args=[draft.pk]),
        "members": reverse("organizations:members", args=[organization.pk]),
        "sessions": reverse("organizations:sessions"),
        "audit log": reverse("audit:log"),
    }
    problems: list[str] = []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, (name, response.status)
        assert page.url == live_server.url + path, name
        if name == "home":
            assert draft.title in page.locator("main").inner_text()
        problems += a11y.audit(page, name)
        page.screenshot(path=ARTIFACTS / f"organize-a11y-{name.replace(' ', '-')}-390.png")

    page.goto(live_server.url + pages["basics"])
    for field in BASICS_FIELDS:
        tab_to(page, f"el.name === '{field}' && !!el.closest('main form')", problems)
    page.screenshot(path=ARTIFACTS / "organize-a11y-basics-focus-390.png")
    tab_to(page, "el.tagName === 'BUTTON' && el.type === 'submit'", problems)
    assert not problems, "\n".join(problems)
