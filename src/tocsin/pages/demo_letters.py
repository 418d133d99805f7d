"""The demo's write actions and a history of letters, for `load-demo`.

The spyware campaign (LFPLA's, in the UK) asks supporters to write to their MP, found by
postcode, and to the ministers it targets; the Baldwin campaign to write to Senator Baldwin,
whose office takes letters through its web form, and to the State Department's desk, whose
letters go in the bundle SOA Watch hands in.

The letters are in English in every language of the page: they go to offices that read
English (demo_es.py translates what the supporter reads about them, not the letters).
"""

import datetime
import random

from django.utils import timezone
from django.utils.translation import gettext

from tocsin.campaigns.models import Campaign
from tocsin.districts import uk
from tocsin.letters.models import Letter, LetterVariant, WriteAction
from tocsin.letters.services import compose, fill, method_for, template_for
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity
from tocsin.targets.models import Target

OWN_WORDS_PROMPT = (
    "Add a sentence of your own: why this matters to you. Offices read those first, and a "
    "letter in your own words counts for more than a form letter."
)

MP_SUBJECT = "Stop licensing spyware exports to Honduras"

MP_LETTER = """Dear {name},

I am writing to you as your constituent in {town} about the export of surveillance \
equipment to Honduras.

After the disputed election of November 2017, Honduran security forces killed protesters and \
arrested hundreds. British companies have been licensed to sell the Honduran government \
equipment that can be used to watch and silence its critics, spyware among it.

Please ask the ministers responsible to grant no more export licences for equipment Honduras \
could use for internal repression, and to publish every licence granted for Honduras since \
the 2009 coup. I would be grateful to know what you do.

Yours sincerely,
{supporter_name}"""

MINISTERS_SUBJECT = "No more export licences for tools of repression in Honduras"

MINISTERS_LETTER = """Dear {name},

After the disputed election of November 2017, Honduran security forces killed protesters and \
arrested hundreds. British companies have been licensed to sell the Honduran government \
equipment that can be used to watch and silence its critics, spyware among it.

I ask you to refuse every further export licence for equipment the Honduran government could \
turn on its own people, spyware included, and to publish the licences already granted since \
the 2009 coup.

Yours sincerely,
{supporter_name}
{town}"""

BALDWIN_SUBJECT = "Do not recognise the declared result of the Honduran election"

# The campaign's letter, for any target it adds later; each target below has their own.
BALDWIN_LETTER = """Dear {title} {name},

Since the disputed election of 26 November 2017, Honduran security forces have fired live \
rounds at people protesting against fraud, and more than twenty people have been killed. The \
Secretary General of the Organization of American States said he could not vouch for the \
result and called for a new election.

I ask that the United States not recognise this result, and that it stop all security and \
military aid to the Honduran government now.

Sincerely,
{supporter_name}
{town}"""

BALDWIN_SENATOR_LETTER = """Dear {title} {name},

I am writing from {town} about Honduras. Since the disputed election of 26 November 2017, \
security forces have fired live rounds at people protesting against fraud, and more than \
twenty people have been killed. The Secretary General of the Organization of American States \
said he could not vouch for the result and called for a new election.

The State Department has nonetheless certified that Honduras meets the human rights \
conditions Congress set for aid. I ask you not to recognise this result, and to use your seat \
on the Appropriations Committee to hold and suspend all security funding for the Honduran \
government now.

Sincerely,
{supporter_name}"""

STATE_DESK_LETTER = """To the Honduras Desk, US Department of State,

Since the disputed election of 26 November 2017, Honduran security forces have fired live \
rounds at people protesting against fraud, and more than twenty people have been killed. The \
Secretary General of the Organization of American States said he could not vouch for the \
result and called for a new election.

Yet the Department certified that Honduras meets the human rights conditions Congress set \
for aid. I ask the Department not to recognise this result, to suspend diplomatic relations \
with the government of Juan Orlando Hernández, and to cut all security and military aid to \
Honduras now.

Sincerely,
{supporter_name}
{town}"""


