"""The share step's one server round trip: Mastodon has no single compose page, so the
supporter names their server and we send them to its own."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .sharing import LIMITS, clean_instance, compose_url
from .views import campaign_for


@require_POST
def share_on_mastodon(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    text = request.POST.get("text", "")[: LIMITS["mastodon"] * 2]
    typed = request.POST.get("instance", "")[:300]
    instance = clean_instance(typed)
    if instance is None:
        context = {"campaign": campaign, "text": text, "instance": typed, "invalid": True}
        return render(request, "campaigns/share_mastodon.html", context, status=400)
    return HttpResponseRedirect(compose_url("mastodon", text, instance))
