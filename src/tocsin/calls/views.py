import json
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tocsin.campaigns.forms import (
    LocationForm,
    PostcodeForm,
    ZipForm,
    district_not_in_zip_message,
    outside_constituencies_message,
    outside_districts_message,
    zip_not_found_message,
)
from tocsin.campaigns.models import Campaign
from tocsin.campaigns.next_ask import mark_done
from tocsin.campaigns.places import PostcodePlace, place_for_postcode
from tocsin.core import challenge, switches
from tocsin.core.http import client_ip
from tocsin.core.translated import (
    Translated,
    active_language,
    language_in_a_sentence,
    text_in,
    text_of,
)
from tocsin.districts import services as districts
from tocsin.districts import uk
from tocsin.supporters import prefill
from tocsin.supporters.limits import per_client
from tocsin.supporters.services import clean_source
from tocsin.targets.delegations import house_members_by_district
from tocsin.targets.models import Target

from . import limits, services, telephony
from .forms import (
    CONSTITUENCY_CODE,
    CallerForm,
    CallPlaceForm,
    ReportForm,
    place_from_token,
    seal_place,
    tried_offices,
)
from .models import DEAD_LINE_OUTCOMES, CallAction, CallReport, ConnectSession, Outcome
from .sharing import share_for


def action_for(request: HttpRequest, slug: str) -> CallAction:
    public = services.public_action(slug)
    if public is not None:
        return public.action
    # Drafts are previewed by their own organizers only, and never cached.
    campaign = get_object_or_404(
        Campaign.objects.viewable_by(request.user).select_related("organization"), slug=slug
    )
    action = getattr(campaign, "call_action", None)
    if action is None or not action.is_active:
        raise Http404
    return action


