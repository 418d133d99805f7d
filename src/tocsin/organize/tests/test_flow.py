import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tocsin.alerts.models import Alert
from tocsin.calls.factories import CallActionFactory, CallReportFactory
from tocsin.calls.models import CallAction, CallerAnswer
from tocsin.campaigns.factories import CampaignFactory
from tocsin.campaigns.models import Campaign
from tocsin.dashboard import rollups
from tocsin.events.models import Event
from tocsin.fundraising.models import Fundraiser
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import PetitionAction, Signature
from tocsin.targets.factories import OfficeFactory, SenatorFactory
from tocsin.targets.models import Target

pytestmark = pytest.mark.django_db

BASICS = {
    "title": "Senator Baldwin: don't recognise the stolen Honduran election",
    "summary": "Ask Senator Baldwin to reject the declared result.",
    "demands": "1. Do not recognise the result.\n2. Suspend relations.\n\n3) Cut off all aid.",
    "deadline": "",
    "language": "en",
    "country": "US",
}


@pytest.fixture
def organization():
    return OrganizationFactory(name="SOA Watch")


@pytest.fixture
def organizer(organization):
    user = OrganizerFactory(organizations=[organization])
    # The organizers' group has no letters permissions yet (organizations/roles.py).
    user.user_permissions.add(Permission.objects.get(codename="add_writeaction"))
    return user


def _start(client, **changes) -> Campaign:
    response = client.post(reverse("organize:new"), BASICS | changes)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Campaign.objects.get(title=(BASICS | changes)["title"])


def _signature(petition, n, **fields):
    return Signature.objects.create(
        petition=petition, email=f"s{n}@example.org", name=f"Signer {n}", **fields
    )


