"""Where a supporter is (ZIP, town, district) never travels in a URL, where proxies, access
logs, browser history and Referer headers would keep it (issue 14, finding 22)."""

import base64
import re
import time

import pytest
from django.urls import reverse

from tocsin.calls import places
from tocsin.calls.models import CallReport, Outcome

from .test_call_flow import hidden, report

pytestmark = pytest.mark.django_db

PRIVATE = ("53703", "Madison", "WI-2", "WI-02")


def urls_in(response) -> list[str]:
    found = re.findall(r'(?:href|action)="([^"]*)"', response.content.decode())
    if "Location" in response:
        found.append(response["Location"])
    return found


def assert_private(responses):
    for response in responses:
        for url in urls_in(response):
            assert not any(value in url for value in PRIVATE), url


def test_the_call_flow_carries_the_place_without_writing_it_into_any_url(client, demo):
    action = demo["hr1299"]
    start_url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    asked = client.get(start_url)
    assert re.search(r'<form method="post" action="[^"]*/call/"', asked.content.decode())

    found = client.post(start_url, {"zip": "53703", "town": "Madison"})
    assert found.status_code == 302
    assert "/call/0/?place=" in found["Location"]
    step = client.get(found["Location"])
    page = step.content.decode()
    assert "Mark Pocan" in page
    assert "I am a constituent from Madison" in page  # the town still reaches the script
    reported = report(client, action, page, Outcome.TALKED)
    assert reported.status_code == 302
    done = client.get(reported["Location"])
    assert done.status_code == 200
    assert CallReport.objects.get().place == "WI-2"
    assert_private([asked, found, step, reported, done])


def test_the_place_token_cannot_be_read_without_the_secret(client, demo):
    token = places.seal({"zip": "53703", "town": "Madison", "district": "WI-2"})
    padded = token + "=" * (-len(token) % 4)
    raw = base64.urlsafe_b64decode(padded)
    assert b"53703" not in raw
    assert b"Madison" not in raw
    assert places.unseal(token) == {"zip": "53703", "town": "Madison", "district": "WI-2"}


def test_a_garbled_or_stale_place_sends_the_supporter_back_to_the_question(client, demo):
    action = demo["hr1299"]
    step = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": 0})
    start = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    stale = places.seal(
        {"zip": "53703", "town": "", "district": "WI-2"},
        at=int(time.time()) - places.MAX_AGE - 60,
    )
    for token in ("garbled", "x" * 5000, stale, "gAAAAA" + "A" * 100):
        response = client.get(step, {"place": token})
        assert response.status_code == 302
        assert response["Location"] == start
        assert client.get(start, {"place": token}).status_code == 200


def test_a_report_from_a_page_left_open_too_long_is_not_counted_and_says_why(client, demo):
    action = demo["hr1299"]
    found = client.post(
        reverse("calls:start", kwargs={"slug": action.campaign.slug}), {"zip": "53703"}
    )
    token = re.search(r"place=([^&]+)", found["Location"]).group(1)
    step = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": 0})
    page = client.get(step, {"place": token}).content.decode()
    stale = places.seal(
        {"zip": "53703", "town": "", "district": "WI-2"},
        at=int(time.time()) - places.MAX_AGE - 60,
    )
    response = report(client, action, page, Outcome.TALKED, place=stale)
    assert response.status_code == 400
    assert "too long ago" in response.content.decode()
    assert not CallReport.objects.exists()
    assert hidden(page, "place")  # the form carries the token, not the values


def test_a_split_zip_is_narrowed_by_a_posted_choice_not_a_link(client, demo):
    action = demo["hr1299"]
    start_url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    split = client.post(start_url, {"zip": "91711"})
    html = split.content.decode()
    assert "split between 6 districts" in html
    assert "?zip=" not in html
    assert re.search(r'<button[^>]*name="district"[^>]*value="CA-28"', html)
    picked = client.post(start_url, {"zip": "91711", "district": "CA-28"})
    assert picked.status_code == 302
    assert "91711" not in picked["Location"]
    assert "Judy Chu" in client.get(picked["Location"]).content.decode()


def test_click_to_call_carries_the_place_sealed(client, demo, settings):
    from tocsin.calls.models import ConnectSession

    settings.TOCSIN_TELEPHONY = "console"
    action = demo["hr1299"]
    action.click_to_call = True
    action.save()
    start_url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    found = client.get(client.post(start_url, {"zip": "53703"})["Location"])
    connect_url = reverse("calls:connect", kwargs={"slug": action.campaign.slug})
    connect_form = found.content.decode().split(f'action="{connect_url}"')[1].split("</form>")[0]
    assert 'name="zip"' not in connect_form
    response = client.post(
        reverse("calls:connect", kwargs={"slug": action.campaign.slug}),
        {"phone": "608-262-1234", "place": hidden(connect_form, "place")},
    )
    assert response.status_code == 302
    assert ConnectSession.objects.get().place == "WI-2"