@dataclass
class Place:
    """Where the supporter is, as far as the call flow needs to know."""

    zip: str = ""
    town: str = ""
    district: districts.DistrictRef | None = None
    lookup: districts.ZipLookup | None = None
    # In the United Kingdom: the postcode ("SW1A 0AA") and the constituency it, a seat picked
    # in Northern Ireland or a location gave.
    postcode: str = ""
    constituency: uk.ConstituencyRef | None = None
    postcode_place: PostcodePlace | None = None
    errors: list[str] = field(default_factory=list)
    # The `?source=` code the flow was opened with: not a place, but it travels with the place
    # through every URL of the flow, to be stored on each report.
    source: str = ""
    # The alert's prefill token the flow was opened with (supporters.prefill), carried the
    # same way to the thank-you page, whose address form it fills in.
    prefill: str = ""

    @property
    def where(self) -> "districts.DistrictRef | uk.ConstituencyRef | None":
        """The district or constituency whose representatives the supporter calls."""
        return self.district or self.constituency

    @property
    def postal_code(self) -> str:
        return self.zip or self.postcode

    def token(self) -> str:
        """The place sealed for the next page's URL or form ("" when there is none)."""
        where = self.where
        return seal_place(
            postal_code=self.postal_code,
            town=self.town,
            where=where.code
            if isinstance(where, uk.ConstituencyRef)
            else (where.label if where else ""),
        )

    def query(self, **extra) -> str:
        params = {
            "place": self.token(),
            "source": self.source,
            prefill.PARAMETER: self.prefill,
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def is_uk(action: CallAction) -> bool:
    return action.campaign.country == Campaign.Country.GB


def resolve_place(action: CallAction, form: CallPlaceForm) -> Place:
    if not form.is_valid():
        return Place(errors=[e for errors in form.errors.values() for e in errors])
    data = form.cleaned_data
    if is_uk(action):
        return _resolve_uk_place(action, form)
    place = Place(zip=data["zip"], town=data["town"], district=data["district"])
    if not action.uses_lookup or not place.zip:
        return place
    place.lookup = districts.lookup_zip(place.zip)
    if place.district is not None and place.district not in place.lookup.districts:
        if place.lookup.status != districts.ZipLookupStatus.NO_DATA:
            place.errors.append(district_not_in_zip_message())
            form.add_error(None, place.errors[-1])
            place.district = None
    elif place.lookup.status == districts.ZipLookupStatus.FOUND:
        place.district = place.lookup.districts[0]
    elif place.lookup.status == districts.ZipLookupStatus.NOT_FOUND:
        place.errors.append(zip_not_found_message(place.zip))
        form.add_error("zip", place.errors[-1])
    return place


def _resolve_uk_place(action: CallAction, form: CallPlaceForm) -> Place:
    """A postcode to its constituency; a Northern Ireland postcode waits for a seat picked
    from the list (or a location); a seat that does not match the postcode is refused."""
    data = form.cleaned_data
    place = Place(postcode=data["postcode"], town=data["town"], constituency=data["constituency"])
    if not action.uses_lookup or not (place.postcode or place.constituency):
        return place
    place.postcode_place = place_for_postcode(place.postcode, place.constituency)
    place.constituency = place.postcode_place.constituency
    if place.postcode_place.error:
        place.errors.append(place.postcode_place.error)
        picked = data["constituency"] is not None
        form.add_error(None if picked else "postcode", place.errors[-1])
    return place


def _form_showing(place: Place) -> CallPlaceForm:
    """The place form filled in again with what was wrong with `place`, for errors found
    outside a posted form (a location, a sealed place that no longer resolves)."""
    form = CallPlaceForm({"zip": place.zip, "postcode": place.postcode, "town": place.town})
    form.is_valid()
    for error in place.errors:
        form.add_error(None, error)
    return form


def place_from(action: CallAction, token: str) -> Place:
    """The place a sealed token holds, checked again; an empty place for a token that is
    garbled, forged or too old (the supporter is asked again)."""
    if not token:
        return Place()
    form = place_from_token(token)
    return Place() if form is None else resolve_place(action, form)


def _needs_place(action: CallAction, place: Place) -> bool:
    if not action.uses_lookup or place.where is not None:
        return False
    # Campaign targets as a fallback can be called when the lookup cannot help.
    no_data = (
        place.lookup is not None and place.lookup.status == districts.ZipLookupStatus.NO_DATA
    ) or (place.postcode_place is not None and place.postcode_place.data_missing)
    fallback = (
        action.target_mode == CallAction.TargetMode.BOTH
        and action.custom_placement == CallAction.CustomPlacement.FALLBACK
    )
    return not (no_data and fallback)


def _prefill_of(request: HttpRequest, action: CallAction) -> prefill.Prefill | None:
    campaign = action.campaign
    return prefill.from_request(request, [campaign.organization, *campaign.accepted_partners()])


def _place_of_person(action: CallAction, person) -> tuple[CallPlaceForm, Place]:
    """Where an alert's recipient is, from the ZIP code on their record: their legislators
    straight away when it is in one district (or in the one they are known to be in), else
    the question with their ZIP code filled in. A postcode that is no ZIP code we know fills
    nothing: they are asked as anyone is, without an error they did not make. In the UK, their
    postcode (and the constituency on their record, for a Northern Ireland postcode)."""
    if is_uk(action):
        known = person.district if CONSTITUENCY_CODE.match(person.district or "") else ""
        form = CallPlaceForm({"postcode": person.postcode})
        place = resolve_place(action, form)
        if place.postcode_place is not None and place.postcode_place.needs_northern_ireland_seat:
            with_seat = resolve_place(
                action, CallPlaceForm({"postcode": person.postcode, "constituency": known})
            )
            place = place if with_seat.errors or not known else with_seat
        if place.errors or not place.postcode:
            return CallPlaceForm(), Place()
        return CallPlaceForm(initial={"postcode": place.postcode}), place
    place = resolve_place(action, CallPlaceForm({"zip": person.postcode}))
    if place.errors:
        return CallPlaceForm(), Place()
    if place.district is None and place.lookup is not None and person.district:
        place.district = next(
            (d for d in place.lookup.districts if d.label == person.district), None
        )
    return CallPlaceForm(initial={"zip": place.zip}), place


# Like the legislators lookup this form answers from public data and changes nothing: a forged
# cross-site POST gains nothing, and the ZIP field may sit on the campaign page, which is cached
# for everyone and so cannot carry a per-visitor CSRF token.
@csrf_exempt
@prefill.private_when_prefilled
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Where the call flow begins: straight on to the first person's number and script when
    the flow knows enough (a fixed list, or the sealed place in `?place=`), else the question
    of where the supporter is. The ZIP code, a district picked from a split ZIP, or a location
    come by POST and are answered with a redirect carrying the sealed place, so none of them is
    ever in a URL."""
    action = action_for(request, slug)
    if request.method == "POST":
        if "latitude" in request.POST:
            return _start_from_location(request, action)
        form = CallPlaceForm(request.POST)
        place = resolve_place(action, form)
        if _needs_place(action, place) and not place.errors and not place.postal_code:
            # An empty ZIP or postcode field sent: say so rather than ask the same again.
            name, form_class = ("postcode", PostcodeForm) if is_uk(action) else ("zip", ZipForm)
            place.errors.append(form_class.base_fields[name].error_messages["required"])
            form.add_error(name, place.errors[-1])
    else:
        form = CallPlaceForm()
        place = place_from(action, request.GET.get("place", ""))
    prefilled = _prefill_of(request, action)
    if prefilled is not None and request.method == "GET" and "place" not in request.GET:
        form, place = _place_of_person(action, prefilled.person)
    place.source = _source_of(request)
    place.prefill = prefilled.token if prefilled else ""
    campaign = action.campaign
    context = {
        "action": action,
        "campaign": campaign,
        "form": form,
        "place": place,
        "data_loaded": _data_loaded(action),
        "uk": is_uk(action),
    }
    if not campaign.is_open:
        return render(request, "calls/start.html", context)
    if place.errors or _needs_place(action, place):
        if (
            place.lookup is not None
            and place.lookup.status == districts.ZipLookupStatus.AMBIGUOUS
            and not place.errors
        ):
            context["candidates"] = house_members_by_district(place.lookup.districts)
            context["boundaries_loaded"] = districts.boundaries_loaded()
        if (
            place.postcode_place is not None
            and place.postcode_place.lookup is not None
            and place.postcode_place.lookup.status == uk.PostcodeStatus.NORTHERN_IRELAND
        ):
            context["northern_ireland"] = {
                seat: Target.objects.mp_for(seat.code)
                for seat in uk.northern_ireland_constituencies()
            }
        if place.errors and not form.errors:
            context["form"] = _form_showing(place)
        return render(request, "calls/start.html", context, status=400 if place.errors else 200)
    if not services.targets_for(action, place.where):
        context["nobody_to_call"] = True
        if action.only_unsupportive:
            context["already_supporting"] = services.targets_for(
                action, place.where, leave_out_supporters=False
            )
        return render(request, "calls/start.html", context)
    return HttpResponseRedirect(_step_url(action, place, 0))


def _data_loaded(action: CallAction) -> bool:
    if not action.uses_lookup:
        return True
    return uk.postcode_data_loaded() if is_uk(action) else districts.zip_data_loaded()


def _start_from_location(request: HttpRequest, action: CallAction) -> HttpResponse:
    form = LocationForm(request.POST)
    found = None
    if form.is_valid():
        latitude, longitude = form.cleaned_data["latitude"], form.cleaned_data["longitude"]
        if is_uk(action):
            found = uk.constituency_at(latitude, longitude)
        else:
            found = districts.district_at(latitude, longitude)
    if found is None:
        message = outside_constituencies_message() if is_uk(action) else outside_districts_message()
        context = {
            "action": action,
            "campaign": action.campaign,
            "form": _form_showing(Place(errors=[message])),
            "place": Place(errors=[message]),
            "data_loaded": _data_loaded(action),
            "uk": is_uk(action),
        }
        return render(request, "calls/start.html", context, status=400)
    prefilled = _prefill_of(request, action)
    if isinstance(found, uk.ConstituencyRef):
        place = Place(constituency=found, source=_source_of(request))
    else:
        place = Place(district=found, source=_source_of(request))
    place.prefill = prefilled.token if prefilled else ""
    return HttpResponseRedirect(_start_url(action, place))


def _step_url(action: CallAction, place: Place, position: int, **extra) -> str:
    url = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": position})
    query = place.query(**extra)
    return f"{url}?{query}" if query else url


def _done_url(action: CallAction, place: Place) -> str:
    url = reverse("calls:done", kwargs={"slug": action.campaign.slug})
    query = place.query()
    return f"{url}?{query}" if query else url


def _start_url(action: CallAction, place: Place) -> str:
    url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    query = place.query()
    return f"{url}?{query}" if query else url


@prefill.private_when_prefilled
@require_GET
def step(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    action = action_for(request, slug)
    if not action.campaign.is_open:
        return redirect("calls:start", slug=slug)
    place = place_from(action, request.GET.get("place", ""))
    place.source = _source_of(request)
    place.prefill = _prefill_token(request, action)
    if place.errors or _needs_place(action, place):
        return redirect("calls:start", slug=slug)
    tried = tried_offices(request.GET.get("tried", ""))
    return _render_step(request, action, place, position, tried)


def _script_context(action: CallAction, target: Target, place: Place) -> dict:
    """The script in the caller's language; for a script said in another language (an office
    that speaks only that one), the words to say in it and, apart, what they mean."""
    source, field = services.script_source(action, target)

    def filled(text: Translated) -> Translated:
        value = services.fill_script(
            text.value, target, zip_code=place.postal_code, town=place.town
        )
        return Translated(value, text.lang, text.fell_back)

    caller_language = active_language()
    said_in = action.script_said_in
    words = text_in(source, field, said_in) if said_in and said_in != caller_language else ""
    if not words:
        return {"script": filled(text_of(source, field, action.campaign.language))}
    meaning = text_in(source, field, caller_language)
    return {
        "script": filled(Translated(words, said_in, fell_back=True)),
        "script_language_name": language_in_a_sentence(said_in),
        "script_meaning": filled(Translated(meaning, caller_language, False)) if meaning else None,
    }


def _render_step(request, action, place, position, tried, errors=(), status=200):
    targets = services.targets_for(action, place.where)
    if not targets:
        return HttpResponseRedirect(_start_url(action, place))
    if position >= len(targets):
        return HttpResponseRedirect(_done_url(action, place))
    target = targets[position]
    lines = services.lines_for(action, target, place.where)
    untried = [line for line in lines if line.office.pk not in tried]
    if tried and not untried:
        # Every number of this person was tried: on to the next person, never round again.
        return HttpResponseRedirect(_after_target_url(action, place, position, len(targets)))
    current = untried[0] if untried else None
    demands = list(action.campaign.demands.all())
    form = ReportForm(
        initial={
            "key": uuid.uuid4(),
            "position": position,
            "total": len(targets),
            "target": target.pk,
            "office": current.office.pk if current else None,
            "tried": ",".join(map(str, tried)),
            "place": place.token(),
            "source": place.source,
            prefill.PARAMETER: place.prefill,
        },
        demands=demands,
    )
    context = {
        "action": action,
        "campaign": action.campaign,
        "place": place,
        "position": position,
        "total": len(targets),
        "target": target,
        "lines": [(line, services.office_clock(line.office)) for line in lines],
        "current": current,
        "line_was_dead": bool(tried),
        "tried": set(tried),
        "upcoming": targets[position + 1 :],
        "place_token": place.token(),
        **_script_context(action, target, place),
        "demand_checkboxes": list(
            zip(
                form["demands"],
                [text_of(d, "text", action.campaign.language) for d in demands],
                strict=True,
            )
        ),
        "form": form,
        "errors": errors,
        "outcomes": Outcome.choices,
        "skip_url": _step_url(action, place, position + 1),
    }
    if action.ask_for_challenge:
        strings = json.loads(challenge.widget_strings())
        strings["error"] = gettext("The check failed. Your report may not be counted.")
        context |= {
            "challenge_json": challenge.new_challenge(),
            "challenge_strings": json.dumps(strings),
        }
    return render(request, "calls/step.html", context, status=status)


@prefill.private_when_prefilled
@require_POST
def report(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    if not action.campaign.is_open:
        return redirect("calls:start", slug=slug)
    public = services.public_action(slug)
    demands = public.demands if public else tuple(action.campaign.demands.all())
    form = ReportForm(request.POST, demands=demands)
    if not form.is_valid():
        if "place" in form.errors:
            return _refused(request, action, status=400, message=form.errors["place"][0])
        position = form.cleaned_data.get("position")
        if set(form.errors) != {"outcome"} or position is None:
            # Anything but the outcome comes from the page itself: it was tampered with.
            return _refused(request, action, status=400)
        # Nothing tapped: the same page again, saying what is missing.
        return _render_step(
            request,
            action,
            Place(
                **form.cleaned_data["place"],
                source=form.cleaned_data.get("source", ""),
                prefill=_prefill_token(request, action),
            ),
            position,
            form.cleaned_data["tried"],
            errors=form.errors["outcome"],
            status=400,
        )
    data = form.cleaned_data
    place = Place(**data["place"], source=data["source"], prefill=_prefill_token(request, action))
    if switches.current().calls_paused:
        return _refused(
            request,
            action,
            status=503,
            message=gettext(
                "We are not counting call reports for a little while. Your call still made a "
                "difference: thank you. Please try reporting again later."
            ),
        )
    next_url = _next_url(action, place, data)
    refusal = _refusal(request, action)
    if refusal is not None:
        if CallReport.objects.filter(key=data["key"]).exists():
            # A double tap of a report already counted: on as if counted now.
            return _remember_report(request, HttpResponseRedirect(next_url), action, data["key"])
        status, message = refusal
        return _refused(request, action, status=status, message=message, next_url=next_url)
    try:
        services.report_call(
            action,
            key=data["key"],
            target_id=data["target"],
            office_id=data["office"],
            outcome=data["outcome"],
            demand_ids=data["demands"],
            district=place.where,
            valid_demand_ids={d.pk for d in demands},
            answer=data["answer"],
            source=data["source"],
        )
    except services.ReportRefused:
        return _refused(request, action, status=400)
    return _remember_report(request, HttpResponseRedirect(next_url), action, data["key"])


def _prefill_token(request: HttpRequest, action: CallAction) -> str:
    """The flow's prefill token, carried on only while it is genuine."""
    prefilled = _prefill_of(request, action)
    return prefilled.token if prefilled else ""


