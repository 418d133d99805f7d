"""Answering for a session, cancelling, the waitlist, reminders and calendars.

Seats are taken with one conditional UPDATE (`seats_taken + party <= capacity`), never by
reading the count and writing it back, so two people can never get the same last seat on
SQLite or PostgreSQL. An answer is one row, unique per session and email; its mail is a task
enqueued in the same transaction. Cancelling is a POST from a page the mail links to, so a
mail scanner that opens links cancels nothing.

When a session is nearly full (or always, if its organizers chose so), an answer holds no
seat until the person presses the button in the mail sent to the address they gave (a POST:
scanners confirm nothing): throwaway addresses cannot fill a session. The seat is taken, or
the person joins the waitlist, at that moment.
"""

import datetime
import enum
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from tocsin.core.emails import normalize_email
from tocsin.core.signals import happened
from tocsin.organizations.models import Organization
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity, Consent, Supporter
from tocsin.supporters.services import ConsentChoice, become_supporter

from .models import Event, Rsvp, Session, SessionMessage

CANCEL_SALT = "tocsin.events.cancel"
CONFIRM_SALT = "tocsin.events.confirm"
DONE_SALT = "tocsin.events.done"
# A cancel link works until its session ends, and never longer than this.
CANCEL_TOKEN_MAX_AGE = 365 * 86400
# A confirmation link works this long; answers nobody confirmed are then forgotten.
CONFIRM_WITHIN = datetime.timedelta(days=2)
# "Nearly full": fewer seats left than this, or than this fraction of the seats.
CONFIRM_BELOW_SEATS = 5
CONFIRM_BELOW_FRACTION = 0.2
RESEND_AFTER = datetime.timedelta(minutes=10)
REMIND_FROM = datetime.timedelta(hours=24)
REMIND_UNTIL = datetime.timedelta(hours=48)


class Refusal(enum.Enum):
    PAST = "past"
    FULL = "full"
    TOO_MANY_GUESTS = "too_many_guests"
    CLOSED = "closed"


class RsvpRefused(Exception):
    def __init__(self, reason: Refusal):
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class RsvpResult:
    rsvp: Rsvp
    created: bool


def _take_seats(session_id: int, party: int) -> bool:
    """One conditional UPDATE: the seats are ours only if the row said so when we wrote it."""
    return bool(
        Session.objects.filter(pk=session_id, seats_taken__lte=F("capacity") - party).update(
            seats_taken=F("seats_taken") + party
        )
    )


def _release_seats(session_id: int, party: int) -> None:
    Session.objects.filter(pk=session_id, seats_taken__gte=party).update(
        seats_taken=F("seats_taken") - party
    )


def _seat_or_queue(session: Session, rsvp_id: int, party: int, now) -> str:
    """Inside the caller's transaction: a seat, else the waitlist, else RsvpRefused(FULL)."""
    queue = Rsvp.objects.filter(session_id=session.pk, status=Rsvp.Status.WAITLISTED).exclude(
        pk=rsvp_id
    )
    # People already waiting come first: nobody new jumps the line.
    if not queue.exists() and _take_seats(session.pk, party):
        Rsvp.objects.filter(pk=rsvp_id).update(
            status=Rsvp.Status.CONFIRMED, confirmed_at=now, waitlisted_at=None
        )
        return Rsvp.Status.CONFIRMED
    if not session.has_waitlist:
        raise RsvpRefused(Refusal.FULL)
    Rsvp.objects.filter(pk=rsvp_id).update(
        status=Rsvp.Status.WAITLISTED, waitlisted_at=now, confirmed_at=None
    )
    return Rsvp.Status.WAITLISTED


def check_open(session: Session, guests: int, now=None) -> None:
    now = now or timezone.now()
    event = session.event
    if not event.is_published:
        raise RsvpRefused(Refusal.CLOSED)
    if session.is_past(now):
        raise RsvpRefused(Refusal.PAST)
    if guests < 0 or guests > event.max_guests:
        raise RsvpRefused(Refusal.TOO_MANY_GUESTS)


