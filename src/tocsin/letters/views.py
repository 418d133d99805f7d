"""The supporter's write flow, and the organizer's delivery bundle.

The flow: where the supporter is (a ZIP code for a US campaign, a postcode for a UK one;
none at all for an action that writes to the campaign's own targets), then the letter to the
people found, all of it editable, with a sentence of their own and who they are; then either
"check your email" (letters sent from Tocsin go only after the owner of the address presses
the button of that mail, a POST) or, for letters the supporter sends themselves, a mailto:
button or the target's web form with the letter ready to copy.

The place is never in a URL: it is posted, and the letter form carries it on in a signed
hidden field.
"""

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods

from tocsin.campaigns.models import Campaign
from tocsin.campaigns.next_ask import mark_done
from tocsin.campaigns.places import lookup_for
from tocsin.core.http import client_ip
from tocsin.core.translated import fallback_language_of, text_of
from tocsin.districts import services as districts
from tocsin.districts import uk
from tocsin.organizations.scoping import may
from tocsin.supporters import prefill
from tocsin.supporters.services import clean_source

from . import services
from .forms import LetterForm, LocationForm, PlaceForm, seal_place, unseal_place
from .models import Letter, WriteAction

# What each letter's state tells the supporter, once they have written.
DONE_ACTION_KIND = "write"


def _campaign_for(request: HttpRequest, slug: str) -> Campaign:
    return get_object_or_404(
        Campaign.objects.viewable_by(request.user).select_related("organization"), slug=slug
    )


def action_for(request: HttpRequest, slug: str, action_slug: str) -> WriteAction:
    campaign = _campaign_for(request, slug)
    action = campaign.write_actions.filter(slug=action_slug).first()
    if action is None:
        raise Http404
    action.campaign = campaign
    return action


def _organizations(action: WriteAction) -> list:
    campaign = action.campaign
    return [campaign.organization, *campaign.accepted_partners()]


def _source_of(request: HttpRequest) -> str:
    return clean_source(request.POST.get("source") or request.GET.get("source", ""))


def _carried_query(request: HttpRequest) -> str:
    """`?source=` and the prefill token, carried on to the next page of the flow."""
    values = {
        "source": _source_of(request),
        prefill.PARAMETER: request.GET.get(prefill.PARAMETER, ""),
    }
    query = urlencode({k: v for k, v in values.items() if v})
    return f"?{query}" if query else ""


@prefill.private_when_prefilled
@require_GET
def choose(request: HttpRequest, slug: str) -> HttpResponse:
    """`/c/<slug>/write/`: straight on to the campaign's one open write action, or the list
    when it has several (to your MP, to the ministers)."""
    campaign = _campaign_for(request, slug)
    actions = [a for a in campaign.write_actions.all() if a.is_open]
    if not actions:
        raise Http404
    if len(actions) == 1:
        url = reverse("letters:write", kwargs={"slug": slug, "action_slug": actions[0].slug})
        return redirect(url + _carried_query(request))
    context = {"campaign": campaign, "actions": actions, "query": _carried_query(request)}
    return render(request, "letters/choose.html", context)


# ---------------------------------------------------------------------------- the place


@dataclass
class Place:
    """Where the supporter is, as far as whom they write to goes."""

    kind: str = ""  # "zip", "postcode", or "" when the action looks nobody up
    postcode: str = ""  # as normalised: "SW1A 0AA", "53703"
    seat: str = ""  # "WI-2" or a constituency code
    errors: list[str] = field(default_factory=list)
    # Where the lookup could not choose and will not guess: seats to pick from.
    choices: list = field(default_factory=list)
    # The lookup's data is not loaded on this site.
    no_data: bool = False

    @property
    def ref(self):
        """The DistrictRef or ConstituencyRef for `targets_for`, or None."""
        if not self.seat:
            return None
        if self.kind == "postcode":
            return uk.constituency(self.seat)
        try:
            return districts.DistrictRef.parse(self.seat)
        except ValueError:
            return None

    def token(self) -> str:
        return seal_place({"k": self.kind, "p": self.postcode, "s": self.seat})

    @classmethod
    def from_token(cls, token: str, kind: str) -> "Place | None":
        values = unseal_place(token)
        if values is None or values.get("k", "") != kind:
            return None
        return cls(kind=kind, postcode=values.get("p", ""), seat=values.get("s", ""))


