from django.db import migrations


def fill_ratings(apps, schema_editor):
    apps.get_model("app1", "App1Model").objects.filter(rating=None).update(rating=0)


class Migration(migrations.Migration):
    dependencies = (("app1", "0003_expand_kinds"),)

    operations = (migrations.RunPython(fill_ratings, migrations.RunPython.noop),)

    # It only fills a column the old release does not know: safe while it serves.
    deploy_expand = True