def needs_confirmation(session: Session, party: int = 1) -> bool:
    """Whether an answer for `party` people now waits for the mail's button before it takes
    a seat: always, if the organizers chose so, or when it would leave the session nearly
    full."""
    if session.event.confirm_every_rsvp:
        return True
    left = session.seats_left - party
    return left < CONFIRM_BELOW_SEATS or left < session.capacity * CONFIRM_BELOW_FRACTION


def rsvp(
    session: Session,
    *,
    name: str,
    email: str,
    postcode: str,
    guests: int,
    consents: list[ConsentChoice],
    language: str,
    time_zone: str = "",
    source: str = "",
    page: str = "",
) -> RsvpResult:
    """Answer for a session once. Answering again resends the mail (at most every ten
    minutes) and changes nothing else; after a cancellation it is a new answer. A full
    session without waitlist refuses a new answer (RsvpRefused), never a repeated one.

    The answer belongs to the event's organization's person with this address, found or
    created here; it goes on their timeline once it holds a seat or a place in line (at
    once, or when confirmed from its mail)."""
    email = normalize_email(email)
    source = people.clean_source(source)
    now = timezone.now()
    check_open(session, guests, now)
    confirm_first = needs_confirmation(session, 1 + guests)
    consent_record = [
        {"organization": c.organization.pk, "wording": c.wording, "given": now.isoformat()}
        for c in consents
    ]
    fields = {
        "name": name,
        "postcode": postcode,
        "guests": guests,
        "language": language,
        "time_zone": time_zone,
        "consents": consent_record,
        "mailed_at": now,
        "source": source,
    }
    details = {"name": name, "postcode": postcode, "language": language, "page": page}
    # Until its seat is decided below, within the same transaction.
    status = Rsvp.Status.PENDING if confirm_first else Rsvp.Status.WAITLISTED
    try:
        with transaction.atomic():
            person = people.find_or_create_person(
                session.event.organization, email, source=source, **details
            )
            answer = Rsvp.objects.create(
                session=session, email=email, status=status, supporter=person, **fields
            )
            _answer(session, answer, consents, confirm_first, now, page=page)
        answer.refresh_from_db()
        return RsvpResult(answer, True)
    except IntegrityError:
        if not Rsvp.objects.filter(session=session, email=email).exists():
            raise  # not a repeat: something else is wrong, and it must not pass quietly
    with transaction.atomic():
        # Cancelled before: the same row becomes a new answer, through the same seat check.
        person = people.find_or_create_person(
            session.event.organization, email, source=source, **details
        )
        reopened = Rsvp.objects.filter(
            session=session, email=email, status=Rsvp.Status.CANCELLED
        ).update(
            status=status,
            cancelled_at=None,
            attended_at=None,
            reminded_at=None,
            created_at=now,
            supporter=person,
            **fields,
        )
        answer = Rsvp.objects.get(session=session, email=email)
        if reopened:
            _answer(session, answer, consents, confirm_first, now, page=page)
            answer.refresh_from_db()
            return RsvpResult(answer, True)
        _resend_if_due(answer, now)
    return RsvpResult(answer, False)


def _answer(session, answer: Rsvp, consents, confirm_first: bool, now, page: str = "") -> None:
    """Inside the caller's transaction: a new answer waits for its confirmation, or takes a
    seat (or its place on the waitlist) at once."""
    from .tasks import send_rsvp_mail

    if confirm_first:
        if session.is_full and not session.has_waitlist:
            raise RsvpRefused(Refusal.FULL)
        send_rsvp_mail.enqueue(answer.pk, "confirm")
        return
    status = _seat_or_queue(session, answer.pk, answer.party_size, now)
    _record_answer(answer, session, status, now)
    if consents:
        # Pending until the address's owner presses the button in the mail that asks them
        # (one mail for every organization ticked): this answer's own mail proves nothing.
        become_supporter(
            campaign=session.event.campaign,
            name=answer.name,
            email=answer.email,
            postcode=answer.postcode,
            consents=consents,
            language=answer.language,
            given_at=now,
            source=answer.source,
            page=page,
        )
    send_rsvp_mail.enqueue(answer.pk, status)


