"""The migration gate: which pending migrations the old release survives, from Django's plan.

    app-run --release ID python /srv/app/lib/django_skeleton_migrations.py plan \
        [--large-table-rows N]

During a rolling deploy the old release keeps serving, on the hosts not yet switched, against
the schema the new release has just migrated (and again after a rollback). This reads the
release's pending migrations from Django's own plan (MigrationExecutor, against the database)
and classifies each operation:

  expand    the old release keeps working once it is applied: a new table, a nullable
            column or one with a database default, an index built concurrently (or on a
            small or new table), a constraint or index removed, a change of Django's state
            only;
  contract  the old release breaks, or every request queues behind a lock, while it is
            applied: a column or table dropped or renamed, NOT NULL without a database
            default, a type change, a unique or check constraint on existing rows, an index
            built without CONCURRENTLY on a large table, code or SQL (RunPython, RunSQL) and
            any operation this gate does not know.

An operation on a table that an earlier operation of the same plan created is expand: the old
release does not know that table. A migration class may say what its author checked:
  deploy_expand = True          the old release survives it (e.g. a data migration that
                                only fills a new column): every operation counts as expand;
  deploy_after_switch = True    run it once every web host and worker serves the new release
                                (a contract step of expand/contract, split off by its author).

Prints JSON: {"pending": [{"app", "name", "after_switch", "expand_marked", "operations":
[{"operation", "description", "kind", "why"}]}], "applied_any": bool}. Exits 0 whatever the
classification says: its caller decides.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from dataclasses import asdict, dataclass, replace

EXPAND = "expand"
CONTRACT = "contract"
# An index built without CONCURRENTLY blocks writes to its table while it builds; below this
# many rows (PostgreSQL's estimate) that is short enough to allow.
LARGE_TABLE_ROWS = 100_000

SPLIT = "split it: expand in this release, contract in a later one"


@dataclass
class Verdict:
    operation: str
    description: str
    kind: str
    why: str


class Classifier:
    """Classifies operations one at a time, in plan order, against the state before each.

    table_rows(db_table) returns PostgreSQL's estimate of a table's rows, or None when it is
    unknown (another database, or no such table yet): unknown counts as large.
    """

    def __init__(self, connection, table_rows, large_table_rows: int = LARGE_TABLE_ROWS) -> None:
        self.connection = connection
        self.table_rows = table_rows
        self.large_table_rows = large_table_rows
        # (app_label, model_name) of the models this plan creates.
        self.created: set[tuple[str, str]] = set()

    # -- helpers -------------------------------------------------------------------------
    def _model(self, state, app_label: str, model_name: str):
        return state.apps.get_model(app_label, model_name)

    def _is_new(self, app_label: str, model_name: str) -> bool:
        return (app_label, model_name.lower()) in self.created

    def _index_verdict(self, verdict, db_table: str, what: str) -> Verdict:
        rows = self.table_rows(db_table)
        if rows is not None and rows < self.large_table_rows:
            return verdict(EXPAND, f"{what} on {db_table}, a small table ({rows} rows)")
        size = "of unknown size" if rows is None else f"of about {rows} rows"
        return verdict(
            CONTRACT,
            f"{what} without CONCURRENTLY on {db_table}, a table {size}: writes to it wait "
            "until it is built; use AddIndexConcurrently (django.contrib.postgres.operations, "
            "in a migration with atomic = False)",
        )

    # -- the operations ------------------------------------------------------------------
    def classify(self, operation, app_label: str, before, after) -> Verdict:
        """The verdict on one operation; before and after are the ProjectStates around it."""
        from django.db import migrations

        name = type(operation).__name__
        description = operation.describe()
        model_name = getattr(operation, "model_name", None) or getattr(operation, "name", "")

        def verdict(kind: str, why: str) -> Verdict:
            return Verdict(name, description, kind, why)

        if isinstance(operation, migrations.CreateModel):
            self.created.add((app_label, operation.name_lower))
            return verdict(EXPAND, "a new table, which the old release does not use")
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            for inner, inner_before, inner_after in walk(
                operation.database_operations, app_label, before.clone()
            ):
                found = self.classify(inner, app_label, inner_before, inner_after)
                if found.kind == CONTRACT:
                    return verdict(CONTRACT, found.why)
            return verdict(EXPAND, "its database operations are all expand")
        if isinstance(operation, (migrations.RunPython, migrations.RunSQL)):
            return verdict(
                CONTRACT,
                "code or SQL the gate cannot read; if the old release survives it, "
                "mark the migration deploy_expand = True",
            )
        if isinstance(operation, (migrations.AlterModelOptions, migrations.AlterModelManagers)):
            return verdict(EXPAND, "a change of Django's state only")
        if model_name and self._is_new(app_label, model_name):
            return verdict(
                EXPAND, "on a table this release creates, which the old release does not use"
            )
        # django.contrib.postgres.operations, by name: importing it needs PostgreSQL's driver.
        lineage = {cls.__name__ for cls in type(operation).__mro__}
        if lineage & {"AddIndexConcurrently", "RemoveIndexConcurrently", "ValidateConstraint"}:
            return verdict(EXPAND, "runs without blocking reads or writes")
        if "AddConstraintNotValid" in lineage:
            return verdict(
                EXPAND, "checks new rows only (NOT VALID); validate it in a later migration"
            )
        if lineage & {"CreateExtension", "CreateCollation", "AlterModelTableComment"}:
            return verdict(EXPAND, "a new extension or collation, or a comment")
        if isinstance(
            operation, (migrations.RemoveIndex, migrations.RemoveConstraint, migrations.RenameIndex)
        ):
            return verdict(
                EXPAND, "the old release does not depend on an index or constraint by its name"
            )
        if isinstance(operation, migrations.AddIndex):
            table = self._model(before, app_label, model_name)._meta.db_table
            return self._index_verdict(verdict, table, f"index {operation.index.name}")
        if isinstance(operation, migrations.AddField):
            return self._add_field(operation, app_label, after, verdict)
        if isinstance(operation, migrations.AlterField):
            return self._alter_field(operation, app_label, before, after, verdict)
        if isinstance(operation, (migrations.AlterUniqueTogether, migrations.AlterIndexTogether)):
            option = operation.option_name
            old = set(before.models[app_label, operation.name_lower].options.get(option) or ())
            if set(operation.option_value or ()) <= old:
                return verdict(EXPAND, f"only removes from {option}")
            table = self._model(before, app_label, model_name)._meta.db_table
            if option == "unique_together":
                return verdict(
                    CONTRACT, f"a unique constraint on the existing rows of {table}; " + SPLIT
                )
            return self._index_verdict(verdict, table, f"an index for {option}")
        if isinstance(operation, migrations.AddConstraint):
            table = self._model(before, app_label, model_name)._meta.db_table
            return verdict(
                CONTRACT,
                f"constraint {operation.constraint.name} checks every existing row of {table} "
                "under a lock, and the old release may write rows it refuses; " + SPLIT,
            )
        if isinstance(operation, migrations.RemoveField):
            return verdict(
                CONTRACT,
                f"drops column {operation.name}, which the old release still reads; " + SPLIT,
            )
        if isinstance(operation, migrations.DeleteModel):
            return verdict(
                CONTRACT,
                f"drops the table of {operation.name}, which the old release still uses; " + SPLIT,
            )
        if isinstance(
            operation, (migrations.RenameField, migrations.RenameModel, migrations.AlterModelTable)
        ):
            return verdict(
                CONTRACT, "renames a column or table the old release uses by its old name; " + SPLIT
            )
        return verdict(
            CONTRACT, f"an operation the gate does not know ({type(operation).__module__}.{name})"
        )

    def _add_field(self, operation, app_label: str, after, verdict) -> Verdict:
        from django.db.models import NOT_PROVIDED

        model = self._model(after, app_label, operation.model_name_lower)
        field, table = model._meta.get_field(operation.name), model._meta.db_table
        if field.many_to_many:
            return verdict(EXPAND, "a new join table, which the old release does not use")
        if not field.null and getattr(field, "db_default", NOT_PROVIDED) is NOT_PROVIDED:
            return verdict(
                CONTRACT,
                f"{table}.{field.column} is NOT NULL without a database default: the old "
                "release's inserts fail; give it null=True or db_default, or " + SPLIT,
            )
        if field.unique or field.db_index:
            return self._index_verdict(verdict, table, f"the index of {table}.{field.column}")
        return verdict(EXPAND, f"a new column {table}.{field.column} the old release leaves alone")

    def _alter_field(self, operation, app_label: str, before, after, verdict) -> Verdict:
        old_model = self._model(before, app_label, operation.model_name_lower)
        old = old_model._meta.get_field(operation.name)
        new = self._model(after, app_label, operation.model_name_lower)._meta.get_field(
            operation.name
        )
        table = old_model._meta.db_table
        column = f"{table}.{new.column}"
        if old.column != new.column:
            return verdict(CONTRACT, f"renames column {table}.{old.column}; " + SPLIT)
        old_type, new_type = old.db_type(self.connection), new.db_type(self.connection)
        if old_type != new_type and not _widens(old_type, new_type):
            return verdict(CONTRACT, f"changes {column} from {old_type} to {new_type}; " + SPLIT)
        if old.null and not new.null:
            return verdict(
                CONTRACT, f"makes {column} NOT NULL: the old release may still write NULL; " + SPLIT
            )
        if new.unique and not old.unique:
            return verdict(
                CONTRACT, f"a unique constraint on the existing rows of {column}; " + SPLIT
            )
        if new.db_index and not old.db_index:
            return self._index_verdict(verdict, table, f"the index of {column}")
        return verdict(EXPAND, f"{column} keeps its type and accepts what the old release writes")


def _widens(old_type: str | None, new_type: str | None) -> bool:
    """varchar(n) to varchar(m >= n) or to text: PostgreSQL changes no row."""
    if not old_type or not new_type or not old_type.startswith("varchar("):
        return False
    if new_type == "text":
        return True
    if not new_type.startswith("varchar("):
        return False
    return int(new_type[8:-1]) >= int(old_type[8:-1])


def walk(operations, app_label: str, state):
    """Each operation with the ProjectStates before and after it; state is moved forward."""
    for operation in operations:
        before = state.clone()
        operation.state_forwards(app_label, state)
        yield operation, before, state


def migration_verdicts(migration, loader, classifier: Classifier) -> dict:
    """One pending migration: its marks and the verdict on each of its operations."""
    state = loader.project_state((migration.app_label, migration.name), at_end=False)
    expand_marked = bool(getattr(migration, "deploy_expand", False))
    verdicts = []
    for operation, before, after in walk(migration.operations, migration.app_label, state):
        found = classifier.classify(operation, migration.app_label, before, after)
        if expand_marked and found.kind == CONTRACT:
            found = replace(found, kind=EXPAND, why="marked deploy_expand = True by its author")
        verdicts.append(asdict(found))
    return {
        "app": migration.app_label,
        "name": migration.name,
        "after_switch": bool(getattr(migration, "deploy_after_switch", False)),
        "expand_marked": expand_marked,
        "operations": verdicts,
    }


def table_rows_from(connection):
    """PostgreSQL's estimate of a table's rows (pg_class.reltuples), None elsewhere or unknown."""

    def table_rows(db_table: str) -> int | None:
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [db_table])
            row = cursor.fetchone()
        # -1: never analysed (PostgreSQL 14+); None: no such table.
        return None if row is None or row[0] is None or row[0] < 0 else int(row[0])

    return table_rows


def _key(migration) -> tuple[str, str]:
    return (migration.app_label, migration.name)


def _pending(executor) -> list:
    targets = executor.loader.graph.leaf_nodes()
    return [migration for migration, backwards in executor.migration_plan(targets) if not backwards]


def plan(large_table_rows: int) -> dict:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    classifier = Classifier(connection, table_rows_from(connection), large_table_rows)
    return {
        "pending": [migration_verdicts(m, executor.loader, classifier) for m in _pending(executor)],
        "applied_any": bool(executor.loader.applied_migrations),
    }


def after_switch_keys(pending: list, graph) -> set[tuple[str, str]]:
    """The pending migrations marked deploy_after_switch and every pending one that needs them."""
    later = {_key(m) for m in pending if getattr(m, "deploy_after_switch", False)}
    for migration in pending:  # plan order: dependencies come first
        if any(parent.key in later for parent in graph.node_map[_key(migration)].parents):
            later.add(_key(migration))
    return later


def _lock_timed_out(error: Exception) -> bool:
    # psycopg's LockNotAvailable (SQLSTATE 55P03), wrapped by Django's OperationalError.
    return getattr(error.__cause__, "sqlstate", None) == "55P03"


def migrate(phase: str, lock_timeout_ms: int, retries: int, retry_delay: float) -> dict:
    """Apply the pending migrations of a phase: "before" the switch (all but those marked
    deploy_after_switch and what needs them) or "after" it (the rest). Each statement waits
    at most lock_timeout_ms for its locks; a migration that timed out is rolled back whole
    (Django runs each in a transaction) and the phase is tried again, up to retries times."""
    from django.core.management import call_command
    from django.db import OperationalError, connection
    from django.db.migrations.executor import MigrationExecutor

    first_pending: list | None = None
    tries = 0
    while True:
        executor = MigrationExecutor(connection)
        pending = _pending(executor)
        first_pending = pending if first_pending is None else first_pending
        later = after_switch_keys(pending, executor.loader.graph)
        todo = [m for m in pending if phase == "after" or _key(m) not in later]
        if not todo:
            applied = executor.loader.applied_migrations
            return {
                "applied": [".".join(_key(m)) for m in first_pending if _key(m) in applied],
                "tries": tries,
                "waiting": sorted(map(".".join, later)),
            }
        tries += 1
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, false)", [f"{lock_timeout_ms}ms"]
                )
        try:
            # Per app, the last migration of the phase: migrate applies what it needs first.
            for app_label, name in {m.app_label: m.name for m in todo}.items():
                call_command("migrate", app_label, name, interactive=False, verbosity=0)
        except OperationalError as error:
            if not _lock_timed_out(error):
                raise MigrationFailed(_first_unapplied(todo)) from error
            if tries > retries:
                raise LockTimedOut(_first_unapplied(todo), tries) from error
            time.sleep(retry_delay)
        except Exception as error:
            raise MigrationFailed(_first_unapplied(todo)) from error


class MigrationFailed(Exception):
    """A migration of the phase failed (not on a lock timeout): its name, the cause chained."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class LockTimedOut(MigrationFailed):
    """A migration of the phase waited lock_timeout for a lock on every try."""

    def __init__(self, name: str, tries: int) -> None:
        super().__init__(name)
        self.tries = tries


