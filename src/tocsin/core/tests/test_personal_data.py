import datetime
import json
import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tocsin.core import personal_data
from tocsin.core.personal_data import erase_person, export_person

pytestmark = pytest.mark.django_db

PERSONAL_FIELD_NAMES = {"name", "email", "phone_number", "postcode"}

# Models with fields that look personal but hold nobody's data that a supporter gave, each
# with the reason. Anything else with such a field must be in a registration's `models`.
NOT_ABOUT_SUPPORTERS = {
    # A group's name, not a person's.
    "organizations.Organization",
    # Members of Congress and custom targets: public offices and their public contacts.
    "targets.Target",
    # A congressional district's name.
    "districts.DistrictBoundary",
    # A UK constituency's name.
    "districts.Constituency",
    # The contact an organizer publishes on an event page; organizers edit it themselves.
    "events.Event",
    # A click-to-call keeps the caller's phone number only while the call lasts (then only a
    # keyed hash), and never with an email address: there is nothing to find by address.
    "calls.ConnectSession",
    # An alert's reply-to is the group's own address, which organizers write.
    "alerts.Alert",
    # A target's public office address that bounced, not a supporter's.
    "letters.BadAddress",
    # An API key's name says what uses it ("Our CRM sync"), not who; its maker is a user.
    "api.ApiKey",
}


def holds_personal_fields(model) -> bool:
    return any(
        isinstance(field, models.EmailField) or field.name in PERSONAL_FIELD_NAMES
        for field in model._meta.concrete_fields
    )


def test_every_model_with_personal_fields_is_registered_or_explained():
    registered = {model._meta.label for r in personal_data.registrations() for model in r.models}
    personal = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("tocsin.") and holds_personal_fields(model)
    }
    assert personal - NOT_ABOUT_SUPPORTERS <= registered, "not registered in personal_data"
    assert not NOT_ABOUT_SUPPORTERS & registered, "both registered and explained away"
    assert personal >= NOT_ABOUT_SUPPORTERS, "an allowed model no longer holds such fields"
    assert {"supporters", "petitions", "events", "fundraising"} <= {
        r.label for r in personal_data.registrations()
    }


# ---------------------------------------------------------------------------- one person

NAME = "Zyxwv Qorp"
POSTCODE = "K1A 0B1"
MARKERS = ("zyxwv", "qorp", POSTCODE.lower())


def sign(client, monkeypatch, campaign, data: dict) -> None:
    """Sign as a person does: with the form's own "started" value, then confirm."""
    from tocsin.petitions import forms
    from tocsin.petitions.models import Signature

    url = reverse("petitions:sign", kwargs={"slug": campaign.slug})
    started = re.search(r'name="started" value="([^"]+)"', client.get(url).content.decode())
    monkeypatch.setattr(forms, "MIN_FILL_SECONDS", 0)  # no waiting three seconds
    response = client.post(url, {**data, "started": started.group(1)})
    assert response.status_code == 302
    assert Signature.objects.filter(held_at=None).update(confirmed_at=timezone.now())


@pytest.fixture
def everywhere(client, monkeypatch):
    """Ana joined, signed, answered for an event and gave, each time spelling her Gmail
    address differently."""
    from tocsin.campaigns.factories import CampaignFactory
    from tocsin.events.factories import SessionFactory
    from tocsin.events.models import Rsvp
    from tocsin.events.services import set_attended
    from tocsin.fundraising.factories import FundraiserFactory
    from tocsin.fundraising.services import record_online_gift
    from tocsin.petitions.factories import PetitionFactory

    campaign = CampaignFactory(status="live")
    consent = {f"consent_{campaign.organization.pk}": "on"}
    joined = client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {"name": NAME, "email": "Zyxwv.Qorp@gmail.com", "postcode": POSTCODE, **consent},
    )
    assert joined.status_code == 302

    petition = PetitionFactory(campaign=campaign)
    data = {"name": NAME, "postcode": POSTCODE, "comment": "Qorp says stop it", **consent}
    sign(client, monkeypatch, campaign, {**data, "email": "zyxwv.qorp+petitions@gmail.com"})

    session = SessionFactory(event__campaign=campaign, capacity=50)
    answered = client.post(
        reverse("events:rsvp", args=[session.event.slug, session.pk]),
        {"name": NAME, "email": "ZyxwvQorp@googlemail.com", "postcode": POSTCODE, "guests": "1"},
    )
    assert answered.status_code == 302
    set_attended(Rsvp.objects.get(), True)
    # The event took place: erasing her now must not touch who came.
    past = timezone.now() - datetime.timedelta(days=2)
    type(session).objects.filter(pk=session.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )

    fundraiser = FundraiserFactory(organization=campaign.organization, currency="USD")
    record_online_gift(
        fundraiser,
        amount=2500,
        currency_code="USD",
        payment_id="pi_0001",
        donor_name=NAME,
        donor_email="zyxwv.qorp+fund@GMAIL.com",
    )
    return {"campaign": campaign, "petition": petition, "session": session, "fund": fundraiser}


