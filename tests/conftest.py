"""Fixtures shared by every layer: an app on a throwaway database, its client and CLI runner.

Every test that uses `app` (or `client`, `runner`, `database_url`) runs twice, on SQLite and
on PostgreSQL — the two databases Qyzmet ships for. Tests that only read guide pages use
`guide_app`/`guide_client` or `fixture_app`, which open no database and run once.
See docs/testing.md.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from hypothesis import settings
from pytest_postgresql import factories
from sqlalchemy.engine import URL

from qyzmet import create_app
from qyzmet.extensions import db

pytest_plugins = ("postgres",)

# CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) gives each property test the same examples every
# run, so that a refused submission is the code's doing, not the dice's; run by hand, the
# examples change every time and the fuzzing keeps exploring.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FIXTURE_CONTENT = Path(__file__).parent / "guide" / "fixtures" / "content"
# Asking for one of these reaches the PostgreSQL server whatever the `database` parameter.
POSTGRESQL_FIXTURES = {
    "postgresql_server",
    "postgresql_noproc",
    "postgresql",
    "postgresql_migrated",
}


def base_config(tmp_path: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "UPLOAD_ROOT": str(tmp_path / "attachments"),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "SMTP_HOST": None,
        "MAIL_DELIVERY": "inline",
        "RATELIMIT_ENABLED": False,
        "SITE_URL": "https://qyzmet.example",
        # Speed, not safety, for throwaway test databases; the durability tests run gunicorn
        # with the production setting (FULL) themselves.
        "SQLITE_SYNCHRONOUS": "OFF",
        # argon2id at its cheapest: the suite hashes and verifies hundreds of passwords.
        "ARGON2_PROFILE": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reaches PostgreSQL `postgres`, so `-m "not postgres"` leaves it out.

    Done here rather than on the fixture's params so that a test narrowing `database` with its
    own `parametrize("database", [...], indirect=True)` is marked all the same.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgresql = callspec is not None and callspec.params.get("database") == "postgresql"
        if on_postgresql or POSTGRESQL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


# --------------------------------------------------------------------------------------------
# Databases


def migrate(database_url: str) -> None:
    """Bring a database to the latest migration, as `flask db upgrade` does."""
    with tempfile.TemporaryDirectory() as workdir:
        app = create_app({**base_config(Path(workdir)), "SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()


def _load_migrations(*, host, port, user, password, dbname, **_) -> None:
    """`migrate`, called the way pytest-postgresql calls a loader."""
    url = URL.create(
        "postgresql+psycopg",
        username=user,
        password=password,
        host=host,
        port=port,
        database=dbname,
    )
    migrate(url.render_as_string(hide_password=False))


# pytest-postgresql's view of the throwaway server (tests/postgres.py), with a template
# database `qyzmet_tmpl` migrated once; each test gets a copy made by CREATE DATABASE … TEMPLATE,
# a fraction of the cost of migrating per test.
postgresql_migrated = factories.postgresql_noproc(
    dbname="qyzmet", load=[_load_migrations], depends_on="postgresql_server"
)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A database file brought to the latest migration once; each test gets a copy."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request) -> str:
    """The database the test runs on: every test that asks for one runs on both."""
    return request.param


@pytest.fixture
def database_url(database, tmp_path, request) -> Iterator[str]:
    """A fresh database at the latest migration, dropped after the test."""
    if database == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgresql_server")
    template = request.getfixturevalue("postgresql_migrated")
    with server.fresh_database(template.template_dbname) as url:
        yield url


@pytest.fixture
def empty_database_url(database, tmp_path, request) -> Iterator[str]:
    """A fresh database with no tables at all, for tests of the migrations themselves."""
    if database == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with request.getfixturevalue("postgresql_server").fresh_database() as url:
        yield url


# --------------------------------------------------------------------------------------------
# Applications


@pytest.fixture
def app(database_url, tmp_path):
    """The application with the real guide content and a migrated, empty database."""
    app = create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url})
    yield app
    with app.app_context():
        # Connections go back before the database is dropped (PostgreSQL) or the file removed.
        db.engine.dispose()


@pytest.fixture
def blank_app(empty_database_url, tmp_path):
    """The application on a database with no tables yet, for tests of the migrations."""
    app = create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def guide_app(tmp_path):
    """The application with the real guide content, for guide pages: no database is opened."""
    return create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture
def guide_client(guide_app):
    return guide_app.test_client()


@pytest.fixture
def fixture_app(tmp_path):
    """The application with the small fixture content, whose every value the tests know."""
    return create_app({**base_config(tmp_path), "GUIDE_CONTENT_ROOT": str(FIXTURE_CONTENT)})
