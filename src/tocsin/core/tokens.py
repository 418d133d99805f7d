"""Single-use proofs: the first use of a proof wins, in every process on every server."""

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SpentToken


def spend(purpose: str, proof: str, *, valid_for: datetime.timedelta) -> bool:
    """True the first time `proof` is spent for `purpose`, False every time after. The unique
    index decides, so two servers spending the same proof at once cannot both win."""
    digest = hashlib.sha256(f"{purpose}\0{proof}".encode()).hexdigest()
    try:
        with transaction.atomic():
            SpentToken.objects.create(digest=digest, expires_at=timezone.now() + valid_for)
    except IntegrityError:
        return False
    return True


def forget_expired() -> int:
    """Delete spent proofs that could no longer be used anyway; how many went."""
    deleted, _by_model = SpentToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
