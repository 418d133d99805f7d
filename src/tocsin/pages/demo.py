"""The demo's action alerts (issue 18): SOA Watch's Wisconsin supporters, the "Call Senator
Baldwin today" alert they were sent a few days ago in English and Spanish (with its
deliveries, a couple of bounces, an unsubscribe and the calls it brought in), and a Spanish
alert for the spyware petition waiting to go out. Safe to run again: nothing is made twice."""

import datetime
import random
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tocsin.alerts import services as alerts
from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.alerts.unsubscribe import unsubscribe_recipient
from tocsin.alerts.webhooks import refuse_mail
from tocsin.calls.models import CallAction, CallReport, Outcome
from tocsin.campaigns.models import Campaign
from tocsin.petitions.models import PetitionAction
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity, Supporter

# Made-up people (example.org addresses), where they live and the language they read.
WISCONSIN_PEOPLE = [
    ("Ana López", "53703", "WI-02", "es"),
    ("Ben Olson", "53703", "WI-02", "en"),
    ("Carmen Ruiz", "53704", "WI-02", "es"),
    ("Dana Kowalski", "53711", "WI-02", "en"),
    ("Eli Johnson", "53202", "WI-04", "en"),
    ("Fatima Hassan", "53204", "WI-04", "en"),
    ("Gabriel Torres", "53204", "WI-04", "es"),
    ("Hannah Schmidt", "53211", "WI-04", "en"),
    ("Isaac Nguyen", "54701", "WI-03", "en"),
    ("Julia Peterson", "54601", "WI-03", "en"),
    ("Kevin Larson", "54476", "WI-07", "en"),
    ("Lucía Morales", "54481", "WI-07", "es"),
    ("Mark Anderson", "53081", "WI-06", "en"),
    ("Nora Lindqvist", "54301", "WI-08", "en"),
    ("Óscar Méndez", "53140", "WI-01", "es"),
    ("Priya Patel", "53705", "WI-02", "en"),
    ("Quinn Murphy", "53715", "WI-02", "en"),
    ("Rosa Díaz", "53215", "WI-04", "es"),
    ("Sam Becker", "54911", "WI-08", "en"),
    ("Tomás Herrera", "53713", "WI-02", "es"),
    ("Uma Thompson", "53590", "WI-02", "en"),
    ("Victor Jensen", "54880", "WI-07", "en"),
    ("Wendy Hoffman", "53901", "WI-06", "en"),
    ("Xavier Castillo", "53403", "WI-01", "es"),
    ("Yara Nelson", "53716", "WI-02", "en"),
    ("Zoe Miller", "53726", "WI-02", "en"),
]
# Elsewhere: the Wisconsin alert does not go to them.
OTHER_PEOPLE = [
    ("Mateo Flores", "60608", "IL-04", "es"),
    ("Grace Kim", "10027", "NY-13", "en"),
]
# Spanish speakers among the spyware petition's group's supporters in Britain.
LONDON_PEOPLE = [
    ("Camila Rojas", "SE5 8RS", "es"),
    ("Diego Paz", "N4 2DA", "es"),
    ("Elena Vargas", "E8 1DY", "es"),
    ("Jorge Castro", "SW9 7AB", "es"),
    ("Sofía Medina", "NW1 0NE", "es"),
]

