"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_login import current_user

from models.session import bind, db, finish, make_engine
from workflows import evidence
from workflows.audit import client_ip, keep_rows, start_unit_of_work
from workflows.notifications import unread_count

from . import extensions as ext
from .config import INSTANCE_DIR, Config, _secret_key, database_url
from .converters import RowIdConverter


def select_locale() -> str:
    """The language the user chose, else an English-first browser's, else Simplified Chinese."""
    chosen = session.get("lang")
    if chosen in Config.LANGUAGES:
        return chosen
    return "en" if request.accept_languages.best_match(["zh", "en"]) == "en" else "zh_CN"


def create_app(config: dict | None = None) -> Flask:
    """Build the app; runs no queries."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(Config)
    app.config.update(SECRET_KEY=None, DATABASE_URL=None)
    app.config.update(config or {})
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _secret_key()
    app.config["DATABASE_URL"] = app.config["DATABASE_URL"] or database_url()
    engine = app.config.get("ENGINE") or make_engine(app.config["DATABASE_URL"])
    if app.config.get("BIND_SESSION", True):  # tests bind the session to their own transaction
        bind(engine)
    app.extensions["jixiao_engine"] = engine
    evidence.configure(app.config["FILE_STORE"], app.config["MAX_EVIDENCE_BYTES"])

    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=select_locale)
    ext.api.init_app(app)
    _register_transaction_boundary(app)
    _register_blueprints(app)
    from . import errors, filters
    errors.register(app)
    filters.register(app)
    from .cli import register_cli
    register_cli(app)
    return app


def _register_transaction_boundary(app: Flask) -> None:
    @app.before_request
    def remember_client() -> None:
        g.ip_token = client_ip.set(request.remote_addr)
        start_unit_of_work()

    @app.after_request
    def commit_or_roll_back(response):
        # The one commit of a request: operations only flush.
        finish(response.status_code < 400)
        if response.status_code >= 400:
            keep_rows()  # refused reads stay on record (R18)
        return response

    @app.teardown_request
    def release_session(exc) -> None:
        if exc is not None:
            db.rollback()
            keep_rows()
        db.remove()

    @app.context_processor
    def inject_user():
        def notification_badge() -> int:
            """Unread notifications of the user, counted once per request when asked for."""
            if not current_user.is_authenticated:
                return 0
            if "notification_badge" not in g:
                g.notification_badge = unread_count(current_user)
            return g.notification_badge

        return {"current_user": current_user, "languages": Config.LANGUAGES,
                "notification_badge": notification_badge}


def _register_blueprints(app: Flask) -> None:
    from .api import register_api
    from .auth.views import bp as auth_bp
    from .dashboard.views import bp as dashboard_bp
    from .evaluations import bp as evaluations_bp
    from .ex_ante.views import bp as ex_ante_bp
    from .firms.views import bp as firms_bp
    from .inbox.views import bp as inbox_bp
    from .instances.views import bp as instances_bp
    from .issuance.views import bp as issuance_bp
    from .ledger.views import bp as ledger_bp
    from .monitoring.views import bp as monitoring_bp
    from .notifications.views import bp as notifications_bp
    from .processes import bp as processes_bp
    from .projects.views import bp as projects_bp
    from .results.views import bp as results_bp
    from .self_evaluations.views import bp as self_evaluations_bp
    from .settings.views import bp as settings_bp

    for blueprint in (auth_bp, inbox_bp, instances_bp, projects_bp, ledger_bp,
                      notifications_bp, firms_bp, evaluations_bp, processes_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(self_evaluations_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(ex_ante_bp)
    app.register_blueprint(issuance_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(dashboard_bp)
    register_api(ext.api)
