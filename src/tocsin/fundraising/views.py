import json

import stripe
from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tocsin.campaigns.models import Campaign
from tocsin.campaigns.next_ask import mark_done
from tocsin.organizations.models import Organization
from tocsin.supporters import prefill

from . import services
from .forms import GiveForm
from .models import Fundraiser


def organizations_asking(fundraiser: Fundraiser) -> list[Organization]:
    """Who the gift form offers to hear from: the fundraiser's organization, and the
    campaign's partners."""
    organizations = [fundraiser.organization]
    if fundraiser.campaign:
        partners = fundraiser.campaign.accepted_partners()
        organizations += [o for o in partners if o != fundraiser.organization]
    return organizations


def fundraiser_for(request: HttpRequest, slug: str) -> Fundraiser:
    """A public fundraiser, or one of a draft campaign for its own organizers (a preview)."""
    queryset = Fundraiser.objects.select_related("organization", "campaign").filter(
        models.Q(campaign__isnull=True)
        | models.Q(campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED])
        | models.Q(organization__in=Organization.objects.for_user(request.user))
    )
    return get_object_or_404(queryset, slug=slug)


@require_http_methods(["GET", "POST"])
@prefill.private_when_prefilled
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    fundraiser = fundraiser_for(request, slug)
    online = services.stripe_configured() and fundraiser.is_open
    organizations = organizations_asking(fundraiser)
    # From an alert's button: Checkout opens with the address the alert went to.
    prefilled = prefill.from_request(request, organizations)
    form = GiveForm(
        request.POST if request.method == "POST" else None,
        fundraiser=fundraiser,
        organizations=organizations,
        source=request.GET.get("source", ""),
    )
    context = {
        "fundraiser": fundraiser,
        "campaign": fundraiser.campaign,
        "thermometer": services.thermometer(fundraiser),
        "form": form,
        "online": online,
        "stripe_configured": services.stripe_configured(),
        "cancelled": request.GET.get("cancelled") == "1",
    }
    if request.method == "GET":
        return render(request, "fundraising/detail.html", context)
    if not online:
        context["refused"] = True
        return render(request, "fundraising/detail.html", context, status=400)
    if not form.is_valid():
        return render(request, "fundraising/detail.html", context, status=400)
    base = settings.TOCSIN_BASE_URL
    consents = form.chosen_consents()
    thanks_url = base + reverse("fundraising:thanks", kwargs={"slug": slug})
    intent = services.record_intent(
        fundraiser,
        consents=consents,
        language=get_language() or "en",
        page=request.path,
        source=form.cleaned_data["source"],
    )
    try:
        url = services.start_checkout(
            fundraiser,
            amount=form.cleaned_data["minor"],
            monthly=form.cleaned_data["monthly"],
            # Says only that a box was ticked, so the thank-you page can mention the mail.
            success_url=thanks_url + ("?asked=1" if consents else ""),
            cancel_url=base + fundraiser.get_absolute_url() + "?cancelled=1",
            language=get_language() or "en",
            intent=intent,
            customer_email=prefilled.person.email if prefilled else "",
        )
    except services.GiftRefused:
        intent.delete()
        context["refused"] = True
        return render(request, "fundraising/detail.html", context, status=400)
    except services.CheckoutUnavailable:
        intent.delete()
        context["unavailable"] = True
        return render(request, "fundraising/detail.html", context, status=503)
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


@require_GET
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    fundraiser = fundraiser_for(request, slug)
    context = {
        "fundraiser": fundraiser,
        "campaign": fundraiser.campaign,
        "thermometer": services.thermometer(fundraiser),
        "asked_consent": request.GET.get("asked") == "1",
    }
    response = render(request, "fundraising/thanks.html", context)
    return mark_done(request, response, fundraiser.campaign, "give")


@csrf_exempt  # Stripe cannot send our CSRF token; its signature takes its place
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return HttpResponse("online gifts are not set up", status=403, content_type="text/plain")
    payload = request.body
    try:
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature", ""), secret)
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        return HttpResponse("invalid signature", status=400, content_type="text/plain")
    except (ValueError, TypeError, AttributeError):  # not JSON, or not an event object
        return HttpResponse("invalid payload", status=400, content_type="text/plain")
    result = services.handle_stripe_event(event)
    return HttpResponse(result.message, status=result.status, content_type="text/plain")
