"""Issue 17's proof: a Spanish-speaking supporter on a phone calls Baldwin's offices, signs the
petition and answers for the festival, and no page shows them English outside an element
marked lang="en" (the words Baldwin's offices must hear, say)."""

import re

import pytest

from tocsin.calls.models import CallReport
from tocsin.campaigns.models import Source
from tocsin.conftest import ARTIFACTS
from tocsin.events.models import Event, Rsvp, Session
from tocsin.organizations.models import Organization
from tocsin.petitions.models import Signature
from tocsin.petitions.services import confirmation_token
from tocsin.targets.models import Office, Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text node a reader sees (details opened, hidden elements skipped) and the words that
# stand for text (labels, placeholders, alt text, button values), unless the nearest element
# with a lang attribute says English.
VISIBLE_TEXTS = """
() => {
  const english = (element) => {
    const marked = element.closest("[lang]");
    return marked !== null && marked.lang.toLowerCase().split("-")[0] === "en";
  };
  const seen = (element) => element.checkVisibility({visibilityProperty: true});
  for (const details of document.querySelectorAll("details")) details.open = true;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !element || element.closest("script, style, noscript, template")) continue;
    if (seen(element) && !english(element)) texts.push(text);
  }
  const worded = "[aria-label], [placeholder], [title], img[alt], input[type=submit][value]";
  for (const element of document.body.querySelectorAll(worded)) {
    if (!seen(element) || english(element)) continue;
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      const value = element.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
    if (element.tagName === "INPUT" && element.value.trim()) texts.push(element.value.trim());
  }
  return texts;
}
"""

# Common English words that are not Spanish words too ("has", "me", "a" are left out).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|your|you|our|we|they|their|this|that|these|with|will|would|should|must|"
    r"of|to|for|from|is|are|was|were|it|its|be|been|or|on|at|by|an|not|who|what|which|when|"
    r"where|how|here|now|back|more|please|thank|thanks|yes|about|call|calls|calling|called|"
    r"sign|signed|share|see|find|enter|busy|talked|left|coming|event|petition|campaign|"
    r"demands|sources|next|done|start)\b",
    re.IGNORECASE,
)
URLS_AND_ADDRESSES = re.compile(r"(https?://\S+|\S+@\S+\.\S+|[#@]\w+|\S+\.(org|gov|com)\S*)")


def proper_names() -> re.Pattern:
    """Names said the same in every language: the people and offices called, the groups,
    publishers, venues and places, as one pattern. Longest first, so a name inside another
    goes with it."""
    names = {"Tocsin"}
    for target in Target.objects.all():
        names |= {target.name, target.title, f"{target.title} {target.name}"}
    names |= set(Organization.objects.values_list("name", flat=True))
    names |= set(Source.objects.values_list("publisher", flat=True))
    for office in Office.objects.all():
        names |= {office.address, office.city}
    for session in Session.objects.all():
        names |= {session.venue_name, session.venue_address}
    names |= set(Event.objects.values_list("organizer_name", flat=True))
    longest_first = sorted(filter(None, names), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE)


def english_on(page, names: re.Pattern) -> list[str]:
    """The texts of the page, outside lang="en", that read as English."""
    found = []
    for text in page.evaluate(VISIBLE_TEXTS):
        plain = names.sub(" ", URLS_AND_ADDRESSES.sub(" ", text))
        if ENGLISH_WORDS.search(plain):
            found.append(text)
    return found


class SpanishWalk:
    """Checks each page the supporter reaches and keeps a screenshot of it."""

    def __init__(self, page, names):
        self.page, self.names, self.english = page, names, {}

    def check(self, label: str) -> None:
        self.page.wait_for_load_state()
        assert self.page.locator("html").get_attribute("lang") == "es", label
        found = english_on(self.page, self.names)
        if found:
            self.english[f"{label} ({self.page.url})"] = found
        self.page.screenshot(path=ARTIFACTS / f"spanish-walk-{label}.png", full_page=True)


def test_a_spanish_speaker_calls_signs_and_answers_without_meeting_english(
    browser_page, demo_site, monkeypatch
):
    monkeypatch.setattr("tocsin.petitions.forms.MIN_FILL_SECONDS", 0)
    page = browser_page
    walk = SpanishWalk(page, proper_names())
    calls_before = CallReport.objects.count()

    page.goto(f"{demo_site}/c/baldwin-honduras-election/")
    page.locator("a[href^='/language/es/']").first.click()
    walk.check("campaign")
    page.locator(".primary-action .button").first.click()
    walk.check("call-baldwin")
    # The words to say are Baldwin's offices' language; their translation is the caller's.
    said = page.locator("[lang=en]", has_text="my name is")
    assert said.count() >= 1
    assert "me llamo" in page.content()
    page.locator("button[name=outcome][value=talked]").click()
    walk.check("call-state-desk")
    page.locator("button[name=outcome][value=voicemail]").click()
    walk.check("call-done")
    assert CallReport.objects.count() == calls_before + 2

    page.goto(f"{demo_site}/c/no-spyware-for-honduras/sign/")
    walk.check("petition")
    page.locator("input[name=name]").fill("Rosa Martínez")
    page.locator("input[name=email]").fill("rosa@example.org")
    page.locator("input[name=postcode]").fill("N1 9GU")
    page.locator("input[name=country]").fill("GB")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/check-your-email/")
    walk.check("petition-check-email")
    signature = Signature.objects.get(email="rosa@example.org")
    assert signature.language == "es"
    page.goto(f"{demo_site}/petitions/confirm/{confirmation_token(signature)}/")
    walk.check("petition-confirm")
    page.locator("form button[type=submit]").last.click()
    walk.check("petition-confirmed")
    signature.refresh_from_db()
    assert signature.confirmed_at is not None

    page.goto(f"{demo_site}/events/arise-festival/")
    walk.check("event")
    session = page.locator(".session", has_text="América Latina")
    session.locator("a[href*='rsvp']").first.click()
    walk.check("rsvp")
    page.locator("input[name=name]").fill("Rosa Martínez")
    page.locator("input[name=email]").fill("rosa@example.org")
    page.locator("input[name=postcode]").fill("N1 9GU")
    page.locator("form[data-rsvp] button[type=submit]").last.click()
    walk.check("rsvp-done")
    assert Rsvp.objects.get(email="rosa@example.org").language == "es"

    assert walk.english == {}, "English outside lang=en:\n" + "\n".join(
        f"{where}: {texts}" for where, texts in walk.english.items()
    )
