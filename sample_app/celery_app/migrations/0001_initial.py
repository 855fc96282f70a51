from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = ()

    operations = (
        migrations.CreateModel(
            name="TokenRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("batch", models.CharField(db_index=True, max_length=64)),
                ("token", models.CharField(max_length=128)),
                ("host", models.CharField(max_length=255)),
                ("release", models.CharField(blank=True, max_length=128)),
                ("ran_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    )
