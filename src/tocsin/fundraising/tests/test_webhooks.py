import json

import pytest

from tocsin.fundraising import services
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.fundraising.models import Gift, WebhookEvent

from .conftest import payload, signature_header

pytestmark = pytest.mark.django_db


def raised(fundraiser) -> int:
    return services.thermometer(fundraiser).raised


def test_a_completed_checkout_records_one_gift_with_the_donor(post_event, fundraiser):
    response = post_event(payload("checkout_session_completed.json", fundraiser))
    assert response.status_code == 200
    gift = Gift.objects.get()
    assert (gift.amount, gift.currency, gift.source) == (2500, "GBP", Gift.Source.STRIPE)
    assert gift.stripe_payment_id == "pi_3QfUNDS0meTocsin0001"
    assert (gift.donor_name, gift.donor_email) == ("Ana Donor", "ana.donor@example.org")
    thermometer = services.thermometer(fundraiser)
    assert (thermometer.raised, thermometer.donors) == (2500, 1)


def test_the_same_event_replayed_counts_once(post_event, fundraiser):
    event = payload("checkout_session_completed.json", fundraiser)
    assert post_event(event).status_code == 200
    replay = post_event(event)
    assert replay.status_code == 200
    assert replay.content == b"already handled"
    assert Gift.objects.count() == 1
    assert raised(fundraiser) == 2500


def test_the_same_payment_under_a_new_event_id_counts_once(post_event, fundraiser):
    post_event(payload("checkout_session_completed.json", fundraiser))
    again = post_event(
        payload("checkout_session_completed.json", fundraiser, event_id="evt_resent_0002")
    )
    assert again.status_code == 200
    assert again.content == b"payment already recorded"
    assert Gift.objects.count() == 1


def test_a_refund_reduces_the_total_and_a_repeat_does_not_reduce_it_again(post_event, fundraiser):
    post_event(payload("checkout_session_completed.json", fundraiser))
    GiftFactory(fundraiser=fundraiser, amount=10_000)  # an offline gift stays counted
    assert raised(fundraiser) == 12_500

    assert post_event(payload("charge_refunded.json")).status_code == 200
    assert raised(fundraiser) == 11_500  # cached total forgotten at once
    assert Gift.objects.get(source="stripe").refunded_amount == 1000

    # Stripe reports the cumulative refund; a later full refund takes it to the whole gift.
    full = payload("charge_refunded.json", amount_refunded=2500, event_id="evt_full_refund")
    assert post_event(full).status_code == 200
    thermometer = services.thermometer(fundraiser)
    assert thermometer.raised == 10_000
    assert thermometer.donors == 1  # the fully refunded donor no longer counts
    assert post_event(full).status_code == 200
    assert raised(fundraiser) == 10_000


def test_a_refund_for_an_unknown_payment_is_refused_and_can_be_retried(post_event, fundraiser):
    response = post_event(payload("charge_refunded.json"))
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0  # rolled back: Stripe's retry is handled later
    post_event(payload("checkout_session_completed.json", fundraiser))
    assert post_event(payload("charge_refunded.json")).status_code == 200
    assert raised(fundraiser) == 1500


def test_a_forged_signature_is_refused_and_records_nothing(post_event, fundraiser):
    event = payload("checkout_session_completed.json", fundraiser)
    response = post_event(event, secret="whsec_not_the_real_one")
    assert response.status_code == 400
    assert Gift.objects.count() == 0
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    "header", ["", "t=abc,v1=00", "v1=deadbeef", "garbage", "t=1,v0=" + "0" * 64]
)
def test_a_missing_or_malformed_signature_header_is_refused(post_event, fundraiser, header):
    response = post_event(payload("checkout_session_completed.json", fundraiser), header=header)
    assert response.status_code == 400
    assert Gift.objects.count() == 0


def test_an_old_signature_is_refused(post_event, fundraiser):
    body = json.dumps(payload("checkout_session_completed.json", fundraiser))
    stale = signature_header(body, timestamp=1_000_000_000)
    assert post_event(body, header=stale).status_code == 400
    assert Gift.objects.count() == 0


def test_a_tampered_body_is_refused(post_event, fundraiser):
    body = json.dumps(payload("checkout_session_completed.json", fundraiser))
    header = signature_header(body)
    tampered = body.replace('"amount_total": 2500', '"amount_total": 2500000')
    assert post_event(tampered, header=header).status_code == 400
    assert Gift.objects.count() == 0


def test_without_a_webhook_secret_every_event_is_forbidden(client, settings, fundraiser):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = json.dumps(payload("checkout_session_completed.json", fundraiser))
    response = client.post(
        "/give/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(body, ""),
    )
    assert response.status_code == 403
    assert Gift.objects.count() == 0


