"""Issue 16, the supporters' side: one person per organization and address, their actions,
tags and lists, the organizers' people list and person page, CSV import, anonymisation."""

import datetime
import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocsin.campaigns.factories import CampaignFactory
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.supporters import services
from tocsin.supporters.imports import apply_file, check_file
from tocsin.supporters.models import Activity, Consent, Supporter, Suppression, Tag, Tagging

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return OrganizationFactory(name="Ours")


def person(group, email="ana.lopez+x@gmail.com", **details):
    return services.find_or_create_person(group, email, **details)


# ---------------------------------------------------------------------------- the person


def test_one_person_per_organization_and_normalised_address(group):
    other = OrganizationFactory(name="Theirs")
    ana = person(group, "Ana.Lopez+news@googlemail.com", name="Ana", source="oped")
    again = person(group, "analopez@gmail.com", name="", postcode="53703", source="later")
    assert again.pk == ana.pk
    again.refresh_from_db()
    assert (again.email, again.name, again.postcode) == ("analopez@gmail.com", "Ana", "53703")
    assert again.source == "oped"  # the first contact's, kept
    assert person(other, "analopez@gmail.com").pk != ana.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Supporter.objects.create(organization=group, email="analopez@gmail.com")


def test_a_name_is_never_overwritten_and_place_is_filled_once(group):
    ana = person(group, name="Ana", place=services.Place("US", "WI", "WI-02"))
    person(group, name="Mallory", place=services.Place("US", "NY", "NY-10"))
    ana.refresh_from_db()
    assert (ana.name, ana.state, ana.district, ana.country) == ("Ana", "WI", "WI-02", "US")


def test_activities_make_the_timeline_and_recording_a_row_twice_changes_nothing(group):
    campaign = CampaignFactory(organization=group, title="Stop the pipeline")
    ana = person(group)
    when = timezone.now() - datetime.timedelta(days=1)
    services.record_activity(
        ana,
        "called",
        campaign=campaign,
        summary="Called Tammy Baldwin",
        ref=("calls.callreport", 7),
        when=when,
    )
    services.record_activity(ana, "called", campaign=campaign.pk, ref=("calls.callreport", 7))
    [activity] = Activity.objects.all()
    assert (activity.campaign_title, activity.summary) == (
        "Stop the pipeline",
        "Called Tammy Baldwin",
    )
    ana.refresh_from_db()
    assert ana.last_action_at == when


def test_consent_history_pending_until_the_address_is_confirmed_then_one_welcome(group):
    ana = person(group)
    consent = services.give_consent(ana, wording="Yes", language="en", page="/c/x/", source="op")
    assert services.give_consent(ana, wording="Other", language="en").pk == consent.pk
    assert not Consent.objects.current().exists()
    with transaction.atomic():
        confirmed = services.confirm_address(ana)
    assert [c.pk for c in confirmed] == [consent.pk]
    assert Consent.objects.current().get().page == "/c/x/"
    assert Activity.objects.get(supporter=ana).kind == "joined"
    assert DBTaskResult.objects.filter(task_path__endswith="send_welcome_mail").count() == 1
    # Confirming again, or from a mail that was the welcome, sends nothing more.
    services.confirm_address(ana)
    assert DBTaskResult.objects.filter(task_path__endswith="send_welcome_mail").count() == 1
    ana.refresh_from_db()
    assert ana.email_confirmed_at is not None


def test_the_welcome_flag_means_no_second_mail(group):
    ana = person(group)
    services.give_consent(ana, wording="Yes", language="en")
    services.confirm_address(ana, welcome_sent=True)
    assert Consent.objects.current().exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="send_welcome_mail").exists()


# ---------------------------------------------------------------------------- import


def write(tmp_path, text: str, name="people.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "email,name,postcode,country,language,tags,consent_date,consent_wording,list\n"
    "Ana.Lopez@gmail.com,Ana López,53703,US,es,volunteer;madison,"
    "2024-03-01,Keep me informed,Newsletter\n"
    "bo@example.org,Bo,,,,,,,\n"
)


