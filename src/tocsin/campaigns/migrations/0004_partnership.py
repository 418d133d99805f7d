import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def invitations_from_partners(apps, schema_editor):
    """Groups named as partners before invitations existed were never asked: each becomes a
    pending invitation, not shown and not asked about until one of its organizers accepts."""
    Campaign = apps.get_model("campaigns", "Campaign")
    Partnership = apps.get_model("campaigns", "Partnership")
    now = django.utils.timezone.now()
    Partnership.objects.bulk_create(
        Partnership(
            campaign_id=row.campaign_id,
            organization_id=row.organization_id,
            status="pending",
            invited_at=now,
        )
        for row in Campaign.partners.through.objects.iterator()
    )


def partners_from_invitations(apps, schema_editor):
    """Going back, only the groups that accepted are partners again."""
    Campaign = apps.get_model("campaigns", "Campaign")
    Partnership = apps.get_model("campaigns", "Partnership")
    Campaign.partners.through.objects.bulk_create(
        Campaign.partners.through(campaign_id=row.campaign_id, organization_id=row.organization_id)
        for row in Partnership.objects.filter(status="accepted").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_stance_evidence"),
        ("organizations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # A many-to-many field cannot be given a `through` model in place: the invitations get a
    # table of their own, the rows are copied, and the field is declared again over it.
    operations = [
        migrations.CreateModel(
            name="Partnership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Not answered yet"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="answer",
                    ),
                ),
                (
                    "invited_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="invited"
                    ),
                ),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered"),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="answered by",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partnerships",
                        to="campaigns.campaign",
                        verbose_name="campaign",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invited by",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partnerships",
                        to="organizations.organization",
                        verbose_name="partner group",
                    ),
                ),
            ],
            options={
                "verbose_name": "partnership invitation",
                "verbose_name_plural": "partnership invitations",
                "ordering": ["-invited_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "organization"), name="one_partnership_per_group"
                    )
                ],
            },
        ),
        migrations.RunPython(invitations_from_partners, partners_from_invitations),
        migrations.RemoveField(model_name="campaign", name="partners"),
        migrations.AddField(
            model_name="campaign",
            name="partners",
            field=models.ManyToManyField(
                blank=True,
                related_name="partner_campaigns",
                through="campaigns.Partnership",
                to="organizations.organization",
                verbose_name="invited partner groups",
            ),
        ),
    ]
