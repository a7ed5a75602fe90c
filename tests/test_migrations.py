"""The Alembic migrations on SQLite and PostgreSQL: up, down and up again, matching the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from qyzmet.extensions import db


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def flask_db(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, (result.output, result.exception)


def test_upgrade_from_empty_then_downgrade_to_base_then_upgrade_again(blank_app):
    model_tables = set(db.metadata.tables)
    assert "complaints" in model_tables
    assert tables(blank_app) == set()

    flask_db(blank_app, "upgrade")
    assert tables(blank_app) == model_tables | {"alembic_version"}

    flask_db(blank_app, "downgrade", "base")
    assert tables(blank_app) == {"alembic_version"}

    flask_db(blank_app, "upgrade")
    assert tables(blank_app) == model_tables | {"alembic_version"}


def test_the_models_and_the_migrated_schema_do_not_differ(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
