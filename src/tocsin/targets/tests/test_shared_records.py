"""Members of Congress are shared by every organization: an organizer's correction shows on
their own organization's campaigns only, and only the installation's administrator changes the
shared record."""

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.targets.factories import CustomTargetFactory, OfficeFactory, SenatorFactory
from tocsin.targets.models import Office, OfficeCorrection, SocialAccount, Target
from tocsin.targets.services import offices_for

pytestmark = pytest.mark.django_db

LISTED = "202-224-5653"
OURS = "608-555-0123"


@pytest.fixture
def shared(db):
    """A senator on a campaign of ours and one of theirs; an organizer in each group."""
    ours, theirs = OrganizationFactory(name="Our Group"), OrganizationFactory(name="Their Group")
    senator = SenatorFactory(name="Tammy Baldwin", state="WI", bioguide_id="B001230")
    washington = OfficeFactory(target=senator, kind=Office.Kind.WASHINGTON, phone=LISTED)
    madison = OfficeFactory(
        target=senator,
        kind=Office.Kind.DISTRICT,
        city="Madison",
        state="WI",
        phone="608-264-5338",
        position=1,
    )
    campaigns = {}
    for name, organization in (("ours", ours), ("theirs", theirs)):
        campaigns[name] = CampaignFactory(organization=organization)
        CampaignTargetFactory(campaign=campaigns[name], target=senator)
    return {
        "ours": ours,
        "theirs": theirs,
        "organizer": OrganizerFactory(organizations=[ours]),
        "their_organizer": OrganizerFactory(organizations=[theirs]),
        "senator": senator,
        "washington": washington,
        "madison": madison,
        "our_campaign": campaigns["ours"],
        "their_campaign": campaigns["theirs"],
    }


@pytest.fixture
def organizer_client(client, shared):
    client.force_login(shared["organizer"])
    return client


def correct(client, shared, **fields):
    data = {"organization": shared["ours"].pk, "office": shared["washington"].pk}
    data |= {"phone": "", **fields}
    return client.post(reverse("admin:targets_officecorrection_add"), data)


def test_an_organizer_cannot_change_a_member_of_congress(organizer_client, shared):
    senator, office = shared["senator"], shared["washington"]
    url = reverse("admin:targets_target_change", args=[senator.pk])
    page = organizer_client.get(url)
    assert page.status_code == 200  # they may look
    html = page.content.decode()
    for name in ("offices-0-phone_override", "offices-0-hidden", "email", "photo_url"):
        assert f'name="{name}"' not in html
    # Each office links to the form for a correction of our own.
    add = reverse("admin:targets_officecorrection_add")
    assert f'href="{add}?office={office.pk}"' in html
    form = organizer_client.get(add, {"office": office.pk}).content.decode()
    assert f'<option value="{office.pk}" selected>' in form

    response = organizer_client.post(
        url,
        {
            "email": "tracker@example.com",
            "photo_url": "https://tracker.example/pixel.gif",
            "offices-TOTAL_FORMS": 2,
            "offices-INITIAL_FORMS": 2,
            "offices-0-id": office.pk,
            "offices-0-target": senator.pk,
            "offices-0-position": 0,
            "offices-0-phone_override": "1-900-225-5288",
            "offices-1-id": shared["madison"].pk,
            "offices-1-target": senator.pk,
            "offices-1-position": 1,
            "offices-1-hidden": "on",
            "social_accounts-TOTAL_FORMS": 1,
            "social_accounts-INITIAL_FORMS": 0,
            "social_accounts-0-network": "x",
            "social_accounts-0-handle": "spam",
        },
    )
    assert response.status_code == 403
    office.refresh_from_db()
    shared["madison"].refresh_from_db()
    senator.refresh_from_db()
    assert (office.phone_override, shared["madison"].hidden, senator.email) == ("", False, "")
    assert not SocialAccount.objects.exists()


def test_corrections_show_on_our_campaigns_only(organizer_client, shared, client):
    assert correct(organizer_client, shared, phone=OURS).status_code == 302
    response = correct(organizer_client, shared, office=shared["madison"].pk, hidden="on", phone="")
    assert response.status_code == 302

    ours = client.get(shared["our_campaign"].get_absolute_url()).content.decode()
    assert 'href="tel:+16085550123"' in ours
    assert LISTED not in ours
    assert "Madison" not in ours
    theirs = client.get(shared["their_campaign"].get_absolute_url()).content.decode()
    assert OURS not in theirs
    assert 'href="tel:+12022245653"' in theirs
    assert "Madison" in theirs

    # The shared record itself is untouched.
    shared["washington"].refresh_from_db()
    assert (shared["washington"].phone, shared["washington"].phone_override) == (LISTED, "")


