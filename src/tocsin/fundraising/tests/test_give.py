import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.campaigns.models import Campaign
from tocsin.fundraising import services
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.fundraising.forms import GiveForm
from tocsin.fundraising.models import Gift
from tocsin.fundraising.money import parse_amount

from .conftest import SECRET_KEY, form_value

pytestmark = pytest.mark.django_db


def give(client, fundraiser, **data):
    return client.post(reverse("fundraising:detail", args=[fundraiser.slug]), data)


def test_without_stripe_keys_the_page_shows_the_offline_instructions(client, fundraiser):
    GiftFactory(fundraiser=fundraiser, amount=810_400)
    page = client.get(fundraiser.get_absolute_url()).content.decode()
    # Supporters read how to give, not the organizers' set-up state (that is in the back office).
    assert "not set up" not in page
    assert "You can give by bank transfer, cheque or cash" in page
    assert "Sort code 00-00-00" in page
    assert "<form" not in page.split('id="give"')[1]
    assert "£8,104" in page
    assert "£9,896" in page
    assert "45%" in page
    assert "<strong>printing</strong>" in page  # the story, rendered from Markdown
    refused = give(client, fundraiser, amount="2500")
    assert refused.status_code == 400
    assert "cannot be taken here" in refused.content.decode()


def test_with_stripe_keys_a_suggested_amount_opens_checkout(client, fake_stripe, fundraiser):
    page = client.get(fundraiser.get_absolute_url()).content.decode()
    assert "Continue to secure payment" in page
    assert "£25" in page

    response = give(client, fundraiser, amount="2500")

    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    [request] = fake_stripe.requests
    assert request["path"] == "/v1/checkout/sessions"
    assert request["auth"] == f"Bearer {SECRET_KEY}"
    assert form_value(request, "mode") == "payment"
    assert form_value(request, "line_items[0][price_data][unit_amount]") == "2500"
    assert form_value(request, "line_items[0][price_data][currency]") == "gbp"
    assert form_value(request, "metadata[fundraiser]") == str(fundraiser.pk)
    assert form_value(request, "payment_intent_data[metadata][fundraiser]") == str(fundraiser.pk)
    assert form_value(request, "success_url") == (
        f"https://act.example.org/give/{fundraiser.slug}/thank-you/"
    )
    assert form_value(request, "cancel_url").endswith("?cancelled=1")
    assert Gift.objects.count() == 0  # only the webhook records a gift


def test_another_amount_and_monthly_make_a_subscription(client, fake_stripe, fundraiser):
    response = give(client, fundraiser, other_amount="12,50", monthly="on")
    assert response.status_code == 303
    [request] = fake_stripe.requests
    assert form_value(request, "mode") == "subscription"
    assert form_value(request, "line_items[0][price_data][unit_amount]") == "1250"
    assert form_value(request, "line_items[0][price_data][recurring][interval]") == "month"
    assert form_value(request, "subscription_data[metadata][fundraiser]") == str(fundraiser.pk)


