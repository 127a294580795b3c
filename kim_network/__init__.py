"""KI.M Netzwerk: the network and matchmaking platform of Bavaria's centre for AI and media."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from kim_network.config import ROOT, Config


def create_app(test_config: Mapping[str, Any] | None = None, *, signing: bool = True) -> Flask:
    """Application factory: binds extensions and blueprints; touches no database.

    ``signing=False`` is for `kim` administration commands: they sign nothing, so they run
    without a SECRET_KEY (see `Config.check`).
    """
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
    config.check(signing)
    app.config.from_mapping(config.as_dict())

    from kim_network import api, cli
    from kim_network.extensions import init_extensions
    from kim_network.web.shell import init_web, register_blueprints

    init_extensions(app)
    init_web(app)  # i18n, CSRF, login, security headers, error pages; before any blueprint
    from kim_network.web.security import TrustedHosts

    app.wsgi_app = TrustedHosts(app.wsgi_app, app.config["KIM_TRUSTED_HOSTS"])
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy the client address (login rate limits) and scheme come
        # from X-Forwarded-* headers, trusted for exactly that many hops.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_blueprints(app)
    app.register_blueprint(api.bp)
    cli.init_app(app)
    return app
