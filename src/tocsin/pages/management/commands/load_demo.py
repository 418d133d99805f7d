"""Load the demo campaigns (safe to run again: it updates what it created before)."""

import datetime
import random
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from tocsin.calls.models import CallAction, CallReport, Outcome, ScriptVariant
from tocsin.campaigns.models import Campaign, CampaignTarget, Demand, Partnership, Source
from tocsin.events.demo import load_demo_events
from tocsin.events.models import Event, Rsvp
from tocsin.fundraising.demo import load_fighting_fund
from tocsin.organizations.models import Membership, Organization, Role
from tocsin.organizations.roles import ensure_organizers_group
from tocsin.pages.demo import load_demo_alerts
from tocsin.pages.demo_es import load_spanish
from tocsin.pages.demo_letters import (
    baldwin_write_action,
    load_demo_letters,
    spyware_write_actions,
)
from tocsin.petitions.models import PetitionAction, Signature
from tocsin.petitions.services import place_of, sign_page
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity, Supporter, Tag, Tagging
from tocsin.targets.models import Chamber, Office, SocialAccount, Target
from tocsin.whip.demo import load_demo_stances

ORGANIZATIONS = [
    {
        "slug": "soa-watch",
        "name": "SOA Watch",
        "website": "https://soaw.org/",
        "description": "A movement to close the School of the Americas and end US militarization "
        "in Latin America.",
    },
    {
        "slug": "honduras-solidarity-network",
        "name": "Honduras Solidarity Network",
        "website": "https://www.hondurassolidarity.org/",
        "description": "Groups across North America standing with the Honduran resistance "
        "since the 2009 coup.",
    },
    {
        "slug": "lfpla",
        "name": "Labour Friends of Progressive Latin America",
        "website": "",
        "description": "Labour movement solidarity with progressive Latin America.",
    },
]

BALDWIN_BODY = """\
On 26 November 2017 Hondurans voted for a president. The count stalled for days, the lead
changed hands once the count resumed, and the electoral tribunal then declared the incumbent,
Juan Orlando Hernández, the winner. The Secretary General of the Organization of American
States said he could not vouch for the result and called for the election to be held again.

People took to the streets across the country. Military police and soldiers answered with
live fire, beatings and mass arrests: more than twenty people were killed in the first weeks.

Washington has kept funding the Honduran army and police all the same, and the State
Department certified that Honduras met the human-rights conditions Congress attached to that
aid. Senator Baldwin sits on the Senate Appropriations Committee, which decides that money.

**Call her offices this week.** Be brief and polite, say where you live, and ask her to act on
the three points above. If one line is busy, try another office: every call is counted.
"""

HR1299_BODY = """\
Nine years after the coup of 28 June 2009, Hondurans still live with its consequences:
generals trained at the School of the Americas helped remove an elected president, and the
governments since have relied on the armed forces to hold on to power.

After the disputed election of November 2017, more than thirty protesters were killed and
over a thousand people were arrested. Twenty-three of them became political prisoners,
charged with serious crimes and held for months without bail.

The **Berta Cáceres Human Rights in Honduras Act** (H.R. 1299) would suspend US security aid
to Honduras until its government stops using the police and army against its own people and
brings those responsible for killings such as Berta Cáceres's to justice. Every new
co-sponsor brings it closer to a vote.

Enter your ZIP code to find your Representative, then call and ask them to co-sponsor.
"""


# The campaign's script for anyone it calls; each target below has its own, which names what
# only that target can do (the Senator's committee seat, the State Department's certification).
BALDWIN_SCRIPT = """Hello, my name is ______ and I live in {town}.

I am calling about Honduras. Since the disputed election of 26 November, security forces have \
fired live rounds at people protesting against fraud, and at least 22 people have been killed. \
The Secretary General of the Organization of American States said he could not vouch for the \
result and called for a new election.

I ask that the United States not recognise this result, and that it stop all security and \
military aid to the Honduran government now. Thank you."""

