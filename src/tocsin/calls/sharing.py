"""Posts that tag the targets, per network, with share links that need no third-party script."""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from tocsin.targets.models import SocialAccount, Target

from .models import CallAction

# Character limits of a post on each network.
LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500}
NETWORK_NAMES = {"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon"}
_MASTODON_HANDLE = re.compile(r"^@?([\w.]+)@([\w.-]+\.[a-z]{2,})$", re.IGNORECASE)
_MASTODON_URL = re.compile(r"^https?://([\w.-]+\.[a-z]{2,})/@([\w.]+)/?$", re.IGNORECASE)
INSTANCE_PATTERN = re.compile(r"^(?=.{4,253}$)([a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class SharePost:
    network: str
    name: str
    text: str
    limit: int
    url: str  # empty for Mastodon: the supporter names their instance first

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def too_long(self) -> bool:
        return self.length > self.limit


def mention(target: Target, network: str, fallback: str) -> str:
    accounts = {account.network: account.handle.strip() for account in target.social_accounts.all()}
    handle = accounts.get(network, "")
    if network == SocialAccount.Network.X and handle:
        return "@" + handle.lstrip("@")
    if network == SocialAccount.Network.BLUESKY and handle:
        return "@" + handle.lstrip("@")
    if network == SocialAccount.Network.MASTODON and handle:
        if match := _MASTODON_HANDLE.match(handle):
            return f"@{match.group(1)}@{match.group(2)}"
        if match := _MASTODON_URL.match(handle):
            return f"@{match.group(2)}@{match.group(1)}"
    try:
        return fallback.format(name=target.name, title=target.title).strip() or target.name
    except (KeyError, ValueError, IndexError):
        return target.name


def share_posts(action: CallAction, targets: list[Target]) -> list[SharePost]:
    posts = []
    for network, limit in LIMITS.items():
        mentions = " ".join(mention(t, network, action.mention_fallback) for t in targets)
        text = " ".join(
            part for part in (action.share_text.strip(), mentions, action.hashtags) if part
        )
        posts.append(
            SharePost(network, NETWORK_NAMES[network], text, limit, compose_url(network, text))
        )
    return posts


def compose_url(network: str, text: str, instance: str = "") -> str:
    if network == "x":
        return "https://x.com/intent/post?" + urlencode({"text": text})
    if network == "bluesky":
        return "https://bsky.app/intent/compose?" + urlencode({"text": text})
    if network == "mastodon" and instance:
        return f"https://{instance}/share?" + urlencode({"text": text})
    return ""


def clean_instance(text: str) -> str | None:
    """A Mastodon server's host name, from what a supporter typed ("mastodon.social",
    "https://mastodon.social/", "@me@mastodon.social")."""
    text = text.strip().lower()
    text = re.sub(r"^https?://", "", text).split("/")[0]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    return text if INSTANCE_PATTERN.match(text) else None
