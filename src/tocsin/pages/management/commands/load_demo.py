"""Load the demo campaigns (safe to run again: it updates what it created before)."""

import datetime
import random
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tocsin.calls.models import CallAction
from tocsin.campaigns.models import Campaign, CampaignTarget, Demand, Partnership, Source
from tocsin.events.demo import load_demo_events
from tocsin.fundraising.demo import load_fighting_fund
from tocsin.organizations.models import Membership, Organization
from tocsin.organizations.roles import ensure_organizers_group
from tocsin.petitions.models import PetitionAction, Signature
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


BALDWIN_SCRIPT = """Hello, my name is ______ and I live in {town}.

I am calling because security forces in Honduras are firing on people who protest against \
fraud in the 26 November election. Observers documented serious irregularities in the count, \
and the Secretary General of the Organization of American States said he could not vouch for \
the result and asked for a new election.

The State Department has nonetheless certified that Honduras meets the human rights \
conditions Congress set for aid, while more than twenty people have been killed by live fire.

I ask {title} {name} not to recognise this result, and to use the Appropriations Committee \
to hold and suspend all security funding for the Honduran government now. Thank you."""

HR1299_SCRIPT = """Hello, my name is ______ and I am a constituent from {town}.

I am calling to ask {title} {name} to co-sponsor the Berta Cáceres Human Rights in \
Honduras Act, H.R. 1299. It would suspend US security aid to Honduras until the killings of \
activists like Berta Cáceres are prosecuted and the police and army stop attacking protesters.

Can I count on {title} {name} to sign on? Thank you."""


SPYWARE_BODY = """After the disputed election of November 2017, Honduran security forces \
killed protesters and arrested hundreds. British companies have been licensed to sell the \
Honduran government equipment that can be used to watch and silence its critics, spyware among \
it. The United Kingdom should not help a government that answers protest with bullets."""


def demo_signatures(petition: PetitionAction) -> list[Signature]:
    """A few hundred made-up signatures, most confirmed, so the counts have something to show."""
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
    signatures = []
    for number in range(1, 341):
        country, postcode, district = rng.choice(places)
        signatures.append(
            Signature(
                petition=petition,
                email=f"demo-signer-{number}@example.org",
                name=f"Demo signer {number}",
                postcode=postcode,
                country=country,
                district=district,
                confirmed_at=now if number % 9 else None,
            )
        )
    return signatures


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
        self.baldwin_call(baldwin_campaign)
        hr1299_campaign = self.hr1299_campaign(organizations)
        self.hr1299_call(hr1299_campaign)
        load_demo_stances(hr1299_campaign, baldwin_campaign, state_desk)
        self.spyware_petition(organizations["lfpla"])
        load_demo_events(organizations["lfpla"])
        load_fighting_fund()
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
        """Her full record comes from `tocsin sync-legislators`; this is enough to run offline."""
        target, created = Target.objects.get_or_create(
            bioguide_id="B001230",
            defaults={
                "kind": Target.Kind.LEGISLATOR,
                "name": "Tammy Baldwin",
                "title": "Senator",
                "chamber": Chamber.SENATE,
                "state": "WI",
                "party": "Democrat",
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
                "one of her six Wisconsin offices. Then call the State Department's Honduras "
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

    def spyware_petition(self, organization: Organization) -> PetitionAction:
        ministers = []
        for name, title in (
            ("Boris Johnson", "Foreign Secretary"),
            ("Liam Fox", "Secretary of State for International Trade"),
            ("Theresa May", "Prime Minister"),
        ):
            minister, _created = Target.objects.update_or_create(
                organization=organization,
                kind=Target.Kind.CUSTOM,
                name=name,
                defaults={"title": title},
            )
            ministers.append(minister)
        campaign = self.campaign(
            "no-spyware-for-honduras",
            organization,
            [],
            {
                "title": "No British spyware for Honduras's security forces",
                "summary": "Ask UK ministers to stop licensing the export of surveillance "
                "equipment and other tools of repression to the Honduran government.",
                "body": SPYWARE_BODY,
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
            Signature.objects.bulk_create(demo_signatures(petition))
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
            Membership.objects.get_or_create(user=user, organization=organization)
