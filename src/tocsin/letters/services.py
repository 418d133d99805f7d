"""Writing to a campaign's targets: the write path, confirming, delivery, digests, bounces.

Writing is one transaction: the rate-limit check, one `Letter` per target (unique per action,
target and normalised address, so a double click or a second submit writes nothing more)
linked to the campaign's organization's person, and, when a letter is to go from Tocsin, ONE
confirmation mail for the whole submission. Nothing goes to a target in anyone's name before
the owner of the address presses the button of that mail (a POST: a mail scanner opening the
link confirms nothing).

Each letter goes by the first way that works for its target:
  1. by email from Tocsin (`Method.EMAIL`), when the target has a public address that has not
     bounced, the organizer chose sending, and mail is set up;
  2. from the supporter's own mail app (`MAIL_APP`, a mailto: link), where the organizer
     prefers it or mail is not set up;
  3. through the target's web form (`WEB_FORM`), with the letter ready to copy;
  4. in the delivery bundle (`BUNDLE`) an organizer prints or downloads and hands in.
Letters for 2 and 3 are in the supporter's hands at once ("handed over"); letters for 1 and 4
wait for the confirmation. Once confirmed, a letter with a link the organizer did not write
is held for review; above the action's daily cap per target, letters wait for that target's
daily digest (`send_digests`) instead of flooding the office.
"""

import datetime
import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from tocsin.core.emails import normalize_email
from tocsin.core.signals import happened
from tocsin.core.spreadsheets import csv_lines
from tocsin.core.translated import fallback_language_of, text_of
from tocsin.districts.services import DistrictRef
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity
from tocsin.targets.delegations import delegation_for
from tocsin.targets.models import Target

from . import limits
from .models import BadAddress, Letter, LetterVariant, WriteAction

logger = logging.getLogger(__name__)

CONFIRM_SALT = "tocsin.letters.confirm"
# How long a confirmation button works; unconfirmed letters are forgotten after it.
CONFIRM_DAYS = 14
RESEND_AFTER = datetime.timedelta(minutes=10)
MAX_BODY = 10_000
MAX_OWN_SENTENCE = 1_000
MAX_NAME = 200
MAX_SUBJECT = 200
MAX_TOWN = 100
MAX_ADDRESS = 300
MAX_POSTCODE = 12

SEND_STATES_TODAY = (Letter.State.QUEUED, Letter.State.SENT)
DIGEST_LABEL = "digest"


class LetterRefused(ValueError):
    """The submission cannot be accepted as it is; `message` says why, in the reader's
    language, and `field` names the form field at fault (or None). Nothing was written."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class TooManyLetters(LetterRefused):
    """Over a rate limit: the supporter is asked to try later."""


# ---------------------------------------------------------------------------- whom


def targets_for(action: WriteAction, place) -> list[Target]:
    """The people a supporter at `place` writes to, in order, each once: the campaign's
    targets and the supporter's representatives as the action says (the call action's rules).
    `place` is a districts.services.DistrictRef (a US House seat), a districts.uk
    ConstituencyRef (anything with a `code`), or None when the supporter gave no place."""
    custom = [
        link.target
        for link in action.campaign.campaign_targets.select_related("target")
        if link.target.is_active
    ]
    looked_up = representatives_for(action, place) if action.uses_lookup and place else []
    mode, placement = action.target_mode, action.custom_placement
    if mode == WriteAction.TargetMode.FIXED:
        chosen = custom
    elif mode == WriteAction.TargetMode.LOOKUP:
        chosen = looked_up
    elif placement == WriteAction.CustomPlacement.FIRST:
        chosen = custom + looked_up
    elif placement == WriteAction.CustomPlacement.LAST:
        chosen = looked_up + custom
    else:
        chosen = looked_up or custom
    seen: set[int] = set()
    return [t for t in chosen if not (t.pk in seen or seen.add(t.pk))]


def representatives_for(action: WriteAction, place) -> list[Target]:
    """A US House seat's representative and senators (as `chambers` says), or a UK
    constituency's MP."""
    if isinstance(place, DistrictRef):
        delegation = delegation_for(place)
        found: list[Target] = []
        if action.chambers in (WriteAction.Chambers.HOUSE, WriteAction.Chambers.BOTH):
            found += delegation.house_members
        if action.chambers in (WriteAction.Chambers.SENATE, WriteAction.Chambers.BOTH):
            found += delegation.senators
        return found
    code = getattr(place, "code", "")
    if not code:
        return []
    member = Target.objects.mp_for(code)
    return [member] if member is not None else []


