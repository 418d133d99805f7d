"""The OSDI API at /api/v1/: thin views over scoped querysets, the representations, and the
existing services for every write (one write path per action).

Every queryset starts from the key's organization (`request.auth.organization`): a key sees
and changes that organization's rows only, and another organization's id is a 404, the same
answer as an id that does not exist.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Prefetch, Q, Value
from django.db.models.fields import CharField
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tocsin.calls import services as calls
from tocsin.calls.models import CallAction, CallReport
from tocsin.campaigns.models import Campaign
from tocsin.core import switches
from tocsin.core.emails import normalize_email
from tocsin.events import services as events
from tocsin.events.models import Event, Rsvp
from tocsin.fundraising import services as fundraising
from tocsin.fundraising.models import Fundraiser, Gift
from tocsin.fundraising.money import CURRENCIES
from tocsin.letters.models import Letter
from tocsin.petitions import services as petitions
from tocsin.petitions.models import PetitionAction, Signature
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity, Consent, Supporter, Tag, Tagging

from . import docs_schemas as docs
from . import representations as rep
from . import serializers as inputs
from .osdi import apply_filter, paginate, site_root

SOURCE = "api"

FILTER = OpenApiParameter(
    "filter",
    str,
    description="OData subset: modified_date gt '2024-03-25T14:36:58Z' (gt, lt, eq; "
    "modified_date or created_date; clauses joined by `and`).",
)
PAGE = OpenApiParameter("page", int, description="1 and up.")
PER_PAGE = OpenApiParameter("per_page", int, description="25 by default, 100 at most.")
HAL = OpenApiResponse(OpenApiTypes.OBJECT, description="HAL+JSON (OSDI 1.2).")
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description='{"error": "..."}'),
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="No key, or not a valid one."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="A read-only key tried to write."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="Not this organization's."),
    413: OpenApiResponse(OpenApiTypes.OBJECT, description="Body over 256 kB."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Over the rate; see Retry-After."),
}


def answers(resource: str):
    """Document a view's GET as answering one `resource` (docs_schemas' component), or a page
    of them when the view is a collection (it names one: "osdi:people")."""

    def decorate(view):
        shape = docs.page(resource) if getattr(view, "collection", "") else docs.one(resource)
        return extend_schema_view(get=extend_schema(responses={200: shape, **ERRORS}))(view)

    return decorate


def _org(request):
    return request.auth.organization


def _id(value: str) -> int:
    """A path's id: digits, or `tocsin:<digits>`; anything else is a 404, never a 500."""
    value = value.removeprefix("tocsin:")
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def _one(queryset, pk: str):
    row = queryset.filter(pk=_id(pk)).first()
    if row is None:
        raise exceptions.NotFound(_("No such record in your organization."))
    return row


class Collection(APIView):
    """A paginated, filtered list of one organization's rows."""

    collection = ""  # "osdi:people"
    created = "created_at"
    modified: list[str] = ["created_at"]

    def rows(self, request, **kwargs):
        raise NotImplementedError

    def represent(self, row, *, base_url):
        raise NotImplementedError

    @extend_schema(parameters=[FILTER, PAGE, PER_PAGE], responses={200: HAL, **ERRORS})
    def get(self, request, **kwargs):
        queryset = apply_filter(
            self.rows(request, **kwargs),
            request.query_params.get("filter"),
            created=self.created,
            modified=self.modified,
        ).order_by("pk")
        return paginate(
            request,
            queryset,
            collection=self.collection,
            represent=self.represent,
            base_url=site_root(request),
        )


class Item(APIView):
    def row(self, request, **kwargs):
        raise NotImplementedError

    def represent(self, row, *, base_url):
        raise NotImplementedError

    @extend_schema(responses={200: HAL, **ERRORS})
    def get(self, request, **kwargs):
        return Response(self.represent(self.row(request, **kwargs), base_url=site_root(request)))


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- entry point -----------------------------------------------------------------------------


