"""Issue 19: the supporter's write flow and the organizer's delivery bundle, through the
pages. The place step asks a postcode (UK) or a ZIP code (US) and never guesses; the letter
is all editable; nothing reaches a target before the POST of the confirm page; letters the
supporter sends themselves come back as a filled mailto: link or a web form with the letter
to copy; bad input is refused with a message, never a 500."""

import re
from email.utils import parseaddr
from urllib.parse import unquote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.campaigns.factories import CampaignTargetFactory, organizer_allowed
from tocsin.campaigns.models import Campaign
from tocsin.conftest import delete_targets
from tocsin.letters import services
from tocsin.letters.factories import WriteActionFactory
from tocsin.letters.forms import seal_place
from tocsin.letters.models import Letter, WriteAction
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters import prefill
from tocsin.supporters.models import Supporter
from tocsin.targets.factories import CustomTargetFactory

pytestmark = pytest.mark.django_db

SUPPORTER = "ana.lopez@example.org"


@pytest.fixture
def ministers():
    """Write to two ministers chosen by the campaign: no place step."""
    action = WriteActionFactory(own_sentence_prompt="Why does this matter to you?")
    organization = action.campaign.organization
    organization.name = "Privacy Now"
    organization.save()
    targets = []
    for name, email in (
        ("Jane Doe", "jane.doe@gov.example.uk"),
        ("John Roe", "roe@gov.example.uk"),
    ):
        minister = CustomTargetFactory(
            organization=organization, name=name, title="Minister", email=email
        )
        CampaignTargetFactory(campaign=action.campaign, target=minister)
        targets.append(minister)
    return action, targets


def write_url(action, **query) -> str:
    url = reverse(
        "letters:write", kwargs={"slug": action.campaign.slug, "action_slug": action.slug}
    )
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def letter_data(page_content: str, **changes) -> dict:
    """What the letter form holds as shown (its hidden place, subject and letter), with
    the supporter's details and `changes`."""
    html = page_content
    data = {"step": "letter", "name": "Ana López", "email": SUPPORTER, "town": "Leeds"}
    for name in ("place", "source", "subject"):
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        if match:
            data[name] = unescape(match.group(1))
    body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', html, re.S)
    if body:
        data["body"] = unescape(body.group(1))
    return data | changes


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def confirm_path(message) -> str:
    link = re.search(r"https?://\S+/letters/confirm/\S+/", message.get_content()).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


def test_fixed_targets_skip_the_place_and_name_each_person(client, ministers):
    action, _targets = ministers
    page = client.get(write_url(action))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="step" value="letter"' in html
    assert 'name="postcode"' in html  # not asked for a place, so asked here (optional)
    assert "Minister Jane Doe" in html
    assert "Minister John Roe" in html
    assert "Why does this matter to you?" in html
    # Several people: the letter keeps its placeholders, and the page says what they become.
    assert "Dear {title} {name}," in html
    assert "with each person" in html


