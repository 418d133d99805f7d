from django.db import migrations, models


def confirm_earlier_consents(apps, schema_editor):
    """Consents recorded before confirmation was asked for stay as they were: current."""
    Consent = apps.get_model("supporters", "Consent")
    Consent.objects.filter(confirmed_at__isnull=True).update(confirmed_at=models.F("given_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0003_normalise_emails"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="confirmed"),
        ),
        migrations.RunPython(confirm_earlier_consents, migrations.RunPython.noop, elidable=True),
    ]