BALDWIN_SENATOR_SCRIPT = """Hello, my name is ______ and I live in {town}.

I am calling because security forces in Honduras are firing on people who protest against \
fraud in the 26 November election: at least 22 people have been killed. The Secretary General \
of the Organization of American States said he could not vouch for the result and asked for a \
new election.

The State Department has nonetheless certified that Honduras meets the human rights \
conditions Congress set for aid.

I ask {title} {name} not to recognise this result, and to use her seat on the Appropriations \
Committee to hold and suspend all security funding for the Honduran government now. Thank you."""

STATE_DESK_SCRIPT = """Hello, my name is ______ and I live in {town}. I am calling the \
Honduras desk about the Honduran election of 26 November 2017.

Security forces in Honduras have fired live rounds at people protesting against fraud, and at \
least 22 people have been killed. The Secretary General of the Organization of American States \
said he could not vouch for the result and called for a new election.

Yet the State Department certified that Honduras meets the human rights conditions Congress \
set for aid. I ask the Department not to recognise this result, to suspend diplomatic \
relations with the government of Juan Orlando Hernández, and to cut all security and military \
aid to Honduras now. Thank you."""

HR1299_SCRIPT = """Hello, my name is ______ and I am a constituent from {town}.

I am calling to ask {title} {name} to co-sponsor the Berta Cáceres Human Rights in \
Honduras Act, H.R. 1299. It would suspend US security aid to Honduras until the killings of \
activists like Berta Cáceres are prosecuted and the police and army stop attacking protesters.

Can I count on {title} {name} to sign on? Thank you."""


SPYWARE_BODY = """After the disputed election of November 2017, Honduran security forces \
killed protesters and arrested hundreds. British companies have been licensed to sell the \
Honduran government equipment that can be used to watch and silence its critics, spyware among \
it. The United Kingdom should not help a government that answers protest with bullets."""


# The ministers the spyware campaign targets, by the start of their post in the UK data
# (a minister holding several posts has them joined, the most senior first).
SYNCED_MINISTER_POSTS = (
    "Secretary of State for Foreign",
    "Secretary of State for Business and Trade",
    "Prime Minister",
)
# Without it: the posts' holders when the campaign began, as custom targets.
OFFLINE_MINISTERS = (
    ("Boris Johnson", "Foreign Secretary", "Foreign and Commonwealth Office"),
    (
        "Liam Fox",
        "Secretary of State for International Trade",
        "Department for International Trade",
    ),
    ("Theresa May", "Prime Minister", "Prime Minister's Office"),
)

HISTORY_DAYS = 21


def demo_moments(rng: random.Random, count: int, now: datetime.datetime) -> list[datetime.datetime]:
    """`count` moments over the last HISTORY_DAYS, oldest first, shaped like a campaign's
    real life so the dashboard's charts have something to show: a launch day, a second push
    a week later, quieter weekends and nights, and a few today."""
    weights = []
    for days_ago in range(HISTORY_DAYS, -1, -1):
        day = now - datetime.timedelta(days=days_ago)
        weight = rng.uniform(2, 8)
        if days_ago in (HISTORY_DAYS - 2, 8):  # the launch mail, then the reminder
            weight *= 6
        elif days_ago in (HISTORY_DAYS - 3, 7):
            weight *= 3
        if day.weekday() >= 5:
            weight *= 0.5
        weights.append(weight)
    moments = []
    for _number in range(count):
        days_ago = HISTORY_DAYS - rng.choices(range(HISTORY_DAYS + 1), weights)[0]
        hour = rng.choices(range(24), [1] * 7 + [4] * 5 + [6] * 6 + [8] * 4 + [3] * 2)[0]
        moment = (now - datetime.timedelta(days=days_ago)).replace(
            hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0
        )
        moments.append(min(moment, now - datetime.timedelta(minutes=rng.randrange(1, 90))))
    return sorted(moments)


