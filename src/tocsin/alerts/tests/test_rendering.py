"""Issue 18: each alert as its reader gets it: their language, their first name, their own
targets with the whip count's stances, a button to the action with the alert's source code and
their prefill token, the organizer's Markdown sanitised, the CSS inlined, a plain-text part;
and the organizer told, before sending, what in the texts will not work."""

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tocsin.alerts import actions, rendering
from tocsin.alerts.models import Alert
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallAction
from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Campaign, Stance
from tocsin.events.factories import EventFactory, SessionFactory
from tocsin.fundraising.factories import FundraiserFactory
from tocsin.organizations.factories import OrganizationFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.supporters import prefill
from tocsin.supporters.factories import SupporterFactory
from tocsin.targets.factories import CustomTargetFactory, LegislatorFactory, SenatorFactory
from tocsin.whip.services import record_stance

pytestmark = pytest.mark.django_db

BASE_URL = "https://act.example.org"
UNSUBSCRIBE = "https://act.example.org/alerts/unsubscribe/abc/?x=1&y=2"
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TOCSIN_BASE_URL = BASE_URL


@pytest.fixture
def wisconsin():
    """Wisconsin's delegation for WI-2, with the whip count of a campaign about them."""
    organization = OrganizationFactory(name="Spyware Watch")
    campaign = CampaignFactory(
        organization=organization, title="Stop the spyware sales", slug="spyware"
    )
    pocan = LegislatorFactory(name="Mark Pocan", state="WI", district=2)
    baldwin = SenatorFactory(name="Tammy Baldwin", state="WI", senate_rank="senior")
    johnson = SenatorFactory(name="Ron Johnson", state="WI", senate_rank="junior")
    LegislatorFactory(name="Derrick Van Orden", state="WI", district=3)
    record_stance(campaign, baldwin, Stance.UNDECIDED)
    record_stance(campaign, johnson, Stance.OPPOSES)
    record_stance(campaign, pocan, Stance.UNKNOWN)
    return {
        "organization": organization,
        "campaign": campaign,
        "pocan": pocan,
        "baldwin": baldwin,
        "johnson": johnson,
    }


def call_alert(campaign, *, mode=CallAction.TargetMode.LOOKUP, **texts) -> Alert:
    # One call action per campaign: a second alert links the same one.
    action = CallAction.objects.filter(campaign=campaign).first() or CallActionFactory(
        campaign=campaign, title="Call your members", target_mode=mode
    )
    fields = {
        "subject_en": "{first_name}, call today",
        "body_en": "Hello {first_name},\n\n{your_targets}.\n\n[Read why](https://example.org/why)",
        "button_label_en": "Call now",
        "subject_es": "{first_name}, llama hoy",
        "body_es": "Hola {first_name}:\n\n{your_targets}.",
        "button_label_es": "Llamar",
        **texts,
    }
    return Alert.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        action_kind=Alert.ActionKind.CALL,
        action_id=action.pk,
        **fields,
    )


def person(organization, **fields):
    defaults = {"name": "Ana López", "state": "WI", "district": "WI-02", "language": "en"}
    return SupporterFactory(organization=organization, **{**defaults, **fields})


def render(alert, supporter):
    return rendering.prepare(alert).render(supporter, unsubscribe_url=UNSUBSCRIBE)