def test_yen_have_no_decimals(client, fake_stripe):
    fundraiser = FundraiserFactory(
        currency="JPY", goal=500_000, suggested_amounts="1000, 3000", min_amount=500
    )
    assert "¥1,000" in client.get(fundraiser.get_absolute_url()).content.decode()
    assert give(client, fundraiser, other_amount="10.5").status_code == 400
    assert give(client, fundraiser, other_amount="2500").status_code == 303
    assert form_value(fake_stripe.requests[0], "line_items[0][price_data][unit_amount]") == "2500"
    assert form_value(fake_stripe.requests[0], "line_items[0][price_data][currency]") == "jpy"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Pick an amount or write one in."),
        ({"amount": "other"}, "Pick one of the amounts shown"),
        ({"other_amount": "-5"}, "in numbers only"),
        ({"other_amount": "0"}, "smallest gift we can take online is £1"),
        ({"other_amount": "0.50"}, "smallest gift we can take online is £1"),
        ({"other_amount": "abc"}, "in numbers only"),
        ({"other_amount": "1e5"}, "in numbers only"),
        ({"other_amount": "12.345.6"}, "in numbers only"),
        ({"other_amount": "5.9999"}, "in numbers only"),
        ({"other_amount": "99999999999"}, "largest gift we can take online is £10,000"),
        ({"other_amount": "10001"}, "largest gift we can take online is £10,000"),
        ({"amount": "2501"}, "Pick one of the amounts shown"),
        ({"amount": "-2500"}, "Pick one of the amounts shown"),
        ({"other_amount": "x" * 500}, "at most 30 characters"),
    ],
)
def test_bad_amounts_are_refused_clearly_and_nothing_is_sent(
    client, fake_stripe, fundraiser, data, message
):
    response = give(client, fundraiser, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert fake_stripe.requests == []


def test_monthly_is_refused_where_it_is_not_offered(client, fake_stripe):
    fundraiser = FundraiserFactory(allow_monthly=False)
    assert "every month" not in client.get(fundraiser.get_absolute_url()).content.decode()
    give(client, fundraiser, amount="2500", monthly="on")
    assert form_value(fake_stripe.requests[0], "mode") == "payment"  # the box is not there


def test_when_stripe_fails_the_donor_is_told_and_nothing_is_recorded(
    client, fake_stripe, fundraiser
):
    fake_stripe.fail_with = 500
    response = give(client, fundraiser, amount="2500")
    assert response.status_code == 503
    assert "could not reach the payment service" in response.content.decode()
    fake_stripe.fail_with = 400
    assert give(client, fundraiser, amount="2500").status_code == 503
    assert Gift.objects.count() == 0


def test_a_closed_fundraiser_takes_no_gifts(client, fake_stripe):
    past = FundraiserFactory(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert "not taking gifts any more" in client.get(past.get_absolute_url()).content.decode()
    assert give(client, past, amount="2500").status_code == 400
    switched_off = FundraiserFactory(is_accepting=False)
    assert give(client, switched_off, amount="2500").status_code == 400
    assert fake_stripe.requests == []


def test_a_draft_campaign_s_fundraiser_is_hidden_from_the_public(client):
    fundraiser = FundraiserFactory(campaign__status=Campaign.Status.DRAFT)
    assert client.get(fundraiser.get_absolute_url()).status_code == 404
    assert client.get("/give/no-such-fund/").status_code == 404


def test_the_campaign_page_shows_the_thermometer_and_follows_new_gifts(client, fundraiser):
    campaign_url = fundraiser.campaign.get_absolute_url()
    page = client.get(campaign_url).content.decode()
    assert fundraiser.title in page
    assert f'href="{fundraiser.get_absolute_url()}"' in page
    assert "£0 raised of £18,000" in page.replace("<strong>", "").replace("</strong>", "")
    services.record_offline_gift(Gift(fundraiser=fundraiser, source="cheque", amount=450_000))
    page = client.get(campaign_url).content.decode()  # the cached page was forgotten
    assert "£4,500" in page
    assert "25%" in page


def test_the_thermometer_reads_a_cached_total_not_every_gift(fundraiser, django_assert_num_queries):
    GiftFactory.create_batch(3, fundraiser=fundraiser, amount=1000)
    assert services.thermometer(fundraiser).raised == 3000
    with django_assert_num_queries(0):
        for _ in range(5):
            assert services.thermometer(fundraiser).donors == 3


def test_spanish_pages_show_spanish_figures(fundraiser):
    GiftFactory(fundraiser=fundraiser, amount=810_450)
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    page = client.get(fundraiser.get_absolute_url()).content.decode()
    assert "8\xa0104,50\xa0£" in page
    assert "Falta por reunir" in page


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    choice=st.one_of(st.sampled_from(["", "other", "1000", "2500", "5000"]), st.text(max_size=12)),
    other=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A-?[0-9]{0,12}([.,][0-9]{0,4})?\Z"),
        st.integers(min_value=-(10**15), max_value=10**15).map(str),
    ),
    monthly=st.sampled_from(["", "on", "yes", "\x00"]),
)
def test_any_input_to_the_give_form_is_a_checkout_or_a_clear_refusal(
    client, fake_stripe, fundraiser, choice, other, monthly
):
    fake_stripe.requests.clear()
    response = give(client, fundraiser, amount=choice, other_amount=other, monthly=monthly)
    assert response.status_code in (303, 400)
    if response.status_code == 400:
        assert 'role="alert"' in response.content.decode()
        assert fake_stripe.requests == []
        return
    [request] = fake_stripe.requests
    amount = int(form_value(request, "line_items[0][price_data][unit_amount]"))
    assert fundraiser.min_amount <= amount <= fundraiser.max_amount
    if other.strip():
        assert amount == parse_amount(other, "GBP")
    else:
        assert str(amount) == choice
    form = GiveForm({"amount": choice, "other_amount": other}, fundraiser=fundraiser)
    assert form.is_valid()
    assert Gift.objects.count() == 0