def spyware_write_actions(campaign: Campaign) -> list[WriteAction]:
    """ "Write to your MP" (looked up by postcode) and "Write to the ministers" (the
    campaign's targets), sent from Tocsin once each supporter confirms their address."""
    your_mp, _created = WriteAction.objects.update_or_create(
        campaign=campaign,
        slug="your-mp",
        defaults={
            "position": 1,
            "is_open": True,
            "title": "Write to your MP",
            "intro": "Enter your postcode to find your MP. MPs answer their own constituents: "
            "your letter goes from us to their parliamentary address once you confirm your "
            "email, with your address for their reply.",
            "subject": MP_SUBJECT,
            "letter": MP_LETTER,
            "own_sentence_prompt": OWN_WORDS_PROMPT,
            "target_mode": WriteAction.TargetMode.LOOKUP,
            "chambers": WriteAction.Chambers.BOTH,
            "delivery": WriteAction.Delivery.SEND,
        },
    )
    ministers, _created = WriteAction.objects.update_or_create(
        campaign=campaign,
        slug="ministers",
        defaults={
            "position": 2,
            "is_open": True,
            "title": "Write to the ministers",
            "intro": "The same letter to the Prime Minister, the Foreign Secretary and the "
            "Secretary of State responsible for trade: the people who decide on export "
            "licences.",
            "subject": MINISTERS_SUBJECT,
            "letter": MINISTERS_LETTER,
            "own_sentence_prompt": OWN_WORDS_PROMPT,
            "target_mode": WriteAction.TargetMode.FIXED,
            "delivery": WriteAction.Delivery.SEND,
        },
    )
    return [your_mp, ministers]


def baldwin_write_action(campaign: Campaign) -> WriteAction:
    """A letter to Senator Baldwin (through her office's web form: the congress data lists
    no public address) and to the State Department's desk (in the delivery bundle)."""
    action, _created = WriteAction.objects.update_or_create(
        campaign=campaign,
        slug="senator-baldwin",
        defaults={
            "position": 1,
            "is_open": True,
            "title": "Write to Senator Baldwin and the State Department",
            "intro": "Senator Baldwin's office takes letters through its web form: we give you "
            "the letter ready to copy into it. Your letter to the State Department's Honduras "
            "desk goes in the bundle SOA Watch hands in.",
            "subject": BALDWIN_SUBJECT,
            "letter": BALDWIN_LETTER,
            "own_sentence_prompt": OWN_WORDS_PROMPT,
            "target_mode": WriteAction.TargetMode.FIXED,
            "delivery": WriteAction.Delivery.SEND,
        },
    )
    for link in campaign.campaign_targets.select_related("target"):
        letter = (
            BALDWIN_SENATOR_LETTER
            if link.target.kind == Target.Kind.LEGISLATOR
            else STATE_DESK_LETTER
        )
        LetterVariant.objects.update_or_create(
            action=action, target=link.target, defaults={"letter": letter, "subject": ""}
        )
    return action


# ---------------------------------------------------------------------------- the history

# Where the demo's writers live: (postcode, town, country, House seat). UK seats come from the
# postcode when the UK data is loaded.
UK_WRITERS = [
    ("SW1A 1AA", "London"),
    ("M1 1AE", "Manchester"),
    ("EH1 1YZ", "Edinburgh"),
    ("CF10 1EP", "Cardiff"),
    ("LS1 4DY", "Leeds"),
    ("BS1 5TR", "Bristol"),
]
US_WRITERS = [
    ("53703", "Madison", "WI-2"),
    ("53202", "Milwaukee", "WI-4"),
    ("54701", "Eau Claire", "WI-3"),
    ("54481", "Stevens Point", "WI-3"),
]

# What happened to each kind of letter once its writer confirmed.
STATE_AFTER = {
    Letter.Method.EMAIL: Letter.State.SENT,
    Letter.Method.MAIL_APP: Letter.State.HANDED_OVER,
    Letter.Method.WEB_FORM: Letter.State.HANDED_OVER,
    Letter.Method.BUNDLE: Letter.State.BUNDLED,
}


def _moments(rng: random.Random, count: int, days: int) -> list[datetime.datetime]:
    now = timezone.now()
    return sorted(
        now - datetime.timedelta(days=rng.uniform(0, days), minutes=rng.randrange(5, 90))
        for _number in range(count)
    )