def test_nothing_reaches_a_target_before_the_post_of_the_confirm_page(
    client, ministers, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    action, _targets = ministers
    page = client.get(write_url(action))
    sent = client.post(
        write_url(action),
        letter_data(page.content.decode(), own_sentence="My cousin was watched."),
    )
    assert sent.status_code == 200
    assert "Check your email" in sent.content.decode()
    run_tasks()
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == SUPPORTER
    assert Letter.objects.filter(state=Letter.State.AWAITING).count() == 2

    link = confirm_path(confirmation)
    shown = client.get(link)  # a mail scanner opening the link confirms nothing
    assert shown.status_code == 200
    assert '<form method="post">' in shown.content.decode()
    run_tasks()
    assert len(smtp_server.messages) == 1

    confirmed = client.post(link)
    assert "Sent by email to their office" in confirmed.content.decode()
    run_tasks()
    to_targets = smtp_server.messages[1:]
    assert sorted(m["To"] for m in to_targets) == ["jane.doe@gov.example.uk", "roe@gov.example.uk"]
    for message in to_targets:
        assert parseaddr(message["Reply-To"])[1] == SUPPORTER
        assert "Privacy Now" in message["From"]
        text = message.get_content()
        assert "My cousin was watched." in text
        assert "Ana López" in text

    client.post(link)  # pressed again, or replayed: nothing more goes
    run_tasks()
    assert len(smtp_server.messages) == 3


def test_a_double_click_writes_once_and_mails_once(client, ministers, smtp_server, run_tasks):
    action, _targets = ministers
    data = letter_data(client.get(write_url(action)).content.decode())
    first = client.post(write_url(action), data)
    second = client.post(write_url(action), data)
    assert first.status_code == second.status_code == 200
    run_tasks()
    assert Letter.objects.count() == 2
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("token", ["not-a-token", "x" * 400, "eyJzIjoiMSJ9:forged:sig"])
def test_a_forged_confirmation_is_refused_and_sends_nothing(
    client, ministers, token, smtp_server, run_tasks
):
    action, _targets = ministers
    client.post(write_url(action), letter_data(client.get(write_url(action)).content.decode()))
    run_tasks()
    path = reverse("letters:confirm", kwargs={"token": token})
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400
    run_tasks()
    assert len(smtp_server.messages) == 1  # the supporter's own confirmation, nothing more
    assert not Letter.objects.exclude(state=Letter.State.AWAITING).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"subject": "Hello\r\nBcc: everyone@example.org"}, None),
        ({"name": "Ana\r\nBcc: everyone@example.org"}, None),
        ({"body": "x" * 100_000}, "That letter is too long"),
        ({"body": ""}, "Please write the letter: it is empty."),
        ({"email": "not an address"}, "That does not look like an email address"),
        ({"name": ""}, "Please tell us your name."),
        ({"subject": ""}, "Please give the letter a subject."),
    ],
)
def test_bad_input_is_refused_or_made_harmless(
    client, ministers, changes, message, smtp_server, run_tasks
):
    action, _targets = ministers
    data = letter_data(client.get(write_url(action)).content.decode(), **changes)
    response = client.post(write_url(action), data)
    run_tasks()
    if message is not None:
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Letter.objects.exists()
        assert not smtp_server.messages
        return
    # A line break in a header field is folded into a space: no header is ever added.
    assert response.status_code == 200
    for letter in Letter.objects.all():
        assert "\n" not in letter.subject
        assert "\r" not in letter.subject
        assert "\n" not in letter.name
        assert "\r" not in letter.name
    [confirmation] = smtp_server.messages
    assert confirmation["Bcc"] is None


def test_the_mail_app_preference_gives_a_filled_mailto_link_and_sends_nothing(
    client, ministers, smtp_server, run_tasks
):
    action, _targets = ministers
    action.delivery = WriteAction.Delivery.MAIL_APP
    action.save()
    data = letter_data(
        client.get(write_url(action)).content.decode(), own_sentence="Ünïcode & more?"
    )
    page = client.post(write_url(action), data)
    html = unescape(page.content.decode())
    assert page.status_code == 200
    links = re.findall(r'href="(mailto:[^"]+@gov[^"]+)"', html)
    assert len(links) == 2
    address, _, query = links[0].removeprefix("mailto:").partition("?")
    assert address == "jane.doe@gov.example.uk"
    assert " " not in query
    assert "\n" not in query
    fields = dict(part.split("=", 1) for part in query.split("&"))
    assert unquote(fields["subject"]) == "Stop the export of spyware"
    body = unquote(fields["body"])
    assert "Dear Minister Jane Doe," in body
    assert "Ünïcode & more?" in body
    assert body.rstrip().endswith("Leeds") or "Ana López" in body
    run_tasks()
    assert not smtp_server.messages  # in the supporter's hands: no confirmation needed
    assert set(Letter.objects.values_list("state", flat=True)) == {Letter.State.HANDED_OVER}


