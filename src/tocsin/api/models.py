"""API keys: one organization's access to its own data through /api/v1/.

A key is shown once, when it is made: `tocsin_<prefix>_<secret>`. Only the prefix (to tell
keys apart on the page and to find the row) and a SHA-256 hash of the whole key are stored;
the secret is 32 random bytes, so a fast hash is enough (nothing to guess), and a lookup is
one indexed read by prefix and a constant-time comparison.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.models import Organization

KEY_PREFIX = "tocsin_"
# How often last_used_at is written: a key used all day costs one UPDATE a minute, not one
# per request (a hot row would have every request queue behind it).
LAST_USED_EVERY_SECONDS = 60


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> "ApiKeyQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("organization"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. “Our CRM sync”.")
    )
    prefix = models.CharField(_("key starts with"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False)
    can_write = models.BooleanField(
        _("may write"),
        default=False,
        help_text=_("Off: it only reads. On: it also adds people, tags and actions."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def make(cls, *, organization, name: str, can_write: bool, created_by=None):
        """A new key and its secret, which is never stored: (row, "tocsin_<prefix>_<secret>")."""
        prefix = secrets.token_hex(4)
        key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        row = cls.objects.create(
            organization=organization,
            name=name,
            prefix=prefix,
            hashed_key=hash_key(key),
            can_write=can_write,
            created_by=created_by,
        )
        return row, key

    @classmethod
    def find(cls, key: str):
        """The active key this is, or None. Never says which part was wrong."""
        if not key.startswith(KEY_PREFIX):
            return None
        prefix, _sep, secret = key[len(KEY_PREFIX) :].partition("_")
        if not prefix or not secret or len(prefix) > 16:
            return None
        row = cls.objects.select_related("organization").filter(prefix=prefix).first()
        if row is None or not hmac.compare_digest(row.hashed_key, hash_key(key)):
            return None
        return row

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def touch(self, now=None) -> None:
        """Note its use, at most once a minute (a conditional UPDATE, so several servers
        write it once too)."""
        now = now or timezone.now()
        stale = now - datetime.timedelta(seconds=LAST_USED_EVERY_SECONDS)
        if self.last_used_at is not None and self.last_used_at > stale:
            return
        ApiKey.objects.filter(pk=self.pk).filter(
            models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=stale)
        ).update(last_used_at=now)
        self.last_used_at = now
