"""An optional proof-of-work challenge (ALTCHA, self-hosted) that organizers switch on when a
petition or a call action is under automated attack.

The browser spends a fraction of a second finding a number whose hash matches; a bot that
sends thousands of forms spends that for each. Nothing leaves the site: the widget and its
worker are served from our own static files and the challenge is made and checked here.
Each solution is accepted once, across every process (core.tokens). What a form without a
valid solution gets is its action's choice: a signature is held for review, not refused; a
call report is not counted, and the caller is told.
"""

import base64
import hashlib
import json

import altcha
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tocsin.core import tokens

LIFETIME = timezone.timedelta(minutes=30)


def _key() -> str:
    return hashlib.sha256(f"tocsin-altcha:{settings.SECRET_KEY}".encode()).hexdigest()


def new_challenge() -> str:
    """A fresh challenge as the JSON the widget reads from its `challengejson` attribute."""
    challenge = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(
            hmac_key=_key(),
            max_number=settings.TOCSIN_ALTCHA_MAX_NUMBER,
            expires=timezone.now() + LIFETIME,
        )
    )
    return json.dumps(challenge.to_dict())


def solved(payload: str) -> bool:
    """True for a genuine, unexpired solution seen for the first time."""
    if not payload or len(payload) > 2000:
        return False
    try:
        verified, _error = altcha.verify_solution_v1(payload, _key(), check_expires=True)
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    if not verified:
        return False
    # The issued challenge, not the payload's bytes: the same solution can be written out in
    # many ways (spacing, key order), and each way would otherwise count as new.
    issued = json.loads(base64.b64decode(payload))["challenge"]
    # Recorded in the database, so a solution accepted by one worker is refused by the others.
    return tokens.spend("altcha", issued, valid_for=LIFETIME)


def widget_strings() -> str:
    return json.dumps(
        {
            "label": _("Checking this is a person's browser"),
            "verifying": _("Checking…"),
            "verified": _("Checked"),
            "error": _("The check failed. You can still sign."),
            "expired": _("The check expired. Tick the box again."),
            "waitAlert": _("Checking… one moment."),
            "verificationRequired": _("Tick the box first."),
            "verify": _("Check"),
        }
    )