def test_a_target_with_only_a_web_form_gets_the_letter_ready_to_copy(client, run_tasks):
    action = WriteActionFactory()
    senator = CustomTargetFactory(
        organization=action.campaign.organization,
        name="Tammy Baldwin",
        title="Senator",
        email="",
        contact_form_url="https://www.baldwin.senate.gov/feedback",
    )
    CampaignTargetFactory(campaign=action.campaign, target=senator)
    page = client.get(write_url(action))
    assert "web form" in page.content.decode()
    sent = client.post(write_url(action), letter_data(page.content.decode()))
    html = sent.content.decode()
    assert 'href="https://www.baldwin.senate.gov/feedback"' in html
    # Selectable without JavaScript: a read-only box holding the whole letter.
    box = re.search(r"<textarea [^>]*readonly>(.*?)</textarea>", html, re.S)
    assert box
    assert "Dear Senator Tammy Baldwin," in unescape(box.group(1))
    assert Letter.objects.get().method == Letter.Method.WEB_FORM


def test_the_source_and_an_alerts_prefill_are_carried(client, ministers):
    action, _targets = ministers
    person = Supporter.objects.create(
        organization=action.campaign.organization, email=SUPPORTER, name="Ana López"
    )
    token = prefill.token_for(person)
    page = client.get(write_url(action, source="alert-7", p=token))
    html = page.content.decode()
    assert f'value="{SUPPORTER}"' in html
    assert 'value="Ana López"' in html
    assert "no-store" in page["Cache-Control"]
    data = letter_data(html)
    assert data["source"] == "alert-7"
    client.post(write_url(action), data)
    assert set(Letter.objects.values_list("source", flat=True)) == {"alert-7"}


def test_a_forged_place_is_asked_again_and_writes_nothing(client):
    action = WriteActionFactory(target_mode=WriteAction.TargetMode.LOOKUP)
    forged = seal_place({"k": "zip", "p": "53703", "s": "WI-2"}) + "x"
    response = client.post(
        write_url(action),
        {"step": "letter", "place": forged, "name": "Ana", "email": SUPPORTER, "body": "Hi"},
    )
    assert response.status_code == 400
    assert 'name="step" value="place"' in response.content.decode()
    assert not Letter.objects.exists()


def test_a_closed_action_takes_no_letters(client, ministers):
    action, _targets = ministers
    data = letter_data(client.get(write_url(action)).content.decode())
    action.is_open = False
    action.save()
    response = client.post(write_url(action), data)
    assert "no longer being sent" in response.content.decode()
    assert not Letter.objects.exists()


def test_the_write_address_leads_to_the_one_action_or_lists_several(client, ministers):
    action, _targets = ministers
    choose = reverse("letters:choose", kwargs={"slug": action.campaign.slug})
    response = client.get(choose + "?source=mail")
    assert response.status_code == 302
    assert response["Location"] == write_url(action, source="mail")
    WriteActionFactory(campaign=action.campaign, title="Write to your MP", slug="mp")
    listing = client.get(choose)
    assert listing.status_code == 200
    assert write_url(action) in listing.content.decode()


def test_a_draft_campaign_is_not_found_by_the_public(client, ministers):
    action, _targets = ministers
    Campaign.objects.filter(pk=action.campaign.pk).update(status=Campaign.Status.DRAFT)
    assert client.get(write_url(action)).status_code == 404


# ---------------------------------------------------------------------------- fuzz


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "step",
                "place",
                "name",
                "email",
                "subject",
                "body",
                "own_sentence",
                "town",
                "address",
                "postcode",
                "seat",
                "latitude",
                "longitude",
                "source",
                "website",
                "p",
            ]
        ),
        st.one_of(st.text(max_size=300), st.sampled_from(["letter", "place", "location", "nan"])),
    )
)
def test_any_text_in_the_forms_is_answered_without_an_error_page(client, fields):
    action = WriteAction.objects.first() or WriteActionFactory(
        target_mode=WriteAction.TargetMode.LOOKUP
    )
    response = client.post(write_url(action), fields)
    assert response.status_code in (200, 400, 429)


# ---------------------------------------------------------------------------- organizers


