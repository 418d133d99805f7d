"""What the installation keeps about people only for a while: the worker's daily job
("retention" in settings.TOCSIN_SCHEDULE) deletes the rest.

- django-axes's login records (addresses, browsers, usernames) after TOCSIN_LOGIN_LOG_DAYS;
  a lockout still running is kept whatever the setting.
- spent single-use proofs (core/tokens.py) once they could no longer be used anyway.
"""

import datetime
import logging

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from . import tokens

logger = logging.getLogger(__name__)


def prune() -> dict[str, int]:
    """Delete what is past its time; how many rows of each kind went."""
    now = timezone.now()
    keep = datetime.timedelta(days=settings.TOCSIN_LOGIN_LOG_DAYS)
    lockout = get_cool_off() or datetime.timedelta(0)
    deleted = {
        "login logs": AccessLog.objects.filter(attempt_time__lt=now - keep).delete()[0],
        "login failures": AccessFailureLog.objects.filter(attempt_time__lt=now - keep).delete()[0],
        "login attempts": AccessAttempt.objects.filter(
            attempt_time__lt=now - max(keep, lockout)
        ).delete()[0],
        "spent tokens": tokens.forget_expired(),
    }
    logger.info("Retention: deleted %s", ", ".join(f"{n} {what}" for what, n in deleted.items()))
    return deleted
