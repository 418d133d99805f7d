"""An organizer edits a write action with letters for several targets in the admin: saving the
page as it renders keeps every letter variant, and changes them where the organizer did."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import (
    CampaignFactory,
    CampaignTargetFactory,
    organizer_allowed,
)
from tocsin.letters.factories import LetterVariantFactory, WriteActionFactory
from tocsin.letters.models import LetterVariant
from tocsin.organizations.factories import OrganizationFactory
from tocsin.targets.factories import CustomTargetFactory, MinisterFactory, MPFactory

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """What a browser would submit from the page's form with the given id: every named
    input, checked box, selected option and text area, as rendered."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or attrs.get("disabled") is not None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select is not None:
            self._select_options.append((attrs.get("value") or "", "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and self._select_options:
                chosen = [self._select_options[0][0]]
            self.data += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def rendered_form(html: str, form_id: str) -> dict[str, list[str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    fields: dict[str, list[str]] = {}
    for name, value in parser.data:
        fields.setdefault(name, []).append(value)
    return fields


@pytest.fixture
def action_with_variants():
    organization = OrganizationFactory()
    campaign = CampaignFactory(organization=organization, slug="spyware")
    minister = MinisterFactory(name="Yvette Cooper", title="Home Secretary")
    mp = MPFactory(name="Rachel Blake")
    desk = CustomTargetFactory(organization=organization, name="Export Control Desk")
    for target in (minister, mp, desk):
        CampaignTargetFactory(campaign=campaign, target=target)
    action = WriteActionFactory(campaign=campaign, slug="ministers")
    letters = {
        minister: "Dear {name},\n\nThank you for agreeing.\n\n{supporter_name}",
        mp: "Dear {name},\n\nPlease ask the Home Secretary.\n\n{supporter_name}",
        desk: "Dear {name},\n\nPlease refuse the licence.\n\n{supporter_name}",
    }
    for target, letter in letters.items():
        LetterVariantFactory(
            action=action, target=target, subject=f"To {target.name}", letter=letter
        )
    return {
        "action": action,
        # The permissions an organizer's role gives over write actions and their letters.
        "organizer": organizer_allowed(
            [organization],
            "letters.view_writeaction",
            "letters.change_writeaction",
            "letters.view_lettervariant",
            "letters.add_lettervariant",
            "letters.change_lettervariant",
            "letters.delete_lettervariant",
        ),
        "letters": {target.pk: letter for target, letter in letters.items()},
    }


def variants_of(action) -> dict[int, tuple[str, str]]:
    return {
        variant.target_id: (variant.subject, variant.letter)
        for variant in LetterVariant.objects.filter(action=action)
    }


def test_saving_the_change_page_as_rendered_keeps_every_letter_variant(
    client, action_with_variants
):
    action = action_with_variants["action"]
    before = variants_of(action)
    assert len(before) == 3
    client.force_login(action_with_variants["organizer"])
    url = reverse("admin:letters_writeaction_change", args=[action.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = rendered_form(page.content.decode(), "writeaction_form")
    assert data, "the change form was not found on the page"

    response = client.post(url, data)
    errors = response.context["errors"] if response.status_code == 200 else None
    assert response.status_code == 302, errors
    assert variants_of(action) == before


def test_a_change_to_one_variant_is_saved_and_the_others_kept(client, action_with_variants):
    action = action_with_variants["action"]
    client.force_login(action_with_variants["organizer"])
    url = reverse("admin:letters_writeaction_change", args=[action.pk])
    data = rendered_form(client.get(url).content.decode(), "writeaction_form")
    changed_prefix = next(
        name.removesuffix("-letter_en")
        for name, values in data.items()
        if name.endswith("-letter_en") and "refuse the licence" in values[0]
    )
    data[f"{changed_prefix}-letter_en"] = ["Dear {name},\n\nRefuse it, please.\n\n{supporter_name}"]

    response = client.post(url, data)
    assert response.status_code == 302
    letters = {target: letter for target, (_subject, letter) in variants_of(action).items()}
    assert len(letters) == 3
    assert sum("Refuse it, please." in letter for letter in letters.values()) == 1
    assert sum("Thank you for agreeing." in letter for letter in letters.values()) == 1