def _record_answer(answer: Rsvp, session: Session, status: str, now) -> None:
    """The answer on its person's timeline: "answered for an event", in the same
    transaction as the seat or place in line it got."""
    happened.send(
        None, organization=session.event.organization_id, event="rsvp.made", instance=answer
    )
    person = Supporter.objects.filter(pk=answer.supporter_id).first()
    if person is None:
        return
    titles = {"event": session.event.title, "session": session.title}
    if status == Rsvp.Status.WAITLISTED:
        summary = gettext("On the waitlist for “%(event)s” (%(session)s)") % titles
    else:
        summary = gettext("Coming to “%(event)s” (%(session)s)") % titles
    people.record_activity(
        person,
        Activity.Kind.RSVP,
        campaign=session.event.campaign_id,
        source=answer.source,
        summary=summary,
        # An answer reopened after a cancellation is a new action on the same row.
        ref=None if _on_timeline(person, answer) else ("events.rsvp", answer.pk),
        when=now,
    )


def _on_timeline(person: Supporter, answer: Rsvp) -> bool:
    return Activity.objects.filter(
        supporter=person, ref_model="events.rsvp", ref_id=answer.pk
    ).exists()


def _resend_if_due(answer: Rsvp, now) -> None:
    from .tasks import send_rsvp_mail

    due = Rsvp.objects.filter(pk=answer.pk, mailed_at__lt=now - RESEND_AFTER)
    if answer.status == Rsvp.Status.PENDING:
        # A new link, and as long again to press it.
        if due.filter(status=Rsvp.Status.PENDING).update(mailed_at=now, created_at=now):
            send_rsvp_mail.enqueue(answer.pk, "confirm")
    elif due.filter(status__in=[Rsvp.Status.CONFIRMED, Rsvp.Status.WAITLISTED]).update(
        mailed_at=now
    ):
        send_rsvp_mail.enqueue(answer.pk, answer.status)


def confirm(answer: Rsvp) -> str | None:
    """The button in the mail pressed: a seat, else the waitlist; on a session that filled up
    and has no waitlist, the answer is cancelled. The status it has now, or None if it was
    not waiting for confirmation (pressed twice). Consents given with the answer count from
    now: the address is its owner's."""
    from .tasks import send_rsvp_mail

    now = timezone.now()
    session = answer.session
    check_open(session, answer.guests, now)
    with transaction.atomic():
        if not Rsvp.objects.filter(pk=answer.pk, status=Rsvp.Status.PENDING).update(
            status=Rsvp.Status.WAITLISTED, waitlisted_at=now
        ):
            return None
        try:
            status = _seat_or_queue(session, answer.pk, answer.party_size, now)
        except RsvpRefused:
            Rsvp.objects.filter(pk=answer.pk).update(
                status=Rsvp.Status.CANCELLED, cancelled_at=now, waitlisted_at=None
            )
            return Rsvp.Status.CANCELLED
        answer.refresh_from_db()
        _record_answer(answer, session, status, now)
        _record_confirmed_consents(answer)
        send_rsvp_mail.enqueue(answer.pk, status)
    return status


def _record_confirmed_consents(answer: Rsvp) -> None:
    """The button in the answer's own mail was pressed: the address is its owner's. Their
    person's address is confirmed and the consents ticked with the answer are current at
    once, except those withdrawn since (that mail has an unsubscribe link too). That mail
    and the one confirming the seat were their welcome: no other mail goes out."""
    person = Supporter.objects.filter(pk=answer.supporter_id, erased_at__isnull=True).first()
    if person is not None:
        people.confirm_address(person, welcome_sent=True)
    records = [
        item
        for item in answer.consents or []
        if isinstance(item, dict) and isinstance(item.get("organization"), int)
    ]
    withdrawn = set(
        Consent.objects.filter(
            supporter__email=answer.email, withdrawn_at__gte=answer.created_at
        ).values_list("organization_id", flat=True)
    )
    organizations = Organization.objects.in_bulk([item["organization"] for item in records])
    for item in records:
        organization = organizations.get(item["organization"])
        if organization is None or organization.pk in withdrawn:
            continue
        someone = people.find_or_create_person(
            organization,
            answer.email,
            name=answer.name,
            postcode=answer.postcode,
            language=answer.language,
            source=answer.source,
        )
        people.give_consent(
            someone,
            wording=str(item.get("wording", "")),
            language=answer.language,
            page=answer.session.event.get_absolute_url(),
            source=answer.source,
            campaign=answer.session.event.campaign_id,
            given_at=parse_datetime(str(item.get("given", ""))) or answer.created_at,
        )
        people.confirm_address(someone, welcome_sent=True)


