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
from tocsin.organizations.models import Organization

from . import services
from .forms import GiveForm
from .models import Fundraiser


def fundraiser_for(request: HttpRequest, slug: str) -> Fundraiser:
    """A public fundraiser, or one of a draft campaign for its own organizers (a preview)."""
    queryset = Fundraiser.objects.select_related("organization", "campaign").filter(
        models.Q(campaign__isnull=True)
        | models.Q(campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED])
        | models.Q(organization__in=Organization.objects.for_user(request.user))
    )
    return get_object_or_404(queryset, slug=slug)


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    fundraiser = fundraiser_for(request, slug)
    online = services.stripe_configured() and fundraiser.is_open
    form = GiveForm(request.POST if request.method == "POST" else None, fundraiser=fundraiser)
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
    try:
        url = services.start_checkout(
            fundraiser,
            amount=form.cleaned_data["minor"],
            monthly=form.cleaned_data["monthly"],
            success_url=base + reverse("fundraising:thanks", kwargs={"slug": slug}),
            cancel_url=base + fundraiser.get_absolute_url() + "?cancelled=1",
            language=get_language() or "en",
        )
    except services.GiftRefused:
        context["refused"] = True
        return render(request, "fundraising/detail.html", context, status=400)
    except services.CheckoutUnavailable:
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
    }
    return render(request, "fundraising/thanks.html", context)


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