def test_an_import_applies_people_tags_lists_and_dated_consents_and_twice_changes_nothing(
    tmp_path, group
):
    path = write(tmp_path, GOOD)
    assert check_file(path).error_count == 0
    applied = apply_file(path, group, filename="people.csv")
    assert (applied.created, applied.consents_added) == (2, 1)
    ana = Supporter.objects.get(email="analopez@gmail.com")
    assert (ana.name, ana.country, ana.language, ana.organization) == (
        "Ana López",
        "US",
        "es",
        group,
    )
    consent = ana.consents.get()
    assert consent.method == "import"
    assert consent.given_at == consent.confirmed_at
    assert consent.given_at.date() == datetime.date(2024, 3, 1)
    assert set(ana.tags.values_list("name", "kind")) == {
        ("volunteer", "tag"),
        ("madison", "tag"),
        ("Newsletter", "list"),
    }
    before = (
        Supporter.objects.count(),
        Consent.objects.count(),
        Tagging.objects.count(),
        Activity.objects.count(),
        list(Supporter.objects.order_by("pk").values()),
    )
    again = apply_file(path, group, filename="people.csv")
    assert (again.created, again.updated, again.consents_added) == (0, 0, 0)
    after = (
        Supporter.objects.count(),
        Consent.objects.count(),
        Tagging.objects.count(),
        Activity.objects.count(),
        list(Supporter.objects.order_by("pk").values()),
    )
    assert after == before


def test_an_import_never_resubscribes_someone_who_withdrew(tmp_path, group):
    ana = person(group, "analopez@gmail.com")
    consent = services.give_consent(ana, wording="Yes", language="en")
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    applied = apply_file(write(tmp_path, GOOD), group)
    assert applied.kept_unsubscribed == 1
    assert not Consent.objects.open().filter(supporter=ana).exists()


def test_an_import_never_resubscribes_someone_who_withdrew_and_was_erased_since(tmp_path, group):
    ana = person(group, "analopez@gmail.com")
    services.give_consent(ana, wording="Yes", language="en")
    services.confirm_address(ana, welcome_sent=True)
    services.withdraw_consents(services.UnsubscribeRequest("analopez@gmail.com", (group.pk,)))
    services.erase_supporter(ana)
    # Bo was erased too, but never unsubscribed: nothing keeps him from being imported.
    bo = person(group, "bo@example.org")
    services.erase_supporter(bo)
    [suppression] = Suppression.objects.all()
    assert "analopez" not in suppression.address_digest  # a keyed hash, not the address
    assert suppression.address_digest == services.address_digest("Ana.Lopez@gmail.com")

    applied = apply_file(write(tmp_path, GOOD), group)
    assert (applied.created, applied.kept_unsubscribed, applied.consents_added) == (2, 1, 0)
    new_ana = Supporter.objects.get(organization=group, email="analopez@gmail.com")
    assert not new_ana.consents.exists()
    # Another organization she never left may still import her.
    theirs = OrganizationFactory(name="Theirs")
    assert apply_file(write(tmp_path, GOOD), theirs).consents_added == 1