def test_home_shows_own_campaigns_with_figures_and_what_needs_attention(client, organization):
    organizer = OrganizerFactory(organizations=[organization])
    mine = CampaignFactory(organization=organization, title="Free the river defenders")
    petition = PetitionFactory(campaign=mine, goal=10)
    now = timezone.now()
    for n in range(3):
        _signature(petition, n, confirmed_at=now)
    _signature(petition, 9, confirmed_at=now, held_at=now)
    senator = SenatorFactory(name="Tammy Baldwin")
    call = CallActionFactory(campaign=mine)
    CallReportFactory(action=call, office=OfficeFactory(target=senator), answer=CallerAnswer.YES)
    Alert.objects.create(
        organization=organization,
        campaign=mine,
        action_kind=Alert.ActionKind.SIGN,
        subject="Sign today",
        button_label="Sign",
        status=Alert.Status.SCHEDULED,
        scheduled_for=now + datetime.timedelta(hours=3),
    )
    theirs = CampaignFactory(organization=OrganizationFactory(), title="Another group's drive")
    rollups.refresh()

    client.force_login(organizer)
    response = client.get(reverse("organize:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.title in page
    assert theirs.title not in page
    summary = next(s for s in response.context["summaries"] if s.campaign == mine)
    # 3 counted signatures and 1 call today, as the dashboard's rollups count them.
    assert (summary.today, summary.this_week, summary.total) == (4, 4, 4)
    assert summary.goal_percent == 30
    attention = {item.label: item.count for item in summary.attention}
    assert attention["Signatures held for review"] == 1
    assert attention["Callers' answers to confirm"] == 1
    assert attention["Alerts scheduled"] == 1
    assert reverse("dashboard:campaign", args=[mine.pk]) in page


def test_home_needs_the_back_office_sign_in(client):
    response = client.get(reverse("organize:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=/organize/" in response["Location"]


def test_the_admin_index_leads_to_the_organizer_home(client, organizer):
    client.force_login(organizer)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="organize-home-link"' in page
    assert reverse("organize:home") in page


def test_the_flow_builds_a_call_campaign_with_a_custom_target_and_a_petition(
    client, organizer, organization
):
    client.force_login(organizer)
    campaign = _start(client, deadline=str(timezone.localdate() + datetime.timedelta(days=10)))
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.organization == organization
    assert [d.text for d in campaign.demands.all()] == [
        "Do not recognise the result.",
        "Suspend relations.",
        "Cut off all aid.",
    ]
    actions = reverse("organize:actions", args=[campaign.pk])
    targets = reverse("organize:targets", args=[campaign.pk])
    senator = SenatorFactory(name="Tammy Baldwin", state="WI")
    client.post(targets, {"what": "legislators", "target": [senator.pk]})
    response = client.post(
        targets,
        {
            "what": "custom",
            "name": "Honduras Desk",
            "title": "US Department of State",
            "phone": "202-736-7660",
            "city": "Washington",
            "email": "",
        },
    )
    assert response.status_code == 302
    desk = Target.objects.get(name="Honduras Desk")
    assert desk.organization == organization
    assert desk.kind == Target.Kind.CUSTOM
    assert desk.offices.get().phone == "202-736-7660"
    assert list(campaign.targets.order_by("name")) == [desk, senator]

    response = client.post(
        actions,
        {
            "kind": "call",
            "title": "Call Senator Baldwin, then the State Department",
            "intro": "",
            "script": "Hello, I am calling to ask {title} {name} not to recognise the result.",
            "target_mode": "fixed",
            "chambers": "both",
            "share_text": "I called Senator Baldwin. #HondurasElections2017",
        },
    )
    assert response.status_code == 302
    call = CallAction.objects.get(campaign=campaign)
    assert call.script_en.startswith("Hello")
    assert call.share_text.endswith("2017")
    response = client.post(
        actions, {"kind": "petition", "title": "Sign", "text": "We ask...", "goal": "500"}
    )
    assert response.status_code == 302
    assert PetitionAction.objects.get(campaign=campaign).goal == 500
    response = client.post(
        actions,
        {
            "kind": "write",
            "title": "Write to the Senator",
            "subject": "Do not recognise the result",
            "letter": "Dear {title} {name}, ...",
            "target_mode": "fixed",
        },
    )
    assert response.status_code == 302
    assert campaign.write_actions.get().slug == "write-to-the-senator"

    preview = client.get(reverse("organize:preview", args=[campaign.pk]))
    assert preview.context["problems"] == []
    # The phone preview reads the script as the first person called hears it.
    page = preview.content.decode()
    assert "{name}" not in page
    first = campaign.campaign_targets.select_related("target").first().target
    assert f"to ask {first.title} {first.name} not to recognise" in page
    response = client.post(reverse("organize:publish", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE
    client.logout()
    assert client.get(campaign.get_absolute_url()).status_code == 200
    # A second press changes nothing, and the live campaign leaves the flow.
    client.force_login(organizer)
    assert client.post(reverse("organize:publish", args=[campaign.pk])).status_code == 302
    assert client.get(actions).status_code == 404


def test_leaving_and_coming_back_resumes_the_draft(client, organizer):
    client.force_login(organizer)
    campaign = _start(client)
    response = client.get(reverse("organize:basics", args=[campaign.pk]))
    assert response.context["form"].initial["title"] == BASICS["title"]
    response = client.post(
        reverse("organize:basics", args=[campaign.pk]),
        BASICS | {"demands": "Only one demand now", "title": "Shorter title"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Shorter title"
    assert [d.text for d in campaign.demands.all()] == ["Only one demand now"]
    assert Campaign.objects.count() == 1


def test_the_checklist_blocks_publishing_without_a_script_or_with_a_past_deadline(
    client, organizer, organization
):
    client.force_login(organizer)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    campaign = _start(client, deadline=str(yesterday))
    CallAction.objects.create(campaign=campaign, title="Call", script="")
    problems = [
        p.text
        for p in client.get(reverse("organize:preview", args=[campaign.pk])).context["problems"]
    ]
    assert "The call has no script." in problems
    assert "The deadline is in the past." in problems
    assert "The call has no one to call: add targets." in problems
    response = client.post(reverse("organize:publish", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_missing_spanish_blocks_when_the_organization_writes_in_spanish(
    client, organizer, organization
):
    CampaignFactory(organization=organization, language="es")
    client.force_login(organizer)
    campaign = _start(client)
    client.post(
        reverse("organize:actions", args=[campaign.pk]),
        {"kind": "petition", "title": "Sign", "text": "We ask...", "goal": ""},
    )
    problems = [
        p.text
        for p in client.get(reverse("organize:preview", args=[campaign.pk])).context["problems"]
    ]
    assert any(p.startswith("No Spanish text") for p in problems)


def test_another_organizations_organizer_gets_404_in_the_flow(client, organizer):
    client.force_login(organizer)
    campaign = _start(client)
    stranger = OrganizerFactory(organizations=[OrganizationFactory(name="Other group")])
    client.force_login(stranger)
    for name in ("basics", "actions", "preview"):
        assert client.get(reverse(f"organize:{name}", args=[campaign.pk])).status_code == 404
    post = {"kind": "petition", "title": "Sign", "text": "x"}
    assert client.post(reverse("organize:actions", args=[campaign.pk]), post).status_code == 404
    assert client.post(reverse("organize:publish", args=[campaign.pk])).status_code == 404
    targets = reverse("organize:targets", args=[campaign.pk])
    assert client.post(targets, {"what": "custom", "name": "X"}).status_code == 404
    assert not PetitionAction.objects.exists()
    assert campaign.title not in client.get(reverse("organize:home")).content.decode()


def test_an_organizer_made_a_volunteer_can_no_longer_build_there(client, organizer):
    from tocsin.organizations.models import Membership, Role

    client.force_login(organizer)
    campaign = _start(client)
    Membership.objects.filter(user=organizer).update(role=Role.VOLUNTEER)
    assert client.get(reverse("organize:actions", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("organize:publish", args=[campaign.pk])).status_code == 404


def test_creating_needs_the_add_campaign_permission(client, organizer):
    organizer.groups.clear()
    organizer.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    client.force_login(organizer)
    assert client.get(reverse("organize:new")).status_code == 403
    assert client.post(reverse("organize:new"), BASICS).status_code == 403
    assert not Campaign.objects.exists()


def test_bad_input_gives_form_errors_and_changes_nothing(client, organizer):
    client.force_login(organizer)
    response = client.post(reverse("organize:new"), BASICS | {"title": "", "demands": "  \n"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"title", "demands"}
    response = client.post(reverse("organize:new"), BASICS | {"deadline": "not a date"})
    assert response.status_code == 400
    assert not Campaign.objects.exists()

    campaign = _start(client)
    actions = reverse("organize:actions", args=[campaign.pk])
    targets = reverse("organize:targets", args=[campaign.pk])
    for post in (
        {"kind": "call", "title": "Call", "script": "", "target_mode": "nonsense"},
        {"kind": "petition", "title": "Sign", "text": "x", "goal": "-4"},
        {"kind": "write", "title": "Write", "subject": "", "letter": ""},
        {
            "kind": "event",
            "title": "Vigil",
            "time_zone": "Mars/Olympus",
            "starts_at": "2030-01-01T18:00",
            "ends_at": "2030-01-01T17:00",
            "capacity": "0",
            "organizer_email": "no",
        },
    ):
        assert client.post(actions, post).status_code == 400, post
    response = client.post(targets, {"what": "custom", "name": "Desk", "phone": "1900 555"})
    assert response.status_code == 400
    assert response.context["target_form"].errors["phone"]
    assert (
        client.post(targets, {"what": "legislators", "target": ["x", "99999"]}).status_code == 302
    )
    assert client.post(targets, {"what": "remove", "target": "1e9"}).status_code == 302
    assert client.post(actions, {"kind": "fundraiser"}).status_code == 400
    assert client.post(actions, {"kind": "petition-and-more"}).status_code == 404
    assert not Fundraiser.objects.exists()
    assert not CallAction.objects.exists()
    assert not PetitionAction.objects.exists()
    assert not Event.objects.exists()
    assert not Target.objects.exists()
    assert client.get(actions + "?state=%00%FF").status_code == 200


def test_an_event_takes_its_time_zone_from_the_list(client, organizer):
    client.force_login(organizer)
    campaign = _start(client)
    response = client.post(
        reverse("organize:actions", args=[campaign.pk]),
        {
            "kind": "event",
            "title": "Vigil at the federal building",
            "description": "",
            "time_zone": "America/Chicago",
            "starts_at": "2030-01-05T18:00",
            "ends_at": "2030-01-05T19:30",
            "venue_name": "Federal building",
            "venue_address": "517 E Wisconsin Ave, Milwaukee",
            "capacity": "40",
            "organizer_email": "vigil@example.org",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(campaign=campaign)
    session = event.sessions.get()
    assert event.time_zone == "America/Chicago"
    assert not event.is_published
    assert session.starts_at == datetime.datetime(2030, 1, 6, 0, 0, tzinfo=datetime.UTC)


FUNDRAISER = {
    "kind": "fundraiser",
    "title": "Fighting fund",
    "currency": "GBP",
    "goal": "5,000",
    "suggested_amounts": "10, 25, 50",
    "story": "Pays for the lawyers of the river defenders.",
}


def test_the_flow_adds_a_fundraiser_that_takes_gifts_once_live(client, organizer):
    client.force_login(organizer)
    campaign = _start(client)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    url = reverse("organize:actions", args=[campaign.pk])
    response = client.post(url, FUNDRAISER | {"deadline": str(deadline)})
    assert response.status_code == 302
    fundraiser = Fundraiser.objects.get(campaign=campaign)
    assert fundraiser.organization == campaign.organization
    assert (fundraiser.goal, fundraiser.currency) == (500_000, "GBP")
    assert fundraiser.suggested() == [1000, 2500, 5000]
    assert not fundraiser.is_open  # a draft's fundraiser takes nothing yet
    # Saving again changes the same fundraiser; the form shows what was saved.
    client.post(url, FUNDRAISER | {"deadline": str(deadline), "goal": "6000"})
    assert Fundraiser.objects.get(campaign=campaign).goal == 600_000
    assert client.get(url).context["fundraiser_form"].initial["goal"] == "6000"
    assert Fundraiser.objects.count() == 1

    client.post(reverse("organize:publish", args=[campaign.pk]))
    fundraiser.refresh_from_db()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE
    assert fundraiser.is_open


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"goal": "lots"}, "goal"),
        ({"goal": "0"}, "goal"),
        ({"suggested_amounts": "10, many"}, "suggested_amounts"),
        ({"suggested_amounts": "99999999"}, "suggested_amounts"),
        ({"currency": "XXX"}, "currency"),
        ({"deadline": "2001-01-01"}, "deadline"),
    ],
)
def test_a_bad_fundraiser_gets_its_message_and_stores_nothing(client, organizer, changes, field):
    client.force_login(organizer)
    campaign = _start(client)
    deadline = str(timezone.localdate() + datetime.timedelta(days=30))
    response = client.post(
        reverse("organize:actions", args=[campaign.pk]),
        FUNDRAISER | {"deadline": deadline} | changes,
    )
    assert response.status_code == 400
    assert field in response.context["fundraiser_form"].errors
    assert not Fundraiser.objects.exists()


def test_the_main_action_must_be_one_the_campaign_has(client, organizer):
    client.force_login(organizer)
    campaign = _start(client)
    url = reverse("organize:actions", args=[campaign.pk])
    client.post(url, {"kind": "main", "primary_action": "give"})
    campaign.refresh_from_db()
    assert campaign.primary_action == "give"
    problems = [
        p.text
        for p in client.get(reverse("organize:preview", args=[campaign.pk])).context["problems"]
    ]
    assert any("top of the page (Give)" in p for p in problems)

    client.post(url, {"kind": "main", "primary_action": "join"})
    campaign.refresh_from_db()
    assert campaign.primary_action == "join"
    problems = [
        p.text
        for p in client.get(reverse("organize:preview", args=[campaign.pk])).context["problems"]
    ]
    assert not any("top of the page" in p for p in problems)

    client.post(url, {"kind": "main", "primary_action": "shout"})
    campaign.refresh_from_db()
    assert campaign.primary_action == "join"


def test_the_preview_frames_the_draft_page_which_its_organizers_may_frame(client, organizer):
    client.force_login(organizer)
    campaign = _start(client)
    preview = client.get(reverse("organize:preview", args=[campaign.pk])).content.decode()
    assert f'<iframe src="{campaign.get_absolute_url()}"' in preview
    page = client.get(campaign.get_absolute_url())
    assert page.status_code == 200
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    assert page.get("X-Frame-Options", "SAMEORIGIN") == "SAMEORIGIN"
