from django.db import migrations


class Migration(migrations.Migration):
    dependencies = (("app1", "0005_priority"),)

    operations = (migrations.RemoveField(model_name="app1model", name="note"),)

    # The contract step of note's removal: release two reads the column, so it is dropped
    # once every web host and worker serves this release, which does not.
    deploy_after_switch = True
