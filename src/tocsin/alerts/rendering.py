"""An alert as each person reads it: subject, hidden preheader, an HTML part with its CSS
inlined and a plain-text part, in their language, with their first name, their own targets
and their own link to the action.

The expensive work (Markdown, sanitising, the templates, inlining the CSS) is done once per
language in `PreparedAlert`; a recipient's mail is then a few string joins, so sending stays
fast. Personal values go in after the Markdown and the templates, escaped, in one pass over the
prepared text: a name such as "<b>" or "{your_targets}" is shown as typed, never interpreted.
"""

import html
import re
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tocsin.core.markdown import render_markdown
from tocsin.core.translated import language_codes, language_in_a_sentence, text_in, text_of

from . import actions
from .models import Alert
from .personal import TargetLines, TargetsLine

FIRST_NAME = "{first_name}"
YOUR_TARGETS = "{your_targets}"
# Where each placeholder may be used: the targets line is a sentence of the message.
PLACEHOLDERS_IN = {
    "subject": {FIRST_NAME},
    "preheader": {FIRST_NAME},
    "body": {FIRST_NAME, YOUR_TARGETS},
    "button_label": {FIRST_NAME},
    "targets_fallback": set(),
}
SUBJECT_MAX_LENGTH = 150
FIRST_NAME_MAX_LENGTH = 40

_ANY_PLACEHOLDER = re.compile(r"\{[^{}\s]{1,40}\}")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SCRIPT = re.compile(r"<\s*script", re.IGNORECASE)
# Also spelled with entities or spaces inside ("java&#115;cript:", "java script:").
_JAVASCRIPT_LINK = re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.IGNORECASE)

_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    preheader: str
    text: str
    html: str
    language: str


# ---------------------------------------------------------------------------- languages


def languages_of(alert) -> list[str]:
    """The languages the alert is written in: a subject and a message, in settings' order."""
    return [
        code
        for code in language_codes()
        if str(text_in(alert, "subject", code)).strip()
        and str(text_in(alert, "body", code)).strip()
    ]


def language_for(alert, supporter, *, written: list[str] | None = None) -> str:
    """The supporter's language if the alert is written in it, else the campaign's own
    language if written, else the first written (settings.LANGUAGE_CODE when none is)."""
    written = languages_of(alert) if written is None else written
    wanted = (getattr(supporter, "language", "") or "").lower()
    for code in (wanted, wanted.split("-")[0]):
        if code in written:
            return code
    campaign = alert.campaign if alert.campaign_id else None
    if campaign is not None and campaign.language in written:
        return campaign.language
    return written[0] if written else settings.LANGUAGE_CODE


# ---------------------------------------------------------------------------- personal values


def first_name(supporter) -> str:
    """The first word of the supporter's name, on one line; "" when there is none."""
    name = _CONTROL_CHARACTERS.sub(" ", getattr(supporter, "name", "") or "").strip()
    return name.split()[0][:FIRST_NAME_MAX_LENGTH] if name else ""


def _one_line(text: str) -> str:
    # A header never carries a line break (header injection), whatever was typed.
    return " ".join(_CONTROL_CHARACTERS.sub(" ", text).split())


# ---------------------------------------------------------------------------- plain text


class _TextWriter(HTMLParser):
    """Sanitised message HTML as plain text: paragraphs apart, list items with a dash, links
    as "text (url)"."""

    BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "table", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.quote_depth = 0

    def _newlines(self, count: int) -> None:
        text = "".join(self.out).rstrip(" ")
        trailing = len(text) - len(text.rstrip("\n"))
        self.out = [text.rstrip("\n") + "\n" * max(trailing, count)] if text else []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._newlines(2)
        if tag == "li":
            self._newlines(1)
            self.out.append("- ")
        elif tag in ("br", "tr"):
            self._newlines(1)
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag == "hr":
            self.out.append("----")
        elif tag == "blockquote":
            self.quote_depth += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.out[start:]).strip()
            if href and href != label and not href.startswith("mailto:"):
                self.out.append(f" ({href})")
        elif tag == "blockquote":
            self.quote_depth = max(self.quote_depth - 1, 0)
        if tag in self.BLOCKS:
            self._newlines(2)

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        at_line_start = not self.out or self.out[-1].endswith("\n")
        if at_line_start and not text.strip():
            return  # the source's line breaks between blocks
        if self.quote_depth and at_line_start:
            text = "> " * self.quote_depth + text.lstrip()
        self.out.append(text)

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(fragment: str) -> str:
    writer = _TextWriter()
    writer.feed(fragment)
    writer.close()
    return writer.text()


