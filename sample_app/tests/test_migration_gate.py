"""The migration gate's verdicts (roles/app/files/django_skeleton_migrations.py), one operation
kind at a time, against a model the old release already has (shop.Order) in Django's own
migration state, with the test database's connection for the column types."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection, migrations, models
from django.db.migrations.state import ModelState, ProjectState

_SCRIPT = (
    Path(__file__).resolve().parents[2]
    / "roles"
    / "app"
    / "files"
    / "django_skeleton_migrations.py"
)
_spec = importlib.util.spec_from_file_location("django_skeleton_migrations", _SCRIPT)
gate = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = gate
_spec.loader.exec_module(gate)


def _state() -> ProjectState:
    state = ProjectState()
    state.add_model(
        ModelState(
            "shop",
            "Order",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("total", models.IntegerField()),
                ("code", models.CharField(max_length=10)),
                ("note", models.CharField(max_length=20, null=True)),
            ],
        )
    )
    return state


def _verdicts(operations, rows=None, marks=None):
    """The verdicts on operations applied in order, as one pending migration."""
    migration = type("Migration", (migrations.Migration,), dict(marks or {}))("0002_change", "shop")
    migration.operations = operations

    class Loader:
        def project_state(self, node, at_end):
            assert node == ("shop", "0002_change")
            assert at_end is False
            return _state()

    classifier = gate.Classifier(connection, lambda table: rows)
    return gate.migration_verdicts(migration, Loader(), classifier)


def _one(operation, rows=None):
    (found,) = _verdicts([operation], rows)["operations"]
    return found


@pytest.mark.parametrize(
    ("operation", "rows", "kind", "why"),
    [
        (
            migrations.AddField("order", "coupon", models.CharField(max_length=8, null=True)),
            None,
            "expand",
            "new column",
        ),
        (
            migrations.AddField("order", "paid", models.BooleanField(db_default=False)),
            None,
            "expand",
            "new column",
        ),
        (
            migrations.AddField("order", "paid", models.BooleanField(default=False)),
            None,
            "contract",
            "shop_order.paid is NOT NULL without a database default",
        ),
        (
            migrations.AddField(
                "order", "ref", models.CharField(max_length=8, null=True, db_index=True)
            ),
            None,
            "contract",
            "without CONCURRENTLY on shop_order, a table of unknown size",
        ),
        (
            migrations.AddField(
                "order", "ref", models.CharField(max_length=8, null=True, db_index=True)
            ),
            500,
            "expand",
            "a small table (500 rows)",
        ),
        (
            migrations.AddField("order", "tags", models.ManyToManyField("shop.Order")),
            None,
            "expand",
            "join table",
        ),
        (migrations.RemoveField("order", "note"), None, "contract", "drops column note"),
        (migrations.RenameField("order", "note", "remark"), None, "contract", "renames"),
        (migrations.DeleteModel("Order"), None, "contract", "drops the table of Order"),
        (migrations.AlterModelTable("order", "orders"), None, "contract", "renames"),
        (
            migrations.AlterField("order", "total", models.BigIntegerField()),
            None,
            "contract",
            "changes shop_order.total",
        ),
        (
            migrations.AlterField("order", "code", models.CharField(max_length=30)),
            None,
            "expand",
            "keeps its type",
        ),
        (
            migrations.AlterField("order", "code", models.CharField(max_length=5)),
            None,
            "contract",
            "changes",
        ),
        (
            migrations.AlterField("order", "note", models.CharField(max_length=20)),
            None,
            "contract",
            "NOT NULL",
        ),
        (
            migrations.AlterField("order", "code", models.CharField(max_length=10, unique=True)),
            None,
            "contract",
            "unique",
        ),
        (
            migrations.AddIndex("order", models.Index(fields=["code"], name="order_code_idx")),
            2_000_000,
            "contract",
            "a table of about 2000000 rows",
        ),
        (
            migrations.AddIndex("order", models.Index(fields=["code"], name="order_code_idx")),
            10,
            "expand",
            "small",
        ),
        (
            migrations.AddConstraint(
                "order", models.UniqueConstraint(fields=["code"], name="order_code_unique")
            ),
            10,
            "contract",
            "checks every existing row of shop_order",
        ),
        (migrations.RemoveIndex("order", "order_code_idx"), None, "expand", "by its name"),
        (
            migrations.AlterModelOptions("order", {"ordering": ["code"]}),
            None,
            "expand",
            "state only",
        ),
        (migrations.RunPython(migrations.RunPython.noop), None, "contract", "deploy_expand = True"),
        (migrations.RunSQL("UPDATE shop_order SET total = 0"), None, "contract", "cannot read"),
        (
            migrations.SeparateDatabaseAndState(
                database_operations=[migrations.RemoveField("order", "note")]
            ),
            None,
            "contract",
            "drops column note",
        ),
        (
            migrations.CreateModel("Invoice", [("id", models.BigAutoField(primary_key=True))]),
            None,
            "expand",
            "new table",
        ),
    ],
    ids=lambda value: (
        type(value).__name__ if isinstance(value, migrations.operations.base.Operation) else None
    ),
)
def test_each_operation_kind(operation, rows, kind, why):
    found = _one(operation, rows)
    assert (found["kind"], found["operation"]) == (kind, type(operation).__name__), found
    assert why in found["why"], found


def test_an_operation_the_gate_does_not_know_is_contract():
    class Custom(migrations.RunSQL):
        pass

    class Unknown(migrations.operations.base.Operation):
        def state_forwards(self, app_label, state):
            pass

        def describe(self):
            return "something of its own"

    assert _one(Custom("SELECT 1"))["kind"] == "contract"
    found = _one(Unknown())
    assert found["kind"] == "contract", found
    assert "does not know" in found["why"], found


def test_what_a_release_creates_is_expand_whatever_follows():
    result = _verdicts(
        [
            migrations.CreateModel("Invoice", [("id", models.BigAutoField(primary_key=True))]),
            migrations.AddField("invoice", "number", models.IntegerField(default=0)),
            migrations.AddIndex(
                "invoice", models.Index(fields=["number"], name="invoice_number_idx")
            ),
        ]
    )
    assert [op["kind"] for op in result["operations"]] == ["expand"] * 3, result


def test_the_authors_marks():
    marked = _verdicts(
        [migrations.RunPython(migrations.RunPython.noop)], marks={"deploy_expand": True}
    )
    assert marked["expand_marked"]
    assert not marked["after_switch"]
    assert marked["operations"][0]["kind"] == "expand"
    assert "marked deploy_expand = True" in marked["operations"][0]["why"]

    later = _verdicts(
        [migrations.RemoveField("order", "note")], marks={"deploy_after_switch": True}
    )
    assert later["after_switch"]
    assert later["operations"][0]["kind"] == "contract"


@pytest.mark.django_db
def test_the_plan_reads_djangos_own():
    """On the migrated test database nothing is pending, and the plan says something was applied."""
    assert gate.plan(gate.LARGE_TABLE_ROWS) == {"pending": [], "applied_any": True}


@pytest.fixture
def app1_at_0001(monkeypatch):
    """app1's 0002 unapplied (its table loses the column), migrated back afterwards."""
    from django.core.management import call_command

    call_command("migrate", "app1", "0001", verbosity=0)
    yield importlib.import_module("app1.migrations.0002_app1model_gender").Migration
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_migration_marked_after_switch_waits_for_the_after_phase(app1_at_0001, monkeypatch):
    monkeypatch.setattr(app1_at_0001, "deploy_after_switch", True, raising=False)
    waiting = ["app1.0002_app1model_gender"]
    assert gate.migrate("before", 1000, 0, 0) == {"applied": [], "tries": 0, "waiting": waiting}
    after = gate.migrate("after", 1000, 0, 0)
    assert after == {"applied": waiting, "tries": 1, "waiting": []}


