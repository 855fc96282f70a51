from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = (("app1", "0004_fill_ratings"),)

    operations = (
        migrations.AddField(
            model_name="app1model",
            name="priority",
            field=models.PositiveSmallIntegerField(null=True, blank=True),
        ),
    )
