"""Fixtures shared by every layer: an app on a throwaway database, its client and CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from qyzmet import create_app

FIXTURE_CONTENT = Path(__file__).parent / "guide" / "fixtures" / "content"


def base_config(tmp_path: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "UPLOAD_ROOT": str(tmp_path / "attachments"),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "SMTP_HOST": None,
        "RATELIMIT_ENABLED": False,
        "SITE_URL": "https://qyzmet.example",
    }


@pytest.fixture
def app(tmp_path):
    """The application with the real guide content."""
    return create_app(base_config(tmp_path))


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