def place_label(place) -> str:
    """What Letter.place and Supporter.district hold: "WI-2" or a constituency code."""
    if isinstance(place, DistrictRef):
        return place.label
    return str(getattr(place, "code", "") or "")


def country_of(place, country: str = "") -> str:
    if isinstance(place, DistrictRef):
        return "US"
    if getattr(place, "code", ""):
        return "GB"
    return (country or "")[:2].upper()


# ---------------------------------------------------------------------------- the letter

_PLACEHOLDER = re.compile(r"\{(title|name|supporter_name|town)\}")
# C0 and C1 control characters and the Unicode line separators. A letter's body keeps its
# line breaks and tabs; a name or subject keeps none, since each goes into a mail header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# Something a mail client would make a link of: a URL, a www. name, or a bare domain.
_LINK = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"]+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|biz|io|ly|co|me|xyz|ru|cn|uk|us|app"
    r"|link|click|top|site|online|gl|tk|be|to)\b(?:/[^\s<>\"]*)?"
)


@dataclass(frozen=True)
class Template:
    subject: str
    letter: str


def template_for(action: WriteAction, target: Target | None = None) -> Template:
    """The organizer's subject and letter for `target` (its own variant where written), in
    the active language with the campaign's as fallback; placeholders not filled in."""
    fallback = fallback_language_of(action)
    variant = None
    if target is not None:
        variant = LetterVariant.objects.filter(action=action, target=target).first()
    subject = text_of(action, "subject", fallback).value
    letter = text_of(action, "letter", fallback).value
    if variant is not None:
        subject = text_of(variant, "subject", fallback).value or subject
        letter = text_of(variant, "letter", fallback).value or letter
    return Template(str(subject), str(letter))