class EntryPoint(APIView):
    @extend_schema(responses={200: HAL, **ERRORS})
    def get(self, request):
        root = rep.api_root(site_root(request))
        names = [
            "people",
            "tags",
            "petitions",
            "events",
            "fundraising_pages",
            "advocacy_campaigns",
        ]
        return Response(
            {
                "motd": _("Tocsin's OSDI API for %(organization)s.")
                % {"organization": _org(request).name},
                "vendor_name": "Tocsin",
                "product_name": "Tocsin",
                "osdi_version": "1.2",
                "max_pagesize": 100,
                "_links": {
                    "self": {"href": f"{root}/"},
                    **{f"osdi:{name}": {"href": f"{root}/{name}"} for name in names},
                    "osdi:person_signup_helper": {"href": f"{root}/people"},
                    "docs": {"href": f"{root[: -len(rep.API_PREFIX)]}/api/docs/"},
                },
            }
        )


# --- people ----------------------------------------------------------------------------------

PERSON_MODIFIED = ["created_at", "email_confirmed_at", "last_action_at"]


def people_of(organization):
    """An organization's people with their consents to it and their tags, each as a plain
    list (`to_attr`): prefetching into the related managers costs a queryset per row and
    prefetch, which was a fifth of a page of people. The consents are found by person alone
    (representations.person keeps those to the person's own organization): with the
    organization in the query too, SQLite walked every consent of the organization."""
    return Supporter.objects.filter(organization=organization).prefetch_related(
        Prefetch("consents", queryset=Consent.objects.all(), to_attr="api_consents"),
        Prefetch(
            "taggings", queryset=Tagging.objects.select_related("tag"), to_attr="api_taggings"
        ),
    )


def _tag_person(person, names: list[str]) -> None:
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        tag, _created = Tag.objects.get_or_create(
            organization_id=person.organization_id, kind=Tag.Kind.TAG, name=name[:100]
        )
        people.add_tag([person], tag)


def _signup(organization, fields: dict, tags: list[str]) -> tuple[Supporter, bool]:
    """person_signup_helper's write: the person (found or created), an "imported" action the
    first time (the organization tells us of them, as a CSV row would), a pending consent
    with its confirmation mail when `subscribed`, and the tags."""
    with transaction.atomic():
        address = normalize_email(fields["email"])
        existed = Supporter.objects.filter(organization=organization, email=address).exists()
        person = people.find_or_create_person(
            organization,
            address,
            name=fields["name"],
            postcode=fields["postcode"],
            country=fields["country"],
            language=fields["language"],
            source=SOURCE,
        )
        if not person.is_known:
            people.record_activity(
                person, Activity.Kind.IMPORTED, source=SOURCE, summary=_("Added through the API")
            )
        if fields["subscribed"]:
            people.become_supporter(
                campaign=None,
                name=fields["name"],
                email=address,
                postcode=fields["postcode"],
                consents=[people.ConsentChoice(organization, people.consent_wording(organization))],
                language=fields["language"],
                source=SOURCE,
            )
        _tag_person(person, tags)
    return person, not existed


