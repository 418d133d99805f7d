"""Two organizations, Alpha and Bravo, each with a campaign holding every kind of action and
every kind of personal record, for test_every_organizer_url.

Everything of Bravo's carries the word "Bravo" (names, slugs, addresses at bravo.test), so a
page rendered for one of Alpha's organizers that mentions "bravo" shows Bravo's data.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from tocsin.alerts.models import Alert
from tocsin.api.models import ApiKey
from tocsin.audit.models import Entry
from tocsin.calls.factories import CallActionFactory, CallReportFactory
from tocsin.calls.models import BlockedNumber
from tocsin.campaigns.factories import (
    CampaignFactory,
    CampaignTargetFactory,
    PartnershipFactory,
    StanceEvidenceFactory,
)
from tocsin.districts.models import DatasetImport
from tocsin.events.factories import EventFactory, RsvpFactory, SessionFactory
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.letters.factories import WriteActionFactory
from tocsin.letters.models import BadAddress, Letter
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Invitation, Membership, Role, UserSession
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import PeopleImport
from tocsin.targets.factories import CustomTargetFactory, OfficeFactory, SenatorFactory
from tocsin.targets.models import OfficeCorrection
from tocsin.webhooks.models import Delivery, Endpoint

ROLES = (Role.OWNER, Role.CAMPAIGNER, Role.VOLUNTEER)


@dataclass
class Org:
    """One organization's rows, by the name the URL table uses."""

    name: str
    organization: object = None
    users: dict = field(default_factory=dict)  # role -> user
    rows: dict = field(default_factory=dict)

    def __getattr__(self, item):
        rows = self.__dict__.get("rows", {})
        if item in rows:
            return rows[item]
        raise AttributeError(item)


