"""Configuration from the environment, so one build runs in development, CI and production."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = PROJECT_ROOT / "migrations"
LANGUAGES = ("kk", "ru")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment; in development, a random key kept in instance/.

    Keeping the generated key in a file means sessions and access-code hashes survive a
    restart of `make run` without anyone having to set a variable.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def from_environment(instance_path: Path) -> dict[str, object]:
    production = _flag("QYZMET_PRODUCTION")
    if production and not os.environ.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set when QYZMET_PRODUCTION is on")
    # Without it, every email, coupon and sitemap would send applicants to the development
    # address: better not to start than to send a thousand receipts with a dead link.
    if production and not os.environ.get("SITE_URL"):
        raise RuntimeError(
            "SITE_URL must be set when QYZMET_PRODUCTION is on: it is the public address "
            "in emails, coupons, the sitemap and the hreflang links"
        )
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'qyzmet.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's bare postgresql:// means psycopg2.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "PRODUCTION": production,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLITE_SYNCHRONOUS": os.environ.get("SQLITE_SYNCHRONOUS", "FULL"),
        # How long a write waits behind another before the visitor is told "busy, try again".
        "DATABASE_LOCK_TIMEOUT": float(os.environ.get("DATABASE_LOCK_TIMEOUT", "20")),
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "kk",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Almaty",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "GUIDE_CONTENT_ROOT": os.environ.get("GUIDE_CONTENT_ROOT")
        or str(PROJECT_ROOT / "guide" / "content"),
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "PAGEFIND_DIR": os.environ.get("PAGEFIND_DIR") or str(instance_path / "site" / "pagefind"),
        "UPLOAD_ROOT": os.environ.get("UPLOAD_ROOT") or str(instance_path / "attachments"),
        "OUTBOX_DIR": os.environ.get("OUTBOX_DIR") or str(instance_path / "outbox"),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS", default=True),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Qyzmet <no-reply@qyzmet.local>"),
        # "thread": send after the response in the background; "inline": before it (tests).
        "MAIL_DELIVERY": os.environ.get("MAIL_DELIVERY", "thread"),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # Redis down or hung must not stop citizens filing: after at most the socket timeout
        # each worker counts the same limits in its own memory, and goes back to Redis when it
        # answers again (Flask-Limiter checks after 1, 2, 4… s). Ignored by memory://.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        "RATELIMIT_ENABLED": not _flag("QYZMET_DISABLE_RATE_LIMITS"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Five attachments of 10 MB plus the form itself.
        "MAX_CONTENT_LENGTH": 52 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        # In production the __Host- prefix: browsers then take the cookie only from this very
        # host over HTTPS, so no other site of a shared parent domain can set or replace it.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "FREEZER_RELATIVE_URLS": False,
        "FREEZER_REMOVE_EXTRA_FILES": True,
    }
