"""Issue 19: the write path. Nothing reaches a target before the supporter confirms with a
POST; then the target gets the letter over real SMTP, from the organization's name, with the
supporter as Reply-To. A double submit writes once, a forged or reused confirmation does
nothing, bad input is refused with a message and writes nothing, a letter with a link waits
for an organizer, and above the daily cap letters go as one digest."""

import re
from email.utils import getaddresses, parseaddr

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.core import personal_data
from tocsin.districts.services import DistrictRef
from tocsin.letters import services
from tocsin.letters.factories import LetterVariantFactory, WriteActionFactory
from tocsin.letters.models import Letter, WriteAction
from tocsin.supporters.models import Activity
from tocsin.targets.factories import CustomTargetFactory, LegislatorFactory, SenatorFactory

pytestmark = pytest.mark.django_db

SUPPORTER = "ana.lopez@example.org"


def _page(request, token):
    return HttpResponse()


# Used only while the supporter's pages (letterpages) have no "letters:confirm" route yet.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("anymail/", include("anymail.urls")),
    path(
        "letters/",
        include(([path("confirm/<str:token>/", _page, name="confirm")], "letters")),
    ),
]


def use_fallback_routes(settings) -> None:
    try:
        reverse("letters:confirm", kwargs={"token": "x"})
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


@pytest.fixture(autouse=True)
def confirm_route(settings):
    use_fallback_routes(settings)


@pytest.fixture
def action():
    return make_action()


def make_action() -> WriteAction:
    """Write to two ministers, chosen by the campaign; the group has a reply-to address."""
    action = WriteActionFactory(
        own_sentence_prompt="Why does this matter to you?",
        letter=(
            "Dear {title} {name},\n\n"
            "As a resident of {town}, I ask you to stop licensing spyware exports. "
            "See https://spyware.example.org/report for the evidence.\n\n"
            "Yours sincerely,\n{supporter_name}"
        ),
    )
    organization = action.campaign.organization
    organization.name = "Privacy Now"
    organization.mail_reply_to = "team@privacynow.example.org"
    organization.save()
    for name, email in (
        ("Jane Doe", "jane.doe@gov.example.uk"),
        ("John Roe", "roe@gov.example.uk"),
    ):
        minister = CustomTargetFactory(
            organization=organization, name=name, title="Minister", email=email
        )
        CampaignTargetFactory(campaign=action.campaign, target=minister)
    return action


def write(action, **changes):
    values = {
        "name": "Ana López",
        "email": SUPPORTER,
        "targets": services.targets_for(action, None),
        "postcode": "M1 1AE",
        "town": "Manchester",
        "own_sentence": "My brother's phone was hacked.",
        "language": "en",
        "source": "newsletter",
        "ip": "203.0.113.7",
    }
    values.update(changes)
    return services.write(action, **values)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def token_in(message) -> str:
    """The token of the confirmation link (the only link to this site in the mail)."""
    body = text_of(message)
    url = re.search(re.escape(django_settings.TOCSIN_BASE_URL) + r"/\S+", body).group(0)
    return url.rstrip("/").rsplit("/", 1)[1]


def to_addresses(message) -> list[str]:
    return [address for _name, address in getaddresses(message.get_all("To", []))]


def test_nothing_goes_to_a_target_before_the_supporter_confirms(action, smtp_server, run_tasks):
    outcome = write(action)
    run_tasks()

    assert outcome.created == 2
    assert outcome.needs_confirmation
    [confirmation] = smtp_server.messages
    assert to_addresses(confirmation) == [SUPPORTER]
    assert "Jane Doe" in text_of(confirmation)
    assert set(Letter.objects.values_list("state", flat=True)) == {Letter.State.AWAITING}
    assert not Activity.objects.filter(kind=Activity.Kind.WROTE).exists()


def test_after_the_post_each_target_gets_the_letter_with_the_supporter_as_reply_to(
    action, smtp_server, run_tasks, settings
):
    settings.DEFAULT_FROM_EMAIL = "Tocsin <act@tocsin.example.org>"
    write(action)
    run_tasks()
    token = token_in(smtp_server.messages[0])

    outcome = services.confirm(token)
    run_tasks()

    assert outcome.confirmed
    assert len(outcome.letters) == 2
    letters = {to_addresses(m)[0]: m for m in smtp_server.messages[1:]}
    assert set(letters) == {"jane.doe@gov.example.uk", "roe@gov.example.uk"}
    message = letters["jane.doe@gov.example.uk"]
    assert parseaddr(message["From"]) == ("Privacy Now", "act@tocsin.example.org")
    assert parseaddr(message["Reply-To"]) == ("Ana López", SUPPORTER)
    assert message["Subject"] == "Stop the export of spyware"
    body = text_of(message)
    assert body.startswith("Dear Minister Jane Doe,\n\nMy brother's phone was hacked.\n\n")
    assert "As a resident of Manchester" in body
    assert body.rstrip().endswith("Ana López\nManchester M1 1AE")
    sent = Letter.objects.get(target__email="jane.doe@gov.example.uk")
    assert sent.state == Letter.State.SENT
    assert sent.message_id
    assert Activity.objects.filter(kind=Activity.Kind.WROTE, supporter=sent.supporter).count() == 2