def _letter(action, target, writer: dict, moment: datetime.datetime) -> Letter:
    template = template_for(action, target)
    method = method_for(action, target)
    state = STATE_AFTER[method]
    return Letter(
        action=action,
        target=target,
        name=writer["name"],
        email=writer["email"],
        postcode=writer["postcode"],
        town=writer["town"],
        country=writer["country"],
        place=writer["place"],
        subject=fill(template.subject, target=target, supporter_name=writer["name"], town=""),
        body=compose(
            template.letter,
            target=target,
            name=writer["name"],
            town=writer["town"],
            postcode=writer["postcode"],
        ),
        language="en",
        source="demo",
        method=method,
        state=state,
        created_at=moment,
        confirmed_at=moment + datetime.timedelta(minutes=4),
        sent_at=moment + datetime.timedelta(minutes=5) if state == Letter.State.SENT else None,
    )


def _uk_writers(rng: random.Random, count: int) -> list[dict]:
    writers = []
    for number in range(1, count + 1):
        postcode, town = rng.choice(UK_WRITERS)
        found = uk.lookup_postcode(postcode)
        writers.append(
            {
                "name": f"Demo writer {number}",
                "email": f"demo-writer-{number}@example.org",
                "postcode": postcode,
                "town": town,
                "country": "GB",
                "place": found.constituency.code if found.constituency else "",
            }
        )
    return writers


def _us_writers(rng: random.Random, count: int) -> list[dict]:
    writers = []
    for number in range(1, count + 1):
        postcode, town, seat = rng.choice(US_WRITERS)
        writers.append(
            {
                "name": f"Demo letter writer {number}",
                "email": f"demo-letter-writer-{number}@example.org",
                "postcode": postcode,
                "town": town,
                "country": "US",
                "place": seat,
            }
        )
    return writers


def load_demo_letters(spyware: Campaign, baldwin: Campaign) -> int:
    """Letters written over the last weeks on each demo write action that has none yet, with
    their writers as people of the campaign's organization and "wrote" on their timelines.
    Returns how many letters were made (none on a second load)."""
    from tocsin.pages.management.commands.load_demo import bulk_create_in_the_past

    rng = random.Random(2018)  # noqa: S311 (made-up demo data, not secrets)
    made = []
    uk_people = _uk_writers(rng, 48)
    for action in spyware.write_actions.all():
        if action.letters.exists():
            continue
        for writer, moment in zip(uk_people, _moments(rng, len(uk_people), 18), strict=True):
            if action.uses_lookup:
                member = Target.objects.mp_for(writer["place"]) if writer["place"] else None
                # Without the UK data nobody's MP is known: no letter is made up for them.
                targets = [member] if member is not None else []
            else:
                targets = [
                    link.target for link in spyware.campaign_targets.select_related("target")
                ]
                # Not every writer writes to every minister on the same day.
                targets = [target for target in targets if rng.random() < 0.7]
            made += [_letter(action, target, writer, moment) for target in targets]
    us_people = _us_writers(rng, 30)
    for action in baldwin.write_actions.all():
        if action.letters.exists():
            continue
        targets = [link.target for link in baldwin.campaign_targets.select_related("target")]
        for writer, moment in zip(us_people, _moments(rng, len(us_people), 9), strict=True):
            made += [_letter(action, target, writer, moment) for target in targets]
    if not made:
        return 0
    bulk_create_in_the_past(Letter, made)
    _record_writers(Letter.objects.filter(pk__in=[letter.pk for letter in made]))
    return len(made)


def _record_writers(letters) -> None:
    """Each letter's writer as a person of the organization, with the letter on their
    timeline at the moment it was confirmed, as `letters.services` records it."""
    linked = []
    for letter in letters.select_related("action__campaign__organization", "target"):
        campaign = letter.action.campaign
        person = people.find_or_create_person(
            campaign.organization,
            letter.email,
            name=letter.name,
            postcode=letter.postcode,
            language=letter.language,
            place=people.Place(country=letter.country, district=letter.place),
            source=letter.source,
            page=campaign.get_absolute_url(),
        )
        people.record_activity(
            person,
            Activity.Kind.WROTE,
            campaign=campaign,
            source=letter.source,
            summary=gettext("Wrote to %(target)s") % {"target": letter.target.name},
            ref=("letters.letter", letter.pk),
            when=letter.confirmed_at,
        )
        letter.supporter = person
        linked.append(letter)
    Letter.objects.bulk_update(linked, ["supporter"], batch_size=500)
