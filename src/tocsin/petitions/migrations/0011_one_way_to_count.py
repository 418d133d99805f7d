from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("petitions", "0010_signature_petition_covered_by_unique_index")]

    operations = [
        migrations.DeleteModel(name="PetitionCount"),
        migrations.DeleteModel(name="PetitionHour"),
        migrations.DeleteModel(name="SigningCount"),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                condition=models.Q(
                    ("confirmed_at__isnull", False),
                    ("held_at__isnull", True),
                    ("invalidated_at__isnull", True),
                ),
                fields=["petition", "confirmed_at"],
                name="counted_signatures",
            ),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                fields=["petition", "email_domain", "created_at"], name="signatures_by_domain"
            ),
        ),
    ]