def test_every_bad_row_is_reported_by_line_and_nothing_is_applied(tmp_path, group, client):
    future = (timezone.now() + datetime.timedelta(days=3)).date().isoformat()
    text = (
        "email,name,country,consent_date,consent_wording\n"
        "good@example.org,Good,US,,\n"
        "not-an-address,Bad,,,\n"  # line 3
        "Good@Example.org,Twice,,,\n"  # line 4: the same as line 2
        f"c@example.org,Future,,{future},Yes\n"  # line 5
        'd@example.org,"=HYPERLINK(""http://x"")",,,\n'  # line 6
        "e@example.org,E,ZZ,,\n"  # line 7
        '"=1+1@x.org",F,,,\n'  # line 8
    )
    check = check_file(write(tmp_path, text))
    lines = dict(check.errors)
    assert set(lines) == {3, 4, 5, 6, 7, 8}
    assert "not valid" in lines[3]
    assert "line 2" in lines[4]
    assert "future" in lines[5]
    assert "formula" in lines[6]
    assert "formula" in lines[8]
    assert "country" in lines[7]

    client.force_login(OrganizerFactory(organizations=[group]))
    with open(write(tmp_path, text), "rb") as upload:
        response = client.post(
            reverse("admin:supporters_import"),
            {"organization": group.pk, "file": upload, "list_name": ""},
            follow=True,
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>8</td>" in page
    assert not Supporter.objects.exists()


def test_a_big_upload_goes_to_the_worker_and_its_page_reports(tmp_path, group, client, run_tasks):
    rows = "".join(f"p{n}@example.org,Person {n},US\n" for n in range(12_000))
    path = write(tmp_path, "email,name,country\n" + rows)
    client.force_login(OrganizerFactory(organizations=[group]))
    with open(path, "rb") as upload:
        response = client.post(
            reverse("admin:supporters_import"), {"organization": group.pk, "file": upload}
        )
    status_url = response["Location"]
    assert "reloads" in client.get(status_url).content.decode()
    assert not Supporter.objects.exists()
    run_tasks()
    assert Supporter.objects.filter(organization=group).count() == 12_000
    assert "New people: 12000" in client.get(status_url).content.decode()


# ---------------------------------------------------------------------------- organizers' pages


@pytest.fixture
def two_groups(group):
    theirs = OrganizationFactory(name="Theirs")
    campaign = CampaignFactory(organization=group, title="Our campaign")
    wi = person(
        group, "wi@example.org", name="Wisconsin Caller", place=services.Place("US", "WI", "WI-02")
    )
    services.record_activity(wi, "called", campaign=campaign, summary="Called Tammy Baldwin")
    ny = person(
        group, "ny@example.org", name="New York Signer", place=services.Place("US", "NY", "NY-10")
    )
    services.record_activity(ny, "signed", campaign=campaign)
    their = person(
        theirs, "wi@example.org", name="Their Person", place=services.Place("US", "WI", "WI-02")
    )
    services.record_activity(their, "called")
    return {
        "ours": group,
        "theirs": theirs,
        "campaign": campaign,
        "wi": wi,
        "ny": ny,
        "their": their,
    }


def listing(client, query=""):
    return client.get(reverse("admin:supporters_supporter_changelist") + query).content.decode()


def test_organizers_see_only_their_own_people_and_filter_by_place_and_action(client, two_groups):
    client.force_login(OrganizerFactory(organizations=[two_groups["ours"]]))
    everyone = listing(client)
    assert "Wisconsin Caller" in everyone
    assert "New York Signer" in everyone
    assert "Their Person" not in everyone
    by_state = listing(client, "?state=WI")
    assert "Wisconsin Caller" in by_state
    assert "New York Signer" not in by_state
    campaign = two_groups["campaign"].pk
    called = listing(client, f"?action=called&action_campaign={campaign}&action_taken=yes")
    assert "Wisconsin Caller" in called
    assert "New York Signer" not in called
    not_called = listing(client, f"?action=called&action_campaign={campaign}&action_taken=no")
    assert "Wisconsin Caller" not in not_called
    assert "New York Signer" in not_called
    found = listing(client, "?q=WI%40Example.org")
    assert "Wisconsin Caller" in found
    assert "New York Signer" not in found
    their_page = client.get(
        reverse("admin:supporters_supporter_change", args=[two_groups["their"].pk])
    )
    assert their_page.status_code == 302


def test_an_address_typed_into_a_form_is_listed_once_its_owner_acts_or_confirms(client, group):
    client.force_login(OrganizerFactory(organizations=[group]))
    typed = person(group, "typed@example.org", name="Typed Only")
    services.give_consent(typed, wording="Yes", language="en")
    assert "Typed Only" not in listing(client)
    services.confirm_address(typed, welcome_sent=True)
    assert "Typed Only" in listing(client)
    acted = person(group, "acted@example.org", name="Acted Late")
    assert "Acted Late" not in listing(client)
    # An action dated before the person's last one makes them known all the same.
    Supporter.objects.filter(pk=acted.pk).update(last_action_at=timezone.now())
    services.record_activity(acted, "signed", when=timezone.now() - datetime.timedelta(days=9))
    assert "Acted Late" in listing(client)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?state=WI",
        "?state=WI&district=WI-02",
        "?country=US&source=oped",
        "?consent=current",
        "?action=called",
        "?action=called&action_campaign={campaign}",
        "?action=called&action_campaign={campaign}&action_taken=no",
        "?action=signed&action_taken=no&state=NY&joined_after=2020-01-01",
        "?q=Caller",
    ],
)
def test_the_people_list_runs_a_bounded_number_of_queries_whatever_the_filter(
    client, two_groups, django_assert_max_num_queries, query
):
    """Each person shown costs no query of its own: a list of 60 people runs as many queries
    as a list of 2 (session, user, whether they have a second factor — one query per kind:
    app, recovery codes, passkey — permissions, the sidebar's choices, the count, the
    page)."""
    group, campaign = two_groups["ours"], two_groups["campaign"]
    for n in range(60):
        someone = person(
            group,
            f"p{n}@example.org",
            name=f"Caller {n}",
            source="oped",
            place=services.Place("US", "WI" if n % 2 else "NY", "WI-02" if n % 2 else "NY-10"),
        )
        services.record_activity(someone, "called" if n % 3 else "signed", campaign=campaign)
        services.give_consent(someone, wording="Yes", language="en")
        services.confirm_address(someone, welcome_sent=True)
    client.force_login(OrganizerFactory(organizations=[group]))
    url = reverse("admin:supporters_supporter_changelist") + query.format(campaign=campaign.pk)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert "Caller" in response.content.decode()
    # The sidebar's choices come from the cache the second time.
    with django_assert_max_num_queries(16):
        client.get(url)


