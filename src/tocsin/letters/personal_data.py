"""A writer's letters, exported and erased by their normalised address (registered in
tocsin.core.personal_data by LettersConfig.ready)."""

from .models import Letter


def letters_of(email: str, organizations: frozenset[int] | None = None):
    """Letters written with this address, on the campaigns of `organizations` only unless
    None."""
    letters = Letter.objects.filter(email=email)
    if organizations is not None:
        letters = letters.filter(action__campaign__organization_id__in=organizations)
    return letters


def export_letters(email: str, organizations: frozenset[int] | None = None) -> list[dict]:
    return [
        {
            "campaign": letter.action.campaign.title,
            "action": letter.action.title,
            "to": str(letter.target),
            "name": letter.name,
            "email": letter.email,
            "address": letter.address,
            "postcode": letter.postcode,
            "town": letter.town,
            "place": letter.place,
            "subject": letter.subject,
            "letter": letter.body,
            "language": letter.language,
            "source": letter.source,
            "delivery": letter.method,
            "state": letter.state,
            "written": letter.created_at.isoformat(),
            "confirmed": letter.confirmed_at.isoformat() if letter.confirmed_at else None,
            "sent": letter.sent_at.isoformat() if letter.sent_at else None,
        }
        for letter in letters_of(email, organizations)
        .select_related("action__campaign", "target")
        .order_by("created_at", "pk")
    ]


def erase_letters(email: str, organizations: frozenset[int] | None = None) -> int:
    """The rows stay, so every count stays what it was; the writer's details and words go.
    Letters not yet sent will not be: they would go out with nobody's name."""
    count = 0
    for letter_id in letters_of(email, organizations).values_list("pk", flat=True):
        erase_writer(letter_id)
        count += 1
    return count


def erase_writer(letter_id: int) -> None:
    unsent = (Letter.State.AWAITING, Letter.State.QUEUED, Letter.State.HELD, Letter.State.IN_DIGEST)
    Letter.objects.filter(pk=letter_id, state__in=unsent).update(state=Letter.State.REFUSED)
    Letter.objects.filter(pk=letter_id).update(
        name="",
        email=f"erased-{letter_id}@invalid",
        address="",
        postcode="",
        town="",
        subject="",
        body="",
    )