def _not_found_message(kind: str, postcode: str) -> str:
    if kind == "postcode":
        return gettext(
            "We could not find the postcode %(postcode)s. Check it against a letter you have "
            "received at home."
        ) % {"postcode": postcode}
    return gettext(
        "We could not find ZIP code %(zip)s. Some ZIP codes are only for PO boxes or "
        "businesses: try the ZIP code of your home address."
    ) % {"zip": postcode}


def _resolve_postcode(text: str, seat: str) -> Place:
    place = Place(kind="postcode")
    if not text:
        place.errors.append(gettext("Enter your postcode, for example SW1A 0AA."))
        return place
    lookup = uk.lookup_postcode(text)
    place.postcode = lookup.postcode
    status = uk.PostcodeStatus
    if lookup.status == status.INVALID:
        place.errors.append(gettext("That is not a UK postcode. Enter one like SW1A 0AA."))
    elif lookup.status == status.UNKNOWN:
        place.errors.append(_not_found_message("postcode", lookup.postcode))
    elif lookup.status == status.NO_DATA:
        place.no_data = True
    elif lookup.status == status.FOUND:
        place.seat = lookup.constituency.code
    elif lookup.status == status.NORTHERN_IRELAND:
        seats = uk.northern_ireland_constituencies()
        if seat and seat in {ref.code for ref in seats}:
            place.seat = seat
        else:
            # Northern Ireland's postcodes are in no open dataset: never guess, ask.
            place.choices = seats
    return place


def _resolve_zip(text: str, seat: str) -> Place:
    place = Place(kind="zip")
    if not text:
        place.errors.append(gettext("Enter your 5-digit ZIP code, for example 53703."))
        return place
    try:
        lookup = districts.lookup_zip(text)
    except districts.InvalidZip as error:
        place.errors.append(str(error))
        return place
    place.postcode = lookup.zcta
    status = districts.ZipLookupStatus
    if lookup.status == status.NOT_FOUND:
        place.errors.append(_not_found_message("zip", lookup.zcta))
    elif lookup.status == status.NO_DATA:
        place.no_data = True
    elif lookup.status == status.FOUND:
        place.seat = lookup.districts[0].label
    elif seat and seat in {ref.label for ref in lookup.districts}:
        place.seat = seat
    else:
        # Split between districts: never guess, ask.
        place.choices = list(lookup.districts)
    return place


def _resolve_location(kind: str, form: LocationForm) -> Place:
    place = Place(kind=kind)
    if not form.is_valid():
        place.errors.append(
            gettext("Your browser sent a location we could not read. Enter your postcode instead.")
            if kind == "postcode"
            else gettext(
                "Your browser sent a location we could not read. Enter your ZIP code instead."
            )
        )
        return place
    latitude, longitude = form.cleaned_data["latitude"], form.cleaned_data["longitude"]
    ref = (
        uk.constituency_at(latitude, longitude)
        if kind == "postcode"
        else districts.district_at(latitude, longitude)
    )
    if ref is None:
        place.errors.append(
            gettext("That location is not inside any UK constituency. Enter your postcode instead.")
            if kind == "postcode"
            else gettext(
                "That location is not inside any US congressional district. Enter your ZIP "
                "code instead."
            )
        )
    else:
        place.seat = ref.code if kind == "postcode" else ref.label
    return place


def _falls_back_to_own_targets(action: WriteAction) -> bool:
    """With no lookup data, an action that writes to the campaign's targets when the lookup
    finds nobody can still go on."""
    return (
        action.target_mode == WriteAction.TargetMode.BOTH
        and action.custom_placement == WriteAction.CustomPlacement.FALLBACK
    )


