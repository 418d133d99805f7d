"""Issue 20, "A record of who changed what": what is recorded, who reads it, and what it
never holds."""

import csv
import io

import pytest
from auditlog.context import set_actor
from django.contrib.auth.models import Permission
from django.urls import reverse

from tocsin.audit.models import Entry
from tocsin.campaigns.factories import CampaignFactory
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Membership, Role
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters.factories import SupporterFactory

LOG = reverse("audit:log")
LOG_CSV = reverse("audit:log-csv")


def reader(organization, *, superuser=False):
    """An owner of `organization`: owners read the record."""
    return OrganizerFactory(
        organizations=[organization], organizations__role=Role.OWNER, is_superuser=superuser
    )


@pytest.fixture
def two_groups(db):
    ours, theirs = OrganizationFactory(name="Ours"), OrganizationFactory(name="Theirs")
    return ours, theirs, reader(ours), reader(theirs)


def entries_text() -> str:
    """Everything every entry holds, as one text."""
    return "\n".join(
        f"{e.object_repr} {e.changes} {e.changes_text} {e.additional_data} {e.serialized_data}"
        for e in Entry.objects.all()
    )


def test_a_title_change_shows_before_and_after_to_its_group_only(client, two_groups):
    ours, _theirs, ours_reader, theirs_reader = two_groups
    campaign = CampaignFactory(organization=ours, title="Free the Baldwin four")
    with set_actor(ours_reader, remote_addr="203.0.113.9"):
        campaign.title = "Free the Baldwin five"
        campaign.save()

    entry = Entry.objects.get(
        object_pk=str(campaign.pk), content_type__model="campaign", action=Entry.Action.UPDATE
    )
    assert (entry.organization_id, entry.actor, str(entry.remote_addr)) == (
        ours.pk,
        ours_reader,
        "203.0.113.9",
    )
    assert entry.changes_dict["title"] == ["Free the Baldwin four", "Free the Baldwin five"]
    created = Entry.objects.get(
        object_pk=str(campaign.pk), content_type__model="campaign", action=Entry.Action.CREATE
    )
    assert "title" in created.changes_dict
    assert "demands" not in created.changes_dict  # the other side of a foreign key is no field

    client.force_login(ours_reader)
    page = client.get(LOG).content.decode()
    assert "Free the Baldwin four" in page
    assert "Free the Baldwin five" in page

    client.force_login(theirs_reader)
    response = client.get(LOG)
    assert response.status_code == 200
    assert "Baldwin" not in response.content.decode()


def test_an_entry_names_the_address_tocsin_trusts_not_one_the_client_wrote(
    client, two_groups, settings
):
    ours, _, ours_reader, _ = two_groups
    settings.TOCSIN_TRUSTED_PROXIES = 1
    person = SupporterFactory(organization=ours, is_known=True)
    client.force_login(ours_reader)
    # The client wrote the first address; our one proxy appended the second.
    client.get(
        reverse("admin:supporters_supporter_change", args=[person.pk]),
        {"export": "json"},
        HTTP_X_FORWARDED_FOR="198.51.100.66, 192.0.2.7",
    )
    entry = Entry.objects.get(event="person_export")
    assert (str(entry.remote_addr), entry.actor) == ("192.0.2.7", ours_reader)


def test_exporting_and_erasing_a_person_are_recorded_for_their_group(client, two_groups):
    ours, theirs, ours_reader, theirs_reader = two_groups
    person = SupporterFactory(
        organization=ours, email="ana@example.net", name="Ana Lucía", is_known=True
    )
    ours_reader.user_permissions.add(
        Permission.objects.get(content_type__app_label="supporters", codename="erase_supporter")
    )
    client.force_login(ours_reader)
    page = reverse("admin:supporters_supporter_change", args=[person.pk])

    assert client.get(page, {"export": "json"}).status_code == 200
    assert client.post(page, {"erase": "1"}).status_code == 302

    recorded = Entry.objects.filter(
        object_pk=str(person.pk), content_type__model="supporter"
    ).order_by("pk")
    assert [(e.event, e.organization_id, e.actor_id) for e in recorded] == [
        ("person_export", ours.pk, ours_reader.pk),
        ("person_erase", ours.pk, ours_reader.pk),
    ]
    assert str(recorded[0].remote_addr) == "127.0.0.1"
    assert "ana@example.net" not in entries_text()
    assert "Ana Lucía" not in entries_text()

    client.force_login(theirs_reader)
    theirs_rows = client.get(LOG).context["rows"]
    assert theirs_rows
    assert {row["entry"].organization_id for row in theirs_rows} == {theirs.pk}
    client.force_login(ours_reader)
    shown = [row["entry"].event for row in client.get(LOG).context["rows"]]
    assert shown[:2] == ["person_erase", "person_export"]