def test_the_bundle_is_for_the_organizers_of_the_campaign_only(client, ministers, run_tasks):
    action, _targets = ministers
    desk = CustomTargetFactory(organization=action.campaign.organization, name="Desk", email="")
    CampaignTargetFactory(campaign=action.campaign, target=desk)
    data = letter_data(
        client.get(write_url(action)).content.decode(), name="=HYPERLINK(1)", town="Leeds"
    )
    client.post(write_url(action), data)
    [letter] = Letter.objects.filter(target=desk)
    services.confirm(services.confirmation_token(letter.submission))
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.BUNDLED

    page_url = reverse("letters:bundle-page", args=[action.pk, desk.pk])
    csv_url = reverse("letters:bundle-csv", args=[action.pk, desk.pk])
    assert client.get(page_url).status_code == 302  # to the login page

    stranger = organizer_allowed([OrganizationFactory()], "letters.view_letter")
    client.force_login(stranger)
    assert client.get(page_url).status_code == 404
    assert client.get(csv_url).status_code == 404

    organizer = organizer_allowed([action.campaign.organization], "letters.view_letter")
    client.force_login(organizer)
    page = client.get(page_url)
    assert page.status_code == 200
    assert re.search(r"Dear\s+Desk,", unescape(page.content.decode()))
    rows = b"".join(client.get(csv_url).streaming_content).decode()
    assert "'=HYPERLINK(1)" in rows  # never run as a formula
    index = client.get(reverse("letters:bundle-index", args=[action.pk]))
    assert page_url in index.content.decode()


# ---------------------------------------------------------------------------- the place


@pytest.fixture(scope="module")
def uk_data(django_db_setup, django_db_blocker, shared_data_dir):
    """The real constituencies, postcodes, boundaries, MPs and ministers, loaded once."""
    from tocsin.districts.models import DatasetImport
    from tocsin.districts.uk import reset_uk_indexes
    from tocsin.targets.uk import sync_uk

    with django_db_blocker.unblock():
        sync_uk(str(shared_data_dir))
        reset_uk_indexes()
    yield
    with django_db_blocker.unblock():
        from tocsin.districts import models as district_models

        for name in ("Constituency", "PostcodeRangeTable", "PostcodeOutward"):
            getattr(district_models, name).objects.all().delete()
        DatasetImport.objects.filter(dataset__startswith="uk").delete()
        delete_targets()
        reset_uk_indexes()


@pytest.fixture
def write_to_your_mp(uk_data):
    action = WriteActionFactory(
        campaign__country=Campaign.Country.GB,
        title="Write to your MP",
        target_mode=WriteAction.TargetMode.LOOKUP,
    )
    return action


def place_step(client, action, postcode, **extra):
    return client.post(write_url(action), {"step": "place", "postcode": postcode, **extra})


@pytest.mark.parametrize(
    ("postcode", "seat"),
    [
        ("sw1a0aa", "Cities of London and Westminster"),
        ("M1 1AE", "Manchester Central"),
        (" eh1  1yz ", "Edinburgh East and Musselburgh"),
        ("CF10 1EP", "Cardiff South and Penarth"),
    ],
)
def test_a_postcode_finds_the_constituency_and_its_mp(client, write_to_your_mp, postcode, seat):
    from tocsin.districts import uk
    from tocsin.targets.models import Target

    ask = client.get(write_url(write_to_your_mp)).content.decode()
    assert "Your postcode" in ask
    assert "Find your MP" in ask
    page = place_step(client, write_to_your_mp, postcode)
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert f"is in {seat}." in re.sub(r"</?strong>", "", html)
    code = uk.lookup_postcode(postcode).constituency.code
    mp = Target.objects.mp_for(code)
    assert mp.name in html
    assert f"Dear {mp.display_title} {mp.name}," in html  # one person: their own letter
    assert 'name="postcode"' not in html  # known from the place step, not asked again


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("nan", "nan"), ("1e999", "0"), ("91", "0"), ("abc", ""), ("", "")],
)
def test_a_garbled_location_is_answered_with_a_message(
    client, write_to_your_mp, latitude, longitude
):
    response = client.post(
        write_url(write_to_your_mp),
        {"step": "location", "latitude": latitude, "longitude": longitude},
    )
    assert response.status_code == 400
    assert "a location we could not read" in response.content.decode()