@pytest.mark.django_db(transaction=True)
def test_readiness_waits_for_unmarked_migrations_only(app1_at_0001, monkeypatch):
    """A host serves before the migrations marked to run after the switch are applied."""
    from skeleton import health

    assert health.check_migrations() == (False, "unapplied migrations: app1.0002_app1model_gender")
    monkeypatch.setattr(app1_at_0001, "deploy_after_switch", True, raising=False)
    assert health.check_migrations() == (True, "ok")
    # Not cached while one is unapplied: the after phase is still to come.
    assert health._cache.migrations_applied is False


@pytest.mark.django_db(transaction=True)
def test_a_failed_migration_is_named_with_its_cause(app1_at_0001, monkeypatch):
    import django.core.management

    def fail(*args, **kwargs):
        raise RuntimeError("fails on purpose")

    monkeypatch.setattr(django.core.management, "call_command", fail)
    with pytest.raises(gate.MigrationFailed) as failed:
        gate.migrate("before", 1000, 0, 0)
    assert failed.value.name == "app1.0002_app1model_gender"
    assert str(failed.value.__cause__) == "fails on purpose"


@pytest.mark.django_db(transaction=True)
def test_an_unmarked_migration_runs_before_the_switch(app1_at_0001):
    before = gate.migrate("before", 1000, 0, 0)
    assert before == {"applied": ["app1.0002_app1model_gender"], "tries": 1, "waiting": []}


@pytest.mark.django_db(transaction=True)
def test_what_a_newer_release_applied_is_unknown_to_this_one():
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    recorder.record_applied("app1", "0099_newer")
    try:
        assert gate.applied_unknown() == ["app1.0099_newer"]
    finally:
        recorder.record_unapplied("app1", "0099_newer")
    assert gate.applied_unknown() == []