# ---------------------------------------------------------------------------- preparing


def _split(prepared: str, keys: list[str]) -> list[str]:
    """The prepared text cut at each key: literal, key, literal, key, …, literal."""
    pattern = re.compile("(" + "|".join(re.escape(key) for key in keys) + ")")
    return pattern.split(prepared)


def _fill(parts: list[str], values: dict[str, str]) -> str:
    filled = parts[:]
    for index in range(1, len(filled), 2):
        filled[index] = values[filled[index]]
    return "".join(filled)


@dataclass(frozen=True)
class _Version:
    """One language of the alert, ready for recipients."""

    language: str
    subject: list[str]
    preheader: list[str]
    html: list[str]
    text: list[str]
    no_name: str  # in place of {first_name} when the name is unknown
    fallback: TargetsLine  # in place of {your_targets} when their targets are unknown


class PreparedAlert:
    """An alert with its Markdown, templates and CSS done once per language; `render` then
    makes one recipient's mail in well under a millisecond. Build one per sending slice (its
    targets lines are cached by place and language, its texts as they were when built)."""

    def __init__(self, alert):
        self.alert = alert
        self.organization = alert.organization
        self.linked = actions.resolve(alert)
        campaign = self.linked.campaign if self.linked is not None else None
        self.campaign = campaign or (alert.campaign if alert.campaign_id else None)
        self.action_path = (
            self.linked.path if self.linked is not None else actions.fallback_path(alert)
        )
        self.written = languages_of(alert)
        self.targets = TargetLines(alert, self.campaign)
        # Stand-ins for the per-recipient links while the templates and the inliner run: a
        # random word nobody can type into a text in advance.
        nonce = secrets.token_hex(8)
        self._action_key = f"tocsin{nonce}action"
        self._unsubscribe_key = f"tocsin{nonce}unsubscribe"
        self._keys = [FIRST_NAME, YOUR_TARGETS, self._action_key, self._unsubscribe_key]
        self.versions = {language: self._prepare(language) for language in self.written}

    def _prepare(self, language: str) -> _Version:
        alert = self.alert

        def text(field: str) -> str:
            return str(text_in(alert, field, language)).strip()

        body_html = render_markdown(text("body"))
        with translation.override(language):
            campaign_url = (
                settings.TOCSIN_BASE_URL + self.campaign.get_absolute_url() if self.campaign else ""
            )
            context = {
                "language": language,
                "organization": self.organization,
                "subject": _one_line(text("subject")),
                "preheader": _one_line(text("preheader")),
                "body_html": mark_safe(body_html),  # sanitised by render_markdown
                "body_text": html_to_text(body_html),
                "button_label": _one_line(text("button_label")) or _("Take action"),
                "action_url": self._action_key,
                "unsubscribe_url": self._unsubscribe_key,
                "base_url": settings.TOCSIN_BASE_URL,
            }
            page = render_to_string("alerts/email/alert.html", context)
            plain = render_to_string("alerts/email/alert.txt", context)
            no_name = pgettext(
                "in an alert, in place of the first name of someone whose name is not known; "
                "a word that suits anyone",
                "friend",
            )
            fallback = TargetsLine(text("targets_fallback"))
            if not fallback.text:
                if campaign_url:
                    fallback = TargetsLine(
                        _("See who to reach, and where they stand, on the campaign's page"),
                        campaign_url,
                    )
                else:
                    fallback = TargetsLine(_("See who to reach on the action's page"))
        inlined = _INLINER.inline(page)
        return _Version(
            language=language,
            subject=_split(context["subject"], self._keys),
            preheader=_split(context["preheader"], self._keys),
            html=_split(inlined, self._keys),
            text=_split(plain, self._keys),
            no_name=no_name,
            fallback=fallback,
        )

    def language_for(self, supporter) -> str:
        return language_for(self.alert, supporter, written=self.written)

    def render(self, supporter, *, unsubscribe_url: str) -> RenderedMail:
        """The supporter's mail. Raises ValueError for an alert written in no language
        (check_texts says so before sending)."""
        language = self.language_for(supporter)
        version = self.versions.get(language)
        if version is None:
            raise ValueError(f"alert {self.alert.pk} has no subject and message in any language")
        name = first_name(supporter) or version.no_name
        line = self.targets.line(supporter, language) or version.fallback
        action_url = actions.link(self.action_path, self.alert.source_code, supporter)
        if line.url:
            href, label = html.escape(line.url), html.escape(line.text)
            # Styled here: the inliner has run already.
            line_html = f'<a href="{href}" style="color: #8c1c16;">{label}</a>'
            line_text = f"{line.text} ({line.url})"
        else:
            line_html = html.escape(line.text)
            line_text = line.text
        plain_values = {
            FIRST_NAME: name,
            YOUR_TARGETS: line_text,
            self._action_key: action_url,
            self._unsubscribe_key: unsubscribe_url,
        }
        html_values = {
            FIRST_NAME: html.escape(name),
            YOUR_TARGETS: line_html,
            self._action_key: html.escape(action_url),
            self._unsubscribe_key: html.escape(unsubscribe_url),
        }
        return RenderedMail(
            subject=_one_line(_fill(version.subject, plain_values)),
            preheader=_one_line(_fill(version.preheader, plain_values)),
            text=_fill(version.text, plain_values),
            html=_fill(version.html, html_values),
            language=language,
        )