# ---------------------------------------------------------------------------- the flow


def _letter_template(action: WriteAction, targets: list) -> tuple[str, str]:
    """The subject and letter the form starts with: for one person, their own letter with
    their title and name filled in; for several, the organizer's letter with its
    placeholders (each gets their own version unless the supporter edits it)."""
    if len(targets) == 1:
        [target] = targets
        template = services.template_for(action, target)
        values = {"title": target.display_title or "", "name": target.name}
        return tuple(_fill_target(text, values) for text in (template.subject, template.letter))
    template = services.template_for(action)
    return template.subject, template.letter


def _fill_target(text: str, values: dict) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _letter_form(request, action, place, targets, data=None, prefilled=None) -> LetterForm:
    subject, body = _letter_template(action, targets)
    initial = {"subject": subject, "body": body, "place": place.token(), "postcode": ""}
    if prefilled is not None:
        initial |= {k: v for k, v in prefilled.initial.items() if k in ("name", "email")}
        if not place.kind:
            initial["postcode"] = prefilled.initial.get("postcode", "")
    fallback = fallback_language_of(action)
    return LetterForm(
        data,
        organizations=_organizations(action),
        prompt=str(text_of(action, "own_sentence_prompt", fallback).value or ""),
        place_kind=place.kind,
        postcode_known=bool(place.kind and place.postcode),
        source=_source_of(request),
        initial=initial,
    )


def _recipients(action: WriteAction, targets: list) -> list[tuple]:
    """(target, how their letter goes) for the letter page."""
    return [(target, services.method_for(action, target)) for target in targets]


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


def _base_context(request: HttpRequest, action: WriteAction) -> dict:
    prefilled = prefill.from_request(request, _organizations(action))
    return {
        "action": action,
        "campaign": action.campaign,
        "source": _source_of(request),
        "prefill_token": prefilled.token if prefilled else "",
        "prefilled": prefilled,
    }


@prefill.private_when_prefilled
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, slug: str, action_slug: str) -> HttpResponse:
    """The place step (when the action looks the supporter's representatives up), then the
    letter. Every step posts back here; `step` says which form was sent."""
    action = action_for(request, slug, action_slug)
    context = _base_context(request, action)
    kind = (lookup_for(action.campaign) or "zip") if action.uses_lookup else ""
    context["kind"] = kind
    if not (action.is_open and action.campaign.is_open):
        return _render(request, "letters/write.html", context | {"closed": True})
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "letter":
        return _send(request, action, context, kind)
    if not kind:
        return _letter_step(request, action, context, Place())
    if step == "location":
        place = _resolve_location(kind, LocationForm(request.POST))
        return _after_place(request, action, context, place, PlaceForm(kind=kind))
    if step == "place":
        form = PlaceForm(request.POST, kind=kind)
        form.is_valid()  # every field is optional; cleaning cannot fail
        data = getattr(form, "cleaned_data", {})
        resolve = _resolve_postcode if kind == "postcode" else _resolve_zip
        place = resolve(data.get("postcode", ""), data.get("seat", ""))
        return _after_place(request, action, context, place, form)
    initial = {"source": context["source"]}
    prefilled = context["prefilled"]
    if prefilled is not None and prefilled.person.postcode:
        initial["postcode"] = prefilled.person.postcode
    return _place_step(request, context, PlaceForm(kind=kind, initial=initial), Place(kind=kind))


def _place_step(request, context, form, place, status=200) -> HttpResponse:
    context |= {
        "step": "place",
        "place_form": form,
        "place": place,
        "data_loaded": (
            uk.postcode_data_loaded()
            if context["kind"] == "postcode"
            else districts.zip_data_loaded()
        ),
        "boundaries_loaded": (
            bool(uk.northern_ireland_constituencies())
            if context["kind"] == "postcode"
            else districts.boundaries_loaded()
        ),
    }
    return _render(request, "letters/write.html", context, status=status)