def visible_text(page: str) -> str:
    """The HTML part without its tags, as a reader sees it (entities left as they are)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# ---------------------------------------------------------------------------- targets line


def test_their_own_members_with_the_whip_count_stances(wisconsin):
    alert = call_alert(wisconsin["campaign"])

    mail = render(alert, person(wisconsin["organization"]))

    line = (
        "Your Representative, Mark Pocan; your senators, Tammy Baldwin (undecided) "
        "and Ron Johnson (opposes)"
    )
    assert line in mail.text
    assert line in mail.html
    # Someone else's district is someone else's member.
    assert "Van Orden" not in mail.text


def test_stances_in_the_readers_language(wisconsin):
    alert = call_alert(wisconsin["campaign"])

    mail = render(alert, person(wisconsin["organization"], language="es"))

    assert mail.language == "es"
    assert mail.subject == "Ana, llama hoy"
    assert "Tammy Baldwin (indeciso)" in mail.text
    assert "Ron Johnson (se opone)" in mail.text


def test_a_state_without_a_district_names_the_senators_only(wisconsin):
    alert = call_alert(wisconsin["campaign"])

    mail = render(alert, person(wisconsin["organization"], district=""))

    assert "Your senators, Tammy Baldwin (undecided) and Ron Johnson (opposes)." in mail.text
    assert "Pocan" not in mail.text


def test_a_fixed_list_names_the_campaign_targets_and_says_whose_they_are(wisconsin):
    campaign = wisconsin["campaign"]
    CampaignTargetFactory(campaign=campaign, target=wisconsin["baldwin"])
    alert = call_alert(campaign, mode=CallAction.TargetMode.FIXED)

    in_wisconsin = render(alert, person(wisconsin["organization"]))
    elsewhere = render(alert, person(wisconsin["organization"], state="", district=""))

    assert "Your Senator, Tammy Baldwin (undecided)." in in_wisconsin.text
    assert "Senator Tammy Baldwin (undecided)." in elsewhere.text
    assert "Your Senator" not in elsewhere.text


def test_a_petition_names_the_campaign_targets_of_their_place_first(wisconsin):
    campaign = wisconsin["campaign"]
    minister = CustomTargetFactory(
        organization=wisconsin["organization"], name="Jane Roe", title="Trade Secretary"
    )
    record_stance(campaign, minister, Stance.LEANS_NO)
    CampaignTargetFactory(campaign=campaign, target=minister)
    petition = PetitionFactory(campaign=campaign)
    alert = Alert.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        action_kind=Alert.ActionKind.SIGN,
        action_id=petition.pk,
        subject_en="Sign",
        body_en="{your_targets}.",
        button_label_en="Sign",
    )

    only_custom = render(alert, person(wisconsin["organization"]))
    CampaignTargetFactory(campaign=campaign, target=wisconsin["johnson"])
    with_their_senator = render(alert, person(wisconsin["organization"]))

    assert "Trade Secretary Jane Roe (leaning no)." in only_custom.text
    assert "Your Senator, Ron Johnson (opposes)." in with_their_senator.text
    assert "Jane Roe" not in with_their_senator.text


def test_unknown_place_gives_the_organizers_fallback_line_in_their_language(wisconsin):
    alert = call_alert(
        wisconsin["campaign"],
        targets_fallback_en="Your members of Congress have not spoken up yet",
        targets_fallback_es="Sus representantes aún no se han pronunciado",
    )
    organization = wisconsin["organization"]

    english = render(alert, person(organization, state="", district=""))
    spanish = render(alert, person(organization, state="", district="", language="es"))
    abroad = render(alert, person(organization, country="GB", state="", district="Islington"))

    assert "Your members of Congress have not spoken up yet." in english.text
    assert "Sus representantes aún no se han pronunciado." in spanish.text
    assert "Your members of Congress have not spoken up yet." in abroad.text


def test_without_a_fallback_line_the_standard_one_links_to_the_campaign(wisconsin):
    alert = call_alert(wisconsin["campaign"])

    mail = render(alert, person(wisconsin["organization"], state="", district=""))

    campaign_url = BASE_URL + wisconsin["campaign"].get_absolute_url()
    assert f"on the campaign's page ({campaign_url})." in mail.text
    assert f'<a href="{campaign_url}"' in mail.html


def test_render_asks_the_database_nothing_for_a_place_already_seen(
    wisconsin, django_assert_num_queries
):
    alert = call_alert(wisconsin["campaign"])
    prepared = rendering.prepare(alert)
    neighbours = [person(wisconsin["organization"], name=f"Neighbour {n}") for n in range(3)]
    prepared.render(neighbours[0], unsubscribe_url=UNSUBSCRIBE)

    with django_assert_num_queries(0):
        for neighbour in neighbours:
            mail = prepared.render(neighbour, unsubscribe_url=UNSUBSCRIBE)
            assert "Tammy Baldwin (undecided)" in mail.text


# ---------------------------------------------------------------------------- placeholders


def test_first_name_and_a_greeting_without_a_name(wisconsin):
    alert = call_alert(wisconsin["campaign"])
    organization = wisconsin["organization"]

    named = render(alert, person(organization, name="  Ana   María López "))
    nameless = render(alert, person(organization, name=""))

    assert named.subject == "Ana, call today"
    assert named.text.startswith("Hello Ana,")
    assert "Hello Ana," in named.html
    assert nameless.subject == "friend, call today"
    assert nameless.text.startswith("Hello friend,")


def test_personal_values_are_escaped_and_never_read_as_placeholders(wisconsin):
    alert = call_alert(wisconsin["campaign"])
    organization = wisconsin["organization"]

    tagged = render(alert, person(organization, name="<b>Ana</b> López"))
    braces = render(alert, person(organization, name="{your_targets} López"))
    newline = render(alert, person(organization, name="Ana\r\nBcc: x@example.org"))

    assert "<b>Ana" not in tagged.html
    assert "Hello &lt;b&gt;Ana&lt;/b&gt;," in tagged.html
    assert tagged.text.startswith("Hello <b>Ana</b>,")
    assert "Hello {your_targets}," in braces.html
    assert braces.text.startswith("Hello {your_targets},")
    assert newline.subject == "Ana, call today"
    assert "\n" not in newline.subject


def test_each_version_in_the_readers_language(wisconsin):
    campaign = wisconsin["campaign"]
    alert = call_alert(campaign, subject_es="", body_es="", button_label_es="")
    organization = wisconsin["organization"]
    spanish_only = call_alert(
        CampaignFactory(organization=organization, language="es"),
        subject_en="",
        body_en="",
        button_label_en="",
    )

    assert rendering.languages_of(alert) == ["en"]
    assert rendering.language_for(alert, person(organization, language="es")) == "en"
    both = call_alert(campaign)
    assert rendering.languages_of(both) == ["en", "es"]
    assert rendering.language_for(both, person(organization, language="es")) == "es"
    assert rendering.language_for(both, person(organization, language="es-mx")) == "es"
    # Neither theirs: the campaign's own language.
    campaign.language = "es"
    campaign.save()
    both.refresh_from_db()
    assert rendering.language_for(both, person(organization, language="fr")) == "es"
    assert rendering.language_for(spanish_only, person(organization, language="en")) == "es"

    mail = render(both, person(organization, language="es"))
    assert mail.text.startswith("Hola Ana:")
    assert 'lang="es"' in mail.html
    assert "Hello" not in mail.text


# ---------------------------------------------------------------------------- the mail


def test_markdown_is_sanitised(wisconsin):
    body = (
        "Hi {first_name}\n\n<script>alert('x')</script>\n\n[Click](javascript:alert(1)) "
        '<a href="java&#115;cript:alert(2)">here</a> <img src=x onerror="alert(3)">'
    )
    alert = call_alert(wisconsin["campaign"], body_en=body)

    mail = render(alert, person(wisconsin["organization"]))

    assert "<script" not in mail.html.lower()
    assert "javascript" not in mail.html.lower()
    assert "onerror" not in mail.html
    assert "alert(1)" not in mail.text
    assert "Click" in mail.text


def test_css_is_inlined_and_the_button_opens_their_action(wisconsin):
    alert = call_alert(wisconsin["campaign"], preheader_en="Five minutes, {first_name}")
    supporter = person(wisconsin["organization"])

    mail = render(alert, supporter)

    assert "<style" not in mail.html
    button = re.search(r'<a class="button" href="([^"]+)" style="([^"]+)"', mail.html)
    assert button, mail.html
    assert "background: #b3261e" in button[2]
    assert re.search(r'<td class="content" style="[^"]*font:', mail.html)
    url = button[1].replace("&amp;", "&")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    assert parts.path == reverse("calls:start", kwargs={"slug": "spyware"})
    query = parse_qs(parts.query)
    assert query["source"] == [f"alert-{alert.pk}"]
    assert prefill.person_for(query[prefill.PARAMETER][0]) == supporter
    # Nothing personal in the link.
    assert supporter.email not in url
    assert "Ana" not in url
    assert mail.preheader == "Five minutes, Ana"
    assert re.search(
        r'<div class="preheader" style="[^"]*display: none[^"]*">Five minutes, Ana', mail.html
    )
    assert "Spyware Watch" in mail.html
    assert 'href="https://act.example.org/alerts/unsubscribe/abc/?x=1&amp;y=2"' in mail.html
    assert "because you agreed to hear from Spyware Watch" in visible_text(mail.html)


def test_plain_text_part(wisconsin):
    body = (
        "Hello {first_name},\n\n## Why now\n\n- the vote is **Friday**\n- they are undecided\n\n"
        "[Read the report](https://example.org/report) or https://example.org/plain.\n\n"
        "> Quoted words"
    )
    alert = call_alert(wisconsin["campaign"], body_en=body)
    supporter = person(wisconsin["organization"])

    text = render(alert, supporter).text

    assert "<" not in text.replace("<b>", "")
    assert "Why now\n\n- the vote is Friday\n- they are undecided" in text
    assert "Read the report (https://example.org/report) or https://example.org/plain." in text
    assert "\n\n> Quoted words\n\n" in text
    assert not re.search(r"^>\s*$", text, re.MULTILINE)
    action = actions.action_url(alert, supporter)
    # The token is signed with the time: compare the link without it.
    button = re.search(r"^Call now: (\S+)$", text, re.MULTILINE)
    assert button
    assert button[1].split("&p=")[0] == action.split("&p=")[0]
    assert f"Unsubscribe from Spyware Watch's emails: {UNSUBSCRIBE}" in text
    assert "You are getting this email because you agreed to hear from Spyware Watch." in text


# ---------------------------------------------------------------------------- actions


def test_actions_of_the_organization_resolve_to_their_pages():
    organization = OrganizationFactory()
    campaign = CampaignFactory(organization=organization, slug="baldwin", title="Baldwin")
    call = CallActionFactory(campaign=campaign, title="Call Senator Baldwin")
    petition = PetitionFactory(campaign=campaign)
    event = SessionFactory(event=EventFactory(campaign=campaign, slug="rally")).event
    fundraiser = FundraiserFactory(campaign=campaign, slug="fund")
    stranger = CallActionFactory(campaign=CampaignFactory())
    closed = CallActionFactory(
        campaign=CampaignFactory(organization=organization, status=Campaign.Status.CLOSED)
    )

    offered = dict(actions.choices(organization))

    assert offered[f"call:{call.pk}"] == "Call — Baldwin: Call Senator Baldwin"
    assert {f"sign:{petition.pk}", f"rsvp:{event.pk}", f"give:{fundraiser.pk}"} <= set(offered)
    assert f"join:{campaign.pk}" in offered
    assert f"call:{stranger.pk}" not in offered
    assert f"call:{closed.pk}" not in offered
    assert not [value for value in offered if value.startswith("write:")]

    expected = {
        f"call:{call.pk}": "/c/baldwin/call/",
        f"sign:{petition.pk}": "/c/baldwin/sign/",
        f"rsvp:{event.pk}": "/events/rally/",
        f"give:{fundraiser.pk}": "/give/fund/",
        f"join:{campaign.pk}": "/c/baldwin/join/",
    }
    for value, path in expected.items():
        kind, action_id, linked_campaign = actions.parse_choice(organization, value)
        alert = Alert(organization=organization, action_kind=kind, action_id=action_id)
        linked = actions.resolve(alert)
        assert (linked.kind, linked.path, linked_campaign) == (kind, path, campaign)


def test_another_organizations_action_or_garbage_is_refused():
    from django.core.exceptions import ValidationError

    organization = OrganizationFactory()
    stranger = CallActionFactory(campaign=CampaignFactory())
    for value in (f"call:{stranger.pk}", "call:x", "write:1", "nonsense", "", "call:99999999"):
        with pytest.raises(ValidationError):
            actions.parse_choice(organization, value)


def test_a_deleted_action_resolves_to_nothing_and_the_button_to_the_campaign(wisconsin):
    alert = call_alert(wisconsin["campaign"])
    CallAction.objects.filter(pk=alert.action_id).delete()

    assert actions.resolve(alert) is None
    url = actions.action_url(alert)
    assert url == f"{BASE_URL}/c/spyware/?source=alert-{alert.pk}"
    assert "The action the button opens no longer exists: choose another." in (
        rendering.check_texts(alert)
    )
    mail = render(alert, person(wisconsin["organization"]))
    assert "/c/spyware/?source=" in mail.text


# ---------------------------------------------------------------------------- check_texts


def test_a_good_alert_has_no_problems(wisconsin):
    assert rendering.check_texts(call_alert(wisconsin["campaign"])) == []


def test_problems_the_organizer_is_told_of(wisconsin):
    alert = call_alert(
        wisconsin["campaign"],
        subject_en="Call\nBcc: everyone@example.org",
        body_en="Hi {fist_name}, <script>x()</script> [go](javascript:go())",
        button_label_en="",
        preheader_en="About {your_targets}",
        subject_es="Llama hoy",
        body_es="",
    )

    problems = rendering.check_texts(alert)

    assert problems == [
        "The subject in English has a line break: write it on one line.",
        "The button has no label in English.",
        "{your_targets} cannot be filled in in the preheader (English); it works in the message.",
        "{fist_name} in the message (English) is not something we can fill in: use "
        "{first_name} or {your_targets}.",
        "The message in English contains a script, which will be removed.",
        "The message in English has a “javascript:” link, which will be removed.",
        "There is a subject in Spanish but no message.",
    ]
    alert.subject_en = "x" * 151
    assert "The subject in English is longer than 150 characters." in (rendering.check_texts(alert))


def test_no_text_no_action_and_a_draft_campaign(wisconsin):
    alert = Alert.objects.create(organization=wisconsin["organization"], action_kind="")
    assert rendering.check_texts(alert) == [
        "Write a subject and a message in at least one language.",
        "Choose the action the button opens.",
    ]
    draft = CampaignFactory(
        organization=wisconsin["organization"], title="Quiet one", status=Campaign.Status.DRAFT
    )
    assert rendering.check_texts(call_alert(draft)) == [
        "The campaign “Quiet one” is not live: its pages do not open for supporters."
    ]


# ---------------------------------------------------------------------------- speed, looks


def test_render_speed(wisconsin, capsys):
    """Prepared once, each recipient's mail is string work: print the figure for the note."""
    alert = call_alert(wisconsin["campaign"])
    prepared = rendering.prepare(alert)
    people = [person(wisconsin["organization"], name=f"Person {n}") for n in range(200)]
    prepared.render(people[0], unsubscribe_url=UNSUBSCRIBE)
    started = time.perf_counter()
    for supporter in people:
        prepared.render(supporter, unsubscribe_url=UNSUBSCRIBE)
    each = (time.perf_counter() - started) / len(people)
    with capsys.disabled():
        print(f"\nrender per recipient: {each * 1e6:.0f} µs")
    # Generous: the sending rate needs a few milliseconds at most.
    assert each < 0.005


