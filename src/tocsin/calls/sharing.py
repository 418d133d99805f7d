"""Posts that tag the targets, per network, with share links that need no third-party script.
The share step itself (its networks, links and source codes) is campaigns.sharing."""

import re

from tocsin.campaigns.sharing import (
    LIMITS,
    SharePost,
    ShareStep,
    clean_instance,
    compose_url,
    share_step,
)
from tocsin.core.translated import text_of
from tocsin.targets.models import SocialAccount, Target

from .models import CallAction

__all__ = ["LIMITS", "clean_instance", "compose_url", "mention", "share_for", "share_posts"]

_MASTODON_HANDLE = re.compile(r"^@?([\w.]+)@([\w.-]+\.[a-z]{2,})$", re.IGNORECASE)
_MASTODON_URL = re.compile(r"^https?://([\w.-]+\.[a-z]{2,})/@([\w.]+)/?$", re.IGNORECASE)


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


def share_for(action: CallAction, targets: list[Target]) -> ShareStep:
    """The share step after calling: the action's text, each target tagged on each network
    ("@a, @b and @c") or named where it has no account there, and the hashtags."""
    mentions = {
        network: [mention(t, network, action.mention_fallback) for t in targets]
        for network in LIMITS
    }
    return share_step(
        action.campaign,
        text=text_of(action, "share_text", action.campaign.language),
        mentions=mentions,
        hashtags=action.hashtags,
    )


def share_posts(action: CallAction, targets: list[Target]) -> list[SharePost]:
    return share_for(action, targets).posts
