from django.db import migrations

from tocsin.core.emails import MAX_LENGTH, normalize_email


def normalise_emails(apps, schema_editor):
    """Addresses were stored lower-cased only; every app now stores them normalised. An answer
    whose normalised address already answered for the same session is left as it is."""
    Rsvp = apps.get_model("events", "Rsvp")
    taken = set(Rsvp.objects.values_list("session_id", "email"))
    for pk, session_id, email in Rsvp.objects.values_list("pk", "session_id", "email").iterator():
        normalised = normalize_email(email)
        if (
            normalised != email
            and (session_id, normalised) not in taken
            and len(normalised) <= MAX_LENGTH
        ):
            Rsvp.objects.filter(pk=pk).update(email=normalised)
            taken.add((session_id, normalised))


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalise_emails, migrations.RunPython.noop, elidable=True),
    ]