BALDWIN_SUBJECT = {
    "en": "Call Senator Baldwin today",
    "es": "Llama hoy a la senadora Baldwin",
}
BALDWIN_TEXTS = {
    "en": {
        "preheader": "Two minutes on the phone before her committee decides on aid to Honduras.",
        "body": """Hi {first_name},

Security forces in Honduras are firing on people who protest against a stolen election, and
the United States is still paying for them.

{your_targets}

Senator Baldwin sits on the Appropriations Committee, which decides that money. **Call her
office today** and ask her not to recognise the declared result and to suspend all security
aid. The button opens the script and her numbers; it takes two minutes.
""",
        "button_label": "Call Senator Baldwin",
        "targets_fallback": "Senator Tammy Baldwin represents every Wisconsinite, wherever "
        "you live in the state.",
    },
    "es": {
        "preheader": "Dos minutos al teléfono antes de que su comité decida sobre la ayuda a "
        "Honduras.",
        "body": """Hola, {first_name}:

En Honduras, las fuerzas de seguridad disparan contra quienes protestan por unas elecciones
robadas, y Estados Unidos las sigue pagando.

{your_targets}

La senadora Baldwin forma parte del Comité de Asignaciones, que decide sobre ese dinero.
**Llama hoy a su oficina** y pídele que no reconozca el resultado declarado y que suspenda
toda la ayuda de seguridad. El botón abre el guion y sus números; son dos minutos.
""",
        "button_label": "Llamar a la senadora Baldwin",
        "targets_fallback": "La senadora Tammy Baldwin representa a todo Wisconsin, vivas "
        "donde vivas en el estado.",
    },
}
SPYWARE_TEXTS = {
    "subject": "Ningún programa espía británico para Honduras",
    "preheader": "Firma antes de que el Reino Unido conceda más licencias de exportación.",
    "body": """Hola, {first_name}:

Empresas británicas tienen licencia para vender al gobierno de Honduras equipos con los que
vigilar y silenciar a sus críticos, entre ellos programas espía, mientras sus fuerzas de
seguridad disparan contra quienes protestan.

**Firma la petición** a los ministros del Reino Unido: que no concedan ni una licencia más.
""",
    "button_label": "Firmar la petición",
}

SENT_DAYS_AGO = 5
# What happened to a few of the Baldwin alert's mails, by the recipient's place in line.
BOUNCED_AT = (6, 19)
UNSUBSCRIBED_AT = (11,)
# Who called from the alert, and how many calls each made.
CALLERS = {0: 2, 1: 1, 3: 1, 4: 3, 5: 1, 8: 1, 9: 2, 12: 1, 14: 1, 16: 1, 17: 2, 20: 1, 24: 1}


@transaction.atomic
def load_demo_alerts(baldwin_campaign: Campaign, petition: PetitionAction) -> None:
    organization = baldwin_campaign.organization
    page = baldwin_campaign.get_absolute_url()
    for name, postcode, district, language in WISCONSIN_PEOPLE + OTHER_PEOPLE:
        demo_supporter(organization, name, postcode, district, language, page)
    baldwin_alert(baldwin_campaign)

    petition_page = petition.campaign.get_absolute_url()
    for name, postcode, language in LONDON_PEOPLE:
        demo_supporter(
            petition.campaign.organization, name, postcode, "", language, petition_page, "GB"
        )
    spyware_alert(petition)


def demo_supporter(organization, name, postcode, district, language, page, country="US"):
    """A person who joined from the campaign page weeks ago, consent confirmed (no welcome
    mail: the demo's addresses are made up)."""
    plain = unicodedata.normalize("NFKD", name.split()[0].lower()).encode("ascii", "ignore")
    email = f"demo-{plain.decode()}@example.org"
    place = people.Place(
        country=country, state=district.split("-")[0] if district else "", district=district
    )
    person = people.find_or_create_person(
        organization,
        email,
        name=name,
        postcode=postcode,
        language=language,
        place=place,
        source="demo",
        page=page,
    )
    if person.consents.exists():
        return person
    joined = timezone.now() - datetime.timedelta(days=30 + len(name))
    people.give_consent(
        person,
        wording=people.consent_wording(organization),
        language=language,
        page=page,
        source="demo",
        given_at=joined,
    )
    confirmed = people.confirm_address(person, welcome_sent=True)
    # confirm_address stamps the present; these people joined weeks ago.
    person.consents.filter(pk__in=[c.pk for c in confirmed]).update(confirmed_at=joined)
    person.activities.filter(kind=Activity.Kind.JOINED).update(occurred_at=joined)
    Supporter.objects.filter(pk=person.pk).update(
        created_at=joined, email_confirmed_at=joined, last_action_at=joined
    )
    return person


