"""Colleagues by invitation, roles per organization, password reset and sessions."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory
from tocsin.events.factories import RsvpFactory, SessionFactory
from tocsin.events.models import Rsvp
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Invitation, Membership, Role
from tocsin.organizations.roles import ROLE_GROUPS
from tocsin.organizations.scoping import may

pytestmark = pytest.mark.django_db

PASSWORD = "a long organizer passphrase"


@pytest.fixture
def ours():
    return OrganizationFactory(name="Our Group")


@pytest.fixture
def owner(ours):
    return OrganizerFactory(organizations=[ours], organizations__role=Role.OWNER)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sign_in(client, user) -> None:
    """Through the sign-in page, as a person does: the session records its browser."""
    credentials = {"username": user.username, "password": PASSWORD, "next": "/admin/"}
    assert client.post(reverse("admin:login"), credentials).status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def members_url(organization) -> str:
    return reverse("organizations:members", args=[organization.pk])


def invite(client, organization, email: str, role: str):
    return client.post(members_url(organization), {"email": email, "role": role})


def link_in(message_body: str) -> str:
    return re.search(r"https?://\S+/organize/members/join/\S+/", message_body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_an_invitation_mailed_and_accepted_once_with_a_new_account(
    owner, ours, smtp_server, run_tasks, client
):
    response = invite(signed_in(owner), ours, "New.Colleague@Example.net", Role.VOLUNTEER)
    assert response.status_code == 302
    # A second press of the button sends nothing more.
    invite(signed_in(owner), ours, "new.colleague@example.net", Role.VOLUNTEER)
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "new.colleague@example.net"
    assert "Our Group" in message["Subject"]
    link = path_of(link_in(message.get_content()))
    token = link.rstrip("/").rsplit("/", 1)[1]
    [invitation] = Invitation.objects.all()
    # Never stored in clear, and no longer than the link's own random part makes it.
    assert token not in {invitation.secret, invitation.token_hash}
    assert len(token) == 64

    page = client.get(link)
    assert page.status_code == 200
    assert "Join Our Group" in page.content.decode()
    assert not Membership.objects.filter(user__email="new.colleague@example.net").exists()

    form = {"username": "newcolleague", "password1": "door duty on tuesdays"}
    mismatch = client.post(link, {**form, "password2": "something else entirely"})
    assert mismatch.status_code == 400
    assert Invitation.objects.get().accepted_at is None

    joined = client.post(link, {**form, "password2": "door duty on tuesdays"})
    assert joined.status_code == 302
    user = get_user_model().objects.get(username="newcolleague")
    assert user.is_staff
    assert user.check_password("door duty on tuesdays")
    assert Membership.objects.get(user=user).role == Role.VOLUNTEER
    assert set(user.groups.values_list("name", flat=True)) == {ROLE_GROUPS[Role.VOLUNTEER]}
    assert client.get(joined.url).status_code == 200  # signed in, on the members page

    again = Client().post(link, {**form, "username": "someoneelse", "password2": form["password1"]})
    assert again.status_code == 410
    assert "has been used" in again.content.decode()
    assert get_user_model().objects.filter(email="new.colleague@example.net").count() == 1
    assert Membership.objects.filter(organization=ours).count() == 2


def test_an_existing_account_joins_only_when_signed_in_as_the_invited_address(owner, ours):
    other = OrganizationFactory(name="Other Group")
    colleague = OrganizerFactory(organizations=[other], email="colleague@example.net")
    stranger = OrganizerFactory(organizations=[other], email="stranger@example.net")
    invite(signed_in(owner), ours, "colleague@example.net", Role.CAMPAIGNER)
    link = reverse("organizations:join", args=[Invitation.objects.get().token])

    anonymous = Client().get(link)
    assert reverse("admin:login") in anonymous.content.decode()  # sign in first, then back
    assert signed_in(stranger).post(link).status_code == 403
    assert not Membership.objects.filter(organization=ours, user=stranger).exists()

    assert signed_in(colleague).post(link).status_code == 302
    assert Membership.objects.get(organization=ours, user=colleague).role == Role.CAMPAIGNER
    assert Membership.objects.get(organization=other, user=colleague).role == Role.CAMPAIGNER


def test_an_expired_or_revoked_invitation_does_nothing(owner, ours, client):
    invite(signed_in(owner), ours, "late@example.net", Role.CAMPAIGNER)
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    link = reverse("organizations:join", args=[invitation.token])
    form = {"username": "late", "password1": "door duty on tuesdays"}
    response = client.post(link, {**form, "password2": form["password1"]})
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert not get_user_model().objects.filter(username="late").exists()

    # Inviting again after expiry makes a new link; revoking it kills that one too.
    invite(signed_in(owner), ours, "late@example.net", Role.CAMPAIGNER)
    fresh = Invitation.objects.get()
    assert fresh.pk != invitation.pk
    signed_in(owner).post(reverse("organizations:revoke", args=[ours.pk, fresh.pk]))
    gone = client.get(reverse("organizations:join", args=[fresh.token]))
    assert gone.status_code == 404
    assert "not valid" in gone.content.decode()
    assert client.get(reverse("organizations:join", args=["x" * 64])).status_code == 404


def test_a_campaigner_cannot_invite_change_roles_or_remove(owner, ours):
    campaigner = OrganizerFactory(organizations=[ours], organizations__role=Role.CAMPAIGNER)
    client = signed_in(campaigner)
    page = client.get(members_url(ours))
    assert page.status_code == 200
    assert "Invite a colleague" not in page.content.decode()
    assert invite(client, ours, "friend@example.net", Role.OWNER).status_code == 403
    assert not Invitation.objects.exists()
    membership = Membership.objects.get(user=campaigner)
    url = reverse("organizations:change-role", args=[ours.pk, membership.pk])
    assert client.post(url, {"role": Role.OWNER}).status_code == 403
    owner_seat = Membership.objects.get(user=owner)
    remove = reverse("organizations:remove", args=[ours.pk, owner_seat.pk])
    assert client.post(remove).status_code == 403
    assert Membership.objects.get(pk=membership.pk).role == Role.CAMPAIGNER
    assert Membership.objects.filter(pk=owner_seat.pk).exists()


def test_the_last_owner_can_be_neither_demoted_nor_removed(owner, ours):
    client = signed_in(owner)
    seat = Membership.objects.get(user=owner)
    demote = reverse("organizations:change-role", args=[ours.pk, seat.pk])
    page = client.post(demote, {"role": Role.VOLUNTEER}, follow=True)
    assert "last owner" in page.content.decode()
    client.post(reverse("organizations:remove", args=[ours.pk, seat.pk]))
    assert Membership.objects.get(pk=seat.pk).role == Role.OWNER

    other = OrganizerFactory(organizations=[ours], organizations__role=Role.CAMPAIGNER)
    other_seat = Membership.objects.get(user=other)
    client.post(
        reverse("organizations:change-role", args=[ours.pk, other_seat.pk]), {"role": "owner"}
    )
    assert set(other.groups.values_list("name", flat=True)) == {ROLE_GROUPS[Role.OWNER]}
    client.post(demote, {"role": Role.VOLUNTEER})
    assert Membership.objects.get(pk=seat.pk).role == Role.VOLUNTEER
    assert client.post(demote, {"role": "admiral"}).status_code == 403  # no longer an owner


def test_an_organizer_of_one_group_reaches_nothing_of_another(owner, ours):
    theirs = OrganizationFactory(name="Their Group")
    their_owner = OrganizerFactory(organizations=[theirs], organizations__role=Role.OWNER)
    invite(signed_in(their_owner), theirs, "theirs@example.net", Role.CAMPAIGNER)
    their_invitation = Invitation.objects.get()
    their_seat = Membership.objects.get(user=their_owner)
    client = signed_in(owner)
    assert client.get(members_url(theirs)).status_code == 404
    assert invite(client, theirs, "sneaky@example.net", Role.OWNER).status_code == 404
    for name, args in [
        ("organizations:change-role", [theirs.pk, their_seat.pk]),
        ("organizations:remove", [theirs.pk, their_seat.pk]),
        ("organizations:revoke", [theirs.pk, their_invitation.pk]),
        # Their ids under our organization's address are no more reachable.
        ("organizations:change-role", [ours.pk, their_seat.pk]),
        ("organizations:revoke", [ours.pk, their_invitation.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"role": "volunteer"}).status_code == 404
    assert Membership.objects.get(pk=their_seat.pk).role == Role.OWNER
    assert Invitation.objects.filter(pk=their_invitation.pk).exists()
    assert "Their Group" not in client.get(reverse("organizations:home")).content.decode()


def test_roles_differ_per_organization(ours):
    theirs = OrganizationFactory(name="Their Group")
    user = OrganizerFactory(organizations=[ours], organizations__role=Role.CAMPAIGNER)
    Membership.objects.create(organization=theirs, user=user, role=Role.VOLUNTEER)
    assert Membership.objects.role_of(user, ours) == Role.CAMPAIGNER
    assert Membership.objects.role_of(user, theirs) == Role.VOLUNTEER
    assert may(user, ours, "export")
    assert not may(user, theirs, "export")
    assert may(user, theirs, "check_in")
    assert not may(user, OrganizationFactory(name="Nobody's"), "read_dashboards")
    names = set(user.groups.values_list("name", flat=True))
    assert names == {ROLE_GROUPS[Role.CAMPAIGNER], ROLE_GROUPS[Role.VOLUNTEER]}
    Membership.objects.filter(organization=ours, user=user).delete()
    assert set(user.groups.values_list("name", flat=True)) == {ROLE_GROUPS[Role.VOLUNTEER]}


@pytest.fixture
def volunteer_at_the_door(ours):
    session = SessionFactory(event__organization=ours)
    ana = RsvpFactory(session=session, name="Ana", email="ana@example.org")
    volunteer = OrganizerFactory(organizations=[ours], organizations__role=Role.VOLUNTEER)
    return signed_in(volunteer), session, ana


def test_a_volunteer_checks_people_in_but_reads_no_lists_or_exports(volunteer_at_the_door):
    client, session, ana = volunteer_at_the_door
    door = reverse("events:door", args=[session.pk])
    assert client.get(door).status_code == 200
    client.post(door, {"rsvp": ana.pk, "action": "in"})
    assert Rsvp.objects.get(pk=ana.pk).attended_at is not None
    for name in ["events:organizer-session", "events:checkin-csv", "events:message"]:
        assert client.get(reverse(name, args=[session.pk])).status_code == 403, name
    campaign = CampaignFactory(organization=session.event.organization)
    assert client.get(reverse("dashboard:campaign", args=[campaign.pk])).status_code == 200
    signatures = reverse("dashboard:export", args=[campaign.pk, "signatures"])
    refused = client.get(signatures)
    assert refused.status_code == 403
    assert "Your role does not allow this" in refused.content.decode()


def test_a_volunteer_gets_403_on_every_dashboard_export(volunteer_at_the_door):
    client, session, _ana = volunteer_at_the_door
    campaign = CampaignFactory(organization=session.event.organization)
    hours = reverse("dashboard:export", args=[campaign.pk, "hours"])
    assert client.get(hours).status_code == 403


def test_sign_out_everywhere_ends_the_other_session(owner):
    laptop, phone = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Phone")
    for client in (laptop, phone):
        sign_in(client, owner)
    page = laptop.get(reverse("organizations:sessions")).content.decode()
    assert "Laptop browser" in page
    assert "Phone" in page
    assert phone.get(reverse("organizations:home")).status_code == 302  # to our members page

    laptop.post(reverse("organizations:end-every-session"))
    assert not Session.objects.exists()
    assert phone.get(reverse("organizations:home")).status_code == 302
    assert reverse("admin:login") in phone.get(reverse("organizations:home")).url


def test_ending_one_session_leaves_this_one(owner):
    laptop, phone = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Phone")
    for client in (laptop, phone):
        sign_in(client, owner)
    phone_row = owner.signed_in_sessions.get(user_agent="Phone")
    laptop.post(reverse("organizations:end-session", args=[phone_row.pk]))
    assert reverse("admin:login") in phone.get(reverse("organizations:sessions")).url
    assert laptop.get(reverse("organizations:sessions")).status_code == 200
    # Someone else's session id ends nothing.
    other = OrganizerFactory()
    signed_in(other).post(
        reverse("organizations:end-session", args=[owner.signed_in_sessions.get().pk])
    )
    assert laptop.get(reverse("organizations:sessions")).status_code == 200


def test_password_reset_mails_a_real_account_and_says_the_same_for_an_unknown_one(
    owner, client, settings
):
    url = reverse("organizations:password-reset")
    unknown = client.post(url, {"email": "nobody@example.net"}, follow=True)
    assert not mail.outbox
    known = client.post(url, {"email": owner.email}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert _same_text(known, unknown)
    [message] = mail.outbox
    assert message.to == [owner.email]
    link = re.search(r"https?://\S+/organize/password/\S+/", message.body).group(0)
    assert link.startswith(settings.TOCSIN_BASE_URL)
    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
        follow=True,
    )
    assert done.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password("a brand new passphrase")


def _same_text(first, second) -> bool:
    def text(response):
        return re.sub(r'value="[^"]*"', "", response.content.decode())

    return text(first) == text(second)


def test_the_volunteers_group_holds_no_personal_data_or_export_permission():
    from django.contrib.auth.models import Group

    volunteers = Group.objects.get(name=ROLE_GROUPS[Role.VOLUNTEER])
    held = {f"{p.content_type.app_label}.{p.codename}" for p in volunteers.permissions.all()}
    assert "organizations.check_in_membership" in held
    assert "campaigns.view_campaign" in held
    assert not held & {
        "supporters.view_supporter",
        "events.view_rsvp",
        "petitions.view_signature",
        "calls.view_callreport",
        "fundraising.view_gift",
    }
    owners = Group.objects.get(name=ROLE_GROUPS[Role.OWNER])
    assert owners.permissions.filter(codename="add_invitation").exists()


def test_bad_invitations_are_refused_with_a_message_and_change_nothing(owner, ours):
    client = signed_in(owner)
    member = OrganizerFactory(organizations=[ours], email="member@example.net")
    for email, role, says in [
        ("not an address", Role.CAMPAIGNER, "valid email"),
        ("Member@Example.net", Role.CAMPAIGNER, "already a member"),
        ("fine@example.net", "admiral", "valid choice"),
    ]:
        response = invite(client, ours, email, role)
        assert response.status_code == 400
        assert says in response.content.decode()
    assert not Invitation.objects.exists()
    assert Membership.objects.get(user=member).role == Role.CAMPAIGNER
