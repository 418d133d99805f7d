import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("supporters", "0006_one_person_per_organization")]

    operations = [
        migrations.AlterField(
            model_name="supporter",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="people",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AddConstraint(
            model_name="supporter",
            constraint=models.UniqueConstraint(
                fields=("organization", "email"), name="one_person_per_address"
            ),
        ),
    ]
