"""KI.M Netzwerk: the network and matchmaking platform of Bavaria's centre for AI and media."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from .config import ROOT, Config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: binds extensions and blueprints; touches no database."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=str(ROOT / "instance"),
    )
    config = Config()
    if test_config:
        for key, value in test_config.items():
            setattr(config, key, value)
    config.check()
    app.config.from_mapping(config.as_dict())

    from .extensions import init_store

    init_store(app)

    from . import health, cli
    from .web import init_web, pages
    from . import auth

    init_web(app)  # i18n, CSRF, login, security headers, error pages; before any blueprint
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy the client address (login rate limits) and scheme come
        # from X-Forwarded-* headers, trusted for exactly that many hops.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    from . import privacy

    app.register_blueprint(privacy.bp)
    from . import api, introductions, matches, profiles, search

    app.register_blueprint(profiles.bp)
    app.register_blueprint(matches.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(introductions.bp)
    app.register_blueprint(api.bp)
    from . import mapview

    app.register_blueprint(mapview.bp)
    from . import analytics_web

    app.register_blueprint(analytics_web.bp)
    cli.init_app(app)
    return app