def demo_signatures(petition: PetitionAction) -> list[Signature]:
    """A few hundred made-up signatures over three weeks, most confirmed within the hour, so
    the counts and the dashboard's charts have something to show."""
    rng = random.Random(1299)  # noqa: S311 (made-up demo data, not secrets)
    places = [
        ("GB", "SW1A 1AA", ""),
        ("GB", "M1 1AE", ""),
        ("GB", "EH1 1YZ", ""),
        ("US", "53703", "WI-2"),
        ("US", "10027", "NY-13"),
        ("HN", "11101", ""),
    ]
    now = timezone.now()
    organization = petition.campaign.organization
    wording = people.consent_wording(organization)
    signatures = []
    for number, signed_at in enumerate(demo_moments(rng, 340, now), 1):
        country, postcode, district = rng.choice(places)
        confirmed_at = min(signed_at + datetime.timedelta(minutes=rng.randrange(1, 60)), now)
        # About a third tick "keep me informed", as a real petition's signers might.
        consents = (
            [{"organization": organization.pk, "wording": wording, "given": signed_at.isoformat()}]
            if number % 3 == 0
            else []
        )
        signatures.append(
            Signature(
                petition=petition,
                email=f"demo-signer-{number}@example.org",
                name=f"Demo signer {number}",
                postcode=postcode,
                country=country,
                district=district,
                created_at=signed_at,
                confirmed_at=confirmed_at if number % 9 else None,
                language="en",
                consents=consents,
            )
        )
    return signatures


def demo_call_reports(action: CallAction, rng: random.Random) -> list[CallReport]:
    """Made-up calls to the action's targets over three weeks: mostly talked or voicemail,
    some busy lines and full mailboxes (attempts, shown to organizers only)."""
    offices = [
        office
        for campaign_target in action.campaign.campaign_targets.select_related("target")
        for office in campaign_target.target.offices.all()
    ]
    if not offices:
        return []
    outcomes = [Outcome.TALKED, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.VOICEMAIL_FULL]
    places = ["WI-2", "WI-2", "WI-4", "WI-3", "WI-7", "WI", "NY-13", ""]
    return [
        CallReport(
            action=action,
            target_id=office.target_id,
            office=office,
            outcome=rng.choices(outcomes, [45, 35, 15, 5])[0],
            place=rng.choice(places),
            created_at=moment,
        )
        for moment in demo_moments(rng, 180, timezone.now())
        for office in [rng.choice(offices)]
    ]


def bulk_create_in_the_past(model, rows: list) -> None:
    """bulk_create stamps auto_now_add fields with the present; the demo's rows keep the
    moments they were made with."""
    moments = [row.created_at for row in rows]
    rows = model.objects.bulk_create(rows)
    for row, moment in zip(rows, moments, strict=True):
        row.created_at = moment
    model.objects.bulk_update(rows, ["created_at"], batch_size=500)


def load_demo_people(petition: PetitionAction, festival: Event) -> None:
    """The demo's confirmed signers and festival-goers as people of their organization, made
    through the same services as a real signature or answer: their actions dated as the rows
    are, the consents signers ticked confirmed (no mail: the demo's confirmations are made
    up), a "volunteer" tag and the festival's list. Only rows not yet linked to a person are
    done, so loading the demo again adds nobody and no action."""
    campaign = petition.campaign
    seen: dict[int, DemoPerson] = {}
    signatures = petition.signatures.filter(
        confirmed_at__isnull=False,
        invalidated_at__isnull=True,
        held_at__isnull=True,
        supporter__isnull=True,
    ).order_by("pk")
    linked = []
    for signature in signatures:
        person = people.find_or_create_person(
            campaign.organization,
            signature.email,
            name=signature.name,
            postcode=signature.postcode,
            language=signature.language,
            place=place_of(signature.country, signature.district),
            source=signature.source,
            page=sign_page(campaign),
        )
        people.record_activity(
            person,
            Activity.Kind.SIGNED,
            campaign=campaign,
            source=signature.source,
            summary=gettext("Signed “%(title)s”") % {"title": petition.title},
            ref=("petitions.signature", signature.pk),
            when=signature.confirmed_at,
        )
        signature.supporter = person
        linked.append(signature)
        involved = confirm_demo_consents(signature, person, campaign, sign_page(campaign))
        for someone in involved:
            seen.setdefault(someone.pk, DemoPerson()).saw(signature)
    Signature.objects.bulk_update(linked, ["supporter"], batch_size=500)

    answers = (
        Rsvp.objects.confirmed()
        .filter(session__event=festival, supporter__isnull=True)
        .select_related("session")
        .order_by("pk")
    )
    linked = []
    for answer in answers:
        person = people.find_or_create_person(
            festival.organization,
            answer.email,
            name=answer.name,
            postcode=answer.postcode,
            language=answer.language,
            source=answer.source,
            page=festival.get_absolute_url(),
        )
        people.record_activity(
            person,
            Activity.Kind.RSVP,
            campaign=festival.campaign_id,
            source=answer.source,
            summary=gettext("Coming to “%(event)s” (%(session)s)")
            % {"event": festival.title, "session": answer.session.title},
            ref=("events.rsvp", answer.pk),
            when=answer.confirmed_at or answer.created_at,
        )
        answer.supporter = person
        linked.append(answer)
        involved = confirm_demo_consents(
            answer, person, festival.campaign_id, festival.get_absolute_url()
        )
        for someone in involved:
            seen.setdefault(someone.pk, DemoPerson()).saw(answer)
    Rsvp.objects.bulk_update(linked, ["supporter"], batch_size=500)

    backdate_demo_people(seen)
    tag_demo_people(petition, festival)


