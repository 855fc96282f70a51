"""app1: the model, its admin and its two migrations."""

import pytest
from app1.models import App1Model
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db


def test_new_model_gender_defaults_to_unknown() -> None:
    item = App1Model.objects.create(name="Ada")

    item.refresh_from_db()
    assert item.gender == "unknown"
    assert str(item) == "Ada"


def test_gender_choices_are_offered() -> None:
    assert set(App1Model.Gender.values) == {"female", "male", "other", "unknown"}
    item = App1Model(name="Alan", gender=App1Model.Gender.MALE)
    item.full_clean()


def test_model_is_registered_in_the_admin() -> None:
    assert admin.site.is_registered(App1Model)


def test_models_and_migrations_agree() -> None:
    # Raises SystemExit(1) if a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_both_migrations_apply_and_0002_gives_old_rows_the_default_gender() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("app1", "0001_initial")])
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([("app1", "0001_initial")]).apps
    old_model = old_apps.get_model("app1", "App1Model")
    assert "gender" not in {field.name for field in old_model._meta.get_fields()}
    old_model.objects.create(name="from 0001")

    executor = MigrationExecutor(connection)
    executor.migrate([("app1", "0002_app1model_gender")])

    assert App1Model.objects.get(name="from 0001").gender == "unknown"
    executor.loader.build_graph()
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())
