"""The OSDI API against the real database: scoping, pagination, filters, every helper, and
bad input answered with a clear 4xx."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from tocsin.api.models import ApiKey
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallReport
from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.fundraising.models import Gift
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Activity, Consent, Supporter, Tag, Tagging
from tocsin.targets.factories import CustomTargetFactory, OfficeFactory

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def person_body(email="ana@example.org", **extra):
    person = {
        "given_name": "Ana",
        "family_name": "Lopez",
        "email_addresses": [{"address": email}],
        "postal_addresses": [{"postal_code": "53703", "country": "US"}],
    }
    person.update(extra)
    return {"person": person}


def known_people(org, n):
    return [
        ConsentFactory(supporter=SupporterFactory(organization=org)).supporter for _ in range(n)
    ]


# --- keys and scoping ------------------------------------------------------------------------


def test_no_key_and_bad_key_are_401(org):
    from .conftest import Api

    answer = Api(None).get(f"{V1}/people")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "OSDI-API-Token"
    assert "error" in answer.json()
    answer = Api("tocsin_deadbeef_nope").get(f"{V1}/people")
    assert answer.status_code == 401
    assert answer.json()["error"] == "This API key is not valid."


def test_revoked_key_is_refused(org, api):
    ApiKey.objects.update(revoked_at=timezone.now())
    answer = api.get(f"{V1}/people")
    assert answer.status_code == 401
    assert "revoked" in answer.json()["error"]


def test_key_is_stored_hashed_and_last_use_written_at_most_once_a_minute(org):
    row, key = ApiKey.make(organization=org, name="x", can_write=False)
    assert key not in row.hashed_key
    assert row.prefix in key
    assert not ApiKey.objects.filter(hashed_key__contains=key.rsplit("_", 1)[1]).exists()
    from .conftest import Api

    client = Api(key)
    client.get(f"{V1}/")
    first = ApiKey.objects.get(pk=row.pk).last_used_at
    assert first is not None
    client.get(f"{V1}/")
    assert ApiKey.objects.get(pk=row.pk).last_used_at == first
    ApiKey.objects.filter(pk=row.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get(f"{V1}/")
    assert ApiKey.objects.get(pk=row.pk).last_used_at > first


def test_one_organizations_key_never_sees_anothers_data(org, other_org, api, other_api):
    mine = known_people(org, 2)
    theirs = known_people(other_org, 3)
    petition = PetitionFactory(campaign=CampaignFactory(organization=other_org))
    tag = Tag.objects.create(organization=other_org, name="secret")
    fundraiser = FundraiserFactory(campaign=CampaignFactory(organization=other_org))
    session = SessionFactory(event__campaign=CampaignFactory(organization=other_org))

    listed = api.get(f"{V1}/people").json()
    ids = {p["identifiers"][0] for p in listed["_embedded"]["osdi:people"]}
    assert ids == {f"tocsin:{p.pk}" for p in mine}
    assert listed["total_records"] == 2
    for path in (
        f"people/{theirs[0].pk}",
        f"people/tocsin:{theirs[0].pk}",
        f"people/{theirs[0].pk}/taggings",
        f"petitions/{petition.pk}",
        f"petitions/{petition.pk}/signatures",
        f"tags/{tag.pk}",
        f"fundraising_pages/{fundraiser.pk}/donations",
        f"events/{session.event.pk}",
    ):
        answer = api.get(f"{V1}/{path}")
        assert answer.status_code == 404, path
        assert answer.json()["error"]
    for path in ("petitions", "tags", "events", "fundraising_pages", "advocacy_campaigns"):
        assert api.get(f"{V1}/{path}").json()["total_records"] == 0, path
    # Writes too: their petition, their tag.
    assert api.post(f"{V1}/petitions/{petition.pk}/signatures", person_body()).status_code == 404
    tagging = {"_links": {"osdi:person": {"href": f"http://x{V1}/people/{mine[0].pk}"}}}
    assert api.post(f"{V1}/tags/{tag.pk}/taggings", tagging).status_code == 404
    assert other_api.get(f"{V1}/people").json()["total_records"] == 3


def test_read_only_key_cannot_write(org, read_api):
    answer = read_api.post(f"{V1}/people", person_body())
    assert answer.status_code == 403
    assert "only read" in answer.json()["error"]
    assert not Supporter.objects.exists()
    assert read_api.get(f"{V1}/people").status_code == 200


def test_rate_limit_is_a_429_with_retry_after(org, api, monkeypatch):
    from tocsin.api.auth import PerKeyThrottle

    monkeypatch.setattr(PerKeyThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    answers = [api.get(f"{V1}/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert "throttled" in answers[-1].json()["error"].lower()


# --- reading: HAL, pagination, filters -------------------------------------------------------


def test_entry_point_links_every_collection(org, api):
    body = api.get(f"{V1}/").json()
    assert body["osdi_version"] == "1.2"
    for name in ("people", "tags", "petitions", "events", "fundraising_pages"):
        assert body["_links"][f"osdi:{name}"]["href"].endswith(f"{V1}/{name}")


def test_people_pagination(org, api):
    everyone = known_people(org, 7)
    SupporterFactory(organization=org)  # typed into a form, never confirmed: not listed
    first = api.get(f"{V1}/people", {"per_page": 3})
    assert first["Content-Type"].startswith("application/hal+json")
    body = first.json()
    assert (body["total_records"], body["total_pages"], body["page"], body["per_page"]) == (
        7,
        3,
        1,
        3,
    )
    assert "previous" not in body["_links"]
    assert "page=2" in body["_links"]["next"]["href"]
    seen = []
    page = 1
    while True:
        body = api.get(f"{V1}/people", {"per_page": 3, "page": page}).json()
        seen += [p["identifiers"][0] for p in body["_embedded"]["osdi:people"]]
        if "next" not in body["_links"]:
            break
        page += 1
    assert seen == [f"tocsin:{p.pk}" for p in sorted(everyone, key=lambda p: p.pk)]
    assert api.get(f"{V1}/people", {"page": 9}).json()["_embedded"]["osdi:people"] == []
    assert api.get(f"{V1}/people", {"per_page": 1000}).json()["per_page"] == 100
    for bad in ({"page": "x"}, {"page": 0}, {"per_page": -1}):
        answer = api.get(f"{V1}/people", bad)
        assert answer.status_code == 400
        assert answer.json()["error"]


def test_person_shows_consents_tags_and_address(org, api):
    person = ConsentFactory(
        supporter=SupporterFactory(organization=org, name="Ana Maria Lopez")
    ).supporter
    Tagging.objects.create(supporter=person, tag=Tag.objects.create(organization=org, name="vol"))
    body = api.get(f"{V1}/people/{person.pk}").json()
    assert body["given_name"] == "Ana Maria"
    assert body["family_name"] == "Lopez"
    assert body["email_addresses"] == [
        {"primary": True, "address": person.email, "status": "subscribed"}
    ]
    assert body["postal_addresses"][0]["postal_code"] == "53703"
    assert body["tocsin:tags"] == ["vol"]
    assert body["tocsin:consents"][0]["status"] == "current"
    assert body["_links"]["self"]["href"].endswith(f"{V1}/people/{person.pk}")


def test_modified_date_filter(org, api):
    old, new = known_people(org, 2)
    past = timezone.now() - datetime.timedelta(days=10)
    Supporter.objects.filter(pk=old.pk).update(
        created_at=past, email_confirmed_at=past, last_action_at=None
    )
    since = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def ids(text):
        answer = api.get(f"{V1}/people", {"filter": text})
        assert answer.status_code == 200, answer.json()
        return {p["identifiers"][0] for p in answer.json()["_embedded"]["osdi:people"]}

    assert ids(f"modified_date gt '{since}'") == {f"tocsin:{new.pk}"}
    assert ids(f"modified_date lt '{since}'") == {f"tocsin:{old.pk}"}
    # An old person who acted today was modified today.
    Supporter.objects.filter(pk=old.pk).update(last_action_at=timezone.now())
    assert ids(f"modified_date gt '{since}'") == {f"tocsin:{old.pk}", f"tocsin:{new.pk}"}
    assert ids(f"created_date gt '{since}' and created_date lt '2999-01-01'") == {
        f"tocsin:{new.pk}"
    }
    for bad in (
        "modified_date gt yesterday",
        "modified_date ge '2024-01-01'",
        "name eq 'x'",
        "modified_date gt 'not a date'",
    ):
        answer = api.get(f"{V1}/people", {"filter": bad})
        assert answer.status_code == 400, bad
        assert answer.json()["error"]


def test_signatures_list_and_filter(org, api):
    petition = PetitionFactory(campaign=CampaignFactory(organization=org))
    person = SupporterFactory(organization=org)
    Signature.objects.create(petition=petition, email="a@example.org", name="A", supporter=person)
    body = api.get(f"{V1}/petitions/{petition.pk}/signatures").json()
    assert body["total_records"] == 1
    sig = body["_embedded"]["osdi:signatures"][0]
    assert sig["_links"]["osdi:person"]["href"].endswith(f"/people/{person.pk}")
    assert sig["tocsin:status"] == "unconfirmed"
    assert "email" not in str(sig)
    future = api.get(
        f"{V1}/petitions/{petition.pk}/signatures", {"filter": "modified_date gt '2999-01-01'"}
    )
    assert future.json()["total_records"] == 0


# --- writing: the helpers --------------------------------------------------------------------


def test_person_signup_helper(org, api, run_tasks):
    answer = api.post(f"{V1}/people", {**person_body("Ana@Example.org"), "add_tags": ["volunteer"]})
    assert answer.status_code == 201, answer.json()
    person = Supporter.objects.get(organization=org)
    assert person.email == "ana@example.org"
    assert person.name == "Ana Lopez"
    assert person.source == "api"
    assert person.is_known
    assert Activity.objects.filter(supporter=person, kind="imported", source="api").count() == 1
    assert answer.json()["tocsin:tags"] == ["volunteer"]
    assert not Consent.objects.exists()  # not asked to subscribe
    again = api.post(f"{V1}/people", person_body("ana@example.org"))
    assert again.status_code == 200
    assert Supporter.objects.count() == 1
    assert Activity.objects.filter(supporter=person).count() == 1


def test_person_signup_subscribed_is_a_pending_consent_with_its_mail(org, api, run_tasks):
    body = person_body()
    body["person"]["email_addresses"][0]["status"] = "subscribed"
    answer = api.post(f"{V1}/people", body)
    assert answer.status_code == 201
    consent = Consent.objects.get()
    assert consent.confirmed_at is None
    assert consent.source == "api"
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert answer.json()["tocsin:consents"][0]["status"] == "pending"


def test_record_signature_helper(org, api, run_tasks):
    petition = PetitionFactory(campaign=CampaignFactory(organization=org))
    url = f"{V1}/petitions/{petition.pk}/signatures"
    answer = api.post(url, {**person_body(), "comments": "Yes", "add_tags": ["signer"]})
    assert answer.status_code == 201, answer.json()
    signature = Signature.objects.get()
    assert signature.source == "api"
    assert signature.comment == "Yes"
    assert signature.supporter.organization == org
    assert signature.supporter.taggings.get().tag.name == "signer"
    body = answer.json()
    assert body["identifiers"] == [f"tocsin:{signature.pk}"]
    assert body["tocsin:status"] == "unconfirmed"
    run_tasks()
    assert len(mail.outbox) == 1  # the confirmation, as every signature gets
    again = api.post(url, person_body())
    assert again.status_code == 200
    assert again.json()["identifiers"] == body["identifiers"]
    assert Signature.objects.count() == 1
    missing = api.post(url, {"person": {"email_addresses": [{"address": "b@example.org"}]}})
    assert missing.status_code == 400
    assert "postal_code" in missing.json()["error"]
    petition.is_collecting = False
    petition.save()
    closed = api.post(url, person_body("c@example.org"))
    assert closed.status_code == 409
    assert "not taking" in closed.json()["error"]


def test_record_attendance_helper(org, api):
    session = SessionFactory(event__campaign=CampaignFactory(organization=org))
    url = f"{V1}/events/{session.event.pk}/attendances"
    answer = api.post(url, {**person_body(), "tocsin:guests": 1})
    assert answer.status_code == 201, answer.json()
    rsvp = Rsvp.objects.get()
    assert rsvp.source == "api"
    assert rsvp.guests == 1
    assert rsvp.supporter.organization == org
    assert answer.json()["_links"]["self"]["href"].endswith(f"/attendances/{rsvp.pk}")
    listed = api.get(url).json()
    assert listed["total_records"] == 1
    SessionFactory(event=session.event)
    two = api.post(url, person_body("b@example.org"))
    assert two.status_code == 400
    assert "several sessions" in two.json()["error"]
    named = api.post(
        url, {**person_body("b@example.org"), "tocsin:session": f"tocsin:{session.pk}"}
    )
    assert named.status_code == 201
    guests = api.post(
        url, {**person_body("c@example.org"), "tocsin:session": str(session.pk), "tocsin:guests": 9}
    )
    assert guests.status_code == 400  # over the event's max_guests
    assert "guests" in guests.json()["error"]


def test_record_donation_helper(org, api):
    fundraiser = FundraiserFactory(campaign=CampaignFactory(organization=org), currency="GBP")
    url = f"{V1}/fundraising_pages/{fundraiser.pk}/donations"
    body = {
        **person_body(),
        "amount": "12.50",
        "payment": {"method": "cheque", "reference_number": "42"},
    }
    answer = api.post(url, body)
    assert answer.status_code == 201, answer.json()
    gift = Gift.objects.get()
    assert (gift.amount, gift.source, gift.source_code, gift.reference) == (
        1250,
        "cheque",
        "api",
        "42",
    )
    assert gift.supporter.email == "ana@example.org"
    assert answer.json()["amount"] == "12.50"
    assert api.post(url, {**body, "payment": {"method": "stripe"}}).status_code == 400
    assert api.post(url, {**body, "amount": "1.234"}).status_code == 400
    assert api.post(url, {**body, "amount": "-3"}).status_code == 400
    assert api.post(url, {**body, "currency": "USD"}).status_code == 400
    GiftFactory(fundraiser=fundraiser)
    assert api.get(url).json()["total_records"] == 2


def test_record_outreach_helper(org, api):
    campaign = CampaignFactory(organization=org)
    action = CallActionFactory(campaign=campaign)
    target = CustomTargetFactory(organization=org)
    CampaignTargetFactory(campaign=campaign, target=target)
    office = OfficeFactory(target=target)
    url = f"{V1}/advocacy_campaigns/{campaign.pk}/outreaches"
    body = {
        **person_body(),
        "type": "phone",
        "targets": [{"tocsin:id": target.pk}],
        "tocsin:office": office.pk,
        "tocsin:outcome": "talked",
        "tocsin:key": "2b1c3f8e-7d7a-4c55-9b9c-2a0a0f3c1d11",
    }
    answer = api.post(url, body)
    assert answer.status_code == 201, answer.json()
    report = CallReport.objects.get()
    assert report.action == action
    assert report.source == "api"
    assert report.supporter.email == "ana@example.org"
    assert answer.json()["identifiers"] == [f"tocsin:call-{report.pk}"]
    assert api.post(url, body).status_code == 200  # the same key: nothing more
    assert CallReport.objects.count() == 1
    other_office = OfficeFactory()
    wrong = api.post(url, {**body, "tocsin:key": None, "tocsin:office": other_office.pk})
    assert wrong.status_code == 400
    listed = api.get(url).json()
    assert listed["total_records"] == 1
    assert listed["_embedded"]["osdi:outreaches"][0]["type"] == "phone"
    detail = api.get(f"{url}/call-{report.pk}")
    assert detail.status_code == 200
    assert api.get(f"{url}/nonsense-1").status_code == 404
    mine = api.get(f"{V1}/people/{report.supporter_id}/outreaches").json()
    assert mine["total_records"] == 1


def test_tags_and_taggings(org, api):
    person = known_people(org, 1)[0]
    made = api.post(f"{V1}/tags", {"name": "volunteers"})
    assert made.status_code == 201
    tag_id = made.json()["identifiers"][0].split(":")[1]
    assert api.post(f"{V1}/tags", {"name": "volunteers"}).status_code == 200
    link = {"_links": {"osdi:person": {"href": f"https://x.org{V1}/people/{person.pk}"}}}
    tagged = api.post(f"{V1}/tags/{tag_id}/taggings", link)
    assert tagged.status_code == 201
    assert api.post(f"{V1}/tags/{tag_id}/taggings", link).status_code == 200
    assert Tagging.objects.filter(supporter=person).count() == 1
    listed = api.get(f"{V1}/tags/{tag_id}/taggings").json()
    assert listed["total_records"] == 1
    tagging_id = listed["_embedded"]["osdi:taggings"][0]["identifiers"][0].split(":")[1]
    assert api.get(f"{V1}/people/{person.pk}/taggings").json()["total_records"] == 1
    assert api.delete(f"{V1}/tags/{tag_id}/taggings/{tagging_id}").status_code == 200
    assert not Tagging.objects.exists()


# --- bad input -------------------------------------------------------------------------------


def test_bad_bodies_are_clear_4xx(org, api):
    url = f"{V1}/people"
    cases = [
        (api.post(url, raw="{not json"), 400, "not valid JSON"),
        (api.post(url, raw=b"\xff\xfe"), 400, "not valid JSON"),
        (api.post(url, raw="[1, 2]"), 400, "Expected an object"),
        (api.post(url, raw="null"), 400, ""),
        (api.post(url, {"person": "Ana"}), 400, "person"),
        (api.post(url, {"person": {"email_addresses": "a@b.c"}}), 400, "email_addresses"),
        (api.post(url, {"person": {"email_addresses": [{"address": 5}]}}), 400, "address"),
        (api.post(url, {"person": {"email_addresses": [{"address": "nope"}]}}), 400, "address"),
        (api.post(url, {**person_body(), "colour": "red"}), 400, "Unknown field(s): colour"),
        (
            api.post(url, {"person": {"email_addresses": [{"address": "a@b.org", "x": 1}]}}),
            400,
            "Unknown field(s): x",
        ),
        (api.post(url, {**person_body(), "add_tags": "one"}), 400, "add_tags"),
        (api.post(url, raw="a=b", content_type="application/x-www-form-urlencoded"), 415, ""),
        (api.post(url, raw="{" + " " * (300 * 1024) + "}"), 413, "256 kB"),
    ]
    for answer, code, words in cases:
        assert answer.status_code == code, (code, answer.content[:200])
        assert words in answer.json()["error"]
    assert not Supporter.objects.exists()


def test_bad_ids_and_methods(org, api):
    assert api.get(f"{V1}/people/abc").status_code == 404
    assert api.get(f"{V1}/people/99999999999999999999999").status_code == 404
    assert api.delete(f"{V1}/people").status_code == 405
    assert api.post(f"{V1}/petitions", {}).status_code == 405