@pytest.mark.browser
def test_screenshots_at_phone_and_desktop_width(wisconsin, request):
    body = (
        "Hello {first_name},\n\nSenator Baldwin has still not said whether she will vote to "
        "stop the export of spyware to governments that use it against journalists. The vote "
        "is **this Friday**.\n\n{your_targets}.\n\nA call takes two minutes: we give you the "
        "number and the words to say.\n\n- Say you live in Wisconsin\n- Ask her to vote yes\n\n"
        "[Read the report on the sales](https://example.org/report)"
    )
    alert = call_alert(
        wisconsin["campaign"],
        subject_en="Call Senator Baldwin today",
        preheader_en="Two minutes before Friday's vote",
        body_en=body,
        button_label_en="Call Senator Baldwin now",
    )
    mail = render(alert, person(wisconsin["organization"]))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "alert-mail.html").write_text(mail.html)
    # The browser only once the mail is made: Playwright's loop would give the ORM another
    # connection, which SQLite's open test transaction locks out.
    page = request.getfixturevalue("browser_page")
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.set_content(mail.html)
        page.screenshot(path=str(ARTIFACTS / f"alert-mail-{width}.png"), full_page=True)
        button = page.locator("a.button").bounding_box()
        # A big target for a thumb, inside the page, never wider than the 600px column.
        assert button["height"] >= 44
        assert button["x"] >= 0
        assert button["x"] + button["width"] <= width
        assert button["width"] <= 600
    assert page.locator(".preheader").is_hidden()