@answers("person")
class People(Collection):
    collection = "osdi:people"
    modified = PERSON_MODIFIED

    def rows(self, request):
        # The people organizers see: someone who acted or confirmed their address.
        return people_of(_org(request)).known()

    def represent(self, row, *, base_url):
        return rep.person(row, base_url=base_url)

    @extend_schema(
        request=inputs.PersonSignupIn,
        responses={200: docs.one("person"), 201: docs.one("person"), **ERRORS},
    )
    def post(self, request):
        """person_signup_helper."""
        data = _validated(inputs.PersonSignupIn, request)
        person, created = _signup(
            _org(request), inputs.person_fields(data["person"]), data.get("add_tags", [])
        )
        person = people_of(_org(request)).get(pk=person.pk)
        return Response(
            rep.person(person, base_url=site_root(request)),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@answers("person")
class Person(Item):
    def row(self, request, pk):
        return _one(people_of(_org(request)), pk)

    def represent(self, row, *, base_url):
        return rep.person(row, base_url=base_url)


class PersonRows(Collection):
    """One person's taggings, signatures, attendances, donations or outreaches."""

    def person_id(self, request, pk) -> int:
        return _one(Supporter.objects.filter(organization=_org(request)), pk).pk


@answers("tagging")
class PersonTaggings(PersonRows):
    collection = "osdi:taggings"

    def rows(self, request, pk):
        return Tagging.objects.filter(supporter_id=self.person_id(request, pk))

    def represent(self, row, *, base_url):
        return rep.tagging(row, base_url=base_url)


# --- tags and taggings -----------------------------------------------------------------------


@answers("tag")
class Tags(Collection):
    collection = "osdi:tags"

    def rows(self, request):
        return Tag.objects.filter(organization=_org(request))

    def represent(self, row, *, base_url):
        return rep.tag(row, base_url=base_url)

    # Tags have no dates of their own.
    @extend_schema(parameters=[PAGE, PER_PAGE], responses={200: HAL, **ERRORS})
    def get(self, request, **kwargs):
        if request.query_params.get("filter"):
            raise exceptions.ParseError(_("Tags cannot be filtered: they carry no dates."))
        return paginate(
            request,
            self.rows(request).order_by("pk"),
            collection=self.collection,
            represent=self.represent,
            base_url=site_root(request),
        )

    @extend_schema(
        request=inputs.TagIn, responses={200: docs.one("tag"), 201: docs.one("tag"), **ERRORS}
    )
    def post(self, request):
        name = _validated(inputs.TagIn, request)["name"].strip()
        if not name:
            raise exceptions.ValidationError({"name": [_("A tag needs a name.")]})
        tag, created = Tag.objects.get_or_create(
            organization=_org(request), kind=Tag.Kind.TAG, name=name
        )
        return Response(
            rep.tag(tag, base_url=site_root(request)),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@answers("tag")
class TagDetail(Item):
    def row(self, request, pk):
        return _one(Tag.objects.filter(organization=_org(request)), pk)

    def represent(self, row, *, base_url):
        return rep.tag(row, base_url=base_url)


@answers("tagging")
class Taggings(Collection):
    collection = "osdi:taggings"

    def rows(self, request, pk):
        tag = _one(Tag.objects.filter(organization=_org(request)), pk)
        return Tagging.objects.filter(tag=tag)

    def represent(self, row, *, base_url):
        return rep.tagging(row, base_url=base_url)

    @extend_schema(
        request=inputs.TaggingIn,
        responses={200: docs.one("tagging"), 201: docs.one("tagging"), **ERRORS},
    )
    def post(self, request, pk):
        """Tag a person: {"_links": {"osdi:person": {"href": ".../people/12"}}}."""
        tag = _one(Tag.objects.filter(organization=_org(request)), pk)
        href = _validated(inputs.TaggingIn, request)["_links"]["osdi_person"]["href"]
        person_id = href.rstrip("/").rsplit("/", 1)[-1]
        if "/people/" not in href:
            raise exceptions.ValidationError({"_links": [_("Link to a person: …/people/<id>.")]})
        person = _one(Supporter.objects.filter(organization=_org(request)), person_id)
        added = people.add_tag([person], tag)
        tagging = Tagging.objects.get(tag=tag, supporter=person)
        return Response(
            rep.tagging(tagging, base_url=site_root(request)),
            status=status.HTTP_201_CREATED if added else status.HTTP_200_OK,
        )


@answers("tagging")
class TaggingDetail(Item):
    def row(self, request, pk, tagging_pk):
        return _one(
            Tagging.objects.filter(tag__organization=_org(request), tag_id=_id(pk)), tagging_pk
        )

    def represent(self, row, *, base_url):
        return rep.tagging(row, base_url=base_url)

    @extend_schema(responses={200: HAL, **ERRORS})
    def delete(self, request, pk, tagging_pk):
        self.row(request, pk, tagging_pk).delete()
        return Response({"notice": _("This tagging was deleted.")})


# --- petitions and signatures ----------------------------------------------------------------


def petitions_of(organization):
    return PetitionAction.objects.filter(campaign__organization=organization).select_related(
        "campaign"
    )


@answers("petition")
class Petitions(Collection):
    collection = "osdi:petitions"
    created = "campaign__created_at"
    modified = ["campaign__updated_at"]

    def rows(self, request):
        return petitions_of(_org(request))

    def represent(self, row, *, base_url):
        return rep.petition(row, base_url=base_url)


@answers("petition")
class PetitionDetail(Item):
    def row(self, request, pk):
        return _one(petitions_of(_org(request)), pk)

    def represent(self, row, *, base_url):
        return rep.petition(row, base_url=base_url)


SIGNATURE_MODIFIED = ["created_at", "confirmed_at", "invalidated_at"]


@answers("signature")
class Signatures(Collection):
    collection = "osdi:signatures"
    modified = SIGNATURE_MODIFIED

    def rows(self, request, pk):
        petition = _one(petitions_of(_org(request)), pk)
        return Signature.objects.filter(petition=petition)

    def represent(self, row, *, base_url):
        return rep.signature(row, base_url=base_url)

    @extend_schema(
        request=inputs.SignatureIn,
        responses={200: docs.one("signature"), 201: docs.one("signature"), **ERRORS},
    )
    def post(self, request, pk):
        """record_signature_helper: petitions.services.sign, source "api". The signature waits
        for its signer to confirm it from the mail sent (as every signature does)."""
        petition = _one(petitions_of(_org(request)), pk)
        data = _validated(inputs.SignatureIn, request)
        fields = inputs.person_fields(data["person"])
        campaign = petition.campaign
        if not (campaign.is_open and petition.is_collecting) or switches.current().signing_paused:
            raise Conflict(_("This petition is not taking signatures."))
        if petition.ask_postcode and not fields["postcode"]:
            raise exceptions.ValidationError(
                {"person": [_("This petition asks for a postal_code.")]}
            )
        if petition.ask_country and not fields["country"]:
            raise exceptions.ValidationError({"person": [_("This petition asks for a country.")]})
        organization = _org(request)
        consents = (
            [{"organization": organization.pk, "wording": people.consent_wording(organization)}]
            if fields["subscribed"]
            else []
        )
        with transaction.atomic():
            result = petitions.sign(
                petition,
                name=fields["name"] or fields["email"].split("@")[0],
                email=fields["email"],
                postcode=fields["postcode"],
                country=fields["country"],
                comment=data.get("comments", ""),
                consents=consents,
                language=fields["language"],
                source=SOURCE,
            )
            signature = result.signature or Signature.objects.get(
                petition=petition, email=normalize_email(fields["email"])
            )
            if signature.supporter is not None:
                _tag_person(signature.supporter, data.get("add_tags", []))
        return Response(
            rep.signature(signature, base_url=site_root(request)),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


@answers("signature")
class SignatureDetail(Item):
    def row(self, request, pk, item_pk):
        petition = _one(petitions_of(_org(request)), pk)
        return _one(Signature.objects.filter(petition=petition), item_pk)

    def represent(self, row, *, base_url):
        return rep.signature(row, base_url=base_url)


@answers("signature")
class PersonSignatures(PersonRows):
    collection = "osdi:signatures"
    modified = SIGNATURE_MODIFIED

    def rows(self, request, pk):
        return Signature.objects.filter(
            supporter_id=self.person_id(request, pk), petition__campaign__organization=_org(request)
        )

    def represent(self, row, *, base_url):
        return rep.signature(row, base_url=base_url)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Not possible now."


# --- events and attendances ------------------------------------------------------------------


def events_of(organization):
    return Event.objects.filter(organization=organization).prefetch_related("sessions")


RSVP_MODIFIED = ["created_at", "confirmed_at", "waitlisted_at", "cancelled_at", "attended_at"]
REFUSALS = {
    "past": _("This event is over."),
    "full": _("This session is full and has no waitlist."),
    "too_many_guests": _("Too many guests for this event."),
    "closed": _("This event is not taking answers."),
}


@answers("event")
class Events(Collection):
    collection = "osdi:events"

    def rows(self, request):
        return events_of(_org(request))

    def represent(self, row, *, base_url):
        return rep.event(row, base_url=base_url)


@answers("event")
class EventDetail(Item):
    def row(self, request, pk):
        return _one(events_of(_org(request)), pk)

    def represent(self, row, *, base_url):
        return rep.event(row, base_url=base_url)


@answers("attendance")
class Attendances(Collection):
    collection = "osdi:attendances"
    modified = RSVP_MODIFIED

    def rows(self, request, pk):
        event = _one(events_of(_org(request)), pk)
        return Rsvp.objects.filter(session__event=event).select_related("session")

    def represent(self, row, *, base_url):
        return rep.attendance(row, base_url=base_url)

    @extend_schema(
        request=inputs.AttendanceIn,
        responses={200: docs.one("attendance"), 201: docs.one("attendance"), **ERRORS},
    )
    def post(self, request, pk):
        """record_attendance_helper: events.services.rsvp, source "api"."""
        event = _one(events_of(_org(request)), pk)
        data = _validated(inputs.AttendanceIn, request)
        sessions = list(event.sessions.all())
        if data.get("tocsin_session"):
            wanted = _id(data["tocsin_session"])
            sessions = [s for s in sessions if s.pk == wanted]
            if not sessions:
                raise exceptions.ValidationError(
                    {"tocsin:session": [_("No such session in this event.")]}
                )
        elif len(sessions) != 1:
            raise exceptions.ValidationError(
                {"tocsin:session": [_("This event has several sessions: name one.")]}
            )
        fields = inputs.person_fields(data["person"])
        organization = _org(request)
        consents = (
            [people.ConsentChoice(organization, people.consent_wording(organization))]
            if fields["subscribed"]
            else []
        )
        try:
            with transaction.atomic():
                result = events.rsvp(
                    sessions[0],
                    name=fields["name"] or fields["email"].split("@")[0],
                    email=fields["email"],
                    postcode=fields["postcode"],
                    guests=data.get("tocsin_guests", 0),
                    consents=consents,
                    language=fields["language"],
                    source=SOURCE,
                )
                if result.rsvp.supporter is not None:
                    _tag_person(result.rsvp.supporter, data.get("add_tags", []))
        except events.RsvpRefused as refused:
            if refused.reason is events.Refusal.TOO_MANY_GUESTS:
                raise exceptions.ValidationError(
                    {"tocsin:guests": [REFUSALS["too_many_guests"]]}
                ) from None
            raise Conflict(REFUSALS.get(refused.reason.value, str(refused))) from None
        answer = Rsvp.objects.select_related("session").get(pk=result.rsvp.pk)
        return Response(
            rep.attendance(answer, base_url=site_root(request)),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


@answers("attendance")
class AttendanceDetail(Item):
    def row(self, request, pk, item_pk):
        event = _one(events_of(_org(request)), pk)
        return _one(Rsvp.objects.filter(session__event=event).select_related("session"), item_pk)

    def represent(self, row, *, base_url):
        return rep.attendance(row, base_url=base_url)


@answers("attendance")
class PersonAttendances(PersonRows):
    collection = "osdi:attendances"
    modified = RSVP_MODIFIED

    def rows(self, request, pk):
        return Rsvp.objects.filter(
            supporter_id=self.person_id(request, pk), session__event__organization=_org(request)
        ).select_related("session")

    def represent(self, row, *, base_url):
        return rep.attendance(row, base_url=base_url)


# --- fundraising pages and donations ---------------------------------------------------------


def fundraisers_of(organization):
    return Fundraiser.objects.filter(organization=organization)


@answers("fundraising_page")
class FundraisingPages(Collection):
    collection = "osdi:fundraising_pages"
    modified = ["created_at", "updated_at"]

    def rows(self, request):
        return fundraisers_of(_org(request))

    def represent(self, row, *, base_url):
        return rep.fundraising_page(row, base_url=base_url)


@answers("fundraising_page")
class FundraisingPageDetail(Item):
    def row(self, request, pk):
        return _one(fundraisers_of(_org(request)), pk)

    def represent(self, row, *, base_url):
        return rep.fundraising_page(row, base_url=base_url)


@answers("donation")
class Donations(Collection):
    collection = "osdi:donations"

    def rows(self, request, pk):
        return Gift.objects.filter(fundraiser=_one(fundraisers_of(_org(request)), pk))

    def represent(self, row, *, base_url):
        return rep.donation(row, base_url=base_url)

    @extend_schema(request=inputs.DonationIn, responses={201: docs.one("donation"), **ERRORS})
    def post(self, request, pk):
        """record_donation_helper: an offline gift, fundraising.services.record_offline_gift."""
        fundraiser = _one(fundraisers_of(_org(request)), pk)
        data = _validated(inputs.DonationIn, request)
        currency = (data.get("currency") or fundraiser.currency).upper()
        if currency not in CURRENCIES:
            raise exceptions.ValidationError({"currency": [_("Not a currency Tocsin takes.")]})
        unit = CURRENCIES[currency].unit
        minor = data["amount"] * unit
        if minor != minor.to_integral_value():
            raise exceptions.ValidationError({"amount": [_("Too many decimal places.")]})
        fields = inputs.person_fields(data["person"]) if data.get("person") else None
        gift = Gift(
            fundraiser=fundraiser,
            source=data["payment"]["method"],
            amount=int(minor),
            currency=currency,
            donor_name=fields["name"] if fields else "",
            donor_email=normalize_email(fields["email"]) if fields else "",
            reference=data["payment"].get("reference_number", ""),
            received_on=data.get("action_date") or timezone.localdate(),
        )
        gift.source_code = SOURCE
        try:
            with transaction.atomic():
                fundraising.record_offline_gift(gift)
                if gift.supporter is not None:
                    _tag_person(gift.supporter, data.get("add_tags", []))
        except fundraising.GiftRefused as refused:
            raise exceptions.ValidationError({"amount": [str(refused)]}) from None
        return Response(
            rep.donation(gift, base_url=site_root(request)), status=status.HTTP_201_CREATED
        )


@answers("donation")
class DonationDetail(Item):
    def row(self, request, pk, item_pk):
        fundraiser = _one(fundraisers_of(_org(request)), pk)
        return _one(Gift.objects.filter(fundraiser=fundraiser), item_pk)

    def represent(self, row, *, base_url):
        return rep.donation(row, base_url=base_url)


@answers("donation")
class PersonDonations(PersonRows):
    collection = "osdi:donations"

    def rows(self, request, pk):
        return Gift.objects.filter(
            supporter_id=self.person_id(request, pk), fundraiser__organization=_org(request)
        )

    def represent(self, row, *, base_url):
        return rep.donation(row, base_url=base_url)


# --- advocacy campaigns and outreaches -------------------------------------------------------


def advocacy_of(organization):
    return (
        Campaign.objects.filter(organization=organization)
        .filter(Q(call_action__isnull=False) | Q(write_actions__isnull=False))
        .distinct()
    )


@answers("advocacy_campaign")
class AdvocacyCampaigns(Collection):
    collection = "osdi:advocacy_campaigns"
    modified = ["created_at", "updated_at"]

    def rows(self, request):
        return advocacy_of(_org(request))

    def represent(self, row, *, base_url):
        return rep.advocacy_campaign(row, base_url=base_url)


@answers("advocacy_campaign")
class AdvocacyCampaignDetail(Item):
    def row(self, request, pk):
        return _one(advocacy_of(_org(request)), pk)

    def represent(self, row, *, base_url):
        return rep.advocacy_campaign(row, base_url=base_url)


@answers("outreach")
class Outreaches(APIView):
    """Calls reported and letters written, together, oldest first. Their ids are call-<id>
    and letter-<id>; pages are cut from one ordered union of the two."""

    collection = "osdi:outreaches"

    def calls_and_letters(self, request, pk=None, person_id=None):
        organization = _org(request)
        calls_q = CallReport.objects.filter(action__campaign__organization=organization)
        letters_q = Letter.objects.filter(action__campaign__organization=organization)
        if pk is not None:
            campaign = _one(advocacy_of(organization), pk)
            calls_q = calls_q.filter(action__campaign=campaign)
            letters_q = letters_q.filter(action__campaign=campaign)
        if person_id is not None:
            calls_q = calls_q.filter(supporter_id=person_id)
            letters_q = letters_q.filter(supporter_id=person_id)
        text = request.query_params.get("filter")
        calls_q = apply_filter(calls_q, text, created="created_at", modified=["created_at"])
        letters_q = apply_filter(
            letters_q,
            text,
            created="created_at",
            modified=["created_at", "confirmed_at", "sent_at"],
        )
        kind = CharField()
        return (
            calls_q.annotate(kind=Value("call", output_field=kind))
            .values_list("kind", "pk", "created_at")
            .union(
                letters_q.annotate(kind=Value("letter", output_field=kind)).values_list(
                    "kind", "pk", "created_at"
                ),
                all=True,
            )
            .order_by("created_at", "kind", "pk")
        )

    def represent(self, entry, *, base_url):
        return rep.outreach(entry, base_url=base_url)

    def page(self, request, union):
        def load(keys):
            calls_ids = [pk for kind, pk, _when in keys if kind == "call"]
            letter_ids = [pk for kind, pk, _when in keys if kind == "letter"]
            found = {
                ("call", r.pk): r
                for r in CallReport.objects.filter(pk__in=calls_ids).select_related(
                    "action", "target"
                )
            }
            found |= {
                ("letter", r.pk): r
                for r in Letter.objects.filter(pk__in=letter_ids).select_related("action", "target")
            }
            return [found[(kind, pk)] for kind, pk, _when in keys if (kind, pk) in found]

        return paginate(
            request,
            LoadedSlice(union, load),
            collection=self.collection,
            represent=self.represent,
            base_url=site_root(request),
        )

    @extend_schema(parameters=[FILTER, PAGE, PER_PAGE], responses={200: HAL, **ERRORS})
    def get(self, request, pk):
        return self.page(request, self.calls_and_letters(request, pk=pk))

    @extend_schema(
        request=inputs.OutreachIn,
        responses={200: docs.one("outreach"), 201: docs.one("outreach"), **ERRORS},
    )
    def post(self, request, pk):
        """record_outreach_helper: a call, through calls.services.report_call (source "api");
        with a person, linked to them through calls.services.claim_reports."""
        campaign = _one(advocacy_of(_org(request)), pk)
        action = CallAction.objects.filter(campaign=campaign).first()
        if action is None:
            raise Conflict(_("This campaign has no call action; letters cannot be recorded here."))
        data = _validated(inputs.OutreachIn, request)
        key = data.get("tocsin_key") or uuid.uuid4()
        fields = inputs.person_fields(data["person"]) if data.get("person") else None
        try:
            with transaction.atomic():
                created = calls.report_call(
                    action,
                    key=key,
                    target_id=data["targets"][0]["tocsin_id"],
                    office_id=data["tocsin_office"],
                    outcome=data["tocsin_outcome"],
                    demand_ids=[],
                    district=None,
                    answer=data.get("tocsin_answer", ""),
                    source=SOURCE,
                )
                if fields is not None:
                    calls.claim_reports(
                        action,
                        email=fields["email"],
                        keys=[key],
                        consents=[],
                        language=fields["language"],
                        source=SOURCE,
                    )
                report = CallReport.objects.select_related("action", "target").get(key=key)
                if report.action_id != action.pk:
                    raise Conflict(_("That key was used for another campaign."))
                if report.supporter is not None:
                    _tag_person(report.supporter, data.get("add_tags", []))
        except calls.ReportRefused as refused:
            raise exceptions.ValidationError({"targets": [str(refused)]}) from None
        except calls.NothingToClaim:
            raise exceptions.ValidationError({"person": [_("Nothing to link.")]}) from None
        return Response(
            rep.outreach(report, base_url=site_root(request)),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class LoadedSlice:
    """A union queryset of (kind, pk, created_at) that paginate() counts and slices, giving
    back the rows themselves."""

    def __init__(self, union, load):
        self.union, self.load = union, load

    def count(self) -> int:
        return self.union.count()

    def __getitem__(self, window: slice):
        return self.load(list(self.union[window]))


@answers("outreach")
class OutreachDetail(APIView):
    @extend_schema(responses={200: HAL, **ERRORS})
    def get(self, request, pk, item_pk):
        campaign = _one(advocacy_of(_org(request)), pk)
        kind, _sep, number = item_pk.partition("-")
        model = {"call": CallReport, "letter": Letter}.get(kind)
        if model is None:
            raise exceptions.NotFound(_("No such record in your organization."))
        row = _one(
            model.objects.filter(action__campaign=campaign).select_related("action", "target"),
            number,
        )
        return Response(rep.outreach(row, base_url=site_root(request)))


@answers("outreach")
class PersonOutreaches(Outreaches):
    @extend_schema(parameters=[FILTER, PAGE, PER_PAGE], responses={200: HAL, **ERRORS})
    def get(self, request, pk):
        person = _one(Supporter.objects.filter(organization=_org(request)), pk)
        return self.page(request, self.calls_and_letters(request, person_id=person.pk))

    # Outreaches are recorded on their campaign.
    http_method_names = ["get", "head", "options"]