def test_a_correction_is_for_our_own_group_and_seen_by_it_alone(organizer_client, shared, client):
    response = correct(organizer_client, shared, phone=OURS, organization=shared["theirs"].pk)
    assert response.status_code == 200  # the form comes back with an error
    assert not OfficeCorrection.objects.exists()
    correct(organizer_client, shared, phone=OURS)
    correction = OfficeCorrection.objects.get()
    assert correction.organization == shared["ours"]

    client.force_login(shared["their_organizer"])
    listing = client.get(reverse("admin:targets_officecorrection_changelist")).content.decode()
    assert OURS not in listing
    change = reverse("admin:targets_officecorrection_change", args=[correction.pk])
    assert client.get(change).status_code == 302  # "does not exist"
    client.post(change, {"organization": shared["theirs"].pk, "office": correction.office_id})
    correction.refresh_from_db()
    assert (correction.organization, correction.phone) == (shared["ours"], OURS)


@pytest.mark.parametrize(
    "phone", ["1-900-225-5288", "not a number", "202-224-565", "+1 976 555 0100"]
)
def test_a_corrected_number_must_be_an_ordinary_line(organizer_client, shared, phone):
    response = correct(organizer_client, shared, phone=phone)
    assert response.status_code == 200
    assert "ordinary" in response.content.decode()
    assert not OfficeCorrection.objects.exists()


def test_a_correction_changes_something(organizer_client, shared):
    response = correct(organizer_client, shared, phone="")
    assert response.status_code == 200
    assert not OfficeCorrection.objects.exists()


def test_only_offices_of_members_of_congress_are_corrected(organizer_client, shared):
    desk = CustomTargetFactory(organization=shared["ours"], name="Baldwin Street Desk")
    desk_office = OfficeFactory(target=desk, phone="202-647-4000")
    found = organizer_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "targets",
            "model_name": "officecorrection",
            "field_name": "office",
            "term": "Baldwin",
        },
    ).json()["results"]
    assert {int(result["id"]) for result in found} == {
        shared["washington"].pk,
        shared["madison"].pk,
    }
    response = correct(organizer_client, shared, office=desk_office.pk, phone=OURS)
    assert response.status_code == 200
    assert not OfficeCorrection.objects.exists()


def test_offices_for_falls_back_from_our_correction_to_the_administrators_to_the_data(shared):
    senator, washington, madison = shared["senator"], shared["washington"], shared["madison"]
    ours, theirs = shared["ours"], shared["theirs"]

    def phones(organization):
        return [(o.pk, o.effective_phone) for o in offices_for(senator, organization)]

    assert phones(ours) == [(washington.pk, LISTED), (madison.pk, "608-264-5338")]
    Office.objects.filter(pk=washington.pk).update(phone_override="202-224-0000")
    OfficeCorrection.objects.create(organization=ours, office=madison, phone=OURS)
    assert phones(ours) == [(washington.pk, "202-224-0000"), (madison.pk, OURS)]
    assert phones(theirs) == [(washington.pk, "202-224-0000"), (madison.pk, "608-264-5338")]
    assert phones(None) == phones(theirs)

    OfficeCorrection.objects.create(organization=theirs, office=washington, hidden=True)
    assert phones(theirs) == [(madison.pk, "608-264-5338")]
    Office.objects.filter(pk=madison.pk).update(hidden=True)  # hidden by the administrator
    assert phones(ours) == [(washington.pk, "202-224-0000")]
    assert phones(theirs) == []
    assert offices_for(senator, ours.pk)[0].tel_uri == "tel:+12022240000"


