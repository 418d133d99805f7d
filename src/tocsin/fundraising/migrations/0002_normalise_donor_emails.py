from django.db import migrations

from tocsin.core.emails import MAX_LENGTH, normalize_email


def normalise_donor_emails(apps, schema_editor):
    """Donors' addresses were stored as Stripe or the organizer gave them; every app now
    stores them normalised, so a person's gifts are found by the address they use elsewhere."""
    Gift = apps.get_model("fundraising", "Gift")
    for pk, email in Gift.objects.exclude(donor_email="").values_list("pk", "donor_email"):
        normalised = normalize_email(email)
        if normalised != email and len(normalised) <= MAX_LENGTH:
            Gift.objects.filter(pk=pk).update(donor_email=normalised)


class Migration(migrations.Migration):

    dependencies = [
        ("fundraising", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalise_donor_emails, migrations.RunPython.noop, elidable=True),
    ]
