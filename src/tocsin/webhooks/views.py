"""The owners' webhook pages at /organize/webhooks/: endpoints, their delivery logs, pings.

Only an organization's owners (`scoping.may(user, organization, "manage_keys")`) see or change
its endpoints; anyone else's endpoint or delivery is a 404, as if it did not exist, and a
signed-in organizer who owns no organization gets a 403.
"""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import may

from . import services
from .forms import EndpointForm
from .models import Delivery, Endpoint

PER_PAGE = 50


def _owned(user):
    organizations = Organization.objects.for_user(user)
    return organizations.filter(pk__in=[o.pk for o in organizations if may(user, o, "manage_keys")])


def _owned_or_403(request):
    owned = _owned(request.user)
    if not owned.exists():
        raise PermissionDenied(_("Only an organization's owners can manage its webhooks."))
    return owned


def _endpoint(request, endpoint_id: int) -> Endpoint:
    return get_object_or_404(
        Endpoint.objects.filter(organization__in=_owned(request.user)).select_related(
            "organization"
        ),
        pk=endpoint_id,
    )


@staff_member_required
def index(request) -> HttpResponse:
    owned = _owned_or_403(request)
    endpoints = Endpoint.objects.filter(organization__in=owned).select_related("organization")
    context = {"endpoints": endpoints, "several": owned.count() > 1}
    return render(request, "webhooks/index.html", context)


@staff_member_required
@require_http_methods(["GET", "POST"])
def new(request) -> HttpResponse:
    owned = _owned_or_403(request)
    form = EndpointForm(request.POST or None, organizations=owned)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data.get("organization") or owned.first()
        endpoint = services.create_endpoint(
            request,
            organization,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
        )
        messages.success(
            request,
            _("The endpoint is saved. Give its signing secret to the system that receives it."),
        )
        return redirect("webhooks:detail", endpoint.pk)
    status = 400 if form.is_bound else 200
    return render(request, "webhooks/form.html", {"form": form, "endpoint": None}, status=status)


@staff_member_required
@require_http_methods(["GET", "POST"])
def edit(request, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_endpoint(
            request,
            endpoint,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
        )
        messages.success(request, _("The endpoint is saved."))
        return redirect("webhooks:detail", endpoint.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/form.html", context, status=status)


@staff_member_required
def detail(request, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    deliveries = Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
    page = Paginator(deliveries, PER_PAGE).get_page(request.GET.get("page"))
    context = {"endpoint": endpoint, "page": page, "open_statuses": Delivery.OPEN}
    return render(request, "webhooks/detail.html", context)


@staff_member_required
@require_POST
def ping(request, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    if not endpoint.is_active:
        messages.error(request, _("Enable the endpoint before sending it a test."))
    else:
        services.ping(endpoint)
        messages.success(request, _("A test message is on its way; its result shows below."))
    return redirect("webhooks:detail", endpoint.pk)


@staff_member_required
@require_POST
def set_active(request, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    active = request.POST.get("active") == "1"
    services.set_active(request, endpoint, active)
    if active:
        messages.success(request, _("The endpoint is enabled: new events go to it again."))
    else:
        messages.success(request, _("The endpoint is disabled: nothing more is sent to it."))
    return redirect("webhooks:detail", endpoint.pk)


@staff_member_required
@require_POST
def delete(request, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    services.delete_endpoint(request, endpoint)
    messages.success(request, _("The endpoint and its delivery log are deleted."))
    return redirect("webhooks:index")


@staff_member_required
@require_POST
def redeliver(request, endpoint_id: int, delivery_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    delivery = get_object_or_404(Delivery, pk=delivery_id, endpoint=endpoint)
    if not endpoint.is_active:
        messages.error(request, _("Enable the endpoint before redelivering to it."))
    elif delivery.payload.get("erased"):
        messages.error(request, _("That message was erased with the person it was about."))
    elif services.redeliver(delivery):
        messages.success(request, _("The message is on its way again, with the same id."))
    else:
        messages.info(request, _("That message is still on its way."))
    return redirect("webhooks:detail", endpoint.pk)
