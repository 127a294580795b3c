"""The one way tests build the web app: `make_app(store, data_dir, **config)`.

The settings are those of a test deployment (CSRF on, as in production; no demo data; no
Neo4j of its own; plain-http cookies for the test client). Keyword arguments override them;
`drop=(...)` removes settings so the app's own default applies (for example
``drop=("SESSION_COOKIE_SECURE",)`` to see the production cookie). Tests of the factory's
own refusals and production defaults call `kim_network.create_app` directly on purpose.
"""
from __future__ import annotations

from pathlib import Path

TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "KIM_DEMO": False,
    "NEO4J_URI": None,
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_ENABLED": True,
}


def make_app(store=None, data_dir: str | Path | None = None, *, drop: tuple[str, ...] = (), **config):
    """A test app; on `store` when one is given (the app then never opens a store of its own)."""
    from kim_network import create_app

    settings = {**TEST_SETTINGS, **config}
    if data_dir is not None:
        settings["KIM_DATA_DIR"] = str(data_dir)
    for key in drop:
        settings.pop(key, None)
    app = create_app(settings)
    if store is not None:
        app.extensions["kim_store"] = store
    return app
