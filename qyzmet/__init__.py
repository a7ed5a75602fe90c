"""Qyzmet: a bilingual guide to state services and a complaint tracker for district akimats."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket
from sqlalchemy.exc import SQLAlchemyError

from qyzmet import components, database, errors, i18n, navigation, security, templating, urls
from qyzmet.config import MIGRATIONS, PROJECT_ROOT, from_environment
from qyzmet.extensions import babel, csrf, db, limiter, login_manager, migrate


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app in the process (tests build many apps)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self._store.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_BYTECODE = _MemoryBytecodeCache()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides the environment (tests pass theirs here)."""
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(from_environment(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(Path(__file__).parent / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.bytecode_cache = _TEMPLATE_BYTECODE
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    i18n.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.session_protection = "basic"
    limiter.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    navigation.init_app(app)
    urls.init_app(app)
    components.init_app(app)

    import complaints.models  # noqa: F401 - the tables must be known to Alembic and the app
    from complaints import cli as complaints_cli
    from complaints.public import blueprint as complaints_public_blueprint
    from complaints.staff import blueprint as staff_blueprint
    from complaints.staff import cli as staff_cli
    from guide import cli as guide_cli
    from guide.views import blueprint as guide_blueprint

    app.register_blueprint(guide_blueprint)
    app.register_blueprint(complaints_public_blueprint)
    app.register_blueprint(staff_blueprint)
    WTFormsHelpers(app)
    app.cli.add_command(guide_cli.guide)
    app.cli.add_command(staff_cli.staff)
    app.cli.add_command(complaints_cli.complaints)

    @app.get("/healthz")
    def healthz():
        """For load balancers: the app answers and its database answers."""
        try:
            db.session.execute(db.text("SELECT 1"))
            # A server on a database older than its code fails most requests: out of rotation.
            behind = database.migrations_missing(db.engine, MIGRATIONS)
        except SQLAlchemyError:
            db.session.rollback()
            return {"status": "unavailable", "database": "unreachable"}, 503
        if behind is not None:
            return {"status": "unavailable", "database": "migrations not applied"}, 503
        return {"status": "ok"}

    return app
