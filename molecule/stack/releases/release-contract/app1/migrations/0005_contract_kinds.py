"""One operation of each kind the migration gate refuses while the old release serves. The
release is refused before any host changes, so its models are left as release two's."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = (("app1", "0004_fill_ratings"),)

    operations = (
        # NOT NULL on a column the old release leaves NULL.
        migrations.AlterField(model_name="app1model", name="rating", field=models.IntegerField()),
        # A type change.
        migrations.AlterField(
            model_name="app1model", name="rating", field=models.BigIntegerField()
        ),
        # A NOT NULL column without a database default: the old release's inserts fail.
        migrations.AddField(
            model_name="app1model",
            name="code",
            field=models.CharField(max_length=10, default="x"),
            preserve_default=False,
        ),
        # A unique constraint on existing rows.
        migrations.AlterField(
            model_name="app1model", name="name", field=models.CharField(max_length=100, unique=True)
        ),
        # An index built without CONCURRENTLY (on a large table: the stack's test says any
        # table is large).
        migrations.AddIndex(
            model_name="app1model", index=models.Index(fields=["gender"], name="app1_gender_idx")
        ),
        migrations.AddConstraint(
            model_name="app1model",
            constraint=models.CheckConstraint(
                condition=models.Q(rating__gte=0), name="app1_rating_not_negative"
            ),
        ),
        migrations.RenameField(model_name="scratch", old_name="label", new_name="title"),
        migrations.RemoveField(model_name="app1model", name="gender"),
        migrations.DeleteModel(name="Scratch"),
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    )
