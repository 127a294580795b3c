"""The `flask --app app kim ...` commands, one module per area; `init_app` registers them all."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Importing the modules declares their commands on `kim`.
    from kim_network.cli import (accounts, demo, importers, introductions, privacy, recommendations,  # noqa: F401
                                 shared, store)
    from kim_network.cli.group import kim

    app.cli.add_command(kim)
