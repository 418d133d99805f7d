"""The one-click unsubscribe every alert carries (RFC 8058): a link naming the recipient row by
a signed id, so the address never appears in a URL. Opening it shows a button; only the POST
(the button, or the mail client's own one-click POST) withdraws, through the same withdrawal
the supporters' unsubscribe uses."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tocsin.supporters.services import UnsubscribeRequest, withdraw_consents

from .models import AlertRecipient

SALT = "tocsin.alerts.unsubscribe"


def unsubscribe_token(recipient: AlertRecipient) -> str:
    return signing.Signer(salt=SALT).sign_object(recipient.pk)


def unsubscribe_url(recipient: AlertRecipient) -> str:
    """The absolute address of the recipient's unsubscribe page, for the List-Unsubscribe
    header and the link at the foot of the mail."""
    path = reverse("alerts:unsubscribe", kwargs={"token": unsubscribe_token(recipient)})
    return settings.TOCSIN_BASE_URL + path


def recipient_for(token: str) -> AlertRecipient | None:
    """The recipient a token names; None when it was changed or its alert is gone."""
    try:
        pk = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int):
        return None
    return (
        AlertRecipient.objects.select_related("alert__organization", "supporter")
        .filter(pk=pk)
        .first()
    )


def unsubscribe_recipient(recipient: AlertRecipient) -> int:
    """Withdraw the recipient's open consents to the alert's organization (by normalised
    address, as every unsubscribe does) and note the event on the alert. How many consents
    were withdrawn; a second time, none."""
    supporter = recipient.supporter
    # An erased person has no address left: nothing remains to withdraw.
    address = supporter.email if supporter is not None else None
    withdrawn = withdraw_consents(UnsubscribeRequest(address, (recipient.alert.organization_id,)))
    # A complaint or a bounce already recorded says more than the unsubscribe does.
    AlertRecipient.objects.filter(pk=recipient.pk, event="").update(
        event=AlertRecipient.Event.UNSUBSCRIBED
    )
    return withdrawn


def _page_language(request: HttpRequest, recipient: AlertRecipient) -> str:
    """The visitor's own choice of language if they made one, else the alert's language."""
    available = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in available:
        return chosen
    if recipient.language in available:
        return recipient.language
    return translation.get_language()


# The signed token is the credential, and mail clients' one-click unsubscribe (RFC 8058)
# posts `List-Unsubscribe=One-Click` without a cookie or a CSRF token.
@csrf_exempt
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST withdraws, so link-scanning mail filters change
    nothing."""
    recipient = recipient_for(token)
    if recipient is None:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=400)
    context = {"organization": recipient.alert.organization, "token": token}
    with translation.override(_page_language(request, recipient)):
        if request.method == "POST":
            unsubscribe_recipient(recipient)
            context["done"] = True
        response = render(request, "alerts/unsubscribe.html", context)
        response.headers["Content-Language"] = translation.get_language()
    return response