def _after_place(request, action, context, place, form) -> HttpResponse:
    if place.errors:
        bound = PlaceForm(
            {"postcode": place.postcode or form.data.get("postcode", "")}, kind=place.kind
        )
        bound.is_valid()
        for error in place.errors:
            bound.add_error("postcode", error)
        return _place_step(request, context, bound, Place(kind=place.kind), status=400)
    if place.choices:
        return _place_step(request, context, form, place)
    if place.no_data and not _falls_back_to_own_targets(action):
        context["no_data"] = True
        return _place_step(request, context, form, place, status=400 if form.is_bound else 200)
    return _letter_step(request, action, context, place)


def _letter_step(request, action, context, place, form=None, status=200) -> HttpResponse:
    targets = services.targets_for(action, place.ref)
    context |= {"step": "letter", "place": place, "seat": place.ref}
    if not targets:
        context["nobody"] = True
        return _render(request, "letters/write.html", context, status=status)
    if form is None:
        form = _letter_form(request, action, place, targets, prefilled=context["prefilled"])
    context |= {
        "form": form,
        "recipients": _recipients(action, targets),
        "several": len(targets) > 1,
    }
    return _render(request, "letters/write.html", context, status=status)


def _send(request, action, context, kind) -> HttpResponse:
    place = Place.from_token(request.POST.get("place", ""), kind)
    if place is None or (kind and not place.seat and not _falls_back_to_own_targets(action)):
        # A letter form with a garbled, forged or stale place: ask where they are again.
        if not kind:
            place = Place()
        else:
            return _place_step(
                request,
                context | {"expired": True},
                PlaceForm(kind=kind, initial={"source": context["source"]}),
                Place(kind=kind),
                status=400,
            )
    targets = services.targets_for(action, place.ref)
    if not targets:
        return _letter_step(request, action, context, place, status=400)
    form = _letter_form(request, action, place, targets, data=request.POST)
    if not form.is_valid():
        return _letter_step(request, action, context, place, form=form, status=400)
    data = form.cleaned_data
    try:
        outcome = services.write(
            action,
            name=data["name"],
            email=data["email"],
            targets=targets,
            postcode=place.postcode if place.kind and place.postcode else data.get("postcode", ""),
            town=data["town"],
            address=data["address"],
            place=place.ref,
            subject=data["subject"],
            body=data["body"],
            own_sentence=data["own_sentence"],
            language=get_language(),
            source=data["source"],
            ip=client_ip(request),
            page=request.path,
        )
    except services.LetterRefused as refusal:
        where = refusal.field if refusal.field in form.fields else None
        form.add_error(where, refusal.message)
        status = 429 if isinstance(refusal, services.TooManyLetters) else 400
        return _letter_step(request, action, context, place, form=form, status=status)
    if data.get("email"):
        _give_consents(action, form, data, request)
    context |= {
        "step": "written",
        "outcome": outcome,
        "deliveries": [delivery_of(letter) for letter in outcome.letters],
        "needs_confirmation": outcome.needs_confirmation,
    }
    response = _render(request, "letters/written.html", context)
    return mark_done(request, response, action.campaign, DONE_ACTION_KIND)


def _give_consents(action, form, data, request) -> None:
    """The groups the supporter ticked: pending, with one mail to confirm, as joining."""
    chosen = form.chosen_consents()
    if not chosen:
        return
    from tocsin.supporters.services import become_supporter

    become_supporter(
        campaign=action.campaign,
        email=data["email"],
        name=data["name"],
        postcode=data.get("postcode", ""),
        consents=chosen,
        language=get_language(),
        source=data["source"],
        page=reverse(
            "letters:write",
            kwargs={"slug": action.campaign.slug, "action_slug": action.slug},
        ),
    )


# ---------------------------------------------------------------------------- delivery


@dataclass(frozen=True)
class Delivery:
    """What the supporter is told about one letter, and what they can do with it."""

    letter: Letter
    how: str  # sent, queued, digest, held, bundle, mail_app, web_form, awaiting, failed
    mailto: str = ""
    form_url: str = ""


