"""The `flask --app app kim ...` commands, one module per area; `init_app` registers them all."""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

kim = AppGroup("kim", help="KI.M Netzwerk administration.")


def init_app(app: Flask) -> None:
    # Importing the modules declares their commands on `kim`.
    from kim_network.cli import accounts, demo, importers, introductions, privacy, recommendations, store  # noqa: F401

    app.cli.add_command(kim)