def forget_unconfirmed(now=None) -> int:
    """Delete answers nobody confirmed within CONFIRM_WITHIN, or whose session has begun;
    they hold no seat. How many went. For the worker's schedule."""
    now = now or timezone.now()
    stale = Rsvp.objects.pending().filter(
        models.Q(created_at__lt=now - CONFIRM_WITHIN) | models.Q(session__starts_at__lte=now)
    )
    deleted, _by_model = stale.delete()
    return deleted


def cancel(answer: Rsvp) -> bool:
    """Free the seats and hand them to the waitlist, in order. True if this call cancelled.
    A cancelled seat or place in line goes on the person's timeline too."""
    now = timezone.now()
    with transaction.atomic():
        was_confirmed = Rsvp.objects.filter(pk=answer.pk, status=Rsvp.Status.CONFIRMED).update(
            status=Rsvp.Status.CANCELLED, cancelled_at=now
        )
        if was_confirmed:
            _release_seats(answer.session_id, answer.party_size)
            fill_from_waitlist(answer.session_id)
            _record_cancellation(answer, now)
            return True
        was_waiting = Rsvp.objects.filter(pk=answer.pk, status=Rsvp.Status.WAITLISTED).update(
            status=Rsvp.Status.CANCELLED, cancelled_at=now
        )
        if was_waiting:
            _record_cancellation(answer, now)
            return True
        # An answer never confirmed was never on the timeline: nothing to undo there.
        return bool(
            Rsvp.objects.filter(pk=answer.pk, status=Rsvp.Status.PENDING).update(
                status=Rsvp.Status.CANCELLED, cancelled_at=now
            )
        )


def _record_cancellation(answer: Rsvp, now) -> None:
    happened.send(
        None,
        organization=answer.session.event.organization_id,
        event="rsvp.cancelled",
        instance=answer,
    )
    person = Supporter.objects.filter(pk=answer.supporter_id).first()
    if person is None:
        return
    session = Session.objects.select_related("event").get(pk=answer.session_id)
    titles = {"event": session.event.title, "session": session.title}
    people.record_activity(
        person,
        Activity.Kind.RSVP,
        campaign=session.event.campaign_id,
        source=answer.source,
        summary=gettext("Cancelled their answer for “%(event)s” (%(session)s)") % titles,
        when=now,
    )


def fill_from_waitlist(session_id: int) -> list[int]:
    """Seat waiting people strictly in the order they came, while their whole party fits.
    Runs inside the caller's transaction; each promoted person gets a mail."""
    from .tasks import send_rsvp_mail

    now = timezone.now()
    if not Session.objects.filter(pk=session_id, starts_at__gt=now).exists():
        return []
    promoted = []
    while True:
        head = Rsvp.objects.waitlisted().filter(session_id=session_id).first()
        if head is None or not _take_seats(session_id, head.party_size):
            break
        if Rsvp.objects.filter(pk=head.pk, status=Rsvp.Status.WAITLISTED).update(
            status=Rsvp.Status.CONFIRMED, confirmed_at=now
        ):
            promoted.append(head.pk)
            send_rsvp_mail.enqueue(head.pk, "promoted")
        else:
            _release_seats(session_id, head.party_size)  # left the line meanwhile
    return promoted


# ---------------------------------------------------------------------------- links


