from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.supporters.models import Supporter


class PetitionAction(models.Model):
    """ "Sign the petition": one per campaign, addressed to the campaign's targets."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="petition", verbose_name=_("campaign")
    )
    is_collecting = models.BooleanField(
        _("collecting signatures"),
        default=True,
        help_text=_("Switch off to stop taking signatures at once (e.g. under attack)."),
    )
    publish_breakdown = models.BooleanField(
        _("publish where signatures come from"),
        default=True,
        help_text=_("Switch off to stop the public breakdown by state, district and country."),
    )
    ask_for_challenge = models.BooleanField(
        _("ask browsers to prove they are not a bot"),
        default=False,
        help_text=_(
            "Switch on under attack: each browser solves a small puzzle (ALTCHA, served from "
            "this site) before signing. Signatures without it, e.g. from browsers without "
            "JavaScript, are held for review instead of counted."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("petition text"), help_text=_("What signers put their name to."))
    goal = models.PositiveIntegerField(
        _("goal"),
        null=True,
        blank=True,
        help_text=_("Leave empty for goals that step up as they are reached (1,000, 5,000…)."),
    )
    ask_postcode = models.BooleanField(_("ZIP or postcode required"), default=True)
    ask_country = models.BooleanField(_("country required"), default=False)
    unconfirmed_days = models.PositiveSmallIntegerField(
        _("days to confirm"),
        default=7,
        help_text=_("Unconfirmed signatures are deleted after this many days."),
    )

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self) -> str:
        return self.title


class SignatureQuerySet(models.QuerySet):
    def counted(self) -> "SignatureQuerySet":
        return self.filter(
            confirmed_at__isnull=False, invalidated_at__isnull=True, held_at__isnull=True
        )


class Signature(models.Model):
    """One person's signature: one inserted row, unique per petition and normalised email."""

    # No index of its own: one_signature_per_email's index starts with the petition.
    petition = models.ForeignKey(
        PetitionAction, on_delete=models.CASCADE, related_name="signatures", db_index=False
    )
    email = models.EmailField(_("email (normalised)"), max_length=254)
    name = models.CharField(_("name"), max_length=200)
    postcode = models.CharField(_("ZIP or postcode"), max_length=12, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    # A House district ("WI-2") or a UK constituency's code ("E14001172"), as Supporter.district.
    district = models.CharField(_("district or constituency"), max_length=40, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    language = models.CharField(max_length=10, blank=True)
    consents = models.JSONField(
        default=list, blank=True, help_text="[{organization, wording}] as shown when signing."
    )
    # The campaign's organization's person with this address, found or created at signing.
    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("person"),
    )
    source = models.CharField(_("source"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("signed"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # When a confirmation mail was last asked for, and when the last one went out: a task run
    # again after its worker died mid-way sees the mail already sent and sends no second one.
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    held_at = models.DateTimeField(
        _("held for review"),
        null=True,
        blank=True,
        help_text=_("Over a rate limit: not counted and not mailed until released."),
    )
    # Keyed hashes of the address, its /24 (or /48) and its /16 (or /32): see moderation.py.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    ip_network_hash = models.CharField(max_length=32, blank=True, editable=False)
    ip_block_hash = models.CharField(max_length=32, blank=True, editable=False)
    email_domain = models.CharField(max_length=254, blank=True, editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "email"], name="one_signature_per_email")
        ]
        # Moderation searches by address and range; breakdowns and filters by country; the
        # rate limits count recent signatures per address, domain and country; the public
        # count and history read only the counted ones.
        indexes = [
            models.Index(
                fields=["petition", "confirmed_at"],
                condition=models.Q(
                    confirmed_at__isnull=False, invalidated_at__isnull=True, held_at__isnull=True
                ),
                name="counted_signatures",
            ),
            models.Index(
                fields=["petition", "email_domain", "created_at"], name="signatures_by_domain"
            ),
            models.Index(fields=["petition", "ip_hash", "created_at"], name="signatures_by_ip"),
            models.Index(fields=["ip_network_hash"], name="signatures_by_network"),
            models.Index(fields=["ip_block_hash"], name="signatures_by_block"),
            models.Index(
                fields=["petition", "country", "created_at"], name="signatures_by_country"
            ),
            # The dashboard's refresh recounts the recently confirmed (dashboard/rollups.py).
            models.Index(fields=["confirmed_at"], name="signatures_by_confirmation"),
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return self.name
