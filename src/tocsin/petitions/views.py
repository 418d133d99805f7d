import csv

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET, require_http_methods

from tocsin.campaigns.models import Campaign
from tocsin.campaigns.next_ask import mark_done
from tocsin.core import challenge, switches
from tocsin.core.http import client_ip
from tocsin.supporters import prefill

from . import services
from .forms import SignForm
from .models import PetitionAction


def petition_for(request: HttpRequest, slug: str) -> PetitionAction:
    campaign = get_object_or_404(
        Campaign.objects.viewable_by(request.user).select_related("organization"), slug=slug
    )
    petition = getattr(campaign, "petition", None)
    if petition is None:
        raise Http404
    return petition


def petition_and_organizations(request: HttpRequest, slug: str):
    public = services.public_petition(slug)
    if public is not None:
        return public.petition, list(public.organizations)
    petition = petition_for(request, slug)  # an organizer's preview of a draft
    campaign = petition.campaign
    return petition, [campaign.organization, *campaign.accepted_partners()]


@prefill.private_when_prefilled
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    petition, organizations = petition_and_organizations(request, slug)
    campaign = petition.campaign
    site = switches.current()
    open_for_signing = campaign.is_open and petition.is_collecting and not site.signing_paused
    asks_for_challenge = petition.ask_for_challenge or site.challenge_everywhere
    data = request.POST if request.method == "POST" else None
    # Opened from an alert's button (the form posts back to the same address, token included).
    prefilled = prefill.from_request(request, organizations)
    form = SignForm(
        data,
        organizations=organizations,
        petition=petition,
        source=request.GET.get("source", ""),
        initial=prefilled.initial if prefilled else None,
    )
    # Signed with the address the alert was mailed to: it is proven, and a filled-in form
    # sent at once is the one tap the alert promised, not a bot's haste.
    address_proven = (
        prefilled is not None and form.is_valid() and prefilled.proves(form.cleaned_data["email"])
    )
    sent_too_fast = (
        request.method == "POST"
        and open_for_signing
        and form.is_valid()
        and not form.filled_trap
        and not address_proven
        and form.sent_too_fast
    )
    if sent_too_fast:
        # Perhaps a person with autofill: store nothing, say so, and ask for one more press,
        # rather than keep it quietly or pretend a mail is on its way.
        form.ask_to_send_again()
    elif request.method == "POST" and open_for_signing and form.is_valid():
        result = services.sign(
            petition,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            postcode=form.cleaned_data["postcode"],
            country=form.cleaned_data["country"],
            comment=form.cleaned_data["comment"],
            consents=[
                {"organization": c.organization.pk, "wording": c.wording}
                for c in form.chosen_consents()
            ],
            language=get_language(),
            ip_address=client_ip(request),
            source=form.cleaned_data["source"],
            # Stored but held for review, never dropped: a person whose browser could not
            # solve the puzzle is still heard once an organizer looks.
            hold=form.filled_trap
            or (asks_for_challenge and not challenge.solved(request.POST.get("altcha", ""))),
            address_proven=address_proven,
        )
        if result.outcome == services.SignOutcome.CONFIRMED:
            # The confirmation page, which says the signature counts; its token names the
            # signature only.
            token = services.confirmation_token(result.signature)
            return HttpResponseRedirect(reverse("petitions:confirm", kwargs={"token": token}))
        # New or repeated, the same answer: nothing to learn about who signed before. Held
        # ones are told the truth, that no mail comes until an organizer has checked them.
        url = reverse("petitions:check-email", kwargs={"slug": slug})
        if result.outcome == services.SignOutcome.HELD:
            url += "?held=1"
        return HttpResponseRedirect(url)
    context = {
        "campaign": campaign,
        "petition": petition,
        "form": form,
        "count": services.public_count(petition),
        "open_for_signing": open_for_signing,
        "address_known": prefilled is not None,
    }
    if asks_for_challenge and open_for_signing:
        context |= {
            "challenge_json": challenge.new_challenge(),
            "challenge_strings": challenge.widget_strings(),
        }
    return render(request, "petitions/sign.html", context, status=400 if form.is_bound else 200)


@require_GET
def check_email(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug)
    context = {
        "petition": petition,
        "campaign": petition.campaign,
        "held": request.GET.get("held") == "1",
    }
    response = render(request, "petitions/check_email.html", context)
    return mark_done(request, response, petition.campaign, "sign")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST it sends confirms (mail scanners only GET)."""
    signature = services.signature_for_token(token)
    if signature is None:
        return render(request, "petitions/confirm.html", {"invalid": True}, status=400)
    petition = signature.petition
    context = {"petition": petition, "campaign": petition.campaign, "signature": signature}
    if request.method == "POST":
        services.confirm(signature)
        context |= {"confirmed": True, "count": services.public_count(petition)}
    response = render(request, "petitions/confirm.html", context)
    if signature.confirmed_at:
        mark_done(request, response, petition.campaign, "sign")
    return response


@cache_page(10)
@require_GET
def counts_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Open data, like the UK petitions site's: counts and where from, nothing personal (and
    no place with so few signatures that it could point at a person: services.breakdown)."""
    petition = petition_for(request, slug)
    count = services.public_count(petition)
    response = JsonResponse(
        {
            "petition": petition.title,
            "signatures": count.confirmed,
            "goal": count.goal,
            **(services.breakdown(petition) if petition.publish_breakdown else {}),
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@cache_page(60)
@require_GET
def history(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Confirmed signatures per hour, as CSV or JSON: open data that survives a spike."""
    if fmt not in ("json", "csv"):
        raise Http404
    petition = petition_for(request, slug)
    rows = services.history(petition)
    if fmt == "json":
        response = JsonResponse(
            {
                "petition": petition.title,
                "hours": [{"hour": hour.isoformat(), "confirmed": n} for hour, n in rows],
            }
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(["hour_utc", "confirmed"])
        writer.writerows((hour.isoformat(), n) for hour, n in rows)
    response["Access-Control-Allow-Origin"] = "*"
    return response
