from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tocsin.organizations.models import Organization

from .services import (
    confirm_consents,
    read_confirm_token,
    read_unsubscribe_token,
    withdraw_consents,
)


# The signed token is the credential, and mail clients' one-click unsubscribe (RFC 8058)
# posts without a CSRF token.
@csrf_exempt
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST withdraws, so link-scanning mail filters change nothing."""
    unsubscribe_request = read_unsubscribe_token(token)
    if unsubscribe_request is None:
        return render(request, "supporters/unsubscribe.html", {"invalid": True}, status=400)
    organizations = Organization.objects.filter(pk__in=unsubscribe_request.organization_ids)
    context = {"organizations": organizations, "token": token}
    if request.method == "POST":
        withdraw_consents(unsubscribe_request)
        context["done"] = True
    return render(request, "supporters/unsubscribe.html", context)


@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST it sends confirms (mail scanners only GET)."""
    confirm_request = read_confirm_token(token)
    if confirm_request is None:
        return render(request, "supporters/confirm.html", {"invalid": True}, status=400)
    if request.method == "POST":
        confirm_consents(confirm_request)
    consents = list(confirm_request.consents())
    context = {
        "organizations": [c.organization for c in consents],
        "pending": any(c.confirmed_at is None for c in consents),
        "confirmed": bool(consents) and all(c.confirmed_at for c in consents),
    }
    return render(request, "supporters/confirm.html", context)
