"""The share step after every action: a post per network, each carrying the campaign's link
with a source code naming the network it was shared on, and links that need no third-party
script (the networks' own compose pages, mailto: and a link to copy)."""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.text import get_text_list
from django.utils.translation import gettext

from tocsin.core.translated import Translated, text_of

# Networks with a text box of their own, and the character limit of a post on each.
LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500}
NETWORK_NAMES = {
    "x": "X",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
}
INSTANCE_PATTERN = re.compile(r"^(?=.{4,253}$)([a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class SharePost:
    network: str
    name: str
    text: str  # the whole post, link included
    limit: int
    url: str  # the compose page; empty for Mastodon: the supporter names their server first

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def too_long(self) -> bool:
        return self.length > self.limit


@dataclass(frozen=True)
class ShareStep:
    posts: list[SharePost]  # X, Bluesky and Mastodon: an editable text each
    whatsapp_url: str
    facebook_url: str
    email_url: str
    link: str  # to copy
    lang: str = ""  # the posts' language when it is not the page's (a text not translated)


def share_link(campaign, source: str) -> str:
    """The campaign's public link, with the code that credits the share."""
    url = settings.TOCSIN_BASE_URL + campaign.get_absolute_url()
    return url + "?" + urlencode({"source": source}) if source else url


def join_names(names: list[str]) -> str:
    """Names as a sentence lists them: "@a, @b and @c" (never "@a@b"), in the page's
    language."""
    names = [name.strip() for name in names if name and name.strip()]
    return str(get_text_list(names, gettext("and")))


def compose_text(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


def compose_url(network: str, text: str, instance: str = "", *, link: str = "") -> str:
    if network == "x":
        return "https://x.com/intent/post?" + urlencode({"text": text})
    if network == "bluesky":
        return "https://bsky.app/intent/compose?" + urlencode({"text": text})
    if network == "mastodon" and instance:
        return f"https://{instance}/share?" + urlencode({"text": text})
    if network == "whatsapp":
        return "https://wa.me/?" + urlencode({"text": text})
    if network == "facebook":
        # Facebook takes a link only; what it shows comes from the page's own share tags.
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link})
    return ""


def email_url(subject: str, body: str) -> str:
    # mailto: wants %20 for spaces, not the "+" of urlencode.
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


def share_step(
    campaign, *, text: str | Translated, mentions: dict | None = None, hashtags: str = ""
) -> ShareStep:
    """The share step of a thank-you page. `text` is what the post says; `mentions` maps a
    network to the handles or names to tag on it (the call flow tags the people it called);
    each post ends with the link whose source code names the network ("share-x", …)."""
    if not str(text).strip():
        text = text_of(campaign, "title", campaign.language)
    lang = text.lang if isinstance(text, Translated) and text.fell_back else ""
    text = str(text).strip()
    mentions = mentions or {}
    posts = []
    for network, limit in LIMITS.items():
        body = compose_text(text, join_names(mentions.get(network, [])), hashtags)
        post = compose_text(body, share_link(campaign, f"share-{network}"))
        url = "" if network == "mastodon" else compose_url(network, post)
        posts.append(SharePost(network, NETWORK_NAMES[network], post, limit, url))
    plain = compose_text(text, hashtags)
    whatsapp = compose_text(plain, share_link(campaign, "share-whatsapp"))
    return ShareStep(
        posts=posts,
        whatsapp_url=compose_url("whatsapp", whatsapp),
        facebook_url=compose_url("facebook", "", link=share_link(campaign, "share-facebook")),
        email_url=email_url(campaign.title, f"{plain}\n\n{share_link(campaign, 'share-email')}"),
        link=share_link(campaign, "share-link"),
        lang=lang,
    )


def clean_instance(text: str) -> str | None:
    """A Mastodon server's host name, from what a supporter typed ("mastodon.social",
    "https://mastodon.social/", "@me@mastodon.social"); None when it is not one."""
    text = text.strip().lower()
    text = re.sub(r"^https?://", "", text).split("/")[0]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    return text if INSTANCE_PATTERN.match(text) else None