def test_a_postcode_that_does_not_exist_says_so(client, write_to_your_mp):
    page = place_step(client, write_to_your_mp, "SW1A 9ZZ")
    assert page.status_code == 400
    assert "We could not find the postcode SW1A 9ZZ" in page.content.decode()


@pytest.mark.parametrize("text", ["hello", "53703", "SW1A 0AAA"])
def test_text_that_is_no_postcode_says_so(client, write_to_your_mp, text):
    page = place_step(client, write_to_your_mp, text)
    assert page.status_code == 400
    assert "That is not a UK postcode" in page.content.decode()


def test_northern_ireland_picks_from_its_18_seats_and_never_a_guessed_one(client, write_to_your_mp):
    from tocsin.districts import uk
    from tocsin.targets.models import Target

    page = place_step(client, write_to_your_mp, "BT1 5GS")
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert "BT1 5GS is in Northern Ireland" in html
    seats = re.findall(r'<button type="submit" name="seat" value="(N\d+)">', html)
    assert len(seats) == 18
    assert not re.search(r'name="step" value="letter"', html)

    # A GB seat sent with a BT postcode is not taken: the list is shown again.
    again = place_step(client, write_to_your_mp, "BT1 5GS", seat="E14001172")
    assert 'name="step" value="letter"' not in again.content.decode()

    belfast = next(
        ref for ref in uk.northern_ireland_constituencies() if "Belfast South" in ref.name
    )
    chosen = unescape(
        place_step(client, write_to_your_mp, "BT1 5GS", seat=belfast.code).content.decode()
    )
    mp = Target.objects.mp_for(belfast.code)
    assert 'name="step" value="letter"' in chosen
    assert mp.name in chosen


def test_a_location_finds_the_seat_it_is_in(client, write_to_your_mp):
    # Westminster Bridge, London.
    page = client.post(
        write_url(write_to_your_mp),
        {"step": "location", "latitude": "51.5008", "longitude": "-0.1219"},
    )
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert re.search(
        r"<strong>(Cities of London and Westminster|Vauxhall and Camberwell Green)", html
    )
    far = client.post(
        write_url(write_to_your_mp), {"step": "location", "latitude": "0", "longitude": "0"}
    )
    assert far.status_code == 400
    assert "not inside any UK constituency" in far.content.decode()


def test_a_uk_supporter_writes_to_their_mp_who_gets_it_after_the_confirmation(
    client, write_to_your_mp, smtp_server, run_tasks, settings
):
    from tocsin.targets.models import Target

    settings.TOCSIN_BASE_URL = "http://testserver"
    letter_page = place_step(client, write_to_your_mp, "M1 1AE").content.decode()
    client.post(write_url(write_to_your_mp), letter_data(letter_page, town="Manchester"))
    run_tasks()
    [confirmation] = smtp_server.messages
    client.post(confirm_path(confirmation))
    run_tasks()
    mp = Target.objects.get(pk=Letter.objects.get().target_id)
    [to_mp] = smtp_server.messages[1:]
    assert to_mp["To"] == mp.email
    assert parseaddr(to_mp["Reply-To"])[1] == SUPPORTER
    letter = Letter.objects.get()
    assert letter.postcode == "M1 1AE"
    assert letter.country == "GB"
    assert letter.place == mp.constituency


def test_a_split_zip_asks_which_district(client, congress_data):
    action = WriteActionFactory(target_mode=WriteAction.TargetMode.LOOKUP)
    page = client.post(write_url(action), {"step": "place", "postcode": "91711"})
    html = page.content.decode()
    assert "split between 6 districts" in html
    assert 'name="step" value="letter"' not in html
    picked = client.post(write_url(action), {"step": "place", "postcode": "91711", "seat": "CA-28"})
    assert 'name="step" value="letter"' in picked.content.decode()
    not_there = client.post(
        write_url(action), {"step": "place", "postcode": "91711", "seat": "WI-2"}
    )
    assert 'name="step" value="letter"' not in not_there.content.decode()
