"""From "find my legislators" straight into the call, with the place carried sealed: the
supporter is never asked again for a place the flow already has, and the ZIP code never enters
a URL."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.calls.models import CallReport, Outcome
from tocsin.campaigns.models import Stance, TargetStance
from tocsin.targets.models import Target

from .test_call_flow import report

pytestmark = pytest.mark.django_db


def next_actions(html: str) -> str:
    """The call offered after the lookup, and the campaign's other actions."""
    call = html.split('class="card action next-call"')[1].split("</section>")[0]
    others = html.split('class="card next-actions"')[1].split("</section>")[0]
    return call + others


def hidden_inputs(form_html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form_html))


def test_the_legislators_page_offers_the_call_with_the_place_carried(demo):
    # No CSRF token on either form: the lookup and the call's start change nothing.
    client = Client(enforce_csrf_checks=True)
    action = demo["hr1299"]
    slug = action.campaign.slug
    found = client.post(reverse("campaigns:legislators", kwargs={"slug": slug}), {"zip": "53703"})
    act = next_actions(found.content.decode())
    assert "Call your representative now" in act
    assert f'action="{reverse("calls:start", kwargs={"slug": slug})}"' in act
    assert 'method="post"' in act
    assert hidden_inputs(act) == {"district": "WI-2", "zip": "53703"}
    # Offered before the list of people, on the first screen of a phone.
    assert found.content.decode().index("next-call") < found.content.decode().index("Mark Pocan")
    assert reverse("campaigns:join", kwargs={"slug": slug}) in act

    call = client.post(reverse("calls:start", kwargs={"slug": slug}), hidden_inputs(act))
    assert call.status_code == 302
    assert call["Location"].startswith(reverse("calls:step", kwargs={"slug": slug, "position": 0}))
    assert "53703" not in call["Location"]
    assert "WI-2" not in call["Location"]
    step = client.get(call["Location"]).content.decode()
    assert "Mark Pocan" in step
    assert 'name="zip"' not in step  # not asked again
    # The report form carries its own CSRF token; a plain client stands in for the browser.
    assert report(Client(), action, step, Outcome.TALKED).status_code == 302
    assert CallReport.objects.get().place == "WI-2"


def test_a_place_found_by_location_is_carried_as_its_district(client, demo):
    slug = demo["hr1299"].campaign.slug
    found = client.post(
        reverse("campaigns:legislators", kwargs={"slug": slug}),
        {"latitude": "43.0747", "longitude": "-89.3841"},
    )
    act = next_actions(found.content.decode())
    assert hidden_inputs(act) == {"district": "WI-2"}
    call = client.post(reverse("calls:start", kwargs={"slug": slug}), hidden_inputs(act))
    assert "Mark Pocan" in client.get(call["Location"]).content.decode()


def test_a_fixed_list_campaign_offers_its_own_call_with_the_place(client, demo):
    action = demo["baldwin"]
    slug = action.campaign.slug
    found = client.post(reverse("campaigns:legislators", kwargs={"slug": slug}), {"zip": "53703"})
    act = next_actions(found.content.decode())
    assert action.title in act
    call = client.post(reverse("calls:start", kwargs={"slug": slug}), hidden_inputs(act))
    step = client.get(call["Location"]).content.decode()
    assert "Tammy Baldwin" in step
    assert report(client, action, step, Outcome.TALKED).status_code == 302
    assert CallReport.objects.get().place == "WI-2"  # the place went with the call


def test_a_closed_campaign_offers_no_action_after_the_lookup(client, demo):
    campaign = demo["baldwin"].campaign
    campaign.status = "closed"
    campaign.save()
    found = client.post(
        reverse("campaigns:legislators", kwargs={"slug": campaign.slug}), {"zip": "53703"}
    )
    assert "Tammy Baldwin" in found.content.decode()
    assert "next-call" not in found.content.decode()
    assert "next-actions" not in found.content.decode()


def test_an_empty_zip_in_the_call_flow_is_a_clear_error(client, demo):
    start = reverse("calls:start", kwargs={"slug": demo["hr1299"].campaign.slug})
    response = client.post(start, {"zip": "", "town": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter your 5-digit ZIP code" in html
    assert 'class="error-summary"' in html
    assert 'href="#id_zip"' in html
    assert 'id="id_zip_error"' in html


def test_a_place_whose_representative_already_supports_says_so(client, demo):
    action = demo["hr1299"]
    action.only_unsupportive = True
    action.save()
    TargetStance.objects.update_or_create(
        campaign=action.campaign,
        target=Target.objects.get(name="Mark Pocan"),
        defaults={"stance": Stance.SUPPORTS},
    )
    start = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    response = client.post(start, {"zip": "53703"}, follow=True)
    html = response.content.decode()
    assert "Mark Pocan" in html
    assert "already supports this" in html
    assert "seat is vacant" not in html