class DemoPerson:
    """When a demo person first acted and first proved their address, from their rows."""

    def __init__(self):
        self.first_seen = None
        self.confirmed = None

    def saw(self, row) -> None:
        confirmed = row.confirmed_at or row.created_at
        self.first_seen = min(filter(None, [self.first_seen, row.created_at]))
        self.confirmed = min(filter(None, [self.confirmed, confirmed]))


def confirm_demo_consents(row, person: Supporter, campaign, page: str) -> list[Supporter]:
    """A signature's or an answer's address confirmed, and each consent its `consents` record
    lists given (as shown, when the row was made) and made current, as pressing the button in
    its mail would: with welcome_sent, so no mail is queued. Dated when the row was confirmed,
    not now. The people involved (the row's own, and a partner's it consented to)."""
    when = row.confirmed_at or row.created_at
    organizations = Organization.objects.in_bulk(people.consented_organizations(row.consents))
    wordings = {
        item["organization"]: str(item.get("wording", ""))
        for item in row.consents or []
        if isinstance(item, dict) and item.get("organization") in organizations
    }
    involved = [person]
    for organization_id, wording in wordings.items():
        someone = person
        if organization_id != person.organization_id:
            someone = people.find_or_create_person(
                organizations[organization_id], row.email, name=row.name, page=page
            )
            involved.append(someone)
        people.give_consent(
            someone,
            wording=wording,
            language=row.language or "en",
            page=page,
            source=row.source,
            campaign=campaign,
            given_at=row.created_at,
        )
    for someone in involved:
        confirmed = people.confirm_address(someone, welcome_sent=True)
        confirmed_ids = [consent.pk for consent in confirmed]
        # confirm_address stamps the present; the demo's confirmations happened with the rows.
        someone.consents.filter(pk__in=confirmed_ids).update(confirmed_at=when)
        someone.activities.filter(ref_model="supporters.consent", ref_id__in=confirmed_ids).update(
            occurred_at=when
        )
    return involved


def backdate_demo_people(seen: dict[int, "DemoPerson"]) -> None:
    """The services stamp a new person's joining and address confirmation with the present;
    the demo's people came with their rows, days ago."""
    found = Supporter.objects.filter(pk__in=list(seen)).annotate(
        latest=Max("activities__occurred_at")
    )
    changed = []
    for person in found:
        moments = seen[person.pk]
        person.created_at = min(person.created_at, moments.first_seen)
        if person.email_confirmed_at is not None:
            person.email_confirmed_at = min(person.email_confirmed_at, moments.confirmed)
        person.last_action_at = person.latest
        changed.append(person)
    Supporter.objects.bulk_update(
        changed, ["created_at", "email_confirmed_at", "last_action_at"], batch_size=500
    )


def tag_demo_people(petition: PetitionAction, festival: Event) -> None:
    """A few of the signers are volunteers, and the festival's answers make its list. Tags
    are put on, never doubled, so this runs every time."""
    organization = festival.organization
    volunteer, _created = Tag.objects.get_or_create(
        organization=petition.campaign.organization, kind=Tag.Kind.TAG, name="volunteer"
    )
    signers = (
        petition.signatures.filter(supporter__isnull=False)
        .order_by("pk")
        .values_list("supporter_id", flat=True)
    )
    people.add_tag(
        Supporter.objects.filter(pk__in=list(signers)[::25]), volunteer, how=Tagging.How.BULK
    )
    festival_list, _created = Tag.objects.get_or_create(
        organization=organization, kind=Tag.Kind.LIST, name="London festival"
    )
    attendees = Rsvp.objects.filter(session__event=festival, supporter__isnull=False)
    people.add_tag(
        Supporter.objects.filter(pk__in=attendees.values("supporter_id")),
        festival_list,
        how=Tagging.How.BULK,
    )