def baldwin_alert(campaign: Campaign) -> Alert:
    """Sent five days ago to the Wisconsin supporters, each in their language: delivered to
    all but two (bounced), one unsubscribed, and a dozen called from it."""
    existing = Alert.objects.filter(
        organization=campaign.organization, subject_en=BALDWIN_SUBJECT["en"]
    ).first()
    if existing is not None:
        return existing
    action = CallAction.objects.get(campaign=campaign)
    fields = {
        f"{name}_{code}": text
        for code, texts in BALDWIN_TEXTS.items()
        for name, text in texts.items()
    }
    fields.update({f"subject_{code}": text for code, text in BALDWIN_SUBJECT.items()})
    alert = Alert.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        action_kind=Alert.ActionKind.CALL,
        action_id=action.pk,
        from_name="SOA Watch",
        audience={"state": "WI"},
        **fields,
    )
    started = timezone.now() - datetime.timedelta(days=SENT_DAYS_AGO, hours=3)
    alerts.materialise(alert)
    recipients = list(
        AlertRecipient.objects.filter(alert=alert).select_related("supporter").order_by("pk")
    )
    for number, recipient in enumerate(recipients):
        recipient.state = AlertRecipient.State.SENT
        recipient.sent_at = started + datetime.timedelta(seconds=2 * number + 1)
        recipient.message_id = f"<demo-alert-{alert.pk}-{recipient.pk}@example.org>"
    AlertRecipient.objects.bulk_update(recipients, ["state", "sent_at", "message_id"])
    Alert.objects.filter(pk=alert.pk).update(
        status=Alert.Status.SENT,
        started_at=started,
        finished_at=started + datetime.timedelta(seconds=2 * len(recipients) + 1),
        last_progress_at=started + datetime.timedelta(seconds=2 * len(recipients)),
    )

    for number in BOUNCED_AT:
        if number < len(recipients):
            recipient = recipients[number]
            refuse_mail(Supporter.objects.filter(email=recipient.supporter.email), "bounced")
            # Refused when the provider said so, minutes after the send, not now.
            Supporter.objects.filter(email=recipient.supporter.email).update(
                mail_refused_at=recipient.sent_at + datetime.timedelta(minutes=3)
            )
            AlertRecipient.objects.filter(pk=recipient.pk).update(
                event=AlertRecipient.Event.BOUNCED
            )
    for number in UNSUBSCRIBED_AT:
        if number < len(recipients):
            unsubscribe_recipient(recipients[number])
    calls_from_the_alert(alert, action, recipients, started)
    return alert


def calls_from_the_alert(alert, action, recipients, started) -> None:
    """The calls some recipients made from the mail's button: reports with the alert's
    source, on their timelines as the thank-you page's form would put them."""
    rng = random.Random(alert.pk)  # noqa: S311 (made-up demo data, not secrets)
    offices = [
        office
        for link in action.campaign.campaign_targets.select_related("target")
        for office in link.target.offices.all()
    ]
    if not offices:
        return
    for number, calls in CALLERS.items():
        if number >= len(recipients) or number in BOUNCED_AT:
            continue
        person = recipients[number].supporter
        for call in range(calls):
            office = offices[call % len(offices)]
            when = started + datetime.timedelta(minutes=rng.randrange(5, 36 * 60))
            report = CallReport.objects.create(
                action=action,
                target_id=office.target_id,
                office=office,
                outcome=rng.choice([Outcome.TALKED, Outcome.TALKED, Outcome.VOICEMAIL]),
                place=person.district,
                source=alert.source_code,
                supporter=person,
            )
            CallReport.objects.filter(pk=report.pk).update(created_at=when)
            people.record_activity(
                person,
                Activity.Kind.CALLED,
                campaign=action.campaign,
                source=alert.source_code,
                summary=gettext("Called %(target)s — %(outcome)s")
                % {"target": office.target, "outcome": report.get_outcome_display()},
                ref=("calls.callreport", report.pk),
                when=when,
            )


def spyware_alert(petition: PetitionAction) -> Alert:
    """Written in Spanish only, for the group's Spanish-speaking supporters, and scheduled
    for next week."""
    organization = petition.campaign.organization
    existing = Alert.objects.filter(
        organization=organization, subject_es=SPYWARE_TEXTS["subject"]
    ).first()
    if existing is not None:
        return existing
    alert = Alert.objects.create(
        organization=organization,
        campaign=petition.campaign,
        action_kind=Alert.ActionKind.SIGN,
        action_id=petition.pk,
        audience={"language": "es"},
        **{f"{name}_es": text for name, text in SPYWARE_TEXTS.items()},
    )
    alerts.schedule(alert, timezone.now() + datetime.timedelta(days=7))
    return alert
