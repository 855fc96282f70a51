from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = (("app1", "0001_initial"),)

    operations = (
        migrations.AddField(
            model_name="app1model",
            name="gender",
            field=models.CharField(
                choices=[
                    ("female", "Female"),
                    ("male", "Male"),
                    ("other", "Other"),
                    ("unknown", "Unknown"),
                ],
                default="unknown",
                max_length=10,
            ),
        ),
    )