def test_only_post_reaches_the_webhook(client, stripe_keys):
    assert client.get("/give/stripe/webhook/").status_code == 405


def test_an_event_type_not_handled_is_refused_and_changes_nothing(post_event, fundraiser):
    response = post_event(payload("customer_created.json"))
    assert response.status_code == 422
    assert b"customer.created" in response.content
    assert Gift.objects.count() == 0
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"amount_total": 0}, b"amount"),
        ({"amount_total": -2500}, b"amount"),
        ({"amount_total": "2500"}, b"amount"),
        ({"amount_total": 10**12}, b"amount"),
        ({"currency": "xyz"}, b"currency"),
        ({"currency": "usd"}, b"currency"),
        ({"metadata": {}}, b"fundraiser"),
        ({"metadata": {"fundraiser": "999999"}}, b"fundraiser"),
        ({"metadata": {"fundraiser": "1; DROP TABLE"}}, b"fundraiser"),
        ({"payment_intent": None}, b"recorded"),  # falls back to the session id
    ],
)
def test_bad_content_in_a_signed_event_is_refused_and_changes_nothing(
    post_event, fundraiser, changes, reason
):
    response = post_event(payload("checkout_session_completed.json", fundraiser, **changes))
    assert reason in response.content
    if reason == b"recorded":
        assert response.status_code == 200
        assert Gift.objects.get().stripe_payment_id.startswith("cs_test_")
        return
    assert response.status_code == 400
    assert Gift.objects.count() == 0
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize("body", ["not json", "[]", "{}", '{"id": "evt_1", "type": 5}', "null"])
def test_signed_nonsense_is_refused_without_a_server_error(post_event, body):
    response = post_event(body)
    assert 400 <= response.status_code < 500
    assert Gift.objects.count() == 0


def test_an_unpaid_session_waits_for_the_async_payment(post_event, fundraiser):
    pending = payload("checkout_session_completed.json", fundraiser, payment_status="unpaid")
    assert post_event(pending).status_code == 200
    assert Gift.objects.count() == 0
    paid = payload(
        "checkout_session_completed.json",
        fundraiser,
        event_id="evt_async_paid",
        event_type="checkout.session.async_payment_succeeded",
    )
    assert post_event(paid).status_code == 200
    assert Gift.objects.get().amount == 2500


def test_a_monthly_gift_counts_its_first_month_then_each_renewal_once(post_event, fundraiser):
    first_month = payload("checkout_session_completed_monthly.json", fundraiser)
    assert post_event(first_month).status_code == 200
    first = Gift.objects.get()
    assert first.monthly
    assert first.stripe_subscription_id == "sub_1QfUNDS0meTocsin0001"

    # The first invoice's own invoice.paid is covered by the checkout event.
    first_invoice = payload(
        "invoice_paid_renewal.json",
        fundraiser,
        id="in_1QfUNDS0meTocsinInv0001",
        billing_reason="subscription_create",
        event_id="evt_first_invoice",
    )
    assert post_event(first_invoice).status_code == 200
    assert Gift.objects.count() == 1

    renewal = payload("invoice_paid_renewal.json", fundraiser)
    assert post_event(renewal).status_code == 200
    assert post_event(renewal).status_code == 200
    assert Gift.objects.count() == 2
    thermometer = services.thermometer(fundraiser)
    assert (thermometer.raised, thermometer.donors) == (2000, 1)  # one donor, two months
    second = Gift.objects.get(renewal=True)
    assert second.donor_email == "monthly.donor@example.org"


def test_totals_are_kept_per_currency(fundraiser):
    euros = FundraiserFactory(currency="EUR", organization=fundraiser.organization)
    yen = FundraiserFactory(currency="JPY", goal=500_000, min_amount=100)
    GiftFactory(fundraiser=fundraiser, amount=2500)
    GiftFactory(fundraiser=fundraiser, amount=1000, refunded_amount=400)
    GiftFactory(fundraiser=euros, amount=7000)
    GiftFactory(fundraiser=yen, amount=3000)
    totals = Gift.objects.totals_by_currency()
    assert totals == {
        "EUR": {"raised": 7000, "gifts": 1},
        "GBP": {"raised": 3100, "gifts": 2},
        "JPY": {"raised": 3000, "gifts": 1},
    }
    # A stray gift in another currency never joins the fundraiser's own total.
    GiftFactory(fundraiser=fundraiser, amount=99_999, currency="EUR")
    assert services.count_total(fundraiser)["raised"] == 3100