def test_a_double_submit_writes_one_letter_per_target_and_sends_one_mail(
    action, smtp_server, run_tasks
):
    first = write(action)
    second = write(action, body="Something else entirely, {name}.")
    run_tasks()

    assert first.created == 2
    assert second.created == 0
    assert Letter.objects.count() == 2
    assert len(smtp_server.messages) == 1
    # The repeat shows what was typed now, never the earlier letter.
    assert all(letter.pk is None for letter in second.letters)
    assert "Something else entirely, Jane Doe." in second.letters[0].body
    assert "Something else" not in Letter.objects.first().body


def test_a_forged_or_reused_confirmation_sends_nothing(action, smtp_server, run_tasks):
    write(action)
    run_tasks()
    token = token_in(smtp_server.messages[0])

    assert services.confirm(token[:-2] + "xx").confirmed is False
    assert services.confirm("not-a-token").confirmed is False
    run_tasks()
    assert len(smtp_server.messages) == 1
    assert set(Letter.objects.values_list("state", flat=True)) == {Letter.State.AWAITING}

    assert services.confirm(token).confirmed is True
    assert services.confirm(token).confirmed is False
    run_tasks()
    assert len(smtp_server.messages) == 3  # the confirmation and one letter per minister


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "Hello\r\nBcc: everyone@example.org"}, "subject"),
        ({"name": "Ana\nBcc: everyone@example.org"}, "name"),
        ({"name": "   "}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "ana@example.org\r\nBcc: x@example.org"}, "email"),
    ],
)
def test_header_injection_and_bad_fields_are_refused_and_write_nothing(
    action, smtp_server, run_tasks, changes, field
):
    with pytest.raises(services.LetterRefused) as refused:
        write(action, **changes)
    run_tasks()

    assert refused.value.field == field
    assert refused.value.message
    assert not Letter.objects.exists()
    assert smtp_server.messages == []


def test_a_100_kb_letter_is_refused_with_a_clear_message(action):
    with pytest.raises(services.LetterRefused) as refused:
        write(action, body="Please act. " * 8_600)

    assert "10,000" in refused.value.message
    assert refused.value.field == "body"
    assert not Letter.objects.exists()


def test_a_closed_action_takes_no_letters(action):
    action.is_open = False
    action.save()

    with pytest.raises(services.LetterRefused):
        write(action)
    assert not Letter.objects.exists()


def test_a_letter_with_a_link_of_its_own_is_held_until_an_organizer_releases_it(
    action, smtp_server, run_tasks
):
    # The organizer's own link (in the letter above) holds nothing; the supporter's does.
    write(action, email="clean@example.org")
    write(action, own_sentence="Buy cheap pills at pills.example.com now")
    run_tasks()
    for message in smtp_server.messages[:2]:
        services.confirm(token_in(message))
    run_tasks()

    held = Letter.objects.filter(state=Letter.State.HELD)
    assert set(held.values_list("email", flat=True)) == {SUPPORTER}
    assert Letter.objects.filter(email="clean@example.org", state=Letter.State.SENT).count() == 2
    assert len(smtp_server.messages) == 4

    assert services.release(held) == 2
    run_tasks()
    assert len(smtp_server.messages) == 6
    assert not Letter.objects.exclude(state=Letter.State.SENT).exists()


def test_refused_held_letters_never_go(action, smtp_server, run_tasks):
    write(action, own_sentence="see www.example.net")
    run_tasks()
    services.confirm(token_in(smtp_server.messages[0]))

    assert services.refuse(Letter.objects.all()) == 2
    assert services.release(Letter.objects.all()) == 0
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_above_the_daily_cap_letters_go_as_one_digest_per_office(action, smtp_server, run_tasks):
    action.daily_cap_per_target = 2
    action.save()
    jane = action.campaign.campaign_targets.get(target__name="Jane Doe").target
    for n in range(4):
        write(action, email=f"writer{n}@example.org", name=f"Writer {n}", targets=[jane])
    run_tasks()
    for message in list(smtp_server.messages):
        services.confirm(token_in(message))
    run_tasks()

    to_jane = [m for m in smtp_server.messages if to_addresses(m) == [jane.email]]
    assert len(to_jane) == 2
    assert Letter.objects.filter(state=Letter.State.IN_DIGEST).count() == 2

    assert services.send_digests() == 1
    run_tasks()
    [digest] = [m for m in smtp_server.messages if to_addresses(m) == [jane.email]][2:]
    body = text_of(digest)
    assert "Writer 2 <writer2@example.org>" in body
    assert "Writer 3 <writer3@example.org>" in body
    assert "Writer 0" not in body
    assert parseaddr(digest["Reply-To"])[1] == "team@privacynow.example.org"
    assert not Letter.objects.exclude(state=Letter.State.SENT).exists()
    assert services.send_digests() == 0