def test_the_record_refuses_whoever_may_not_read_it(client, two_groups):
    ours, *_ = two_groups
    assert client.get(LOG).status_code == 302  # to the sign-in page
    client.force_login(OrganizerFactory(organizations=[ours]))
    assert client.get(LOG).status_code == 403
    assert client.get(LOG_CSV).status_code == 403


def test_no_page_edits_or_deletes_an_entry(client, two_groups):
    ours, _, ours_reader, _ = two_groups
    campaign = CampaignFactory(organization=ours, title="Kept")
    entry = Entry.objects.get(object_pk=str(campaign.pk), content_type__model="campaign")
    client.force_login(ours_reader)
    for method in (client.post, client.delete, client.put):
        assert method(LOG).status_code == 405
        assert method(LOG_CSV).status_code == 405

    administrator = reader(ours, superuser=True)
    for user in (ours_reader, administrator):
        client.force_login(user)
        change = reverse("admin:audit_entry_change", args=[entry.pk])
        delete = reverse("admin:audit_entry_delete", args=[entry.pk])
        assert client.post(change, {"object_repr": "Rewritten"}).status_code in (302, 403)
        assert client.post(delete, {"post": "yes"}).status_code in (302, 403)
        assert client.post(
            reverse("admin:audit_entry_changelist"),
            {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
        ).status_code in (200, 302, 403)
    # The administrator reads it in the admin, and nothing there changed it.
    assert client.get(reverse("admin:audit_entry_change", args=[entry.pk])).status_code == 200
    entry.refresh_from_db()
    assert entry.object_repr == "Kept"
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_the_csv_holds_the_filtered_rows(client, two_groups):
    ours, _, ours_reader, _ = two_groups
    with set_actor(ours_reader):
        campaign = CampaignFactory(organization=ours, title="Listed =cmd")
        PetitionFactory(campaign=campaign, title="Not a campaign")
        campaign.title = "Listed again"
        campaign.save()
    client.force_login(ours_reader)
    kind = Entry.objects.get(
        object_pk=str(campaign.pk), content_type__model="campaign", action=Entry.Action.UPDATE
    ).content_type

    response = client.get(LOG_CSV, {"kind": kind.pk, "action": str(Entry.Action.UPDATE)})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2  # the header and the one change of a campaign
    assert rows[1][1] == ours_reader.get_username()
    assert rows[1][3] == "Ours"
    assert "title: '=cmd" not in rows[1][7]
    assert "Listed again" in rows[1][7]

    everything = client.get(LOG_CSV)
    assert len(list(csv.reader(io.StringIO(b"".join(everything.streaming_content).decode())))) > 3

    bad = client.get(LOG, {"since": "2026-05-02", "until": "2026-05-01"})
    assert bad.status_code == 200
    assert "The start date is after the end date." in bad.content.decode()


def test_invalidating_signatures_records_them_by_number_never_by_address(client, two_groups):
    ours, _, ours_reader, _ = two_groups
    petition = PetitionFactory(campaign=CampaignFactory(organization=ours))
    signature = Signature.objects.create(
        petition=petition, email="maria.q@example.net", name="María Quispe", postcode="53703"
    )
    assert not Entry.objects.filter(content_type__model="signature").exists()
    client.force_login(ours_reader)

    client.post(
        reverse("admin:petitions_signature_changelist"),
        {"action": "invalidate", "_selected_action": [signature.pk]},
    )
    signature.refresh_from_db()
    assert signature.invalidated_at is not None
    bulk = Entry.objects.get(event="signatures_invalidated")
    assert (bulk.organization_id, bulk.additional_data) == (
        ours.pk,
        {"count": 1, "signatures": [signature.pk]},
    )

    with set_actor(ours_reader):
        signature.invalidated_at = None
        signature.save()
    one = Entry.objects.get(content_type__model="signature", action=Entry.Action.UPDATE)
    assert set(one.changes_dict) == {"invalidated_at"}
    assert one.organization_id == ours.pk

    text = entries_text()
    assert "maria.q@example.net" not in text
    assert "María Quispe" not in text
    assert "maria.q" not in client.get(LOG).content.decode()


@pytest.mark.django_db
def test_a_campaigner_reads_no_record_and_an_owner_only_their_own_organizations(client):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    campaign_ours = CampaignFactory(organization=ours, title="Ours")
    campaign_theirs = CampaignFactory(organization=theirs, title="Theirs")
    for campaign in (campaign_ours, campaign_theirs):
        campaign.title = f"{campaign.title}, renamed"
        campaign.save()
    campaigner = OrganizerFactory(organizations=[ours])
    client.force_login(campaigner)
    assert client.get(LOG).status_code == 403
    # Owner here, campaigner there: the permission is the user's, the reading is per group.
    owner = OrganizerFactory(organizations=[ours], organizations__role=Role.OWNER)
    Membership.objects.create(user=owner, organization=theirs, role=Role.CAMPAIGNER)
    client.force_login(owner)
    page = client.get(LOG).content.decode()
    assert "Ours, renamed" in page
    assert "Theirs, renamed" not in page