class Command(BaseCommand):
    help = "Create or refresh the demo organizations, organizer and campaigns."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organizer-password",
            help="Password for the demo organizer (default: a new random one, printed).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        organizations = {
            data["slug"]: Organization.objects.update_or_create(slug=data["slug"], defaults=data)[0]
            for data in ORGANIZATIONS
        }
        baldwin = self.baldwin()
        state_desk = self.state_department_desk(organizations["soa-watch"])
        baldwin_campaign = self.baldwin_campaign(organizations, [baldwin, state_desk])
        baldwin_action = self.baldwin_call(baldwin_campaign)
        baldwin_write_action(baldwin_campaign)
        if not baldwin_action.reports.exists():
            rng = random.Random(2017)  # noqa: S311 (made-up demo data, not secrets)
            bulk_create_in_the_past(CallReport, demo_call_reports(baldwin_action, rng))
        hr1299_campaign = self.hr1299_campaign(organizations)
        self.hr1299_call(hr1299_campaign)
        load_demo_stances(hr1299_campaign, baldwin_campaign, state_desk)
        petition = self.spyware_petition(organizations["lfpla"])
        spyware_write_actions(petition.campaign)
        festival = load_demo_events(organizations["lfpla"])
        load_fighting_fund()
        load_spanish()
        load_demo_people(petition, festival)
        load_demo_letters(petition.campaign, baldwin_campaign)
        load_demo_alerts(baldwin_campaign, petition)
        # The dashboard counts from its rollups: recount them for the history just made.
        call_command("refresh_rollups", all_hours=True, verbosity=0)
        password = options["organizer_password"] or secrets.token_urlsafe(12)
        self.organizer(
            password,
            [
                organizations["soa-watch"],
                organizations["honduras-solidarity-network"],
                organizations["lfpla"],
            ],
        )
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo campaigns loaded."))
        self.stdout.write(
            f"Organizer login: {settings.TOCSIN_BASE_URL}/admin/  "
            f"username: organizer  password: {password}"
        )

    def baldwin(self) -> Target:
        """Her full record comes from `tocsin sync-legislators`; this is enough to run offline
        (her contact form as the congress data gives it, so letters to her work offline too)."""
        target, created = Target.objects.get_or_create(
            bioguide_id="B001230",
            defaults={
                "kind": Target.Kind.LEGISLATOR,
                "name": "Tammy Baldwin",
                "title": "Senator",
                "chamber": Chamber.SENATE,
                "state": "WI",
                "party": "Democrat",
                "contact_form_url": "https://www.baldwin.senate.gov/feedback",
            },
        )
        if created:
            Office.objects.create(
                target=target,
                source_key="B001230-washington",
                kind=Office.Kind.WASHINGTON,
                address="141 Hart Senate Office Building",
                city="Washington",
                state="DC",
                phone="202-224-5653",
            )
        return target

    def state_department_desk(self, organization: Organization) -> Target:
        target, _created = Target.objects.update_or_create(
            organization=organization,
            kind=Target.Kind.CUSTOM,
            name="Honduras Desk",
            defaults={"title": "US Department of State", "state": "DC"},
        )
        Office.objects.update_or_create(
            target=target,
            kind=Office.Kind.MAIN,
            defaults={"city": "Washington", "state": "DC", "phone": "202-736-7660"},
        )
        SocialAccount.objects.update_or_create(
            target=target, network=SocialAccount.Network.X, defaults={"handle": "StateDept"}
        )
        return target

    def baldwin_call(self, campaign: Campaign) -> CallAction:
        action, _created = CallAction.objects.update_or_create(
            campaign=campaign,
            defaults={
                "title": "Call Senator Baldwin, then the State Department",
                "intro": "Senator Baldwin sits on the Senate Appropriations Committee, which "
                "decides on aid to Honduras. Call her Washington office, and if the line is busy, "
                "one of her Wisconsin offices. Then call the State Department's Honduras "
                "desk. Keep calling: every call is logged.",
                "script": BALDWIN_SCRIPT,
                "target_mode": CallAction.TargetMode.FIXED,
                "office_order": CallAction.OfficeOrder.WASHINGTON_FIRST,
                "share_text": "Stop recognising a stolen election and end US security and "
                "military aid to the Honduran regime:",
                "hashtags": "#HondurasElections2017",
                "mention_fallback": "{title} {name}",
            },
        )
        # Each target is read a script that asks of them what only they can do.
        for link in campaign.campaign_targets.select_related("target"):
            script = (
                BALDWIN_SENATOR_SCRIPT
                if link.target.kind == Target.Kind.LEGISLATOR
                else STATE_DESK_SCRIPT
            )
            ScriptVariant.objects.update_or_create(
                action=action, target=link.target, defaults={"script": script}
            )
        return action

    def hr1299_call(self, campaign: Campaign) -> CallAction:
        action, _created = CallAction.objects.update_or_create(
            campaign=campaign,
            defaults={
                "title": "Call your Representative",
                "intro": "Enter your ZIP code and we will put your Representative's offices and "
                "a short script in front of you.",
                "script": HR1299_SCRIPT,
                "target_mode": CallAction.TargetMode.LOOKUP,
                "chambers": CallAction.Chambers.HOUSE,
                "only_unsupportive": True,
                "office_order": CallAction.OfficeOrder.NEAREST_FIRST,
                "share_text": "I just asked my Representative to co-sponsor the Berta Cáceres "
                "Human Rights in Honduras Act, H.R. 1299.",
                "hashtags": "#BertaCaceresAct #Honduras",
            },
        )
        return action

    def campaign(self, slug, organization, partners, fields, demands, sources, targets):
        campaign, _created = Campaign.objects.update_or_create(
            slug=slug, defaults={"organization": organization, **fields}
        )
        # The demo's partners have said yes, as a real partner does in the back office.
        campaign.partnerships.exclude(organization__in=partners).delete()
        for partner in partners:
            Partnership.objects.update_or_create(
                campaign=campaign,
                organization=partner,
                defaults={"status": Partnership.Status.ACCEPTED, "answered_at": timezone.now()},
            )
        # Updated in place: call reports and tallies point at demands.
        for position, text in enumerate(demands, 1):
            Demand.objects.update_or_create(
                campaign=campaign, position=position, defaults={"text": text}
            )
        campaign.demands.filter(position__gt=len(demands)).delete()
        campaign.sources.all().delete()
        Source.objects.bulk_create(
            Source(campaign=campaign, position=i, **source) for i, source in enumerate(sources, 1)
        )
        campaign.campaign_targets.all().delete()
        CampaignTarget.objects.bulk_create(
            CampaignTarget(campaign=campaign, target=target, position=i)
            for i, target in enumerate(targets, 1)
        )
        campaign.save()  # refresh updated_at and the cached page after the parts changed
        return campaign

    def baldwin_campaign(self, organizations, targets) -> Campaign:
        today = timezone.localdate()
        return self.campaign(
            "baldwin-honduras-election",
            organizations["soa-watch"],
            [organizations["honduras-solidarity-network"]],
            {
                "title": "Senator Baldwin: don't recognise the stolen Honduran election",
                "summary": "Ask Senator Tammy Baldwin to reject the declared result of Honduras's "
                "26 November 2017 election and to stop US security and military aid while "
                "protesters are shot in the streets.",
                "body": BALDWIN_BODY,
                "deadline": today + datetime.timedelta(days=10),
                "status": Campaign.Status.LIVE,
            },
            [
                "The United States must not recognise the declared result of the "
                "26 November 2017 election.",
                "The United States must suspend diplomatic relations with the government of "
                "Juan Orlando Hernández.",
                "The United States must cut off all security and military aid to Honduras now.",
            ],
            [
                {
                    "title": "Calling Baldwin: tell the US not to recognise the election results "
                    "in Honduras",
                    "publisher": "SOA Watch",
                    "published_on": datetime.date(2017, 12, 18),
                },
                {
                    "title": "Statement on the Honduran presidential election",
                    "publisher": "Organization of American States, General Secretariat",
                    "published_on": datetime.date(2017, 12, 17),
                },
            ],
            targets,
        )

    def hr1299_campaign(self, organizations) -> Campaign:
        today = timezone.localdate()
        return self.campaign(
            "hr-1299-berta-caceres-act",
            organizations["honduras-solidarity-network"],
            [organizations["soa-watch"]],
            {
                "title": "Ask your Representative to co-sponsor H.R. 1299, the Berta Cáceres Act",
                "summary": "Nine years after the coup, Honduras still jails protesters. Call your "
                "Representative and ask them to co-sponsor the Berta Cáceres Human Rights in "
                "Honduras Act.",
                "body": HR1299_BODY,
                "deadline": today + datetime.timedelta(days=30),
                "status": Campaign.Status.LIVE,
            },
            [
                "Free Honduras's political prisoners and drop every charge against them.",
                "End all US support for the regime that came out of the coup.",
                "Co-sponsor the Berta Cáceres Human Rights in Honduras Act, H.R. 1299.",
            ],
            [
                {
                    "title": "H.R. 1299, Berta Cáceres Human Rights in Honduras Act "
                    "(115th Congress)",
                    "publisher": "Congress.gov",
                    "published_on": datetime.date(2017, 3, 2),
                    "url": "https://www.congress.gov/bill/115th-congress/house-bill/1299",
                },
                {
                    "title": "Nine years after the coup, Honduras resists",
                    "publisher": "SOA Watch",
                    "published_on": datetime.date(2018, 6, 28),
                },
            ],
            [],
        )

    def ministers(self, organization: Organization) -> list[Target]:
        """The Foreign Secretary, the trade secretary and the Prime Minister: the ministers
        `tocsin sync-uk` keeps when it has run, else the campaign's own custom targets (as
        they were when it began), so the demo runs offline."""
        synced = Target.objects.ministers()
        found = [
            synced.filter(title__startswith=post).order_by("pk").first()
            for post in SYNCED_MINISTER_POSTS
        ]
        if all(found):
            return found
        ministers = []
        for name, title, department in OFFLINE_MINISTERS:
            minister, _created = Target.objects.update_or_create(
                organization=organization,
                kind=Target.Kind.CUSTOM,
                name=name,
                defaults={"title": title, "department": department},
            )
            ministers.append(minister)
        return ministers

    def spyware_petition(self, organization: Organization) -> PetitionAction:
        ministers = self.ministers(organization)
        campaign = self.campaign(
            "no-spyware-for-honduras",
            organization,
            [],
            {
                "title": "No British spyware for Honduras's security forces",
                "summary": "Ask UK ministers to stop licensing the export of surveillance "
                "equipment and other tools of repression to the Honduran government.",
                "body": SPYWARE_BODY,
                # British supporters: its letters find their MP by postcode.
                "country": Campaign.Country.GB,
                "deadline": timezone.localdate() + datetime.timedelta(days=21),
                "status": Campaign.Status.LIVE,
            },
            [
                "Grant no more export licences for equipment Honduras could use for internal "
                "repression, spyware included.",
                "Publish every licence granted for Honduras since the 2009 coup.",
            ],
            [],
            ministers,
        )
        petition, _created = PetitionAction.objects.update_or_create(
            campaign=campaign,
            defaults={
                "title": "Stop exporting tools of repression to Honduras",
                "text": "We call on the Foreign Secretary, the Secretary of State for "
                "International Trade and the Prime Minister to refuse every further export "
                "licence for equipment the Honduran government could turn on its own people, "
                "including spyware, and to publish the licences already granted.",
                "ask_postcode": True,
                "ask_country": True,
            },
        )
        if not petition.signatures.exists():
            bulk_create_in_the_past(Signature, demo_signatures(petition))
        return petition

    def organizer(self, password: str, organizations) -> None:
        user, _created = get_user_model().objects.get_or_create(
            username="organizer", defaults={"email": "organizer@example.org"}
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(ensure_organizers_group())
        for organization in organizations:
            Membership.objects.update_or_create(
                user=user, organization=organization, defaults={"role": Role.OWNER}
            )
