"""Issue 20: every organizer URL, export and admin page, with two organizations.

The URLs come from the resolver: every named pattern under organize/, signin/ and admin/ (each
registered ModelAdmin's changelist, add, change, delete and history pages and whatever its
get_urls adds). Each must be in TABLE (or ADMIN_MODELS), which says how to build its arguments
for an object of one organization and what each of Alpha's roles gets on Alpha's object. On
Bravo's object every one of Alpha's organizers is refused (403, 404, or the admin's "does not
exist" redirect to its index), and no page Alpha's organizers are shown mentions Bravo.

Outcomes: OK 200; DENY 403, 404 or the admin's redirect to its index; REDIRECT a 302
elsewhere; POST_ONLY 405 to a GET (those are driven by POST in the tests at the end).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tocsin.dashboard.exports import EXPORTS
from tocsin.organizations.models import Role

from .every_url_world import Org, build_world

OWNER, CAMPAIGNER, VOLUNTEER = Role.OWNER, Role.CAMPAIGNER, Role.VOLUNTEER
# A volunteer in Alpha who is a campaigner in Bravo (the world's "mixed" user).
MIXED = "mixed"
OK, DENY, REDIRECT, POST_ONLY = "ok", "deny", "redirect", "post-only"
INDEX = "index"  # a 302 to the admin's index: its "does not exist", or "signed in already"
REFUSED = "4xx"  # any refusal (JSON endpoints answer a GET with 400, 403 or 405)
LOGIN = "login"  # anonymous: sent to sign in

WALKED_PREFIXES = ("organize/", "signin/", "admin/")
# Not organizers' session pages, so never walked: the OSDI API (api/…) answers an API key, not
# a signed-in organizer, and its own tests (api/tests) scope each key to its organization; the
# embeds (embed/…, embed.js, oembed) are public pages framed on partners' sites. The embeds'
# snippets page, /organize/campaigns/<id>/embed/, is an organizer's and is in the table.
NOT_ORGANIZER_URLS = ("api/", "embed/", "embed.js", "oembed")


def E(owner, campaigner, volunteer) -> dict:
    return {OWNER: owner, CAMPAIGNER: campaigner, VOLUNTEER: volunteer}


EVERYONE = E(OK, OK, OK)
# Personal data, exports and sending: the campaigners' and owners', never a volunteer's.
RUNNERS = E(OK, OK, DENY)
OWNERS = E(OK, DENY, DENY)
NOBODY = E(DENY, DENY, DENY)
POSTS = E(POST_ONLY, POST_ONLY, POST_ONLY)


@dataclass(frozen=True)
class Row:
    # The URL's kwargs for one organization's object (a list: several URLs); None: no kwargs.
    kwargs: Callable[[Org], dict | list[dict]] | None
    # What each of Alpha's roles gets with Alpha's object (or on the page without one).
    own: dict
    # Whether the kwargs name an organization's object, so Bravo's must be refused.
    cross: bool = True
    anonymous: str = LOGIN
    # What each of Alpha's roles gets with Bravo's object.
    theirs: str = DENY
    # Texts of Alpha's that these roles must not be shown even where the page is theirs.
    private: Callable[[Org], list[str]] | None = None
    private_from: tuple = ()


def _exports(o):
    return [{"campaign_id": o.campaign.pk, "what": what} for what in sorted(EXPORTS)]


TABLE: dict[str, Row] = {
    # -- organizer pages outside the admin
    "petitions:delivery-csv": Row(
        lambda o: {"petition_id": o.petition.pk, "target_id": o.desk.pk}, RUNNERS
    ),
    "petitions:delivery-page": Row(
        lambda o: {"petition_id": o.petition.pk, "target_id": o.desk.pk}, RUNNERS
    ),
    # Counts of a session's answers, no names: the volunteer's way to the door.
    "events:organizer-event": Row(lambda o: {"event_id": o.event.pk}, EVERYONE),
    "events:organizer-session": Row(lambda o: {"session_id": o.session.pk}, RUNNERS),
    "events:checkin-csv": Row(lambda o: {"session_id": o.session.pk}, RUNNERS),
    "events:checkin-print": Row(lambda o: {"session_id": o.session.pk}, RUNNERS),
    "events:door": Row(lambda o: {"session_id": o.session.pk}, EVERYONE),
    "events:message": Row(lambda o: {"session_id": o.session.pk}, RUNNERS),
    "fundraising:gifts-csv": Row(lambda o: {"fundraiser_id": o.fundraiser.pk}, RUNNERS),
    "letters:bundle-index": Row(lambda o: {"action_id": o.write.pk}, RUNNERS),
    "letters:bundle-csv": Row(lambda o: {"action_id": o.write.pk, "target_id": o.desk.pk}, RUNNERS),
    "letters:bundle-page": Row(
        lambda o: {"action_id": o.write.pk, "target_id": o.desk.pk}, RUNNERS
    ),
    "dashboard:index": Row(None, EVERYONE),
    "dashboard:campaign": Row(lambda o: {"campaign_id": o.campaign.pk}, EVERYONE),
    "dashboard:map": Row(lambda o: {"campaign_id": o.campaign.pk}, EVERYONE),
    "dashboard:export": Row(_exports, RUNNERS),
    # One organization: straight to its members' page.
    "organizations:home": Row(None, E(REDIRECT, REDIRECT, REDIRECT)),
    # Every member reads who their colleagues are (test_colleagues); only owners see the
    # pending invitations and invite, change roles or remove (the POST tests below).
    "organizations:members": Row(
        lambda o: {"organization_id": o.organization.pk},
        EVERYONE,
        private=lambda o: [o.invitation.email],
        private_from=(CAMPAIGNER, VOLUNTEER),
    ),
    "organizations:change-role": Row(
        lambda o: {"organization_id": o.organization.pk, "membership_id": o.membership.pk},
        POSTS,
    ),
    "organizations:remove": Row(
        lambda o: {"organization_id": o.organization.pk, "membership_id": o.membership.pk},
        POSTS,
    ),
    "organizations:revoke": Row(
        lambda o: {"organization_id": o.organization.pk, "invitation_id": o.invitation.pk},
        POSTS,
    ),
    # An invitation's link: a made-up token opens nothing, for anyone.
    "organizations:join": Row(
        lambda o: {"token": "made-up-token"}, E(DENY, DENY, DENY), cross=False, anonymous=DENY
    ),
    "organizations:sessions": Row(None, EVERYONE),
    "organizations:end-session": Row(lambda o: {"session_id": o.user_session.pk}, POSTS),
    "organizations:end-every-session": Row(None, POSTS),
    # Password reset: for people who cannot sign in, so open to all.
    "organizations:password-reset": Row(None, EVERYONE, anonymous=OK),
    "organizations:password-reset-done": Row(None, EVERYONE, anonymous=OK),
    "organizations:password-reset-confirm": Row(
        lambda o: {"uidb64": "MQ", "token": "made-up"}, EVERYONE, cross=False, anonymous=OK
    ),
    "organizations:password-reset-complete": Row(None, EVERYONE, anonymous=OK),
    "organize:home": Row(None, EVERYONE),
    "organize:new": Row(None, RUNNERS),
    "organize:basics": Row(lambda o: {"campaign_id": o.draft.pk}, RUNNERS),
    "organize:actions": Row(lambda o: {"campaign_id": o.draft.pk}, RUNNERS),
    "organize:preview": Row(lambda o: {"campaign_id": o.draft.pk}, RUNNERS),
    "organize:targets": Row(lambda o: {"campaign_id": o.draft.pk}, POSTS, anonymous=POST_ONLY),
    "organize:publish": Row(lambda o: {"campaign_id": o.draft.pk}, POSTS, anonymous=POST_ONLY),
    "audit:log": Row(None, OWNERS),
    "audit:log-csv": Row(None, OWNERS),
    "signin:setup": Row(None, EVERYONE),
    "signin:add": Row(None, POSTS),
    # The owner's own authenticator, half set up: anyone else is sent back to their own
    # set-up page ("that set-up is finished or was replaced"), with nothing of the device.
    "signin:confirm": Row(
        lambda o: {"device_id": o.device.pk}, E(OK, REDIRECT, REDIRECT), theirs=REDIRECT
    ),
    "signin:recovery-codes": Row(None, EVERYONE),
    "signin:remove": Row(lambda o: {"device_id": o.device.pk}, POSTS),
    # Only for someone with a confirmed second factor: nobody here has one to prove.
    "signin:verify": Row(None, E(REDIRECT, REDIRECT, REDIRECT)),
    "signin:colleagues": Row(None, OWNERS),
    "signin:reset": Row(lambda o: {"user_id": o.owner.pk}, POSTS),
    # Passkeys (issue 19): the owner's own; JSON endpoints the page's script POSTs to.
    "signin:remove-passkey": Row(lambda o: {"device_id": o.device.pk}, POSTS),
    **{
        f"otp_webauthn:credential-{step}": Row(
            None, E(REFUSED, REFUSED, REFUSED), anonymous=REFUSED
        )
        for step in (
            "registration-begin",
            "registration-complete",
            "authentication-begin",
            "authentication-complete",
        )
    },
    "otp_webauthn:js-i18n-catalog": Row(None, EVERYONE, anonymous=OK),
    # -- issue 21: API keys and webhooks hand the organization's data to another system
    # (`manage_keys`: owners only); anyone else's key or endpoint is a 404.
    "api-keys:list": Row(None, OWNERS),
    "api-keys:revoke": Row(lambda o: {"pk": o.api_key.pk}, POSTS),
    "webhooks:index": Row(None, OWNERS),
    "webhooks:new": Row(None, OWNERS),
    "webhooks:detail": Row(lambda o: {"endpoint_id": o.endpoint.pk}, OWNERS),
    "webhooks:edit": Row(lambda o: {"endpoint_id": o.endpoint.pk}, OWNERS),
    **{
        f"webhooks:{name}": Row(lambda o: {"endpoint_id": o.endpoint.pk}, POSTS)
        for name in ("ping", "set-active", "delete")
    },
    "webhooks:redeliver": Row(
        lambda o: {"endpoint_id": o.endpoint.pk, "delivery_id": o.delivery.pk}, POSTS
    ),
    # The code partners paste into their pages, and the sites allowed to frame the campaign.
    "embeds:snippets": Row(lambda o: {"campaign_id": o.campaign.pk}, RUNNERS),
    # -- the admin site's own pages
    "admin:index": Row(None, EVERYONE),
    "admin:login": Row(None, E(INDEX, INDEX, INDEX), anonymous=OK),
    "admin:logout": Row(None, POSTS, anonymous=INDEX),
    "admin:password_change": Row(None, EVERYONE),
    "admin:password_change_done": Row(None, EVERYONE),
    "admin:autocomplete": Row(None, NOBODY),  # without a field to complete
    "admin:jsi18n": Row(None, EVERYONE),
    "admin:app_list": Row(lambda o: {"app_label": "campaigns"}, EVERYONE, cross=False),
    "admin:view_on_site": Row(
        lambda o: {
            "content_type_id": ContentType.objects.get_for_model(o.campaign).pk,
            "object_id": o.campaign.pk,
        },
        E(REDIRECT, REDIRECT, REDIRECT),
    ),
    "admin:auth_user_password_change": Row(lambda o: {"id": o.owner.pk}, NOBODY),
    "admin:otp_totp_totpdevice_config": Row(lambda o: {"pk": o.device.pk}, NOBODY),
    "admin:otp_totp_totpdevice_qrcode": Row(lambda o: {"pk": o.device.pk}, NOBODY),
    # -- pages ModelAdmins add
    # The campaign's texts only, which volunteers may read (view_campaign).
    "admin:campaigns_campaign_missing_texts": Row(
        lambda o: {"campaign_id": o.campaign.pk}, EVERYONE
    ),
    "admin:campaigns_stanceevidence_import": Row(lambda o: {"campaign_id": o.campaign.pk}, RUNNERS),
    "admin:campaigns_stanceevidence_suggestions": Row(
        lambda o: {"campaign_id": o.campaign.pk}, RUNNERS
    ),
    "admin:supporters_person": Row(None, RUNNERS),
    "admin:supporters_bulk_tag": Row(None, NOBODY),  # a POST from the changelist only
    "admin:supporters_import": Row(None, RUNNERS),
    "admin:supporters_import_status": Row(lambda o: {"import_id": o.people_import.pk}, RUNNERS),
    **{
        f"admin:alerts_alert_{page}": Row(lambda o: {"alert_id": o.alert.pk}, RUNNERS)
        for page in ("audience", "preview", "status", "results")
    },
    # Sending a test and pausing or stopping are POSTs; the alert is looked up first.
    "admin:alerts_alert_test": Row(
        lambda o: {"alert_id": o.alert.pk}, E(POST_ONLY, POST_ONLY, DENY)
    ),
    "admin:alerts_alert_control": Row(
        lambda o: {"alert_id": o.alert.pk}, E(POST_ONLY, POST_ONLY, DENY)
    ),
    "admin:alerts_alert_results_csv": Row(lambda o: {"alert_id": o.alert.pk}, RUNNERS),
    "admin:alerts_alert_send": Row(lambda o: {"alert_id": o.alert.pk}, RUNNERS),
    "admin:alerts_alert_preview_frame": Row(
        lambda o: {"alert_id": o.alert.pk, "language": "en"}, RUNNERS
    ),
}


@dataclass(frozen=True)
class Model:
    """A registered ModelAdmin: the object of one organization its pages are tried with
    (None: an installation's row, shared by every organization), and the permissions each
    role has on it here: a(dd), c(hange), d(elete), v(iew)."""

    obj: Callable[[Org], object] | None
    owner: str = ""
    campaigner: str = ""
    volunteer: str = ""
    extra: dict = field(default_factory=dict)


INSTALLATION_ONLY = Model(None)
ADMIN_MODELS: dict[str, Model] = {
    "auth_group": INSTALLATION_ONLY,
    "auth_user": Model(lambda o: o.owner),
    "django_tasks_database_dbtaskresult": INSTALLATION_ONLY,
    "axes_accessattempt": INSTALLATION_ONLY,
    "axes_accesslog": INSTALLATION_ONLY,
    "axes_accessfailurelog": INSTALLATION_ONLY,
    "otp_totp_totpdevice": Model(lambda o: o.device),
    "otp_static_staticdevice": INSTALLATION_ONLY,
    "core_switches": INSTALLATION_ONLY,
    "organizations_organization": Model(lambda o: o.organization, "cv", "cv", "v"),
    # The installation administrator's; owners read the record at /organize/audit/.
    "audit_entry": Model(lambda o: o.entry),
    "targets_target": Model(lambda o: o.desk, "acdv", "acdv", ""),
    # Offices are changed on their target's page (and synced ones by the administrator).
    "targets_office": Model(lambda o: o.office, "v", "v", ""),
    "targets_officecorrection": Model(lambda o: o.correction, "acdv", "acdv", ""),
    "districts_datasetimport": Model(None, "v", "v", ""),
    "campaigns_campaign": Model(lambda o: o.campaign, "acdv", "acdv", "v"),
    # Invitations addressed to the group, answered on their page; made on the campaign's.
    "campaigns_partnership": Model(lambda o: o.partnership, "cv", "cv", ""),
    "campaigns_stanceevidence": Model(lambda o: o.evidence, "acdv", "acdv", ""),
    # People are read, exported and erased (actions), never typed in or edited here.
    "supporters_supporter": Model(lambda o: o.supporter, "v", "v", ""),
    "calls_callaction": Model(lambda o: o.call, "acdv", "acdv", ""),
    "calls_blockednumber": Model(lambda o: o.blocked, "acdv", "acdv", ""),
    "petitions_petitionaction": Model(lambda o: o.petition, "acdv", "acdv", ""),
    "petitions_signature": Model(lambda o: o.signature, "cv", "cv", ""),
    "events_event": Model(lambda o: o.event, "acdv", "acdv", "v"),
    "events_rsvp": Model(lambda o: o.rsvp, "cv", "cv", ""),
    "fundraising_fundraiser": Model(lambda o: o.fundraiser, "acdv", "acdv", ""),
    "fundraising_gift": Model(lambda o: o.gift, "adv", "adv", ""),
    "letters_writeaction": Model(lambda o: o.write, "acdv", "acdv", ""),
    "letters_letter": Model(lambda o: o.letter, "v", "v", ""),
    "letters_badaddress": Model(lambda o: o.bad_address, "cv", "cv", ""),
    "alerts_alert": Model(lambda o: o.alert, "acdv", "acdv", ""),
}
ADMIN_PAGES = {
    # page: (the permissions, any one of which opens it; whether it names an object)
    "changelist": ("vc", False),
    "add": ("a", False),
    "change": ("vc", True),
    "history": ("vc", True),
    "delete": ("d", True),
}


def admin_rows() -> dict[str, Row]:
    rows = {}
    for model_name, model in ADMIN_MODELS.items():
        for page, (needs, names_object) in ADMIN_PAGES.items():

            def outcome(held: str, needs=needs) -> str:
                return OK if set(needs) & set(held) else DENY

            own = E(outcome(model.owner), outcome(model.campaigner), outcome(model.volunteer))
            kwargs, cross = None, model.obj is not None
            if names_object and model.obj is None:
                # An installation's row: the first one, or a made-up id.
                kwargs = lambda o, m=model_name: {"object_id": o.installation.get(m, 1)}  # noqa: E731
            elif names_object:
                kwargs = lambda o, obj=model.obj: {"object_id": obj(o).pk}  # noqa: E731
            rows[f"admin:{model_name}_{page}"] = Row(kwargs, own, cross=cross)
    return rows


ALL_ROWS = {**TABLE, **admin_rows()}


def walked_names() -> set[str]:
    names = set()

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern, route, inner)
            elif isinstance(pattern, URLPattern):
                if not route.startswith(WALKED_PREFIXES):
                    continue
                if route.startswith(NOT_ORGANIZER_URLS):
                    continue
                if pattern.name is None:
                    continue  # the admin's redirects (object_id/ → change/), checked below
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "", None)
    return names


def test_every_organizer_url_is_in_the_table():
    walked = walked_names()
    missing = sorted(walked - ALL_ROWS.keys())
    assert not missing, "\n".join(f"add {name} to the table" for name in missing)
    stale = sorted(ALL_ROWS.keys() - walked)
    assert not stale, f"no longer a URL, take out of the table: {stale}"
    # Every registered ModelAdmin is in ADMIN_MODELS, with its own URLs in TABLE.
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert registered == ADMIN_MODELS.keys()


# ---------------------------------------------------------------------------- the data set


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One data set for the module, rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def clients(world, db):
    alpha = world["alpha"]
    signed_in = {}
    for role in (OWNER, CAMPAIGNER, VOLUNTEER):
        client = Client()
        client.force_login(alpha.users[role])
        signed_in[role] = client
    return signed_in


def _urls(name: str, row: Row, org: Org) -> list[str]:
    if row.kwargs is None:
        return [reverse(name)]
    kwargs = row.kwargs(org)
    return [reverse(name, kwargs=k) for k in (kwargs if isinstance(kwargs, list) else [kwargs])]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _outcome(response) -> str:
    status = response.status_code
    if status == 200:
        return OK
    if status in (403, 404):
        return DENY
    if status == 405:
        return POST_ONLY
    if status == 400:
        return REFUSED
    if status == 302:
        location = response["Location"]
        if location == reverse("admin:index"):
            return INDEX
        if "login" in location:
            return LOGIN
        return REDIRECT
    return f"status {status}"


def _check(client, url: str, expected: str, who: str, problems: list, private=()):
    response = client.get(url)
    got = _outcome(response)
    if got == INDEX and expected == DENY:
        got = DENY  # the admin's "does not exist (perhaps it was deleted?)"
    if got in (DENY, POST_ONLY) and expected == REFUSED:
        got = REFUSED
    if got != expected:
        problems.append(f"{who} GET {url}: expected {expected}, got {got}")
        return
    if response.status_code == 200:
        # Organization names are public (every campaign page names its group), and a
        # campaign's form offers other groups to invite as partners.
        body = _body(response).lower().replace("bravo collective", "")
        if "bravo" in body:
            at = body.index("bravo")
            problems.append(f"{who} GET {url}: shows Bravo's data: …{body[at - 60 : at + 40]}…")
        for text in private:
            if text.lower() in body:
                problems.append(f"{who} GET {url}: shows {text!r}")


@pytest.mark.parametrize("name", sorted(ALL_ROWS))
def test_each_url_for_each_role_and_organization(name, world, clients, client):
    row = ALL_ROWS[name]
    alpha, bravo = world["alpha"], world["bravo"]
    problems: list[str] = []
    for url in _urls(name, row, alpha):
        _check(client, url, row.anonymous, "anonymous", problems)
        for role, signed_in in clients.items():
            private = row.private(alpha) if row.private and role in row.private_from else ()
            _check(signed_in, url, row.own[role], f"Alpha's {role}", problems, private)
    if row.cross and row.kwargs is not None:
        for url in _urls(name, row, bravo):
            for role, signed_in in clients.items():
                # Bravo's object: refused, or (POST-only) not answered to a GET at all.
                expected = REFUSED if row.own[role] == POST_ONLY else row.theirs
                _check(signed_in, url, expected, f"Alpha's {role} on Bravo's", problems)
    assert not problems, "\n".join(problems)


# ------------------------------------------------------- one role here, another elsewhere


@pytest.fixture
def mixed_client(world, db):
    client = Client()
    client.force_login(world["mixed"])
    return client


def _names_an_organizations_object(row: Row) -> bool:
    return row.cross and row.kwargs is not None


@pytest.mark.parametrize("name", sorted(ALL_ROWS))
def test_a_volunteer_here_who_campaigns_elsewhere_gets_only_a_volunteers_pages(
    name, world, clients, mixed_client
):
    """Django's permissions are one set per user: a campaigner in Bravo holds a campaigner's
    everywhere. With Alpha's objects, where they are a volunteer, they get exactly what
    Alpha's volunteer gets. On pages naming no object they act for Bravo, but are shown
    nothing of Alpha's that Alpha's volunteer is not shown."""
    row = ALL_ROWS[name]
    alpha = world["alpha"]
    problems: list[str] = []
    who = "Alpha's volunteer campaigning in Bravo"
    if _names_an_organizations_object(row):
        for url in _urls(name, row, alpha):
            _check(mixed_client, url, row.own[VOLUNTEER], who, problems, _private(row, alpha))
            if row.own[VOLUNTEER] == OK:
                # The same page, down to its form: a change form the volunteer only reads
                # has no Save button, no inputs and no actions for them either.
                theirs = _form_names(mixed_client.get(url))
                volunteers = _form_names(clients[VOLUNTEER].get(url))
                if theirs != volunteers:
                    problems.append(
                        f"{who} GET {url}: a form the volunteer does not get: "
                        f"{sorted(theirs - volunteers)} (and not {sorted(volunteers - theirs)})"
                    )
    elif row.own[VOLUNTEER] != OK:
        for url in _urls(name, row, alpha):
            response = mixed_client.get(url)
            if response.status_code != 200:
                continue
            # Alpha's name is public; anything else of Alpha's is for Alpha's runners.
            body = _body(response).lower().replace("alpha collective", "")
            if "alpha" in body:
                at = body.index("alpha")
                problems.append(f"{who} GET {url}: shows Alpha's data: …{body[at - 60 : at + 40]}…")
    assert not problems, "\n".join(problems)


def _private(row: Row, org: Org) -> list[str]:
    return row.private(org) if row.private and VOLUNTEER in row.private_from else []


def _form_names(response) -> set[str]:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return set()
    return set(
        re.findall(r'<(?:input|select|textarea|button)[^>]*\sname="([^"]+)"', _body(response))
    )


def test_a_volunteer_here_is_not_offered_this_organization_to_add_to(world, mixed_client):
    """Adding in Bravo is theirs; no add form offers them Alpha, where they only volunteer."""
    alpha, bravo = world["alpha"].organization, world["bravo"].organization
    offered = []
    for model_name in ADMIN_MODELS:
        response = mixed_client.get(reverse(f"admin:{model_name}_add"))
        select = re.search(
            r'<select name="organization"[^>]*>(.*?)</select>', _body(response), re.S
        )
        if response.status_code != 200 or select is None:
            continue
        values = set(re.findall(r'<option value="(\d+)"', select.group(1)))
        offered.append(model_name)
        assert str(alpha.pk) not in values, f"{model_name}: Alpha offered to add to"
        assert str(bravo.pk) in values, f"{model_name}: Bravo not offered"
    assert {"campaigns_campaign", "alerts_alert"} <= set(offered), offered


# ---------------------------------------------------------------------------- POSTs


@dataclass(frozen=True)
class Post:
    """A POST by one of Alpha's roles to `name` with `org`'s ("alpha"/"bravo") object; the
    rows `snapshot` reads must be the same afterwards."""

    name: str
    role: str
    org: str
    kwargs: Callable[[Org], dict] | None
    snapshot: Callable[[Org], object]
    data: Callable[[Org], dict] = lambda o: {}
    # Statuses that may answer (the row is what matters): refusals by default.
    allowed: tuple = (403, 404)


def _values(obj, *fields):
    return tuple(type(obj).objects.filter(pk=obj.pk).values_list(*fields).first() or ())


POSTS_TABLE = [
    Post(
        "organizations:change-role",
        OWNER,
        "bravo",
        lambda o: {"organization_id": o.organization.pk, "membership_id": o.membership.pk},
        lambda o: _values(o.membership, "role"),
        lambda o: {"role": "volunteer"},
    ),
    Post(
        "organizations:change-role",
        CAMPAIGNER,
        "alpha",
        lambda o: {"organization_id": o.organization.pk, "membership_id": o.membership.pk},
        lambda o: _values(o.membership, "role"),
        lambda o: {"role": "volunteer"},
    ),
    Post(
        "organizations:remove",
        OWNER,
        "bravo",
        lambda o: {"organization_id": o.organization.pk, "membership_id": o.membership.pk},
        lambda o: _values(o.membership, "pk"),
    ),
    Post(
        "organizations:remove",
        VOLUNTEER,
        "alpha",
        lambda o: {"organization_id": o.organization.pk, "membership_id": o.membership.pk},
        lambda o: _values(o.membership, "pk"),
    ),
    Post(
        "organizations:revoke",
        OWNER,
        "bravo",
        lambda o: {"organization_id": o.organization.pk, "invitation_id": o.invitation.pk},
        lambda o: _values(o.invitation, "pk", "expires_at", "accepted_at"),
    ),
    Post(
        "organizations:members",
        OWNER,
        "bravo",
        lambda o: {"organization_id": o.organization.pk},
        lambda o: o.organization.invitations.count(),
        lambda o: {"email": "sneaky@example.org", "role": "owner"},
    ),
    Post(
        "organizations:members",
        CAMPAIGNER,
        "alpha",
        lambda o: {"organization_id": o.organization.pk},
        lambda o: o.organization.invitations.count(),
        lambda o: {"email": "sneaky@example.org", "role": "owner"},
    ),
    # Ending a session not one's own is answered "had ended already": nothing ends.
    Post(
        "organizations:end-session",
        OWNER,
        "bravo",
        lambda o: {"session_id": o.user_session.pk},
        lambda o: _values(o.user_session, "pk"),
        allowed=(302, 403, 404),
    ),
    Post(
        "organize:basics",
        CAMPAIGNER,
        "bravo",
        lambda o: {"campaign_id": o.draft.pk},
        lambda o: _values(o.draft, "title", "summary"),
        lambda o: {"title": "Taken over", "summary": "x", "language": "en", "country": "US"},
    ),
    Post(
        "organize:basics",
        VOLUNTEER,
        "alpha",
        lambda o: {"campaign_id": o.draft.pk},
        lambda o: _values(o.draft, "title", "summary"),
        lambda o: {"title": "Taken over", "summary": "x", "language": "en", "country": "US"},
    ),
    Post(
        "organize:targets",
        OWNER,
        "bravo",
        lambda o: {"campaign_id": o.draft.pk},
        lambda o: list(o.draft.campaign_targets.values_list("target_id", flat=True)),
        lambda o: {"what": "remove", "target": str(o.desk.pk)},
    ),
    Post(
        "organize:publish",
        OWNER,
        "bravo",
        lambda o: {"campaign_id": o.draft.pk},
        lambda o: _values(o.draft, "status"),
    ),
    Post(
        "organize:publish",
        VOLUNTEER,
        "alpha",
        lambda o: {"campaign_id": o.draft.pk},
        lambda o: _values(o.draft, "status"),
    ),
    Post(
        "events:door",
        VOLUNTEER,
        "bravo",
        lambda o: {"session_id": o.session.pk},
        lambda o: _values(o.rsvp, "attended_at"),
        lambda o: {"rsvp": str(o.rsvp.pk)},
    ),
    Post(
        "events:message",
        VOLUNTEER,
        "alpha",
        lambda o: {"session_id": o.session.pk},
        lambda o: o.session.messages.count(),
        lambda o: {"subject": "Hi", "body": "Spam"},
    ),
    Post(
        "events:message",
        OWNER,
        "bravo",
        lambda o: {"session_id": o.session.pk},
        lambda o: o.session.messages.count(),
        lambda o: {"subject": "Hi", "body": "Spam"},
    ),
    Post(
        "admin:alerts_alert_send",
        OWNER,
        "bravo",
        lambda o: {"alert_id": o.alert.pk},
        lambda o: _values(o.alert, "status", "started_at"),
        lambda o: {"send": "1"},
    ),
    Post(
        "admin:alerts_alert_send",
        VOLUNTEER,
        "alpha",
        lambda o: {"alert_id": o.alert.pk},
        lambda o: _values(o.alert, "status", "started_at"),
        lambda o: {"send": "1"},
    ),
    Post(
        "admin:campaigns_campaign_delete",
        OWNER,
        "bravo",
        lambda o: {"object_id": o.campaign.pk},
        lambda o: _values(o.campaign, "pk"),
        lambda o: {"post": "yes"},
        allowed=(302, 403, 404),
    ),
    Post(
        "admin:fundraising_gift_delete",
        CAMPAIGNER,
        "bravo",
        lambda o: {"object_id": o.gift.pk},
        lambda o: _values(o.gift, "pk"),
        lambda o: {"post": "yes"},
        allowed=(302, 403, 404),
    ),
    Post(
        "admin:supporters_supporter_change",
        OWNER,
        "bravo",
        lambda o: {"object_id": o.supporter.pk},
        lambda o: _values(o.supporter, "email", "erased_at"),
        lambda o: {"erase": "1"},
        allowed=(302, 403, 404),
    ),
    # A volunteer's list of people is empty: the person "does not exist" for them (a 302).
    Post(
        "admin:supporters_supporter_change",
        VOLUNTEER,
        "alpha",
        lambda o: {"object_id": o.supporter.pk},
        lambda o: _values(o.supporter, "email", "erased_at"),
        lambda o: {"erase": "1"},
        allowed=(302, 403, 404),
    ),
    # -- issue 21
    Post(
        "api-keys:revoke",
        OWNER,
        "bravo",
        lambda o: {"pk": o.api_key.pk},
        lambda o: _values(o.api_key, "revoked_at"),
    ),
    Post(
        "api-keys:revoke",
        CAMPAIGNER,
        "alpha",
        lambda o: {"pk": o.api_key.pk},
        lambda o: _values(o.api_key, "revoked_at"),
    ),
    Post(
        "api-keys:list",
        CAMPAIGNER,
        "alpha",
        None,
        lambda o: o.organization.api_keys.count(),
        lambda o: {"organization": str(o.organization.pk), "name": "Sneaky", "can_write": "on"},
    ),
    Post(
        "webhooks:new",
        MIXED,
        "alpha",
        None,
        lambda o: o.organization.webhook_endpoints.count(),
        lambda o: {
            "organization": str(o.organization.pk),
            "url": "https://sneaky.example.org/",
            "events": ["signature.confirmed"],
        },
        # Refused, or (as Bravo's campaigner: no organization of theirs to pick) a 403.
        allowed=(400, 403, 404),
    ),
    Post(
        "webhooks:edit",
        OWNER,
        "bravo",
        lambda o: {"endpoint_id": o.endpoint.pk},
        lambda o: _values(o.endpoint, "url", "events"),
        lambda o: {"url": "https://sneaky.example.org/", "events": ["call.reported"]},
    ),
    Post(
        "webhooks:delete",
        OWNER,
        "bravo",
        lambda o: {"endpoint_id": o.endpoint.pk},
        lambda o: _values(o.endpoint, "pk"),
    ),
    Post(
        "webhooks:set-active",
        CAMPAIGNER,
        "alpha",
        lambda o: {"endpoint_id": o.endpoint.pk},
        lambda o: _values(o.endpoint, "is_active"),
        lambda o: {"active": "0"},
    ),
    Post(
        "webhooks:redeliver",
        OWNER,
        "bravo",
        lambda o: {"endpoint_id": o.endpoint.pk, "delivery_id": o.delivery.pk},
        lambda o: _values(o.delivery, "status", "attempts", "next_attempt_at"),
    ),
    Post(
        "webhooks:ping",
        VOLUNTEER,
        "alpha",
        lambda o: {"endpoint_id": o.endpoint.pk},
        lambda o: o.endpoint.deliveries.count(),
    ),
    # -- a volunteer in Alpha who is a campaigner in Bravo acts in Alpha as a volunteer
    Post(
        "admin:alerts_alert_send",
        MIXED,
        "alpha",
        lambda o: {"alert_id": o.alert.pk},
        lambda o: _values(o.alert, "status", "started_at"),
        lambda o: {"send": "1"},
    ),
    Post(
        "admin:campaigns_campaign_delete",
        MIXED,
        "alpha",
        lambda o: {"object_id": o.campaign.pk},
        lambda o: _values(o.campaign, "pk"),
        lambda o: {"post": "yes"},
        allowed=(302, 403, 404),
    ),
    Post(
        "admin:supporters_supporter_change",
        MIXED,
        "alpha",
        lambda o: {"object_id": o.supporter.pk},
        lambda o: _values(o.supporter, "email", "erased_at"),
        lambda o: {"erase": "1"},
        allowed=(302, 403, 404),
    ),
    Post(
        "events:message",
        MIXED,
        "alpha",
        lambda o: {"session_id": o.session.pk},
        lambda o: o.session.messages.count(),
        lambda o: {"subject": "Hi", "body": "Spam"},
    ),
    Post(
        "organize:publish",
        MIXED,
        "alpha",
        lambda o: {"campaign_id": o.draft.pk},
        lambda o: _values(o.draft, "status"),
    ),
    Post(
        "organize:basics",
        MIXED,
        "alpha",
        lambda o: {"campaign_id": o.draft.pk},
        lambda o: _values(o.draft, "title", "summary"),
        lambda o: {"title": "Taken over", "summary": "x", "language": "en", "country": "US"},
    ),
    Post(
        "signin:reset",
        OWNER,
        "bravo",
        lambda o: {"user_id": o.owner.pk},
        lambda o: list(o.owner.totpdevice_set.values_list("pk", flat=True)),
    ),
]


@pytest.mark.parametrize(
    "post", POSTS_TABLE, ids=[f"{p.name}-{p.role}-on-{p.org}" for p in POSTS_TABLE]
)
def test_a_post_as_the_wrong_organization_or_role_changes_nothing(
    post, world, clients, mixed_client
):
    org = world[post.org]
    before = post.snapshot(org)
    url = reverse(post.name, kwargs=post.kwargs(org)) if post.kwargs else reverse(post.name)
    client = mixed_client if post.role == MIXED else clients[post.role]
    response = client.post(url, post.data(org))
    assert response.status_code in post.allowed, (response.status_code, response.get("Location"))
    if response.status_code == 302:
        assert "bravo" not in response["Location"].lower()
    assert post.snapshot(org) == before


def test_the_right_role_changes_its_own_rows(world, clients):
    """The POSTs above are refused for who they are, not for a badly built request."""
    alpha = world["alpha"]
    door = reverse("events:door", kwargs={"session_id": alpha.session.pk})
    clients[VOLUNTEER].post(door, {"rsvp": str(alpha.rsvp.pk)})
    assert _values(alpha.rsvp, "attended_at")[0] is not None
    erase = reverse("admin:supporters_supporter_change", args=[alpha.supporter.pk])
    clients[CAMPAIGNER].post(erase, {"erase": "1"})
    assert _values(alpha.supporter, "erased_at")[0] is not None
    publish = reverse("organize:publish", kwargs={"campaign_id": alpha.draft.pk})
    assert clients[OWNER].post(publish).status_code == 302
