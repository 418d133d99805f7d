"""The record of who changed what: django-auditlog's log entry, with the organization it
belongs to.

Why a model of our own (AUDITLOG_LOGENTRY_MODEL = "audit.Entry") rather than a side table or
`additional_data`: an owner's page filters every read by organization, so the organization is
a column on the entry itself, indexed with the time, written in the same INSERT as the entry.
It is computed from the object when the entry is written (`organization_of`), so no tracked
model needed a method of its own. The column has no database constraint: an entry outlives the
organization it names (deleting an organization writes entries about its rows while it goes).
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

# The links followed, in order, from a tracked object up to its organization.
PARENT_LINKS = ("campaign", "action", "petition", "event", "target", "office", "fundraiser")

# Objects whose text form is a supporter's name or address: their entries name them by number.
PERSONAL_OBJECTS = {"petitions.signature", "supporters.supporter"}


def organization_of(obj, depth: int = 4):
    """The id of the organization `obj` belongs to, following its links to a campaign, an
    action or a target; None for what belongs to none (members of Congress and their offices,
    which the installation's administrator keeps for everyone)."""
    if obj is None or depth < 0:
        return None
    if obj._meta.label_lower == "organizations.organization":
        return obj.pk
    if hasattr(obj, "organization_id"):
        return obj.organization_id
    for link in PARENT_LINKS:
        if hasattr(obj, f"{link}_id"):
            try:
                parent = getattr(obj, link)
            except ObjectDoesNotExist:
                # Deleted in the same cascade before this entry was written.
                return None
            return organization_of(parent, depth - 1)
    return None


def safe_repr(obj) -> str:
    if obj._meta.label_lower in PERSONAL_OBJECTS:
        return f"{obj._meta.verbose_name} #{obj.pk}"
    return str(obj)


class EntryManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        if "organization" not in kwargs and "organization_id" not in kwargs:
            kwargs["organization_id"] = organization_of(instance)
        kwargs.setdefault("object_repr", safe_repr(instance))
        changes = kwargs.get("changes")
        if isinstance(changes, dict):
            # auditlog lists the other side of every foreign key pointing here ("events:
            # events.Event.None") on a new row: they are not the row's fields.
            reverse = {
                field.name
                for field in instance._meta.get_fields()
                if field.auto_created and not field.concrete
            }
            kwargs["changes"] = {k: v for k, v in changes.items() if k not in reverse}
        return super().log_create(instance, force_log=force_log, **kwargs)


class Entry(AbstractLogEntry):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    # What happened when it is not an edit of a row ("export", "erase", "alert_sent", ...),
    # recorded by tocsin.core.audit.record with the action ACCESS.
    event = models.CharField(_("event"), max_length=40, blank=True, default="")

    objects = EntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        permissions = [("view_log", _("Can read the record of who changed what"))]
        indexes = [models.Index(fields=["organization", "-timestamp"], name="entries_by_org")]