def test_over_the_rate_limit_per_address_the_supporter_is_asked_to_try_later(action):
    for n in range(3):
        write(action, targets=[action.campaign.campaign_targets.all()[n % 2].target])
    with pytest.raises(services.TooManyLetters):
        write(action)
    assert Letter.objects.count() == 2


def test_variants_apply_unless_the_supporter_rewrote_the_letter(action):
    jane = action.campaign.campaign_targets.get(target__name="Jane Doe").target
    LetterVariantFactory(action=action, target=jane, letter="Dear {name},\n\nThank you.")

    letters = {letter.target.name: letter for letter in write(action, own_sentence="").letters}
    assert letters["Jane Doe"].body.startswith("Dear Jane Doe,\n\nThank you.")
    assert "stop licensing spyware" in letters["John Roe"].body

    rewritten = write(
        action, email="b@example.org", body="To {title} {name}: act now.", own_sentence=""
    )
    assert [letter.body.split("\n")[0] for letter in rewritten.letters] == [
        "To Minister Jane Doe: act now.",
        "To Minister John Roe: act now.",
    ]


def test_placeholders_never_reach_python_formatting(action):
    letters = write(action, body="{name.__class__} {0} {supporter_name}", own_sentence="").letters
    assert letters[0].body.startswith("{name.__class__} {0} Ana López")


def test_the_lookup_finds_the_representatives_and_the_mp(action):
    representative = LegislatorFactory(state="WI", district=2)
    senator = SenatorFactory(state="WI")
    action.target_mode = WriteAction.TargetMode.BOTH
    action.custom_placement = WriteAction.CustomPlacement.LAST
    action.save()

    found = services.targets_for(action, DistrictRef("WI", 2))
    assert found[:2] == [representative, senator]
    assert [t.name for t in found[2:]] == ["Jane Doe", "John Roe"]

    mp = LegislatorFactory(
        chamber="commons", state="", district=None, constituency="E14001172", title="MP"
    )

    class Seat:
        code = "E14001172"

    action.target_mode = WriteAction.TargetMode.LOOKUP
    assert services.targets_for(action, Seat()) == [mp]
    assert services.targets_for(action, None) == []


def test_a_target_with_only_a_web_form_is_handed_over_at_once_with_no_mail(smtp_server, run_tasks):
    action = WriteActionFactory()
    senator = SenatorFactory(contact_form_url="https://www.baldwin.senate.gov/feedback")
    outcome = services.write(
        action, name="Ana", email=SUPPORTER, targets=[senator], town="Madison", ip="192.0.2.1"
    )
    run_tasks()

    [letter] = outcome.letters
    assert letter.method == Letter.Method.WEB_FORM
    assert letter.state == Letter.State.HANDED_OVER
    assert outcome.handed_over == [letter]
    assert not outcome.needs_confirmation
    assert smtp_server.messages == []
    assert Activity.objects.filter(kind=Activity.Kind.WROTE).count() == 1


def test_the_organizer_may_prefer_the_supporters_own_mail_app(action, smtp_server, run_tasks):
    action.delivery = WriteAction.Delivery.MAIL_APP
    action.save()

    outcome = write(action)
    run_tasks()
    assert {letter.method for letter in outcome.letters} == {Letter.Method.MAIL_APP}
    assert smtp_server.messages == []


def test_the_personal_data_of_a_writer_is_exported_and_erased(action):
    write(action)
    organization = action.campaign.organization

    exported = personal_data.export_person(SUPPORTER, [organization])["letters"]
    assert {item["to"] for item in exported} == {"Minister Jane Doe", "Minister John Roe"}
    assert personal_data.export_person(SUPPORTER, [])["letters"] == []

    personal_data.erase_person(SUPPORTER, [organization])
    assert not Letter.objects.filter(email=SUPPORTER).exists()
    assert set(Letter.objects.values_list("state", "body")) == {(Letter.State.REFUSED, "")}