def test_the_administrator_corrects_the_shared_record(admin_client, shared, client):
    senator, office = shared["senator"], shared["washington"]
    url = reverse("admin:targets_target_change", args=[senator.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="offices-0-phone_override"' in html
    assert 'name="offices-0-phone"' not in html  # the dataset's number is the sync's
    response = admin_client.post(
        url,
        {
            "email": "",
            "offices-TOTAL_FORMS": 2,
            "offices-INITIAL_FORMS": 2,
            "offices-0-id": office.pk,
            "offices-0-target": senator.pk,
            "offices-0-phone_override": "202-224-0000",
            "offices-1-id": shared["madison"].pk,
            "offices-1-target": senator.pk,
            "social_accounts-TOTAL_FORMS": 0,
            "social_accounts-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()
    office.refresh_from_db()
    assert office.phone_override == "202-224-0000"
    theirs = client.get(shared["their_campaign"].get_absolute_url()).content.decode()
    assert 'href="tel:+12022240000"' in theirs


def test_portraits_come_only_from_the_configured_template(organizer_client, shared, settings):
    settings.TOCSIN_PHOTO_URL_TEMPLATE = "https://photos.example.org/{bioguide}.jpg"
    assert not any(field.name == "photo_url" for field in Target._meta.get_fields())
    assert shared["senator"].portrait_url == "https://photos.example.org/B001230.jpg"
    assert CustomTargetFactory().portrait_url == ""
    form = organizer_client.get(reverse("admin:targets_target_add")).content.decode()
    assert 'name="name"' in form
    assert "photo" not in form


def test_our_custom_targets_stay_ours_to_edit(organizer_client, shared, admin_user):
    desk = CustomTargetFactory(organization=shared["ours"], name="Honduras Desk")
    url = reverse("admin:targets_target_change", args=[desk.pk])
    response = organizer_client.post(
        url,
        {
            "organization": shared["ours"].pk,
            "name": "Honduras Desk, State Department",
            "title": "",
            "email": "desk@example.org",
            "offices-TOTAL_FORMS": 1,
            "offices-INITIAL_FORMS": 0,
            "offices-0-kind": "main",
            "offices-0-position": 0,
            "offices-0-phone": "202-647-4000",
            "social_accounts-TOTAL_FORMS": 1,
            "social_accounts-INITIAL_FORMS": 0,
            "social_accounts-0-network": "x",
            "social_accounts-0-handle": "StateDept",
        },
    )
    assert response.status_code == 302, response.content.decode()
    desk.refresh_from_db()
    assert desk.name == "Honduras Desk, State Department"
    assert desk.offices.get().phone == "202-647-4000"
    assert desk.social_accounts.get().handle == "StateDept"

    # A custom target the administrator made for no group is not every group's to change.
    orphan = CustomTargetFactory(organization=None, name="Nobody's Desk")
    orphan_url = reverse("admin:targets_target_change", args=[orphan.pk])
    assert organizer_client.get(orphan_url).status_code == 302


def test_an_organizers_correction_survives_a_sync(shared, shared_data_dir):
    from django.core.management import call_command

    call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)
    office = Office.objects.get(source_key="B001230-washington")
    OfficeCorrection.objects.create(organization=shared["ours"], office=office, phone=OURS)
    district = Office.objects.filter(target=office.target).exclude(pk=office.pk).first()
    OfficeCorrection.objects.create(organization=shared["ours"], office=district, hidden=True)

    call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)

    shown = offices_for(office.target, shared["ours"])
    assert shown[0].pk == office.pk
    assert shown[0].effective_phone == OURS
    assert district.pk not in {o.pk for o in shown}
    assert district.pk in {o.pk for o in offices_for(office.target, shared["theirs"])}


@pytest.fixture
def our_call_action(shared):
    from tocsin.calls.factories import CallActionFactory

    """We hid the Washington office and corrected Madison's number."""
    OfficeCorrection.objects.create(
        organization=shared["ours"], office=shared["washington"], hidden=True
    )
    OfficeCorrection.objects.create(
        organization=shared["ours"], office=shared["madison"], phone=OURS
    )
    return CallActionFactory(campaign=shared["our_campaign"], click_to_call=True)


def test_the_call_page_dials_our_corrected_number(client, shared, our_call_action):
    url = reverse("calls:step", kwargs={"slug": our_call_action.campaign.slug, "position": 0})
    page = client.get(url).content.decode()
    assert 'href="tel:+16085550123"' in page
    assert "608-264-5338" not in page
    assert LISTED not in page


def test_click_to_call_dials_our_corrected_number(client, shared, our_call_action, settings):
    from twilio.request_validator import RequestValidator

    from tocsin.calls.telephony import start_session

    session = start_session(
        our_call_action, phone_text="608-262-1234", ip_address="203.0.113.5", district=None
    )
    assert session.offices == [[shared["senator"].pk, shared["madison"].pk]]

    settings.TWILIO_AUTH_TOKEN = "test-auth-token-0123456789abcdef"
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    path = reverse("calls:twilio-connect", kwargs={"session_id": session.pk})
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
        settings.TOCSIN_BASE_URL + path, {}
    )
    twiml = client.post(path, {}, HTTP_X_TWILIO_SIGNATURE=signature).content.decode()
    assert "<Number>+16085550123</Number>" in twiml