def mailto_for(letter: Letter) -> str:
    """A mailto: link filled with the letter (RFC 6068: every part percent-encoded, spaces
    as %20, line breaks as %0D%0A)."""
    body = letter.body.replace("\r\n", "\n").replace("\n", "\r\n")
    query = f"subject={quote(letter.subject, safe='')}&body={quote(body, safe='')}"
    return f"mailto:{quote(letter.target.email, safe='@')}?{query}"


def delivery_of(letter: Letter) -> Delivery:
    state, method = letter.state, letter.method
    if state == Letter.State.HANDED_OVER or (
        state == Letter.State.AWAITING and method in services.HANDED_OVER_METHODS
    ):
        if method == Letter.Method.MAIL_APP and letter.target.email:
            return Delivery(letter, "mail_app", mailto=mailto_for(letter))
        if letter.target.contact_form_url:
            return Delivery(letter, "web_form", form_url=letter.target.contact_form_url)
        return Delivery(letter, "bundle")
    how = {
        Letter.State.AWAITING: "awaiting",
        Letter.State.QUEUED: "queued",
        Letter.State.SENT: "sent",
        Letter.State.IN_DIGEST: "digest",
        Letter.State.HELD: "held",
        Letter.State.BUNDLED: "bundle",
        Letter.State.REFUSED: "held",
    }.get(state, "failed")
    return Delivery(letter, how)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST it sends confirms (mail scanners only GET)."""
    letters = services.letters_for_token(token)
    if not letters:
        return render(request, "letters/confirm.html", {"invalid": True}, status=400)
    action = letters[0].action
    context = {"action": action, "campaign": action.campaign}
    if request.method == "POST":
        outcome = services.confirm(token)
        if outcome.confirmed:
            letters = services.letters_for_token(token)
    awaiting = [letter for letter in letters if letter.state == Letter.State.AWAITING]
    context |= {
        "letters": letters,
        "awaiting": awaiting,
        "name": letters[0].name,
        "deliveries": [delivery_of(letter) for letter in letters],
    }
    response = render(request, "letters/confirm.html", context)
    if not awaiting:
        mark_done(request, response, action.campaign, DONE_ACTION_KIND)
    return response


# ---------------------------------------------------------------------------- organizers


def _organizers_action(request, action_id: int) -> WriteAction:
    campaigns = Campaign.objects.for_organizer(request.user)
    action = get_object_or_404(
        WriteAction.objects.select_related("campaign__organization"),
        pk=action_id,
        campaign__in=campaigns,
    )
    # The permission is the union of the user's roles: their role in this organization too.
    if not may(request.user, action.campaign.organization, "see_people"):
        raise PermissionDenied
    return action


def _action_and_target(request, action_id: int, target_id: int):
    action = _organizers_action(request, action_id)
    letters = Letter.objects.filter(action=action, target_id=target_id)
    if not letters.exists():
        raise Http404
    return action, letters.first().target


@staff_member_required
@permission_required("letters.view_letter", raise_exception=True)
def bundle_csv(request, action_id: int, target_id: int) -> StreamingHttpResponse:
    action, target = _action_and_target(request, action_id, target_id)
    response = StreamingHttpResponse(
        services.bundle_csv_lines(action, target), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="letters-{action.pk}-{target.pk}.csv"'
    return response


@staff_member_required
@permission_required("letters.view_letter", raise_exception=True)
def bundle_page(request, action_id: int, target_id: int) -> HttpResponse:
    action, target = _action_and_target(request, action_id, target_id)
    letters = services.bundle(action, target)
    context = {"action": action, "campaign": action.campaign, "target": target, "letters": letters}
    return render(request, "letters/bundle.html", context)


@staff_member_required
@permission_required("letters.view_letter", raise_exception=True)
def bundle_index(request, action_id: int) -> HttpResponse:
    action = _organizers_action(request, action_id)
    context = {
        "action": action,
        "campaign": action.campaign,
        "targets": services.bundle_targets(action),
    }
    return render(request, "letters/bundle_index.html", context)
