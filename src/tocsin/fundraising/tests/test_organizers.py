import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tocsin.core.personal_data import erase_person, export_person
from tocsin.core.tests.test_production import PRODUCTION_ENV, run_tocsin
from tocsin.fundraising import services
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.fundraising.models import Fundraiser, Gift
from tocsin.fundraising.money import format_money, parse_amount
from tocsin.organizations.factories import OrganizerFactory
from tocsin.supporters.models import Supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer_client(client, fundraiser):
    client.force_login(OrganizerFactory(organizations=[fundraiser.organization]))
    return client


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_an_organizer_records_an_offline_gift_and_the_thermometer_moves(
    organizer_client, fundraiser
):
    assert services.thermometer(fundraiser).raised == 0  # now cached
    response = organizer_client.post(
        reverse("admin:fundraising_gift_add"),
        {
            "fundraiser": fundraiser.pk,
            "source": "cheque",
            "amount": "1,250.50",
            "donor_name": "Branch 12",
            "donor_email": "",
            "reference": "CHQ 1001",
            "note": "",
            "received_on": "2026-01-05",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    gift = Gift.objects.get()
    assert (gift.amount, gift.currency, gift.source) == (125_050, "GBP", "cheque")
    assert gift.recorded_by is not None
    assert services.thermometer(fundraiser).raised == 125_050


@pytest.mark.parametrize("amount", ["0", "-10", "abc", "1e3", "999999999999", ""])
def test_a_bad_offline_amount_is_refused_in_the_admin(organizer_client, fundraiser, amount):
    response = organizer_client.post(
        reverse("admin:fundraising_gift_add"),
        {
            "fundraiser": fundraiser.pk,
            "source": "cash",
            "amount": amount,
            "received_on": "2026-01-05",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "errorlist" in response.content.decode()
    assert Gift.objects.count() == 0


def test_the_admin_cannot_enter_card_gifts_or_change_them(organizer_client, fundraiser):
    response = organizer_client.post(
        reverse("admin:fundraising_gift_add"),
        {
            "fundraiser": fundraiser.pk,
            "source": "stripe",
            "amount": "10",
            "received_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert Gift.objects.count() == 0
    online = GiftFactory(fundraiser=fundraiser, source="stripe", stripe_payment_id="pi_1")
    delete = organizer_client.post(
        reverse("admin:fundraising_gift_delete", args=[online.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Gift.objects.filter(pk=online.pk).exists()


def test_organizers_only_see_and_pick_their_own_fundraisers(organizer_client, fundraiser):
    other = FundraiserFactory(title="Someone else's fund")
    GiftFactory(fundraiser=other, donor_name="Secret Donor")
    listing = organizer_client.get(reverse("admin:fundraising_fundraiser_changelist"))
    assert fundraiser.title in listing.content.decode()
    assert other.title not in listing.content.decode()
    gifts = organizer_client.get(reverse("admin:fundraising_gift_changelist"))
    assert "Secret Donor" not in gifts.content.decode()
    response = organizer_client.post(
        reverse("admin:fundraising_gift_add"),
        {"fundraiser": other.pk, "source": "cash", "amount": "10", "received_on": "2026-01-05"},
    )
    assert response.status_code == 200
    assert other.gifts.count() == 1


def test_an_organizer_creates_a_fundraiser_with_amounts_as_people_write_them(
    organizer_client, fundraiser
):
    response = organizer_client.post(
        reverse("admin:fundraising_fundraiser_add"),
        {
            "organization": fundraiser.organization.pk,
            "campaign": fundraiser.campaign.pk,
            "title_en": "Bus to the embassy",
            "slug": "bus-fund",
            "is_accepting": "on",
            "currency": "EUR",
            "goal": "2.500",
            "deadline": "2030-01-01",
            "suggested_amounts": "5, 10, 20",
            "min_amount": "2",
            "max_amount": "500",
            "story_en": "",
            "offline_instructions_en": "IBAN XX00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Fundraiser.objects.get(slug="bus-fund")
    assert (created.goal, created.min_amount, created.max_amount) == (250_000, 200, 50_000)
    assert created.suggested() == [500, 1000, 2000]


def test_a_fundraiser_with_gifts_keeps_its_currency(organizer_client, fundraiser):
    GiftFactory(fundraiser=fundraiser)
    url = reverse("admin:fundraising_fundraiser_change", args=[fundraiser.pk])
    form = organizer_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"currency": "EUR", "is_accepting": "on", "allow_monthly": ""}
    response = organizer_client.post(url, data)
    assert response.status_code == 200
    assert "the currency must stay" in response.content.decode()
    fundraiser.refresh_from_db()
    assert fundraiser.currency == "GBP"


def test_the_gifts_csv_is_streamed_safe_and_scoped(organizer_client, fundraiser):
    GiftFactory(
        fundraiser=fundraiser,
        amount=2550,
        donor_name='=HYPERLINK("http://evil")',
        donor_email="a@example.org",
        note="+1 from the stall",
    )
    GiftFactory(fundraiser=fundraiser, amount=1000, refunded_amount=1000, donor_name="@Bo")
    response = organizer_client.get(reverse("fundraising:gifts-csv", args=[fundraiser.pk]))
    assert response.status_code == 200
    assert response.streaming
    rows = csv_rows(response)
    assert rows[0][:7] == [
        "received_on",
        "recorded_at",
        "source",
        "currency",
        "amount",
        "refunded",
        "net",
    ]
    by_name = {row[8]: row for row in rows[1:]}
    evil = by_name['\'=HYPERLINK("http://evil")']
    assert evil[4] == "25.50"
    assert evil[11] == "'+1 from the stall"
    assert by_name["'@Bo"][6] == "0"

    other = FundraiserFactory()
    assert (
        organizer_client.get(reverse("fundraising:gifts-csv", args=[other.pk])).status_code == 404
    )


def test_the_public_cannot_download_gifts(client, fundraiser):
    response = client.get(reverse("fundraising:gifts-csv", args=[fundraiser.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_gifts_csv_needs_the_permission_to_view_gifts(client, fundraiser):
    from tocsin.campaigns.factories import organizer_allowed

    GiftFactory(fundraiser=fundraiser, donor_email="a@example.org")
    url = reverse("fundraising:gifts-csv", args=[fundraiser.pk])
    client.force_login(organizer_allowed([fundraiser.organization], "fundraising.view_fundraiser"))
    assert client.get(url).status_code == 403
    client.force_login(organizer_allowed([fundraiser.organization], "fundraising.view_gift"))
    assert client.get(url).status_code == 200


def test_erasing_a_person_erases_their_gifts_but_keeps_the_amounts(fundraiser):
    Supporter.objects.create(
        organization=fundraiser.campaign.organization, email="analopez@gmail.com", name="Ana"
    )
    services.record_online_gift(
        fundraiser,
        amount=5000,
        currency_code="GBP",
        payment_id="pi_1",
        donor_name="Ana",
        donor_email="Ana.Lopez+fund@GMAIL.com",
    )
    GiftFactory(fundraiser=fundraiser, amount=700, donor_email="bo@example.org")
    exported = export_person("analopez@gmail.com")["fundraising"]
    assert exported == [
        {
            "fundraiser": fundraiser.title,
            "amount": "50",
            "refunded": "0",
            "currency": "GBP",
            "monthly": False,
            "received": exported[0]["received"],
            "name_given": "Ana",
            "email_given": "analopez@gmail.com",
            "note": "",
        }
    ]
    before = services.count_total(fundraiser)
    assert erase_person("ana.lopez@gmail.com")["fundraising"] == 1
    assert not Gift.objects.filter(donor_name="Ana").exists()
    assert not services.gifts_of("analopez@gmail.com").exists()
    assert Gift.objects.filter(donor_email="bo@example.org").exists()
    assert services.count_total(fundraiser) == before == {"raised": 5700, "donors": 2}


@pytest.mark.parametrize(
    ("email", "stored"),
    [("Ana.Lopez+cheque@gmail.com", "analopez@gmail.com"), ("", "")],
)
def test_an_offline_donor_s_address_is_stored_normalised(
    organizer_client, fundraiser, email, stored
):
    response = organizer_client.post(
        reverse("admin:fundraising_gift_add"),
        {
            "fundraiser": fundraiser.pk,
            "source": "cash",
            "amount": "20",
            "donor_name": "Ana",
            "donor_email": email,
            "reference": "",
            "note": "",
            "received_on": "2026-01-05",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Gift.objects.get().donor_email == stored


@pytest.mark.parametrize(
    "email", ["a" * 192 + "@x" + "İ" * 60 + ".com", "a" * 150 + "@x" + "İ" * 60 + ".com"]
)
def test_an_offline_donor_address_too_long_to_keep_is_refused_clearly(
    organizer_client, fundraiser, email
):
    response = organizer_client.post(
        reverse("admin:fundraising_gift_add"),
        {
            "fundraiser": fundraiser.pk,
            "source": "cash",
            "amount": "20",
            "donor_name": "Ana",
            "donor_email": email,
            "received_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert "too long for us to keep" in response.content.decode()
    assert not Gift.objects.exists()


def test_the_demo_fighting_fund_is_loaded_once(db):
    call_command("load_demo", organizer_password="fund-tests-password", verbosity=0)
    call_command("load_demo", organizer_password="fund-tests-password", verbosity=0)
    fund = Fundraiser.objects.get(organization__slug="lfpla")
    assert fund.campaign.slug == "no-spyware-for-honduras"
    assert fund.gifts.count() == 4
    thermometer = services.thermometer(fund)
    assert (thermometer.raised, thermometer.goal, thermometer.days_left) == (810_400, 1_800_000, 14)
    assert format_money(thermometer.still_needed, "GBP", "en") == "£9,896"


@pytest.mark.parametrize(
    ("text", "code", "minor"),
    [
        ("25", "GBP", 2500),
        ("25.5", "GBP", 2550),
        ("25,50", "EUR", 2550),
        ("1,000", "USD", 100_000),
        ("1.000,50", "EUR", 100_050),
        ("£1 000", "GBP", 100_000),
        ("1000", "JPY", 1000),
        ("0", "GBP", 0),
    ],
)
def test_amounts_are_read_as_people_write_them(text, code, minor):
    assert parse_amount(text, code) == minor


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-1", "GBP"),
        ("1e3", "GBP"),
        ("10.5", "JPY"),
        ("2.5.1", "GBP"),
        ("", "GBP"),
        ("٣", "GBP"),
        ("NaN", "GBP"),
        ("inf", "GBP"),
        ("0x10", "GBP"),
    ],
)
def test_anything_else_is_not_an_amount(text, code):
    with pytest.raises(ValueError):  # noqa: PT011
        parse_amount(text, code)


def test_an_unknown_currency_is_refused():
    with pytest.raises(KeyError):
        parse_amount("10", "XXX")
    with pytest.raises(services.GiftRefused, match="currency"):
        services.record_offline_gift(
            Gift(fundraiser=FundraiserFactory(), source="cash", amount=100, currency="XXX")
        )
    assert Gift.objects.count() == 0


def test_money_is_shown_the_way_each_language_writes_it():
    assert format_money(810_400, "GBP", "en") == "£8,104"
    assert format_money(1250, "EUR", "en") == "€12.50"
    assert format_money(1_250_000, "JPY", "en") == "¥1,250,000"
    assert format_money(810_450, "GBP", "es") == "8\xa0104,50\xa0£"


def test_production_refuses_half_configured_stripe():
    import secrets

    env = PRODUCTION_ENV | {"SECRET_KEY": secrets.token_urlsafe(50)}
    half = run_tocsin("check", env=env | {"STRIPE_SECRET_KEY": "sk_live_x"})
    assert half.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET" in half.stderr
    other_half = run_tocsin("check", env=env | {"STRIPE_WEBHOOK_SECRET": "whsec_x"})
    assert other_half.returncode != 0
    assert "STRIPE_SECRET_KEY" in other_half.stderr


def test_donor_addresses_stored_before_are_normalised(fundraiser):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tocsin.fundraising.migrations.0002_normalise_donor_emails")
    GiftFactory(fundraiser=fundraiser, donor_email="Ana.Lopez+x@GoogleMail.com")
    GiftFactory(fundraiser=fundraiser, donor_email="")
    migration.normalise_donor_emails(apps, None)
    assert sorted(Gift.objects.values_list("donor_email", flat=True)) == ["", "analopez@gmail.com"]