def _source_of(request: HttpRequest) -> str:
    """The flow's `?source=` code, from the query string or a form's hidden field."""
    return clean_source(request.POST.get("source") or request.GET.get("source", ""))


# The keys of the reports this browser sent in its round of calls, so the thank-you page can
# put them on the caller's record if they leave an address. Only random keys (no personal
# data), signed, for as long as services.CLAIM_HOURS, sent back only to the call flow.
REPORTS_COOKIE = "tocsin_calls"
REPORTS_COOKIE_SALT = "tocsin.calls.reports"


def _reports_cookie_path(action: CallAction) -> str:
    return reverse("calls:start", kwargs={"slug": action.campaign.slug})


def reports_of_this_browser(request: HttpRequest, action: CallAction) -> list[uuid.UUID]:
    value = request.get_signed_cookie(
        REPORTS_COOKIE,
        default="",
        salt=REPORTS_COOKIE_SALT,
        max_age=services.CLAIM_HOURS * 3600,
    )
    action_id, _, keys = value.partition(":")
    if action_id != str(action.pk):
        return []
    remembered = []
    for key in keys.split(",")[: services.CLAIM_MOST_REPORTS]:
        try:
            remembered.append(uuid.UUID(key))
        except ValueError:
            continue
    return remembered


def _remember_report(
    request: HttpRequest, response: HttpResponse, action: CallAction, key: uuid.UUID
) -> HttpResponse:
    keys = reports_of_this_browser(request, action)
    if key not in keys:
        # The newest kept when the round is longer than the cookie holds.
        keys = [*keys, key][-services.CLAIM_MOST_REPORTS :]
    response.set_signed_cookie(
        REPORTS_COOKIE,
        f"{action.pk}:{','.join(k.hex for k in keys)}",
        salt=REPORTS_COOKIE_SALT,
        max_age=services.CLAIM_HOURS * 3600,
        path=_reports_cookie_path(action),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def _refusal(request: HttpRequest, action: CallAction) -> tuple[int, str] | None:
    """Why a well-formed report is not counted, as (status, message), or None to count it.
    The challenge comes first, so an unsolved one costs nothing against the limits."""
    if action.ask_for_challenge and not challenge.solved(request.POST.get("altcha", "")):
        return 400, gettext(
            "We could not check that this report came from a person's browser (the check "
            "needs JavaScript), so it was not counted. Your call still made a difference: "
            "thank you."
        )
    if limits.over_limit(action.pk, client_ip(request)):
        return 429, gettext(
            "So many call reports have come in just now, from your connection or for this "
            "campaign, that this one was not counted. Your call still made a difference: "
            "thank you."
        )
    return None


def _next_url(action: CallAction, place: Place, data: dict) -> str:
    """Where the flow goes after this report: another number of the same person after a dead
    line while one is left, else the next person, else the end."""
    if data["outcome"] in DEAD_LINE_OUTCOMES:
        tried = [*data["tried"], data["office"]]
        target = Target.objects.filter(pk=data["target"]).first()
        lines = services.lines_for(action, target, place.where) if target else []
        if any(line.office.pk not in tried for line in lines):
            # At once, while the supporter is ready to call.
            return (
                _step_url(action, place, data["position"], tried=",".join(map(str, tried)))
                + "#call"
            )
    return _after_target_url(action, place, data["position"], data["total"])


def _after_target_url(action: CallAction, place: Place, position: int, total: int | None) -> str:
    if total is not None and position + 1 >= total:
        return _done_url(action, place)
    return _step_url(action, place, position + 1)


def _refused(request, action, status, message="", next_url=""):
    context = {
        "action": action,
        "campaign": action.campaign,
        "message": message,
        "next_url": next_url,
    }
    return render(request, "calls/refused.html", context, status=status)


@prefill.private_when_prefilled
@require_GET
def done(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    place = place_from(action, request.GET.get("place", ""))
    place.source = _source_of(request)
    prefilled = _prefill_of(request, action)
    place.prefill = prefilled.token if prefilled else ""
    form = None
    if reports_of_this_browser(request, action):
        form = _caller_form(request, action, initial=prefilled.initial if prefilled else None)
    response = _render_done(request, action, place, form)
    return mark_done(request, response, action.campaign, "call")


def _caller_form(request: HttpRequest, action: CallAction, initial=None) -> CallerForm:
    campaign = action.campaign
    return CallerForm(
        request.POST or None,
        organizations=[campaign.organization, *campaign.accepted_partners()],
        limit=per_client(request, f"caller:{action.pk}", switches.current().joins_per_ip_per_hour),
        initial=initial,
    )


def _render_done(request, action, place, form, status=200) -> HttpResponse:
    targets = services.targets_for(action, place.where) if not place.errors else []
    context = {
        "action": action,
        "campaign": action.campaign,
        "count": services.call_count(action),
        "share": share_for(action, targets) if action.share_text or action.hashtags else None,
        "again_url": _start_url(action, place),
        "caller_form": form,
        "place": place,
    }
    return render(request, "calls/done.html", context, status=status)


@require_POST
def caller(request: HttpRequest, slug: str) -> HttpResponse:
    """The thank-you page's optional form: the caller's address, to put this browser's calls on
    their record, and the consents they ticked."""
    action = action_for(request, slug)
    place = place_from(action, request.POST.get("place", ""))
    place.source = _source_of(request)
    form = _caller_form(request, action)
    if form.is_valid():
        try:
            result = services.claim_reports(
                action,
                email=form.cleaned_data["email"],
                keys=reports_of_this_browser(request, action),
                consents=form.chosen_consents(),
                language=get_language(),
                source=place.source,
                page=reverse("calls:done", kwargs={"slug": slug}),
            )
        except services.NothingToClaim:
            form.add_error(
                None,
                gettext(
                    "We found no calls from this browser in the last few hours to add your "
                    "address to. To hear from the groups behind this campaign, tick one of "
                    "them."
                ),
            )
        else:
            context = {
                "action": action,
                "campaign": action.campaign,
                "result": result,
                "again_url": _start_url(action, place),
            }
            return render(request, "calls/caller_thanks.html", context)
    return _render_done(request, action, place, form, status=400)


@require_POST
def connect(request: HttpRequest, slug: str) -> HttpResponse:
    """Click-to-call: we ring the supporter and put them through to each office."""
    action = action_for(request, slug)
    place = place_from(action, request.POST.get("place", ""))
    if not action.campaign.is_open or place.errors or _needs_place(action, place):
        return HttpResponseRedirect(_start_url(action, place))
    try:
        session = telephony.start_session(
            action,
            phone_text=request.POST.get("phone", ""),
            ip_address=client_ip(request),
            district=place.where,
            language=get_language(),
        )
    except telephony.ConnectRefused as refusal:
        context = {
            "action": action,
            "campaign": action.campaign,
            "error": str(refusal),
            "back_url": _start_url(action, place),
        }
        return render(request, "calls/connecting.html", context, status=400)
    return redirect("calls:connecting", slug=slug, session_id=session.pk)


@require_GET
def connecting(request: HttpRequest, slug: str, session_id) -> HttpResponse:
    action = action_for(request, slug)
    session = get_object_or_404(ConnectSession, pk=session_id, action=action)
    context = {
        "action": action,
        "campaign": action.campaign,
        "session": session,
        "configured": telephony.backend().configured,
        "done_url": reverse("calls:done", kwargs={"slug": slug}),
    }
    return render(request, "calls/connecting.html", context)