def test_a_bulk_tag_covers_the_whole_filtered_set_not_only_the_page(client, group):
    campaign = CampaignFactory(organization=group)
    for n in range(60):  # more than one page of 50
        services.record_activity(
            person(group, f"p{n}@example.org", place=services.Place(state="WI")),
            "signed",
            campaign=campaign,
        )
    services.record_activity(
        person(group, "ny@example.org", place=services.Place(state="NY")), "signed"
    )
    client.force_login(OrganizerFactory(organizations=[group]))
    response = client.post(
        reverse("admin:supporters_bulk_tag"),
        {"query": "state=WI", "organization": group.pk, "kind": "list", "name": "Wisconsin"},
    )
    assert response.status_code == 302
    tag = Tag.objects.get(name="Wisconsin", kind="list")
    assert tag.taggings.count() == 60
    assert not tag.taggings.filter(supporter__state="NY").exists()
    assert "Wisconsin (list)" in listing(client, f"?tag={tag.pk}")


def test_the_person_page_shows_actions_consents_tags_and_exports(client, two_groups):
    wi = two_groups["wi"]
    services.give_consent(wi, wording="Ours may email me", language="en", source="oped")
    services.confirm_address(wi, welcome_sent=True)
    client.force_login(OrganizerFactory(organizations=[two_groups["ours"]]))
    url = reverse("admin:supporters_supporter_change", args=[wi.pk])
    client.post(url, {"name": "Volunteer", "kind": "tag"})
    page = client.get(url).content.decode()
    for text in ("Called Tammy Baldwin", "Our campaign", "Ours may email me", "Volunteer", "WI-02"):
        assert text in page
    exported = json.loads(client.get(url + "?export=json").content)
    [record] = exported["supporters"]
    assert record["tags"] == ["Volunteer"]
    assert {a["action"] for a in record["actions"]} == {"called", "joined"}
    assert "Their Person" not in json.dumps(exported)
    assert "Called Tammy Baldwin" in client.get(url + "?export=page").content.decode()


def test_erasing_a_person_keeps_their_actions_for_the_counts(client, two_groups):
    wi = two_groups["wi"]
    client.force_login(OrganizerFactory(organizations=[two_groups["ours"]]))
    client.post(reverse("admin:supporters_supporter_change", args=[wi.pk]), {"erase": "1"})
    wi.refresh_from_db()
    assert (wi.email, wi.name, wi.erased_at is not None) == (None, "", True)
    assert wi.activities.count() == 1
    their = two_groups["their"]
    their.refresh_from_db()
    assert their.email == "wi@example.org"  # another group's person is theirs


# ---------------------------------------------------------------------------- anonymising


def test_people_without_consent_or_action_for_the_configured_time_are_anonymised(group, settings):
    settings.TOCSIN_ANONYMISE_AFTER_MONTHS = 24
    long_ago = timezone.now() - datetime.timedelta(days=800)
    idle = person(group, "idle@example.org", name="Idle")
    services.record_activity(idle, "signed", when=long_ago)
    subscribed = person(group, "sub@example.org", name="Subscribed")
    services.record_activity(subscribed, "signed", when=long_ago)
    services.give_consent(subscribed, wording="Yes", language="en")
    services.confirm_address(subscribed, welcome_sent=True)
    Supporter.objects.filter(pk=subscribed.pk).update(last_action_at=long_ago)
    recent = person(group, "recent@example.org", name="Recent")
    services.record_activity(recent, "signed")
    assert services.anonymise_inactive() == 1
    idle.refresh_from_db()
    assert (idle.email, idle.name, idle.erased_at is not None) == (None, "", True)
    assert idle.activities.count() == 1
    assert Supporter.objects.filter(erased_at__isnull=True).count() == 2
    from tocsin.core.scheduling import load_schedule

    assert load_schedule()["anonymise-inactive-people"].call.endswith("anonymise_inactive")
