"""The organizer home and the new-campaign flow: plain POST forms, the draft row as state.

Every view needs the back-office sign-in (the admin's login, with ?next=) and works only on
campaigns of the user's own organizations: anyone else's draft is a 404, as if it did not
exist. Building needs campaigns.add_campaign, and each action its own add permission.
"""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocsin.calls.models import CallAction
from tocsin.calls.services import fill_script
from tocsin.campaigns.models import Campaign
from tocsin.districts.states import state_choices
from tocsin.events.models import Event
from tocsin.fundraising.models import Fundraiser
from tocsin.fundraising.money import major_text
from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import may
from tocsin.petitions.models import PetitionAction
from tocsin.targets.models import Target

from . import forms, services

ACTION_FORMS = {
    "call": (forms.CallForm, "calls.add_callaction", services.save_call),
    "petition": (forms.PetitionForm, "petitions.add_petitionaction", services.save_petition),
    "write": (forms.WriteForm, "letters.add_writeaction", services.save_write),
    "fundraiser": (
        forms.FundraiserForm,
        "fundraising.add_fundraiser",
        services.save_fundraiser,
    ),
}


@staff_member_required
def home(request) -> HttpResponse:
    organizations = Organization.objects.for_user(request.user)
    campaigns = (
        Campaign.objects.for_organizer(request.user)
        .select_related("organization")
        .exclude(status=Campaign.Status.CLOSED)
    )
    names = [organization.name for organization in organizations]
    context = {
        "organization_names": ", ".join(names),
        "organization_count": len(names),
        "summaries": [services.summarize(c) for c in campaigns],
        "can_create": request.user.has_perm("campaigns.add_campaign"),
    }
    return render(request, "organize/home.html", context)


def _building_for(user):
    """The user's organizations where their role lets them run campaigns (a volunteer's
    organizations are left out, whatever permissions another membership gives them)."""
    organizations = Organization.objects.for_user(user)
    return organizations.filter(
        pk__in=[o.pk for o in organizations if may(user, o, "manage_campaigns")]
    )


def _draft(request, campaign_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.filter(organization__in=_building_for(request.user))
        .filter(status=Campaign.Status.DRAFT)
        .select_related("organization"),
        pk=campaign_id,
    )


def _steps(campaign: Campaign | None, current: int) -> list[dict]:
    names = [_("Basics"), _("Actions"), _("Preview and checklist"), _("Publish")]
    return [{"number": n, "name": name, "current": n == current} for n, name in enumerate(names, 1)]


@staff_member_required
@permission_required("campaigns.add_campaign", raise_exception=True)
def new_campaign(request) -> HttpResponse:
    organizations = _building_for(request.user)
    if not organizations.exists():
        raise PermissionDenied
    # Only someone in several groups is asked which one runs the campaign.
    choice = None
    organization = organizations.first()
    if organizations.count() > 1:
        choice = forms.OrganizationChoiceForm(
            request.POST or None,
            organizations=organizations,
            initial={"organization": organization},
        )
        if choice.is_valid():
            organization = choice.cleaned_data["organization"]
    form = forms.BasicsForm(
        request.POST or None,
        organization=organization,
        initial={"language": "en", "country": Campaign.Country.US},
    )
    chosen = choice is None or choice.is_valid()
    if request.method == "POST" and chosen and form.is_valid():
        campaign = Campaign(organization=organization)
        data = form.cleaned_data | {"by": request.user}
        services.save_basics(campaign, data, form.cleaned_data["partners"])
        return redirect("organize:actions", campaign.pk)
    context = {"form": form, "choice": choice, "steps": _steps(None, 1)}
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/basics.html", context, status=status)


