from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # AddIndexConcurrently runs outside a transaction.
    atomic = False

    dependencies = (("app1", "0002_app1model_gender"),)

    operations = (
        migrations.CreateModel(
            name="Scratch",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("label", models.CharField(max_length=50)),
            ],
        ),
        migrations.AddField(
            model_name="app1model",
            name="note",
            field=models.CharField(max_length=200, blank=True, db_default=""),
        ),
        migrations.AddField(
            model_name="app1model",
            name="rating",
            field=models.IntegerField(null=True, blank=True),
        ),
        AddIndexConcurrently(
            model_name="app1model",
            index=models.Index(fields=["name"], name="app1_name_idx"),
        ),
    )