def prepare(alert) -> PreparedAlert:
    return PreparedAlert(alert)


# ---------------------------------------------------------------------------- checking


def check_texts(alert) -> list[str]:
    """What the organizer should fix (or know) before sending, each a sentence in their
    language. Empty when the alert can go."""
    problems: list[str] = []
    written = languages_of(alert)
    if not written:
        problems.append(_("Write a subject and a message in at least one language."))
    for code in language_codes():
        problems += _language_problems(alert, code)
    problems += _action_problems(alert)
    return problems


def _field_label(field: str) -> str:
    return str(Alert._meta.get_field(field).verbose_name)


def _language_problems(alert, code: str) -> list[str]:
    problems: list[str] = []
    language = language_in_a_sentence(code)
    subject = str(text_in(alert, "subject", code))
    body = str(text_in(alert, "body", code))
    if subject.strip() and not body.strip():
        problems.append(
            _("There is a subject in %(language)s but no message.") % {"language": language}
        )
    if body.strip() and not subject.strip():
        problems.append(
            _("There is a message in %(language)s but no subject.") % {"language": language}
        )
    if not (subject.strip() and body.strip()):
        return problems
    if "\n" in subject or "\r" in subject:
        problems.append(
            _("The subject in %(language)s has a line break: write it on one line.")
            % {"language": language}
        )
    if len(subject) > SUBJECT_MAX_LENGTH:
        problems.append(
            _("The subject in %(language)s is longer than %(limit)s characters.")
            % {"language": language, "limit": SUBJECT_MAX_LENGTH}
        )
    if not str(text_in(alert, "button_label", code)).strip():
        problems.append(_("The button has no label in %(language)s.") % {"language": language})
    for field, allowed in PLACEHOLDERS_IN.items():
        value = str(text_in(alert, field, code))
        for placeholder in dict.fromkeys(_ANY_PLACEHOLDER.findall(value)):
            if placeholder in allowed:
                continue
            if placeholder in (FIRST_NAME, YOUR_TARGETS):
                message = _(
                    "%(placeholder)s cannot be filled in in the %(field)s (%(language)s); "
                    "it works in the message."
                )
            else:
                message = _(
                    "%(placeholder)s in the %(field)s (%(language)s) is not something we can "
                    "fill in: use {first_name} or {your_targets}."
                )
            problems.append(
                message
                % {"placeholder": placeholder, "field": _field_label(field), "language": language}
            )
    readable = html.unescape(body)
    if _SCRIPT.search(readable):
        problems.append(
            _("The message in %(language)s contains a script, which will be removed.")
            % {"language": language}
        )
    if _JAVASCRIPT_LINK.search(readable):
        problems.append(
            _("The message in %(language)s has a “javascript:” link, which will be removed.")
            % {"language": language}
        )
    return problems


def _action_problems(alert) -> list[str]:
    if not alert.action_kind or alert.action_id is None:
        return [_("Choose the action the button opens.")]
    linked = actions.resolve(alert)
    if linked is None:
        return [_("The action the button opens no longer exists: choose another.")]
    campaign = linked.campaign
    if campaign is not None and campaign.status != campaign.Status.LIVE:
        return [
            _("The campaign “%(title)s” is not live: its pages do not open for supporters.")
            % {"title": text_of(campaign, "title", campaign.language).value}
        ]
    return []
