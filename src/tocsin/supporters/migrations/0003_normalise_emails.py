from django.db import migrations

from tocsin.core.emails import MAX_LENGTH, normalize_email


def normalise_emails(apps, schema_editor):
    """Addresses were stored lower-cased only; every app now stores them normalised (Gmail's
    dots and +tags dropped, the domain in ASCII). An address whose normalised form another
    supporter already has is left as it is: the two rows are not merged here."""
    Supporter = apps.get_model("supporters", "Supporter")
    rows = Supporter.objects.exclude(email=None)
    taken = set(rows.values_list("email", flat=True))
    for pk, email in rows.values_list("pk", "email").iterator():
        normalised = normalize_email(email)
        if normalised != email and normalised not in taken and len(normalised) <= MAX_LENGTH:
            Supporter.objects.filter(pk=pk).update(email=normalised)
            taken.add(normalised)


class Migration(migrations.Migration):

    dependencies = [
        ("supporters", "0002_erase_permission"),
    ]

    operations = [
        migrations.RunPython(normalise_emails, migrations.RunPython.noop, elidable=True),
    ]