def build_org(name: str, senator_office, inviting, *, roles=ROLES) -> Org:
    low = name.lower()
    org = Org(name=name)
    organization = OrganizationFactory(name=f"{name} Collective", slug=f"{low}-collective")
    org.organization = organization
    for role in roles:
        org.users[role] = OrganizerFactory(
            username=f"{low}-{role}",
            email=f"{low}-{role}@{low}.test",
            organizations=[organization],
            organizations__role=role,
        )
    owner = org.users[Role.OWNER]
    campaign = CampaignFactory(
        organization=organization, title=f"{name} Campaign", slug=f"{low}-campaign"
    )
    draft = CampaignFactory(
        organization=organization,
        title=f"{name} Draft",
        slug=f"{low}-draft",
        status="draft",
    )
    desk = CustomTargetFactory(
        organization=organization, name=f"{name} Ministry Desk", email=f"desk@{low}.test"
    )
    office = OfficeFactory(target=desk, phone="202-555-0199")
    CampaignTargetFactory(campaign=campaign, target=desk)
    CampaignTargetFactory(campaign=draft, target=desk)
    # Another group's invitation to this one: what this group's organizers answer.
    partnership = PartnershipFactory(campaign=inviting, organization=organization)
    evidence = StanceEvidenceFactory(
        campaign=campaign, target=senator_office.target, summary=f"{name} evidence"
    )
    call = CallActionFactory(campaign=campaign, title=f"{name} call")
    report = CallReportFactory(action=call, office=office)
    petition = PetitionFactory(campaign=campaign, title=f"{name} petition")
    signature = Signature.objects.create(
        petition=petition,
        email=f"signer@{low}.test",
        name=f"{name} Signer",
        postcode="53703",
        comment=f"{name} comment",
        confirmed_at=timezone.now(),
    )
    write = WriteActionFactory(campaign=campaign, slug=f"{low}-write", title=f"{name} write")
    letter = Letter.objects.create(
        action=write,
        target=desk,
        name=f"{name} Writer",
        email=f"writer@{low}.test",
        subject=f"{name} subject",
        body=f"{name} letter body",
        method=Letter.Method.BUNDLE,
        state=Letter.State.BUNDLED,
        confirmed_at=timezone.now(),
    )
    bad_address = BadAddress.objects.create(
        target=desk, address=f"bounced@{low}.test", reason=f"{name} bounce", letter=letter
    )
    event = EventFactory(campaign=campaign, title=f"{name} festival", slug=f"{low}-festival")
    session = SessionFactory(event=event, title=f"{name} session")
    rsvp = RsvpFactory(session=session, name=f"{name} Attendee", email=f"attendee@{low}.test")
    type(session).objects.filter(pk=session.pk).update(seats_taken=1)
    fundraiser = FundraiserFactory(campaign=campaign, title=f"{name} fund", slug=f"{low}-fund")
    gift = GiftFactory(
        fundraiser=fundraiser, donor_name=f"{name} Donor", donor_email=f"donor@{low}.test"
    )
    supporter = SupporterFactory(
        organization=organization, name=f"{name} Person", email=f"person@{low}.test"
    )
    ConsentFactory(supporter=supporter, organization=organization, wording=f"{name} may email")
    alert = Alert.objects.create(
        organization=organization,
        campaign=campaign,
        action_kind=Alert.ActionKind.JOIN,
        action_id=campaign.pk,
        subject_en=f"{name} alert subject",
        body_en=f"{name} alert body",
        button_label_en="Join",
        created_by=owner,
    )
    blocked = BlockedNumber.objects.create(
        organization=organization, number_hash=f"{low:0<64}"[:64], note=f"{name} block"
    )
    correction = OfficeCorrection.objects.create(
        organization=organization, office=senator_office, phone="202-555-0111"
    )
    people_import = PeopleImport.objects.create(
        organization=organization,
        uploaded_by=owner,
        filename=f"{low}-people.csv",
        path=f"imports/{low}-people.csv",
    )
    invitation = Invitation.objects.create(
        organization=organization,
        email=f"invited@{low}.test",
        role=Role.CAMPAIGNER,
        invited_by=owner,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    user_session = UserSession.objects.create(user=owner, session_key=f"{low}-session-key")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=owner, name=f"{name} phone", confirmed=False)
    api_key, _secret = ApiKey.make(
        organization=organization, name=f"{name} CRM sync", can_write=False, created_by=owner
    )
    endpoint = Endpoint.objects.create(
        organization=organization,
        url=f"https://hooks.{low}.test/tocsin",
        description=f"{name} CRM",
        events=["signature.confirmed"],
        created_by=owner,
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event="signature.confirmed", payload={"name": f"{name} Signer"}
    )
    entry = Entry.objects.filter(organization=organization).order_by("pk").first()
    assert entry is not None, "auditlog recorded nothing for the organization's rows"
    org.rows = {
        "campaign": campaign,
        "draft": draft,
        "desk": desk,
        "office": office,
        "partnership": partnership,
        "evidence": evidence,
        "call": call,
        "report": report,
        "petition": petition,
        "signature": signature,
        "write": write,
        "letter": letter,
        "bad_address": bad_address,
        "event": event,
        "session": session,
        "rsvp": rsvp,
        "fundraiser": fundraiser,
        "gift": gift,
        "supporter": supporter,
        "alert": alert,
        "blocked": blocked,
        "correction": correction,
        "people_import": people_import,
        "invitation": invitation,
        "membership": Membership.objects.get(organization=organization, user=owner),
        "user_session": user_session,
        "device": device,
        "entry": entry,
        "api_key": api_key,
        "endpoint": endpoint,
        "delivery": delivery,
        "owner": owner,
    }
    return org


def build_world() -> dict:
    senator = SenatorFactory(name="Shared Senator", state="WI")
    senator_office = OfficeFactory(target=senator, phone="202-555-0123")
    dataset = DatasetImport.objects.create(
        dataset="congress", source="https://example.org/", imported_at=timezone.now()
    )
    third = OrganizationFactory(name="Third Network", slug="third-network")
    inviting = CampaignFactory(organization=third, title="Third Campaign", slug="third")
    alpha = build_org("Alpha", senator_office, inviting)
    bravo = build_org("Bravo", senator_office, inviting, roles=(Role.OWNER,))
    for org in (alpha, bravo):
        org.rows["installation"] = {"districts_datasetimport": dataset.pk}
    # A campaigner in Bravo who is a volunteer in Alpha: Django's permissions are one set per
    # user (the campaigners' group's), so in Alpha only `scoping.may` and the admin's
    # per-object checks keep them to a volunteer's pages.
    mixed = OrganizerFactory(
        username="mixed-organizer",
        email="mixed@elsewhere.test",
        organizations=[bravo.organization],
        organizations__role=Role.CAMPAIGNER,
    )
    Membership.objects.create(organization=alpha.organization, user=mixed, role=Role.VOLUNTEER)
    return {"alpha": alpha, "bravo": bravo, "senator": senator, "mixed": mixed}
