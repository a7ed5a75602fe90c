"""Fixtures shared by every layer: an app on a throwaway database, its client and CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import flask_migrate
import pytest

from qyzmet import create_app
from qyzmet.extensions import db

FIXTURE_CONTENT = Path(__file__).parent / "guide" / "fixtures" / "content"


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
    }


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A database file brought to the latest migration once; each test gets a copy."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    app = create_app({**base_config(path.parent), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, migrated_sqlite):
    """The application with the real guide content and a migrated, empty database."""
    shutil.copyfile(migrated_sqlite, tmp_path / "test.sqlite3")
    app = create_app(base_config(tmp_path))
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
def fixture_app(tmp_path):
    """The application with the small fixture content, whose every value the tests know."""
    return create_app({**base_config(tmp_path), "GUIDE_CONTENT_ROOT": str(FIXTURE_CONTENT)})
