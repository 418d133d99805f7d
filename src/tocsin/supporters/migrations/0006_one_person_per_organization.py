from django.db import migrations


def split_people_by_organization(apps, schema_editor):
    """A supporter was one row for every organization; a person is now one row per
    organization. Each supporter stays the person of the first organization they gave a
    consent to and is copied, with that organization's consents moved over, for every other.
    Someone whose address was confirmed (a confirmed consent) keeps that as the time their
    address was confirmed. Rows left with no consent at all (erased by every group) go."""
    Supporter = apps.get_model("supporters", "Supporter")
    Consent = apps.get_model("supporters", "Consent")
    for supporter in Supporter.objects.filter(organization__isnull=True).iterator():
        consents = list(Consent.objects.filter(supporter=supporter).order_by("given_at", "pk"))
        if not consents:
            supporter.delete()
            continue
        organization_ids = list(dict.fromkeys(c.organization_id for c in consents))
        for index, organization_id in enumerate(organization_ids):
            own = [c for c in consents if c.organization_id == organization_id]
            confirmed = [c.confirmed_at for c in own if c.confirmed_at]
            person = supporter
            if index:
                created_at = supporter.created_at
                person = Supporter.objects.create(
                    email=supporter.email,
                    name=supporter.name,
                    postcode=supporter.postcode,
                    language=supporter.language,
                    erased_at=supporter.erased_at,
                )
                # auto_now_add set it to now: keep when they first joined.
                Supporter.objects.filter(pk=person.pk).update(created_at=created_at)
                Consent.objects.filter(pk__in=[c.pk for c in own]).update(supporter=person)
            person.organization_id = organization_id
            person.email_confirmed_at = min(confirmed) if confirmed else None
            person.save(update_fields=["organization", "email_confirmed_at"])


class Migration(migrations.Migration):
    dependencies = [("supporters", "0005_people")]

    operations = [
        migrations.RunPython(split_people_by_organization, migrations.RunPython.noop),
    ]