@staff_member_required
@permission_required("campaigns.add_campaign", raise_exception=True)
def basics(request, campaign_id: int) -> HttpResponse:
    campaign = _draft(request, campaign_id)
    initial = {
        "title": campaign.title,
        "summary": campaign.summary,
        "demands": "\n".join(f"{d.position}. {d.text}" for d in campaign.demands.all()),
        "deadline": campaign.deadline,
        "language": campaign.language,
        "country": campaign.country,
        "partners": list(campaign.partners.all()),
    }
    form = forms.BasicsForm(
        request.POST or None, organization=campaign.organization, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data | {"by": request.user}
        services.save_basics(campaign, data, form.cleaned_data["partners"])
        return redirect("organize:actions", campaign.pk)
    context = {"form": form, "campaign": campaign, "steps": _steps(campaign, 1)}
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/basics.html", context, status=status)


def _legislators(campaign: Campaign, state: str):
    if not state:
        return []
    return list(Target.objects.legislators().active().filter(state=state).order_by("chamber"))


def _actions_context(request, campaign: Campaign, bound: dict | None = None) -> dict:
    bound = bound or {}
    call = CallAction.objects.filter(campaign=campaign).first()
    petition = PetitionAction.objects.filter(campaign=campaign).first()
    state = request.GET.get("state", "").strip().upper()[:2]
    if not (state.isascii() and state.isalpha()):
        state = ""
    call_initial = {}
    if call:
        call_initial = {
            name: getattr(call, name)
            for name in ("title", "intro", "script", "target_mode", "chambers", "share_text")
        }
    petition_initial = (
        {"title": petition.title, "text": petition.text, "goal": petition.goal} if petition else {}
    )
    fundraiser = Fundraiser.objects.filter(campaign=campaign).first()
    fundraiser_initial = {"currency": "USD" if campaign.country == Campaign.Country.US else "GBP"}
    if fundraiser:
        fundraiser_initial = {
            name: getattr(fundraiser, name)
            for name in ("title", "currency", "deadline", "suggested_amounts", "story")
        } | {"goal": major_text(fundraiser.goal, fundraiser.currency)}
    return {
        "campaign": campaign,
        "steps": _steps(campaign, 2),
        "targets": [link.target for link in campaign.campaign_targets.select_related("target")],
        "state": state,
        "states": state_choices(),
        "legislators": _legislators(campaign, state),
        "call": call,
        "petition": petition,
        "writes": list(campaign.write_actions.all()),
        "events": list(Event.objects.filter(campaign=campaign)),
        "fundraiser": fundraiser,
        "call_form": bound.get("call") or forms.CallForm(initial=call_initial),
        "fundraiser_form": bound.get("fundraiser")
        or forms.FundraiserForm(initial=fundraiser_initial),
        "main_form": forms.MainActionForm(initial={"primary_action": campaign.primary_action}),
        "petition_form": bound.get("petition") or forms.PetitionForm(initial=petition_initial),
        "write_form": bound.get("write") or forms.WriteForm(),
        "event_form": bound.get("event")
        or forms.EventForm(initial={"organizer_email": request.user.email}),
        "target_form": bound.get("target") or forms.CustomTargetForm(),
    }


@staff_member_required
@permission_required("campaigns.add_campaign", raise_exception=True)
def actions(request, campaign_id: int) -> HttpResponse:
    campaign = _draft(request, campaign_id)
    if request.method != "POST":
        return render(request, "organize/actions.html", _actions_context(request, campaign))
    kind = request.POST.get("kind", "")
    if kind in ACTION_FORMS:
        form_class, permission, save = ACTION_FORMS[kind]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        form = form_class(request.POST)
        if form.is_valid():
            save(campaign, form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("organize:actions", campaign.pk)
        bound = {kind: form}
    elif kind == "event":
        if not request.user.has_perm("events.add_event"):
            raise PermissionDenied
        form = forms.EventForm(request.POST)
        if form.is_valid():
            services.save_event(campaign, form.cleaned_data, by=request.user)
            messages.success(request, _("Event added."))
            return redirect("organize:actions", campaign.pk)
        bound = {"event": form}
    elif kind == "main":
        form = forms.MainActionForm(request.POST)
        if form.is_valid():
            services.save_main_action(campaign, form.cleaned_data["primary_action"])
            messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Pick one of the actions listed."))
        return redirect("organize:actions", campaign.pk)
    else:
        raise Http404
    context = _actions_context(request, campaign, bound)
    return render(request, "organize/actions.html", context, status=400)


@require_POST
@staff_member_required
@permission_required("campaigns.add_campaign", raise_exception=True)
def targets(request, campaign_id: int) -> HttpResponse:
    campaign = _draft(request, campaign_id)
    what = request.POST.get("what", "")
    if what == "custom":
        if not request.user.has_perm("targets.add_target"):
            raise PermissionDenied
        form = forms.CustomTargetForm(request.POST, country=campaign.country)
        if not form.is_valid():
            context = _actions_context(request, campaign, {"target": form})
            return render(request, "organize/actions.html", context, status=400)
        services.add_custom_target(campaign, form.cleaned_data)
        messages.success(request, _("Target added."))
    elif what == "legislators":
        ids = [v for v in request.POST.getlist("target") if v.isascii() and v.isdigit()][:100]
        chosen = Target.objects.legislators().active().filter(pk__in=ids)
        added = services.add_targets(campaign, chosen)
        messages.success(request, _("%(n)s targets added.") % {"n": added})
    elif what == "remove":
        target_id = request.POST.get("target", "")
        if target_id.isascii() and target_id.isdigit() and len(target_id) < 12:
            services.remove_target(campaign, int(target_id))
    else:
        raise Http404
    return redirect("organize:actions", campaign.pk)


@staff_member_required
@permission_required("campaigns.add_campaign", raise_exception=True)
def preview(request, campaign_id: int) -> HttpResponse:
    campaign = _draft(request, campaign_id)
    call = CallAction.objects.filter(campaign=campaign).first()
    targets = [link.target for link in campaign.campaign_targets.select_related("target")]
    context = {
        "campaign": campaign,
        "steps": _steps(campaign, 3),
        # The script as the first person called will hear it, placeholders filled.
        "script": fill_script(call.script, targets[0]) if call and targets else "",
        "problems": services.checklist(campaign),
        "demands": list(campaign.demands.all()),
        "call": call,
        "petition": PetitionAction.objects.filter(campaign=campaign).first(),
        "writes": list(campaign.write_actions.all()),
        "events": list(Event.objects.filter(campaign=campaign)),
        "fundraiser": Fundraiser.objects.filter(campaign=campaign).first(),
        "targets": targets,
    }
    return render(request, "organize/preview.html", context)


@require_POST
@staff_member_required
@permission_required("campaigns.add_campaign", raise_exception=True)
def publish(request, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.filter(organization__in=_building_for(request.user)), pk=campaign_id
    )
    if not request.user.has_perm("campaigns.change_campaign"):
        raise PermissionDenied
    try:
        services.publish(campaign)
    except services.NotReady:
        messages.error(request, _("Not published: fix what the checklist lists first."))
        return redirect("organize:preview", campaign.pk)
    messages.success(request, _("“%(title)s” is live.") % {"title": campaign.title})
    return redirect("organize:home")