def cancel_token(answer: Rsvp) -> str:
    return signing.dumps({"r": answer.pk, "s": answer.session_id}, salt=CANCEL_SALT)


def rsvp_for_token(token: str) -> Rsvp | None:
    """The answer a cancel link is for, if the link is genuine and its session not over."""
    try:
        payload = signing.loads(token, salt=CANCEL_SALT, max_age=CANCEL_TOKEN_MAX_AGE)
        answer = Rsvp.objects.select_related("session__event").get(
            pk=int(payload["r"]), session_id=int(payload["s"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Rsvp.DoesNotExist):
        return None
    if answer.session.ends_at <= timezone.now():
        return None
    return answer


def confirm_token(answer: Rsvp) -> str:
    return signing.dumps({"r": answer.pk, "s": answer.session_id}, salt=CONFIRM_SALT)


def rsvp_for_confirm_token(token: str) -> Rsvp | None:
    """The answer a confirmation link is for, if the link is genuine and recent enough."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_WITHIN.total_seconds())
        return Rsvp.objects.select_related("session__event__campaign").get(
            pk=int(payload["r"]), session_id=int(payload["s"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Rsvp.DoesNotExist):
        return None


def done_token(result: RsvpResult) -> str:
    """For the page after answering: which answer, and whether it was new."""
    return signing.dumps({"r": result.rsvp.pk, "n": result.created}, salt=DONE_SALT)


def read_done_token(token: str) -> tuple[Rsvp, bool] | None:
    try:
        payload = signing.loads(token, salt=DONE_SALT, max_age=3600)
        answer = Rsvp.objects.select_related("session__event").get(pk=int(payload["r"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Rsvp.DoesNotExist):
        return None
    return answer, bool(payload.get("n"))


# ---------------------------------------------------------------------------- organizers


def set_attended(answer: Rsvp, attended: bool) -> bool:
    """Check someone in at the door, or undo it. True if this call changed anything."""
    rows = Rsvp.objects.filter(pk=answer.pk, status=Rsvp.Status.CONFIRMED)
    if attended:
        return bool(rows.filter(attended_at__isnull=True).update(attended_at=timezone.now()))
    return bool(rows.filter(attended_at__isnull=False).update(attended_at=None))


def message_attendees(session: Session, *, subject: str, body: str, sent_by) -> SessionMessage:
    """One mail per person coming, each its own task, queued with the record of the message."""
    from .tasks import send_session_message

    with transaction.atomic():
        recipients = list(
            Rsvp.objects.confirmed().filter(session=session).values_list("pk", flat=True)
        )
        message = SessionMessage.objects.create(
            session=session,
            subject=subject,
            body=body,
            sent_by=sent_by,
            recipients=len(recipients),
        )
        for rsvp_id in recipients:
            send_session_message.enqueue(message.pk, rsvp_id)
    return message


def enqueue_reminders(now=None) -> int:
    """Reminders for sessions starting in 24 to 48 hours, once per answer: each is marked in
    the same statement that claims it, so two runs at once send nothing twice."""
    from .tasks import send_rsvp_mail

    now = now or timezone.now()
    due = Rsvp.objects.confirmed().filter(
        reminded_at__isnull=True,
        session__starts_at__gte=now + REMIND_FROM,
        session__starts_at__lt=now + REMIND_UNTIL,
        session__event__is_published=True,
    )
    count = 0
    for rsvp_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            if Rsvp.objects.filter(pk=rsvp_id, reminded_at__isnull=True).update(reminded_at=now):
                send_rsvp_mail.enqueue(rsvp_id, "reminder")
                count += 1
    return count


def checkin_rows(session: Session) -> models.QuerySet:
    return Rsvp.objects.confirmed().filter(session=session).order_by("name", "pk")


def natural_name_key(name: str) -> tuple:
    """Sort names as people read a list: "Ana" < "ángel" < "Zoe", "Table 2" < "Table 10".

    Accents and case are ignored (a database's ORDER BY puts "Zoe" before "ángel"), and runs
    of digits compare as numbers."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).casefold()
    parts = re.split(r"(\d+)", plain.strip())
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part)


def checkin_list(session: Session) -> list[Rsvp]:
    """The door's and the printed list's order: natural, by name (see natural_name_key)."""
    return sorted(checkin_rows(session), key=lambda r: (natural_name_key(r.name), r.name, r.pk))


# ---------------------------------------------------------------------------- calendars


def _uid_domain() -> str:
    return urlsplit(settings.TOCSIN_BASE_URL).hostname or "tocsin.invalid"


def session_uid(session: Session) -> str:
    return f"tocsin-session-{session.pk}@{_uid_domain()}"


def calendar_for(sessions, name: str) -> bytes:
    """An iCalendar file: one VEVENT per session, times in the event's zone with its
    VTIMEZONE, so calendar apps show them right wherever the subscriber is."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Tocsin//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().replace(microsecond=0)
    for session in sessions:
        event = session.event
        zone = event.zone
        vevent = icalendar.Event()
        vevent.add("uid", session_uid(session))
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", session.starts_at.astimezone(zone))
        vevent.add("dtend", session.ends_at.astimezone(zone))
        vevent.add("summary", f"{event.title}: {session.title}")
        where = ", ".join(p for p in (session.venue_name, session.venue_address) if p)
        if where:
            vevent.add("location", where)
        url = settings.TOCSIN_BASE_URL + event.get_absolute_url()
        vevent.add("url", url)
        description = "\n\n".join(p for p in (event.description, session.online_url, url) if p)
        vevent.add("description", description)
        vevent.add(
            "organizer", f"mailto:{event.organizer_email}", parameters={"CN": event.organizer_name}
        )
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_sessions(events) -> models.QuerySet:
    """What a subscribed calendar shows: sessions of public events from the last 30 days on."""
    since = timezone.now() - datetime.timedelta(days=30)
    return (
        Session.objects.filter(event__in=events.public(), ends_at__gte=since)
        .select_related("event")
        .order_by("starts_at", "pk")
    )


def upcoming_events(campaign) -> list[dict]:
    """For the campaign page: its public events still to come, with their next sessions."""
    now = timezone.now()
    events = Event.objects.public().filter(campaign=campaign).upcoming(now)
    return [
        {"event": event, "sessions": list(event.sessions.upcoming(now))} for event in events[:10]
    ]


# ---------------------------------------------------------------------------- privacy


def _rsvps_of(email: str, organizations: frozenset[int] | None):
    rows = Rsvp.objects.filter(email=normalize_email(email))
    if organizations is not None:
        rows = rows.filter(session__event__organization_id__in=organizations)
    return rows


def export_rsvps(email: str, organizations: frozenset[int] | None = None) -> list[dict]:
    """Every answer given with this address (for the events of `organizations` only, unless
    None), for a subject-access request (registered in tocsin.core.personal_data)."""
    rows = _rsvps_of(email, organizations).select_related("session__event")
    return [
        {
            "event": answer.session.event.title,
            "session": answer.session.title,
            "starts": answer.session.starts_at.isoformat(),
            "name": answer.name,
            "email": answer.email,
            "postcode": answer.postcode,
            "guests": answer.guests,
            "status": answer.status,
            "answered": answer.created_at.isoformat(),
            "checked_in": answer.attended_at.isoformat() if answer.attended_at else None,
            "consents": answer.consents,
        }
        for answer in rows
    ]


def erase_rsvps(email: str, organizations: frozenset[int] | None = None) -> int:
    """Seats held for sessions still to come go back to the waitlist; then the details go.
    The rows stay, anonymous, so attendance counts still add up."""
    rows = _rsvps_of(email, organizations).exclude(email__endswith="@invalid")
    count = 0
    for answer in rows.select_related("session"):
        if answer.session.starts_at > timezone.now():
            cancel(answer)
        Rsvp.objects.filter(pk=answer.pk).update(
            name="", email=f"erased-{answer.pk}@invalid", postcode="", consents=[], time_zone=""
        )
        count += 1
    return count