def fill(text: str, *, target: Target, supporter_name: str, town: str) -> str:
    """The placeholders filled in. Only these four: a letter is the supporter's text, and
    anything else in braces stays as written."""
    if not target.display_title:
        # "Dear {title} {name}" to a target with no title reads "Dear Desk", not "Dear  Desk".
        text = text.replace("{title} {name}", "{name}")
    values = {
        "title": target.display_title or "",
        "name": target.name,
        "supporter_name": supporter_name,
        "town": town,
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def compose(
    letter: str,
    *,
    target: Target,
    name: str,
    town: str,
    own_sentence: str = "",
    address: str = "",
    postcode: str = "",
) -> str:
    """The letter as the office reads it: placeholders filled, the supporter's own words
    after the greeting (offices read first what a constituent wrote themselves), signed with
    their name, and their address, town and postcode below (offices answer constituents)."""
    text = fill(letter, target=target, supporter_name=name, town=town).strip()
    if own_sentence:
        paragraphs = text.split("\n\n")
        greeting = paragraphs[0].strip()
        at = 1 if greeting.endswith(",") and len(greeting) <= 100 else 0
        paragraphs.insert(at, own_sentence)
        text = "\n\n".join(paragraphs)
    if not text.endswith(name):
        text += "\n\n" + name
    for line in (address, " ".join(part for part in (town, postcode) if part)):
        if line and line not in text[-len(line) - 200 :]:
            text += "\n" + line
    return text


def links_in(text: str) -> set[str]:
    return {match.group(0).lower().rstrip(".,;:!?)") for match in _LINK.finditer(text)}


def organizer_links(action: WriteAction) -> set[str]:
    """The links the organizer's own texts carry, in every language: these hold nothing."""
    texts = [
        str(getattr(action, f"{field}_{code}", "") or "")
        for field in ("subject", "letter", "intro", "own_sentence_prompt")
        for code, _name in settings.LANGUAGES
    ]
    for variant in action.variants.all():
        texts += [
            str(getattr(variant, f"letter_{code}", "") or "") for code, _name in settings.LANGUAGES
        ]
    return set().union(*(links_in(text) for text in texts))


def has_foreign_links(letter: Letter) -> bool:
    """A link in the letter that the organizer did not write: spam, or worse, in someone's
    name. Held for an organizer to read."""
    return bool(links_in(letter.subject + "\n" + letter.body) - organizer_links(letter.action))


# ---------------------------------------------------------------------------- how it goes


def sending_set_up() -> bool:
    """Whether this installation sends mail at all (the dummy backend drops every message)."""
    return settings.EMAIL_BACKEND != "django.core.mail.backends.dummy.EmailBackend"


def address_is_bad(target: Target) -> bool:
    return (
        bool(target.email)
        and BadAddress.objects.filter(target=target, address__iexact=target.email).exists()
    )


def method_for(action: WriteAction, target: Target) -> str:
    """How a letter to `target` goes, the first that works (see the module's docstring)."""
    if target.email and not address_is_bad(target):
        if action.delivery == WriteAction.Delivery.SEND and sending_set_up():
            return Letter.Method.EMAIL
        return Letter.Method.MAIL_APP
    if target.contact_form_url:
        return Letter.Method.WEB_FORM
    return Letter.Method.BUNDLE


HANDED_OVER_METHODS = (Letter.Method.MAIL_APP, Letter.Method.WEB_FORM)


# ---------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class WriteOutcome:
    """What the supporter may be told. `letters` has one letter per target, in order: the
    new row, or for a target written to before with this address, the letter as written now
    (unsaved, in the earlier letter's state), so a repeat never shows anyone an earlier
    letter. `needs_confirmation`: a mail with a button is on its way (or went lately)."""

    letters: tuple[Letter, ...]
    created: int
    needs_confirmation: bool

    @property
    def handed_over(self) -> list[Letter]:
        """The letters the supporter sends themselves: mailto links and web forms."""
        return [letter for letter in self.letters if letter.method in HANDED_OVER_METHODS]


def _one_line(value, *, field: str, label: str, max_length: int, required: bool) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if _CONTROL.search(value):
        raise LetterRefused(
            gettext("%(field)s must be on one line.") % {"field": label}, field=field
        )
    if required and not value:
        raise LetterRefused(gettext("Please fill in %(field)s.") % {"field": label}, field=field)
    if len(value) > max_length:
        raise LetterRefused(
            gettext("%(field)s is too long: at most %(count)d characters, please.")
            % {"field": label, "count": max_length},
            field=field,
        )
    return value


def _clean_text(value, *, field: str, label: str, max_length: int) -> str:
    value = value if isinstance(value, str) else ""
    value = _BODY_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(value) > max_length:
        raise LetterRefused(
            gettext("%(field)s is too long: at most %(count)s characters, please.")
            % {"field": label, "count": f"{max_length:,}"},
            field=field,
        )
    return value


def _clean_email(email) -> str:
    email = email.strip() if isinstance(email, str) else ""
    try:
        validate_email(email)
    except ValidationError:
        raise LetterRefused(gettext("Enter a valid email address."), field="email") from None
    address = normalize_email(email)
    if len(address) > 254 or _CONTROL.search(address):
        raise LetterRefused(gettext("Enter a valid email address."), field="email")
    return address


def write(
    action: WriteAction,
    *,
    name: str,
    email: str,
    targets: Iterable[Target],
    postcode: str = "",
    town: str = "",
    address: str = "",
    place=None,
    country: str = "",
    subject: str = "",
    body: str = "",
    own_sentence: str = "",
    language: str = "",
    source: str = "",
    ip: str = "",
    page: str = "",
) -> WriteOutcome:
    """Write one letter to each of `targets` (from `targets_for`) in the supporter's name.

    `subject` and `body` are what the supporter edited, placeholders and all (blank, or the
    organizer's text unchanged: each target gets the organizer's letter for it, variants
    included); `own_sentence` goes after the greeting. Raises LetterRefused (or
    TooManyLetters) with a message for the supporter, having written nothing. Nothing goes
    to a target until `confirm`."""
    from .tasks import send_confirmation

    name = _one_line(
        name, field="name", label=gettext("Your name"), max_length=MAX_NAME, required=True
    )
    address_email = _clean_email(email)
    town = _one_line(town, field="town", label=gettext("Town"), max_length=MAX_TOWN, required=False)
    postcode = _one_line(
        postcode,
        field="postcode",
        label=gettext("Postcode"),
        max_length=MAX_POSTCODE,
        required=False,
    )
    address = _clean_text(
        address, field="address", label=gettext("Address"), max_length=MAX_ADDRESS
    )
    subject = _one_line(
        subject, field="subject", label=gettext("Subject"), max_length=MAX_SUBJECT, required=False
    )
    body = _clean_text(body, field="body", label=gettext("Your letter"), max_length=MAX_BODY)
    own_sentence = _clean_text(
        own_sentence,
        field="own_sentence",
        label=gettext("Your own words"),
        max_length=MAX_OWN_SENTENCE,
    )
    targets = list(dict.fromkeys(targets))
    if not action.is_open or action.campaign.status != "live":
        raise LetterRefused(gettext("This action is not taking letters any more."))
    if not targets:
        raise LetterRefused(gettext("There is nobody to write to for this place."))
    source = people.clean_source(source)
    default = template_for(action)
    use_own_body = bool(body) and body.strip() != default.letter.strip()
    use_own_subject = bool(subject) and subject != default.subject.strip()

    drafts = []
    for target in targets:
        template = template_for(action, target)
        letter_subject = fill(
            subject if use_own_subject else template.subject,
            target=target,
            supporter_name=name,
            town=town,
        )
        letter_body = compose(
            body if use_own_body else template.letter,
            target=target,
            name=name,
            town=town,
            own_sentence=own_sentence,
            address=address,
            postcode=postcode,
        )
        # A placeholder can make a line longer or, through a name, carry nothing new: the
        # checks above saw the supporter's own text; these see what would be sent.
        if len(letter_body) > MAX_BODY + 2_000:
            raise LetterRefused(
                gettext("Your letter is too long: at most %(count)s characters, please.")
                % {"count": f"{MAX_BODY:,}"},
                field="body",
            )
        method = method_for(action, target)
        drafts.append(
            Letter(
                action=action,
                target=target,
                name=name,
                email=address_email,
                address=address,
                postcode=postcode,
                town=town,
                country=country_of(place, country),
                place=place_label(place),
                subject=_CONTROL.sub(" ", letter_subject)[:MAX_SUBJECT],
                body=letter_body,
                language=(language or "")[:10],
                source=source,
                method=method,
                state=(
                    Letter.State.HANDED_OVER
                    if method in HANDED_OVER_METHODS
                    else Letter.State.AWAITING
                ),
            )
        )

    if limits.over_limit(action.pk, ip_address=ip, email=address_email):
        raise TooManyLetters(
            gettext("Too many letters from here just now. Please try again in an hour.")
        )

    campaign = action.campaign
    now = timezone.now()
    submission = uuid.uuid4()
    created = 0
    results: list[Letter] = []
    repeated_submissions: set[uuid.UUID] = set()
    with transaction.atomic():
        person = people.find_or_create_person(
            campaign.organization,
            address_email,
            name=name,
            postcode=postcode,
            language=language,
            place=people.Place(
                country=country_of(place, country),
                state=getattr(place, "state", "") or "",
                district=place_label(place),
            ),
            source=source,
            page=page,
        )
        for draft in drafts:
            draft.supporter = person
            draft.submission = submission
            try:
                with transaction.atomic():
                    draft.save()
            except IntegrityError:  # written before: one_letter_per_address
                earlier = Letter.objects.filter(
                    action=action, target=draft.target, email=address_email
                ).first()
                if earlier is not None:
                    draft.pk = None
                    draft.state = earlier.state
                    draft.method = earlier.method
                    if earlier.state == Letter.State.AWAITING:
                        repeated_submissions.add(earlier.submission)
                results.append(draft)
                continue
            created += 1
            results.append(draft)
            if draft.state == Letter.State.HANDED_OVER:
                # In the supporter's own hands: nothing goes out in their name from here.
                _record_wrote(draft, person, now)
        new_awaiting = [
            letter for letter in results if letter.pk and letter.state == Letter.State.AWAITING
        ]
        if new_awaiting:
            Letter.objects.filter(pk__in=[letter.pk for letter in new_awaiting]).update(
                mailed_at=now
            )
            # In the same transaction: letters never wait for a mail that was never queued.
            send_confirmation.enqueue(str(submission))
        for earlier_submission in repeated_submissions:
            resend_if_due(earlier_submission)
    needs_confirmation = any(letter.state == Letter.State.AWAITING for letter in results)
    return WriteOutcome(tuple(results), created, needs_confirmation)


def resend_if_due(submission: uuid.UUID) -> bool:
    """Send a submission's confirmation again, at most every RESEND_AFTER: someone who lost
    the mail may submit again; a double click sends nothing more."""
    from .tasks import send_confirmation

    now = timezone.now()
    due = Letter.objects.filter(
        submission=submission, state=Letter.State.AWAITING, mailed_at__lt=now - RESEND_AFTER
    ).update(mailed_at=now)
    if due:
        send_confirmation.enqueue(str(submission))
    return bool(due)


def _record_wrote(letter: Letter, person, when: datetime.datetime) -> None:
    people.record_activity(
        person,
        Activity.Kind.WROTE,
        campaign=letter.action.campaign,
        source=letter.source,
        summary=gettext("Wrote to %(target)s") % {"target": letter.target.name},
        ref=("letters.letter", letter.pk),
        when=when,
    )
    happened.send(
        None,
        organization=letter.action.campaign.organization_id,
        event="letter.reported",
        instance=letter,
    )


# ---------------------------------------------------------------------------- confirming


def confirmation_token(submission: uuid.UUID | str) -> str:
    return signing.dumps({"s": str(submission)}, salt=CONFIRM_SALT)


def submission_for_token(token: str) -> uuid.UUID | None:
    """The submission a confirmation button is for, if the token is genuine and not
    expired."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
        return uuid.UUID(str(payload["s"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def letters_for_token(token: str) -> list[Letter]:
    """The letters a genuine token confirms (for the page with the button); [] otherwise."""
    submission = submission_for_token(token)
    if submission is None:
        return []
    return list(
        Letter.objects.select_related("action__campaign", "target")
        .filter(submission=submission)
        .order_by("pk")
    )


@dataclass(frozen=True)
class ConfirmOutcome:
    letters: tuple[Letter, ...]  # those this call confirmed, in their new states
    confirmed: bool  # False for a forged, expired or spent token


def confirm(token: str) -> ConfirmOutcome:
    """The owner of the address pressed the button (call it from a POST only): their letters
    go. A forged, expired or reused token changes nothing."""
    submission = submission_for_token(token)
    if submission is None:
        return ConfirmOutcome((), False)
    now = timezone.now()
    with transaction.atomic():
        waiting = list(
            Letter.objects.filter(submission=submission, state=Letter.State.AWAITING).values_list(
                "pk", flat=True
            )
        )
        # A conditional update: of two presses at once, one confirms and the other finds none.
        claimed = Letter.objects.filter(
            pk__in=waiting, state=Letter.State.AWAITING, confirmed_at__isnull=True
        ).update(confirmed_at=now, state=Letter.State.QUEUED)
        if not claimed:
            return ConfirmOutcome((), False)
        letters = list(
            Letter.objects.select_related("action__campaign", "target", "supporter")
            .filter(pk__in=waiting, confirmed_at=now)
            .order_by("pk")
        )
        for letter in letters:
            person = letter.supporter
            if person is None or person.erased_at is not None:
                person = people.find_or_create_person(
                    letter.action.campaign.organization,
                    letter.email,
                    name=letter.name,
                    postcode=letter.postcode,
                    language=letter.language,
                )
                Letter.objects.filter(pk=letter.pk).update(supporter=person)
            _record_wrote(letter, person, now)
            if has_foreign_links(letter):
                _set_state(letter, Letter.State.HELD)
            else:
                dispatch(letter)
    return ConfirmOutcome(tuple(letters), True)


def _set_state(letter: Letter, state: str, **fields) -> None:
    Letter.objects.filter(pk=letter.pk).update(state=state, **fields)
    letter.state = state
    for key, value in fields.items():
        setattr(letter, key, value)


def sent_today(target: Target, now: datetime.datetime | None = None) -> int:
    """Letters to `target` queued or sent on their own today (server's day), any action."""
    start = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return Letter.objects.filter(
        target=target,
        method=Letter.Method.EMAIL,
        state__in=SEND_STATES_TODAY,
        confirmed_at__gte=start,
    ).count()


def dispatch(letter: Letter) -> None:
    """A confirmed (or released) letter on its way: queued to send, into the daily digest
    above the cap, or into the delivery bundle when it cannot be mailed. Call it inside a
    transaction."""
    from .tasks import send_letter

    if letter.method != Letter.Method.EMAIL:
        _set_state(letter, Letter.State.BUNDLED)
        return
    if not letter.target.email or address_is_bad(letter.target):
        _set_state(letter, Letter.State.BUNDLED, method=Letter.Method.BUNDLE)
        return
    # Counted with this letter already queued: the cap-th letter still goes on its own.
    _set_state(letter, Letter.State.QUEUED)
    if sent_today(letter.target) > letter.action.daily_cap_per_target:
        _set_state(letter, Letter.State.IN_DIGEST)
        return
    send_letter.enqueue(letter.pk)


def release(letters: Iterable[Letter]) -> int:
    """An organizer read these held letters and lets them go. Others are left as they are."""
    released = 0
    with transaction.atomic():
        for letter in letters:
            if Letter.objects.filter(pk=letter.pk, state=Letter.State.HELD).update(
                state=Letter.State.QUEUED
            ):
                letter.refresh_from_db()
                dispatch(letter)
                released += 1
    return released


def refuse(letters: Iterable[Letter]) -> int:
    """An organizer refuses these held letters: they never go."""
    return Letter.objects.filter(
        pk__in=[letter.pk for letter in letters], state=Letter.State.HELD
    ).update(state=Letter.State.REFUSED)


# ---------------------------------------------------------------------------- mail


def sender_address(organization) -> str:
    """The organization's name at the installation's own address: the address has to be one
    the mail server may send from."""
    name = " ".join(_CONTROL.sub(" ", organization.mail_from_name or organization.name).split())
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((name, address))


def reply_to_of(letter: Letter) -> str:
    return formataddr((" ".join(_CONTROL.sub(" ", letter.name).split()), letter.email))


def send_digests() -> int:
    """Each target's letters waiting over the daily cap go as one mail per office and
    organization (scheduled daily). How many digests were queued."""
    from .tasks import send_digest

    groups = (
        Letter.objects.filter(state=Letter.State.IN_DIGEST)
        .values_list("target_id", "action__campaign__organization_id")
        .distinct()
    )
    queued = 0
    for target_id, organization_id in set(groups):
        send_digest.enqueue(target_id, organization_id)
        queued += 1
    return queued


def forget_unconfirmed() -> int:
    """Delete letters whose confirmation never came before their button expired
    (scheduled daily): they hold an address nobody proved."""
    cutoff = timezone.now() - datetime.timedelta(days=CONFIRM_DAYS)
    deleted, _by_model = Letter.objects.filter(
        state=Letter.State.AWAITING, created_at__lt=cutoff
    ).delete()
    return deleted


# ---------------------------------------------------------------------------- bounces


def record_bounce(message_id: str, *, address: str = "", reason: str = "") -> int:
    """The mail with this Message-ID (a letter, or a digest) bounced: the target's address is
    marked bad (no letter goes to it until an organizer deletes the mark), its letters
    failed, and the organizer is told. Replayed events change nothing more. How many letters
    it marked."""
    from .tasks import tell_organizer_of_bad_address

    bare = (message_id or "").strip().strip("<>")
    if not bare:
        return 0
    letters = list(
        Letter.objects.select_related("target", "action__campaign")
        .filter(message_id__in={message_id, bare, f"<{bare}>"})
        .exclude(state=Letter.State.BOUNCED)
    )
    if not letters:
        return 0
    with transaction.atomic():
        for target in {letter.target for letter in letters}:
            bad_address = normalize_email(address) if address else target.email
            if not bad_address:
                continue
            mark, created = BadAddress.objects.get_or_create(
                target=target,
                address=bad_address,
                defaults={"reason": reason[:300], "letter": letters[0]},
            )
            if created:
                organizations = {letter.action.campaign.organization_id for letter in letters}
                for organization_id in organizations:
                    tell_organizer_of_bad_address.enqueue(mark.pk, organization_id)
        marked = Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(
            state=Letter.State.BOUNCED, problem=(reason or gettext("The address bounced."))[:300]
        )
    logger.info("letter mail bounced: %d letters marked, address marked bad", marked)
    return marked


# ---------------------------------------------------------------------------- the bundle

BUNDLE_STATES = (Letter.State.BUNDLED, Letter.State.SENT, Letter.State.QUEUED)


def bundle(action: WriteAction, target: Target) -> list[Letter]:
    """The confirmed letters to `target` on `action` that an organizer may hand in (those
    that could not be mailed, and copies of those that were), oldest first."""
    return list(
        Letter.objects.filter(
            action=action,
            target=target,
            confirmed_at__isnull=False,
            state__in=(*BUNDLE_STATES, Letter.State.IN_DIGEST),
        ).order_by("confirmed_at", "pk")
    )


def bundle_targets(action: WriteAction) -> list[tuple[Target, int]]:
    """Each target with letters waiting in the bundle, and how many, by name."""
    counts = dict(
        Letter.objects.filter(action=action, state=Letter.State.BUNDLED)
        .values("target")
        .annotate(count=Count("pk"))
        .values_list("target", "count")
    )
    return [(target, counts[target.pk]) for target in Target.objects.filter(pk__in=counts)]


def bundle_csv_lines(action: WriteAction, target: Target) -> Iterator[str]:
    """The bundle as CSV lines, formula-safe (core.spreadsheets), for a spreadsheet or a
    mail merge."""
    header = [
        gettext("Name"),
        gettext("Address"),
        gettext("Town"),
        gettext("Postcode"),
        gettext("Email"),
        gettext("Subject"),
        gettext("Letter"),
        gettext("Confirmed"),
        gettext("Delivery"),
    ]
    rows = (
        [
            letter.name,
            letter.address,
            letter.town,
            letter.postcode,
            letter.email,
            letter.subject,
            letter.body,
            timezone.localtime(letter.confirmed_at).strftime("%Y-%m-%d %H:%M"),
            letter.get_state_display(),
        ]
        for letter in bundle(action, target)
    )
    return csv_lines(header, rows)


# ---------------------------------------------------------------------------- counts


def letter_counts_by_target(action: WriteAction) -> dict[int, int]:
    """Letters written per target on `action` (those that went or are going)."""
    return dict(
        Letter.objects.filter(action=action)
        .delivered()
        .values("target")
        .annotate(count=Count("pk"))
        .values_list("target", "count")
    )


def letter_count(campaign) -> int:
    """Letters written on a campaign's write actions (those that went or are going)."""
    return Letter.objects.filter(action__campaign=campaign).delivered().count()