def _first_unapplied(todo: list) -> str:
    """The first migration of the phase, in plan order, that the database does not have: the
    one that failed (Django applies each in its own transaction, in this order)."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    try:
        applied = MigrationRecorder(connection).applied_migrations()
    except Exception:  # naming the migration is best effort; the cause is raised anyway
        return "one of " + ", ".join(".".join(_key(m)) for m in todo)
    return next((".".join(_key(m)) for m in todo if _key(m) not in applied), "?")


def applied_unknown() -> list[str]:
    """Migrations the database has applied that this release's code does not have (its
    installed apps' only): what a newer release migrated, seen from the release rolled back to."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    apps = {app_label for app_label, _ in loader.disk_migrations}
    return sorted(
        ".".join(key)
        for key in loader.applied_migrations
        if key[0] in apps and key not in loader.disk_migrations
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan_parser = commands.add_parser(
        "plan", help="classify the pending migrations (JSON on stdout)"
    )
    plan_parser.add_argument("--large-table-rows", type=int, default=LARGE_TABLE_ROWS)
    migrate_parser = commands.add_parser("migrate", help="apply the pending migrations of a phase")
    migrate_parser.add_argument("phase", choices=["before", "after"])
    migrate_parser.add_argument("--lock-timeout-ms", type=int, default=5000)
    migrate_parser.add_argument("--retries", type=int, default=3)
    migrate_parser.add_argument("--retry-delay", type=float, default=5.0)
    commands.add_parser("applied-unknown", help="applied migrations this release does not have")
    args = parser.parse_args(argv)

    import django

    django.setup()
    if args.command == "plan":
        result = plan(args.large_table_rows)
    elif args.command == "migrate":
        try:
            result = migrate(args.phase, args.lock_timeout_ms, args.retries, args.retry_delay)
        except LockTimedOut as failed:
            sys.stderr.write(
                f"migrations: {failed.name} waited for a lock another transaction held, "
                f"{failed.tries} tries of {args.lock_timeout_ms} ms ({failed.__cause__}); "
                "nothing half-done was kept\n"
            )
            return 3
        except MigrationFailed as failed:
            cause = failed.__cause__
            traceback.print_exception(cause)
            sys.stderr.write(f"migrations: {failed.name} failed: {type(cause).__name__}: {cause}\n")
            return 1
    else:
        result = {"applied_unknown": applied_unknown()}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