def counts(everywhere) -> dict:
    from tocsin.events.models import Rsvp, Session
    from tocsin.fundraising.services import count_total
    from tocsin.petitions.models import Signature
    from tocsin.supporters.models import Consent, Supporter

    session = Session.objects.get(pk=everywhere["session"].pk)
    return {
        "signatures": Signature.objects.counted().filter(petition=everywhere["petition"]).count(),
        "seats": session.seats_taken,
        "came": Rsvp.objects.confirmed().filter(attended_at__isnull=False).count(),
        "raised": count_total(everywhere["fund"]),
        "supporters": Supporter.objects.count(),
        "consents": Consent.objects.count(),
    }


def rows_mentioning_her() -> list[str]:
    """Every row of every table (tasks and admin log included) that still names her."""
    found = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            text = json.dumps(row, default=str, ensure_ascii=False).lower()
            if any(marker in text for marker in MARKERS):
                found.append(f"{model._meta.label}: {text[:200]}")
    return found


def test_export_then_erase_someone_who_joined_signed_answered_and_gave(everywhere):
    before = counts(everywhere)
    assert before["signatures"] == 1
    assert before["came"] == 1

    exported = export_person("zyxwvqorp@gmail.com")
    [supporter] = exported["supporters"]
    assert (supporter["name"], supporter["postcode"]) == (NAME, POSTCODE)
    assert supporter["consents"][0]["withdrawn"] is None
    [signature] = exported["petitions"]
    assert (signature["name"], signature["comment"]) == (NAME, "Qorp says stop it")
    assert signature["consents"][0]["withdrawn"] is False
    [answer] = exported["events"]
    assert (answer["name"], answer["guests"], answer["checked_in"] is not None) == (NAME, 1, True)
    [gift] = exported["fundraising"]
    assert (gift["amount"], gift["name_given"]) == ("25", NAME)
    assert export_person("Zyxwv.Qorp+anything@googlemail.com") == exported
    json.dumps(exported)  # what the admin action sends

    assert rows_mentioning_her()  # the scan finds her before
    erased = erase_person("ZYXWV.QORP@gmail.com")

    apps_with_her = ("supporters", "petitions", "events", "fundraising")
    assert {label: erased[label] for label in apps_with_her} == dict.fromkeys(apps_with_her, 1)
    assert rows_mentioning_her() == []
    assert counts(everywhere) == before
    assert all(not rows for rows in export_person("zyxwvqorp@gmail.com").values())


def test_a_withdrawal_under_another_spelling_shows_in_the_signature_export(client, monkeypatch):
    from tocsin.campaigns.factories import CampaignFactory
    from tocsin.petitions.factories import PetitionFactory
    from tocsin.supporters.models import Consent

    campaign = CampaignFactory(status="live")
    PetitionFactory(campaign=campaign)
    consent = {f"consent_{campaign.organization.pk}": "on"}
    sign(
        client,
        monkeypatch,
        campaign,
        {"name": "Ana", "email": "ana.lopez@gmail.com", "postcode": "53703", **consent},
    )
    client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {"name": "Ana", "email": "AnaLopez+news@gmail.com", "postcode": "53703", **consent},
    )
    [signature] = export_person("analopez@gmail.com")["petitions"]
    assert signature["consents"] == [
        {
            "organization": campaign.organization.name,
            "wording": signature["consents"][0]["wording"],
            "withdrawn": False,
        }
    ]

    Consent.objects.update(withdrawn_at=timezone.now())  # she unsubscribed
    [signature] = export_person("analopez@gmail.com")["petitions"]
    assert signature["consents"][0]["withdrawn"] is True


def test_erasing_someone_unknown_changes_nothing(everywhere):
    before = counts(everywhere)
    erased = erase_person("nobody@example.org")
    assert set(erased.values()) == {0}
    assert counts(everywhere) == before
    assert rows_mentioning_her()


def test_scoped_to_another_group_nothing_is_exported_or_erased(everywhere):
    from tocsin.organizations.factories import OrganizationFactory
    from tocsin.supporters.models import Consent

    other = OrganizationFactory()
    before = counts(everywhere)
    scoped = export_person("zyxwvqorp@gmail.com", organizations=[other])
    assert set(scoped) == {r.label for r in personal_data.registrations()}
    assert all(not rows for rows in scoped.values())
    assert set(erase_person("zyxwvqorp@gmail.com", organizations=[other]).values()) == {0}
    assert counts(everywhere) == before
    # A group sees a supporter's record once they confirmed their consent to it.
    Consent.objects.update(confirmed_at=timezone.now())
    ours = export_person("zyxwvqorp@gmail.com", organizations=[everywhere["campaign"].organization])
    assert ours == export_person("zyxwvqorp@gmail.com")  # all of it is that group's
